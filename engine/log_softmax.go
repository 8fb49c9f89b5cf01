package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// LogSoftmaxParams are LOG_SOFTMAX's prepared parameters.
//
// float32 mirrors TFLite's optimized_ops::LogSoftmax / reference_ops::LogSoftmax
// and TFLite Micro's log_softmax.cc. Per row of the last dimension, in
// float32:
//
//	m   = max(x)                      (std::max from −FLT_MAX)
//	sum = Σ expf(x_j − m)             (added in order)
//	out = (x_i − m) − logf(sum)
//
// int8 (output scale 16/256, zero point 127) mirrors TFLite's
// reference_integer_ops::LogSoftmax and TFLite Micro's log_softmax.cc
// (reference_ops::LogSoftmaxQuantized); uint8 (zero point 255) TFLite's
// reference_ops::LogSoftmax for uint8, the same arithmetic over uint8's
// range (its MultiplyByQuantizedMultiplierGreaterThanOne and
// …SmallerThanOneExp are MultiplyByQuantizedMultiplier in both roundings;
// TFLite Micro has no uint8 LOG_SOFTMAX). Both use the multipliers of
// PreprocessLogSoftmaxScalingExp (β = 1, 5 integer bits). Per row, with
// d = x − max(x):
//
//	d5  = MultiplyByQuantizedMultiplier(d, InputMultiplier, InputLeftShift)   (Q5.26)
//	sum = Σ Rescale<12>(exp_on_negative_values(d5)) over d ≥ DiffMin          (Q12.19)
//	L   = log_x_for_x_greater_than_or_equal_to_1<5>(sum)                     (Q5.26)
//	out = d > max(DiffMin − 1, MultiplyByQuantizedMultiplier(L + INT32_MIN,
//	          ReverseScalingDivisor, −ReverseScalingRightShift))
//	      ? clamp(RoundingDivideByPOT(d5 − L, 22) + zp, qmin, qmax) : qmin
//
// with zp = qmax = 127, qmin = −128 (int8) or zp = qmax = 255, qmin = 0
// (uint8).
// MultiplyByQuantizedMultiplier rounds as the prepared build does
// (Rounding). The browser TFLite's builtin kernel computes int8 and uint8
// through a float32 table instead (log_softmax_xnnpack.go).
type LogSoftmaxParams struct {
	Depth int   `json:"depth"`
	Rows  int   `json:"rows"`
	Type  DType `json:"type"`

	// int8 and uint8 only.
	InputMultiplier          int32    `json:"input_multiplier,omitempty"`
	InputLeftShift           int      `json:"input_left_shift,omitempty"`
	ReverseScalingDivisor    int32    `json:"reverse_scaling_divisor,omitempty"`
	ReverseScalingRightShift int      `json:"reverse_scaling_right_shift,omitempty"`
	DiffMin                  int32    `json:"diff_min,omitempty"`
	Rounding                 Rounding `json:"rounding,omitempty"`

	in, out int
}

// LOG_SOFTMAX's fixed-point formats (TFLite's kScaledDiffIntegerBits,
// kAccumulationIntegerBits, kOutputIntegerBits).
const (
	logSoftmaxDiffBits  = 5
	logSoftmaxAccumBits = 12
	logSoftmaxOutBits   = 4
)

func init() { register(tflite.BuiltinOperatorLOG_SOFTMAX, prepareLogSoftmax) }

func prepareLogSoftmax(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	if in.Type != out.Type || (in.Type != Float32 && in.Type != Int8 && in.Type != Uint8) {
		return nil, c.errorf("%v LOG_SOFTMAX is not supported (float32, int8 and uint8 only)", in.Type)
	}
	if len(in.Shape) < 1 {
		return nil, c.errorf("input tensor %d is a scalar; LOG_SOFTMAX needs at least one dimension", in.Index)
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	p := &LogSoftmaxParams{Depth: in.Shape[len(in.Shape)-1], Type: in.Type, in: in.Index, out: out.Index}
	if p.Depth > 0 {
		p.Rows = in.NumElements() / p.Depth
	}
	if in.Type != Float32 {
		if err := checkLogSoftmaxQuant(c, in, out); err != nil {
			return nil, err
		}
		p.InputMultiplier, p.InputLeftShift = fixedpoint.PreprocessSoftmaxScaling(1, in.Scale(), logSoftmaxDiffBits)
		// PreprocessLogSoftmaxScalingExp: the inverse of the input scaling.
		rev := float64(int64(1)<<(31-p.InputLeftShift)) / float64(p.InputMultiplier)
		var shift int
		p.ReverseScalingDivisor, shift = fixedpoint.QuantizeMultiplierSmallerThanOneExp(rev)
		p.ReverseScalingRightShift = -shift
		p.DiffMin = -fixedpoint.CalculateInputRadius(logSoftmaxDiffBits, p.InputLeftShift, 31)
		p.Rounding = c.rounding
	}
	return p, nil
}

// checkLogSoftmaxQuant checks what every TFLite requires of an int8 or
// uint8 LOG_SOFTMAX (output scale 16/256, zero point 127 or 255: log
// probabilities in [−16, 0]) and that the input
// scale is in the range TFLite's PreprocessSoftmaxScaling handles (below
// 2^-26 TFLite aborts; from 2^5 on the Q5.26 differences overflow).
func checkLogSoftmaxQuant(c *prepCtx, in, out *Tensor) error {
	_, zp := quantRange(in.Type)
	if float32(out.Scale()) != 16.0/256 || out.ZeroPoint() != zp {
		return c.errorf("%v LOG_SOFTMAX needs output scale 16/256 and zero point %d (TFLite's requirement); output tensor %d has scale %g, zero point %d", in.Type, zp, out.Index, out.Scale(), out.ZeroPoint())
	}
	if s := in.Scale(); !(s*(1<<(31-logSoftmaxDiffBits)) > 1) || !(s < 1<<logSoftmaxDiffBits) {
		return c.errorf("%v LOG_SOFTMAX: input tensor %d's scale %g is outside (2^-26, 2^5), where TFLite's fixed-point scaling neither aborts nor overflows", in.Type, in.Index, s)
	}
	return nil
}

// logSoftmaxRow returns a row's max and the log of its sum of exponentials.
func logSoftmaxRow(x []float32) (m, logSum float32) {
	m = -math.MaxFloat32
	for _, v := range x {
		if m < v { // std::max
			m = v
		}
	}
	var sum float32
	for _, v := range x {
		sum += muslExpf(v - m)
	}
	return m, muslLogf(sum)
}

// mbqm is MultiplyByQuantizedMultiplier with the prepared rounding.
func (p *LogSoftmaxParams) mbqm(x, m int32, shift int) int32 {
	return Requant{Multiplier: m, Shift: shift, Rounding: p.Rounding}.apply(x)
}

// quantRange is the range of an int8 or uint8 value; its top is also
// LOG_SOFTMAX's output zero point (log probability 0).
func quantRange(t DType) (lo, hi int32) {
	if t == Uint8 {
		return 0, math.MaxUint8
	}
	return math.MinInt8, math.MaxInt8
}

// logSoftmaxQuantRow computes a row's maximum, sum of exponentials
// (Q12.19), its log (Q5.26) and the threshold at or below which an output
// is the type's minimum.
func logSoftmaxQuantRow[T int8 | uint8](p *LogSoftmaxParams, x []T) (mx, sum, logSum, adjustedDiffMin int32) {
	mx, _ = quantRange(p.Type)
	for _, v := range x {
		mx = max(mx, int32(v))
	}
	for _, v := range x {
		if d := int32(v) - mx; d >= p.DiffMin {
			d5 := p.mbqm(d, p.InputMultiplier, p.InputLeftShift)
			sum += fixedpoint.Rescale(fixedpoint.ExpOnNegativeValues(d5, logSoftmaxDiffBits), 0, logSoftmaxAccumBits)
		}
	}
	logSum = fixedpoint.LogXForXGreaterThanOrEqualTo1(sum, logSoftmaxDiffBits, logSoftmaxAccumBits)
	adjustedDiffMin = max(p.DiffMin-1, p.mbqm(logSum+math.MinInt32, p.ReverseScalingDivisor, -p.ReverseScalingRightShift))
	return mx, sum, logSum, adjustedDiffMin
}

// quantOut is one output: d5 = d in Q5.26 and the row's log sum, or the
// type's minimum when d is at or below the threshold.
func (p *LogSoftmaxParams) quantOut(d, logSum, adjustedDiffMin int32) (d5, out int32) {
	lo, hi := quantRange(p.Type)
	if d <= adjustedDiffMin {
		return 0, lo
	}
	d5 = p.mbqm(d, p.InputMultiplier, p.InputLeftShift)
	o := fixedpoint.RoundingDivideByPOT(d5-logSum, 31-logSoftmaxDiffBits-logSoftmaxOutBits) + hi
	return d5, clamp(o, lo, hi)
}

func logSoftmaxQuant[T int8 | uint8](p *LogSoftmaxParams, in, out []T) {
	for row := 0; row < p.Rows; row++ {
		x, y := in[row*p.Depth:(row+1)*p.Depth], out[row*p.Depth:(row+1)*p.Depth]
		mx, _, ls, adj := logSoftmaxQuantRow(p, x)
		for i, v := range x {
			_, o := p.quantOut(int32(v)-mx, ls, adj)
			y[i] = T(o)
		}
	}
}

func (p *LogSoftmaxParams) eval(r *run, op *Op) error {
	switch p.Type {
	case Int8:
		logSoftmaxQuant(p, r.i8(p.in), r.i8(p.out))
		return nil
	case Uint8:
		logSoftmaxQuant(p, r.u8(p.in), r.u8(p.out))
		return nil
	}
	in, out := r.f32(p.in), r.f32(p.out)
	for row := 0; row < p.Rows; row++ {
		x, y := in[row*p.Depth:(row+1)*p.Depth], out[row*p.Depth:(row+1)*p.Depth]
		m, ls := logSoftmaxRow(x)
		for i, v := range x {
			y[i] = (v - m) - ls
		}
	}
	return nil
}

func (p *LogSoftmaxParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	row := index / p.Depth * p.Depth
	switch p.Type {
	case Uint8:
		return explainLogSoftmaxQuant(p, res.Tensors[p.in][row:row+p.Depth], index)
	case Int8:
		return explainLogSoftmaxQuant(p, AsInt8(res.Tensors[p.in])[row:row+p.Depth], index)
	}
	x := AsFloat32(res.Tensors[p.in])[row : row+p.Depth]
	v := x[index-row]
	m, ls := logSoftmaxRow(x)
	return floatExplanation([]Step{
		{"input", fmt.Sprintf("x = input[%d] = %s", index, exactFloat(v)), float64(v)},
		{"max", fmt.Sprintf("m = max of the row's %d values = %s", p.Depth, exactFloat(m)), float64(m)},
		{"log sum", fmt.Sprintf("logf(Σ expf(x_j − m)), added in order = %s", exactFloat(ls)), float64(ls)},
	}, "(x − m) − log sum", (v-m)-ls), nil
}

// explainLogSoftmaxQuant explains output index of an int8 or uint8
// LOG_SOFTMAX, xs being its row.
func explainLogSoftmaxQuant[T int8 | uint8](p *LogSoftmaxParams, xs []T, index int) (*Explanation, error) {
	mx, sum, ls, adj := logSoftmaxQuantRow(p, xs)
	x := int32(xs[index%p.Depth])
	lo, hi := quantRange(p.Type)
	d := x - mx
	d5, o := p.quantOut(d, ls, adj)
	steps := []Step{
		{"input", fmt.Sprintf("x = input[%d]", index), float64(x)},
		{"row max", fmt.Sprintf("max of the row's %d values", p.Depth), float64(mx)},
		{"difference", "d = x − max", float64(d)},
		{"sum of exps", fmt.Sprintf("Σ exp_on_negative_values(d_j in Q5.26) for d_j ≥ %d, in Q12.19 (raw %d)", p.DiffMin, sum), math.Ldexp(float64(sum), -19)},
		{"log sum", fmt.Sprintf("log_x_for_x_greater_than_or_equal_to_1 in Q5.26 (raw %d)", ls), math.Ldexp(float64(ls), -26)},
		{"threshold", fmt.Sprintf("outputs with d ≤ %d are %d", adj, lo), float64(adj)},
	}
	if d > adj {
		steps = append(steps,
			Step{"scaled difference", fmt.Sprintf("MultiplyByQuantizedMultiplier(d, %d, %d) in Q5.26 (raw %d)", p.InputMultiplier, p.InputLeftShift, d5), math.Ldexp(float64(d5), -26)},
			Step{"output", fmt.Sprintf("clamp(RoundingDivideByPOT(d5 − log sum, 22) + %d, %d, %d)", hi, lo, hi), float64(o)})
	}
	return &Explanation{Steps: steps, Value: int64(o), Arithmetic: fmt.Sprintf("TFLite integer LogSoftmax (gemmlowp fixed point, %s rounding)", p.Rounding)}, nil
}
