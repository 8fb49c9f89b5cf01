package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// SoftmaxParams are SOFTMAX's prepared parameters.
//
// Mirrors TFLite Micro's softmax_common.cc (SoftmaxPrepare,
// CalculateSoftmaxParams) and the reference kernels reference/softmax.h,
// along the last dimension:
//
//   - int8 → int8 or int16, uint8 → uint8 (Softmax<InputT, OutputT>): for each input x with
//     d = x − max(row) ≥ DiffMin, the difference is scaled to Q5.26,
//     s = MultiplyByQuantizedMultiplierGreaterThanOne(d, InputMultiplier, InputLeftShift),
//     e = exp(s) in Q0.31 (gemmlowp's exp_on_negative_values), summed in
//     Q12.19; the sum's reciprocal 1/Σ (GetReciprocal) scales each e:
//     out = RoundingDivideByPOT(reciprocal·e, nbits + 31 − 8·sizeof(out)) + min(out type),
//     and elements with d < DiffMin give min(out type).
//   - int16 → int16 (SoftmaxInt16): exp and 1/(1+x) by 513-entry
//     interpolated lookup tables, as TFLite Micro builds them in float32.
//   - float32: exp((x − max)·beta) / Σ, in float32.
type SoftmaxParams struct {
	Beta            float32 `json:"beta"`
	InputMultiplier int32   `json:"input_multiplier,omitempty"`
	InputLeftShift  int     `json:"input_left_shift,omitempty"`
	DiffMin         int32   `json:"diff_min,omitempty"` // int8 input: −CalculateInputRadius(5, InputLeftShift)
	Depth           int     `json:"depth"`              // size of the last dimension
	Rows            int     `json:"rows"`
	// Rounding is the build's MultiplyByQuantizedMultiplier rounding, with
	// which input differences are scaled.
	Rounding Rounding `json:"rounding,omitempty"`

	in, out         int
	inType, outType DType
	expLUT, recLUT  []int16 // int16 input
	exp8LUT         []int32 // int8 and uint8 input: exp8(−i) at i, for the 256 differences d = −i ≥ DiffMin
}

func init() { register(tflite.BuiltinOperatorSOFTMAX, prepareSoftmax) }

// kScaledDiffIntegerBits and kAccumulationIntegerBits of reference/softmax.h.
const (
	softmaxDiffBits = 5
	softmaxAccBits  = 12
)

func prepareSoftmax(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	if len(in.Shape) < 1 {
		return nil, c.errorf("input tensor %d is a scalar; SOFTMAX needs at least one dimension", in.Index)
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	var beta float32
	if o, ok := c.op.Options.(*tflite.SoftmaxOptionsT); ok {
		beta = o.Beta
	}
	p := &SoftmaxParams{Beta: beta, in: in.Index, out: out.Index, inType: in.Type, outType: out.Type, Rounding: c.rounding}
	p.Depth = in.Shape[len(in.Shape)-1]
	if p.Depth > 0 {
		p.Rows = in.NumElements() / p.Depth
	}
	switch {
	case in.Type == Float32 && out.Type == Float32:
		return p, nil
	case in.Type == Int8 && (out.Type == Int8 || out.Type == Int16),
		in.Type == Int16 && out.Type == Int16, in.Type == Uint8 && out.Type == Uint8:
	default:
		return nil, c.unsupportedTypes()
	}
	for _, t := range []*Tensor{in, out} {
		if err := c.needQuant("input/output", t); err != nil {
			return nil, err
		}
	}
	os := float32(out.Scale())
	switch {
	case in.Type == Int16:
		if out.ZeroPoint() != 0 || math.Abs(float64(os-1.0/32768)) > 0.001/32768 {
			return nil, c.errorf("int16 output needs zero point 0 and scale 1/32768, has %d and %v", out.ZeroPoint(), os)
		}
	case out.Type == Int16:
		if out.ZeroPoint() != -32768 || math.Abs(float64(os-1.0/65536)) > 0.001/65536 {
			return nil, c.errorf("int16 output of an int8 input needs zero point -32768 and scale 1/65536, has %d and %v", out.ZeroPoint(), os)
		}
	case out.Type == Uint8: // TFLite's softmax.cc: zero point 0, scale within 0.1 % of 1/256
		if out.ZeroPoint() != 0 || math.Abs(float64(os-1.0/256)) > 0.001/256 {
			return nil, c.errorf("uint8 output needs zero point 0 and scale 1/256, has %d and %v", out.ZeroPoint(), os)
		}
	default:
		if out.ZeroPoint() != -128 || os != 1.0/256 {
			return nil, c.errorf("int8 output needs zero point -128 and scale 1/256, has %d and %v", out.ZeroPoint(), os)
		}
	}
	if in.Type == Int16 {
		// Input differences are rescaled so that [-65535, 0] covers [-10, 0].
		real := float64(float32(in.Scale())) * float64(beta) / (10.0 / 65535.0)
		if math.IsNaN(real) || math.IsInf(real, 0) {
			return nil, c.errorf("input scale %v · beta %v is not finite", in.Scale(), beta)
		}
		p.InputMultiplier, p.InputLeftShift = fixedpoint.QuantizeMultiplier(real)
		p.expLUT, p.recLUT = fixedpoint.SoftmaxInt16LUTs[float32]()
		return p, nil
	}
	real := math.Min(float64(beta)*in.Scale()*(1<<(31-softmaxDiffBits)), 1<<31-1)
	if !(real > 1) {
		return nil, c.errorf("beta %v · input scale %v · 2^26 = %v must be greater than 1 (TFLite's PreprocessSoftmaxScaling)", beta, in.Scale(), real)
	}
	p.InputMultiplier, p.InputLeftShift = fixedpoint.PreprocessSoftmaxScaling(float64(beta), in.Scale(), softmaxDiffBits)
	p.DiffMin = -fixedpoint.CalculateInputRadius(softmaxDiffBits, p.InputLeftShift, 31)
	if p.Rounding == RoundSingle && p.InputLeftShift > 30 {
		return nil, c.refuseProfile("the input scaling β·s_in·2^26 = %v needs a left shift of %d, and single rounding's MultiplyByQuantizedMultiplier takes shifts up to 30 (TFLite asserts it; beyond, its arithmetic is undefined); run this model under the reference or tflite-xnnpack profile", real, p.InputLeftShift)
	}
	// An 8-bit row's differences x − max are in [−255, 0]: exp8 once for
	// each, not twice per element and run (gemmlowp's exp is long).
	lut := make([]int32, 256)
	for i := range lut {
		if d := -int32(i); d >= p.DiffMin {
			lut[i] = p.exp8(d)
		}
	}
	p.exp8LUT = lut
	return p, nil
}

func (p *SoftmaxParams) eval(r *run, op *Op) error {
	switch {
	case p.inType == Float32:
		p.float(r.f32(p.in), r.f32(p.out))
	case p.inType == Int16:
		return p.int16(r.i16(p.in), r.i16(p.out))
	case p.inType == Uint8:
		return softmax8(p, r.u8(p.in), r.u8(p.out), 0, math.MaxUint8, 8)
	case p.outType == Int16:
		return softmax8(p, r.i8(p.in), r.i16(p.out), math.MinInt16, math.MaxInt16, 16)
	default:
		return softmax8(p, r.i8(p.in), r.i8(p.out), math.MinInt8, math.MaxInt8, 8)
	}
	return nil
}

func (p *SoftmaxParams) float(in, out []float32) {
	for row := 0; row < p.Rows; row++ {
		x, y := in[row*p.Depth:(row+1)*p.Depth], out[row*p.Depth:(row+1)*p.Depth]
		m, sum := p.floatRow(x)
		for i, v := range x {
			y[i] = p.floatExp(v, m) / sum
		}
	}
}

// floatRow returns a float32 row's max (std::max, from −FLT_MAX) and its
// sum of exponentials, added in order.
func (p *SoftmaxParams) floatRow(x []float32) (m, sum float32) {
	m = -math.MaxFloat32
	for _, v := range x {
		if m < v { // std::max
			m = v
		}
	}
	for _, v := range x {
		sum += p.floatExp(v, m)
	}
	return m, sum
}

// floatExp is exp((v − m)·β) in float32.
func (p *SoftmaxParams) floatExp(v, m float32) float32 {
	return float32(math.Exp(float64((v - m) * p.Beta)))
}

// softmax8 is reference_ops::Softmax for int8 (or uint8) input and an
// output of bits bits whose type's range is [lo, hi].
func softmax8[X int8 | uint8, T int8 | uint8 | int16](p *SoftmaxParams, in []X, out []T, lo, hi int32, bits int) error {
	for row := 0; row < p.Rows; row++ {
		x, y := in[row*p.Depth:(row+1)*p.Depth], out[row*p.Depth:(row+1)*p.Depth]
		m, sum := row8(p, x)
		recip, nbits := fixedpoint.GetReciprocal(sum, softmaxAccBits)
		exponent := nbits + 31 - bits
		if exponent < 0 || exponent > 31 {
			return fmt.Errorf("row %d: exponent %d is outside [0, 31] (TFLite's TFLITE_CHECK fails)", row, exponent)
		}
		for i, v := range x {
			if d := int32(v) - m; d >= p.DiffMin {
				e := fixedpoint.SaturatingRoundingDoublingHighMul(recip, p.exp8(d))
				y[i] = T(clamp(fixedpoint.RoundingDivideByPOT(e, exponent)+lo, lo, hi))
			} else {
				y[i] = T(lo)
			}
		}
	}
	return nil
}

// row8 returns an int8 (or uint8) row's max and its sum of exponentials
// in Q12.19, wrapping like gemmlowp's operator+.
func row8[X int8 | uint8](p *SoftmaxParams, x []X) (m, sum int32) {
	m = math.MinInt32
	for _, v := range x {
		m = max(m, int32(v))
	}
	for _, v := range x {
		if d := int32(v) - m; d >= p.DiffMin {
			sum += fixedpoint.Rescale(p.exp8(d), 0, softmaxAccBits)
		}
	}
	return m, sum
}

// inputScale is the scaling of input differences (to Q5.26 for int8 input).
func (p *SoftmaxParams) inputScale() Requant {
	return Requant{Real: math.Ldexp(float64(p.InputMultiplier), p.InputLeftShift-31), Multiplier: p.InputMultiplier, Shift: p.InputLeftShift, Rounding: p.Rounding}
}

// exp8 is exp of an int8 difference d ≤ 0 in Q0.31: d scaled to Q5.26, then
// gemmlowp's exp_on_negative_values.
func (p *SoftmaxParams) exp8(d int32) int32 {
	if uint32(-d) < uint32(len(p.exp8LUT)) {
		return p.exp8LUT[-d]
	}
	return fixedpoint.ExpOnNegativeValues(p.inputScale().apply(d), softmaxDiffBits)
}

// int16 is reference_ops::SoftmaxInt16.
func (p *SoftmaxParams) int16(in, out []int16) error {
	for row := 0; row < p.Rows; row++ {
		x, y := in[row*p.Depth:(row+1)*p.Depth], out[row*p.Depth:(row+1)*p.Depth]
		m := int16(math.MinInt16)
		for _, v := range x {
			m = max(m, v)
		}
		var sum int32 // Q16.15
		for i, v := range x {
			y[i] = p.exp16(v, m)
			sum += int32(y[i])
		}
		recip, right, err := p.reciprocal16(sum)
		if err != nil {
			return fmt.Errorf("row %d: %w", row, err)
		}
		for i := range y {
			y[i] = int16(clamp(int32((int64(y[i])*recip+int64(1)<<(right-1))>>right), 0, math.MaxInt16))
		}
	}
	return nil
}

// exp16 is exp(v − m) of an int16 input from TFLite's exp table: the
// difference is scaled so that [-65535, 0] is [-10, 0], then recentered to
// [-32768, 32767] for the table.
func (p *SoftmaxParams) exp16(v, m int16) int16 {
	d := p.inputScale().apply(int32(v) - int32(m))
	return fixedpoint.GenericInt16TableLookup(int16(clamp(d+32767, math.MinInt16, math.MaxInt16)), p.expLUT)
}

// reciprocal16 is SoftmaxInt16's 1/Σ: the Q16.15 sum, normalized by its
// headroom, recentered to [-32768, 32767] for the 1/(1+x) table; the output
// is (exp·recip + 2^(right−1)) >> right.
func (p *SoftmaxParams) reciprocal16(sum int32) (recip int64, right int, err error) {
	headroom := fixedpoint.CountLeadingZeros32(uint32(sum))
	if headroom < 1 || headroom > 30 {
		return 0, 0, fmt.Errorf("sum of exponentials %d is out of the range TFLite's SoftmaxInt16 handles", sum)
	}
	shifted := int32((int64(sum)<<(headroom-1) + 1<<13) >> 14)
	sym := int16(clamp(shifted-(1<<15+1<<16), math.MinInt16, math.MaxInt16))
	return int64(fixedpoint.GenericInt16TableLookup(sym, p.recLUT)), 31 - headroom, nil
}

// explain derives one output element the way eval computes it.
func (p *SoftmaxParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	row := index / p.Depth * p.Depth
	switch {
	case p.inType == Float32:
		x := AsFloat32(res.Tensors[p.in])[row : row+p.Depth]
		v := x[index-row]
		m, sum := p.floatRow(x)
		ex := p.floatExp(v, m)
		return &Explanation{Arithmetic: "float32: exp((x − max)·β) / Σ exp, each step rounded to float32", Steps: []Step{
			{"input", fmt.Sprintf("input[%d]", index), float64(v)},
			{"row max", "max of the row", float64(m)},
			{"exp", fmt.Sprintf("exp((%.9g − %.9g)·β %.9g)", v, m, p.Beta), float64(ex)},
			{"sum", "Σ exp over the row, float32, in order", float64(sum)},
			{"divide", fmt.Sprintf("%.9g / %.9g", ex, sum), float64(ex / sum)},
		}}, nil
	case p.inType == Int16:
		return p.explain16(res, index, row)
	}
	v := int32(res.intAt(p.in, index))
	var m, sum int32
	if p.inType == Uint8 {
		m, sum = row8(p, res.Tensors[p.in][row:row+p.Depth])
	} else {
		m, sum = row8(p, AsInt8(res.Tensors[p.in])[row:row+p.Depth])
	}
	lo, hi := qrange(p.outType)
	bits := 8
	if p.outType == Int16 {
		bits = 16
	}
	d := v - m
	e := &Explanation{Arithmetic: "fixed-point softmax: gemmlowp fixed-point exp in Q0.31, Q12.19 sum, fixed-point reciprocal", Steps: []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(v)},
		{"row max", "max of the row", float64(m)},
		{"difference", fmt.Sprintf("%d − %d", v, m), float64(d)},
	}}
	if d < p.DiffMin {
		e.Steps = append(e.Steps, Step{"below range", fmt.Sprintf("%d < diff_min %d: exp is 0, output the minimum", d, p.DiffMin), float64(lo)})
		e.Value = int64(lo)
		return e, nil
	}
	s, scaled := scaleSteps("difference", d, p.inputScale())
	e.Steps = append(e.Steps, s...)
	ex := fixedpoint.ExpOnNegativeValues(scaled, softmaxDiffBits)
	recip, nbits := fixedpoint.GetReciprocal(sum, softmaxAccBits)
	exponent := nbits + 31 - bits
	if exponent < 0 || exponent > 31 {
		return nil, fmt.Errorf("row %d: exponent %d is outside [0, 31] (TFLite's TFLITE_CHECK fails)", index/p.Depth, exponent)
	}
	pr := fixedpoint.SaturatingRoundingDoublingHighMul(recip, ex)
	out := fixedpoint.RoundingDivideByPOT(pr, exponent)
	e.Steps = append(e.Steps,
		Step{"exp", fmt.Sprintf("exp_on_negative_values(%d as Q5.26 = %.9g), Q0.31 (= %.9g)", scaled, math.Ldexp(float64(scaled), -26), math.Ldexp(float64(ex), -31)), float64(ex)},
		Step{"sum", fmt.Sprintf("Σ over the row of exp rescaled to Q12.19 (= %.9g)", math.Ldexp(float64(sum), -19)), float64(sum)},
		Step{"reciprocal", fmt.Sprintf("GetReciprocal(%d): 1/Σ ≈ reciprocal·2^-31·2^-%d, Q0.31", sum, nbits), float64(recip)},
		Step{"scaled", fmt.Sprintf("SRDHM(%d, %d) = round(%d · %d / 2^31)", recip, ex, recip, ex), float64(pr)},
		Step{"shift", fmt.Sprintf("RoundingDivideByPOT(%d, %d + 31 − %d)", pr, nbits, bits), float64(out)},
	)
	e.Steps = append(e.Steps, zeroPointClampSteps(out, lo, lo, hi)...)
	e.Value = int64(clamp(out+lo, lo, hi))
	return e, nil
}

// explain16 derives one element of the int16 softmax (SoftmaxInt16).
func (p *SoftmaxParams) explain16(res *Result, index, row int) (*Explanation, error) {
	x := AsInt16(res.Tensors[p.in])[row : row+p.Depth]
	v := x[index-row]
	m := int16(math.MinInt16)
	for _, w := range x {
		m = max(m, w)
	}
	var sum int32
	for _, w := range x {
		sum += int32(p.exp16(w, m))
	}
	ex := p.exp16(v, m)
	recip, right, err := p.reciprocal16(sum)
	if err != nil {
		return nil, fmt.Errorf("row %d: %w", index/p.Depth, err)
	}
	out := int32((int64(ex)*recip + int64(1)<<(right-1)) >> right)
	c := clamp(out, 0, math.MaxInt16)
	return &Explanation{Arithmetic: "int16 softmax: exp and 1/(1+x) from TFLite's 513-entry interpolated tables", Value: int64(c), Steps: []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(v)},
		{"row max", "max of the row", float64(m)},
		{"exp", fmt.Sprintf("exp table at MultiplyByQuantizedMultiplier(%d − %d, %d, %d) + 32767, Q0.15", v, m, p.InputMultiplier, p.InputLeftShift), float64(ex)},
		{"sum", "Σ exp over the row, Q16.15", float64(sum)},
		{"reciprocal", fmt.Sprintf("1/(1+x) table at the sum normalized by its %d leading zero bits", 31-right), float64(recip)},
		{"scaled", fmt.Sprintf("(%d · %d + 2^%d) >> %d", ex, recip, right-1, right), float64(out)},
		{"clamp", fmt.Sprintf("clamp(%d, 0, 32767)", out), float64(c)},
	}}, nil
}
