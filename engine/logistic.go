package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// LogisticParams are LOGISTIC's prepared parameters (and TANH's, see
// TanhParams).
//
// Mirrors TFLite Micro's logistic_common.cc
// (CalculateArithmeticOpDataLogistic) and the reference kernels
// reference/integer_ops/logistic.h and reference/logistic.h:
//
//   - int8: d = x − InputZeroPoint; d ≤ −InputRangeRadius gives −128 and
//     d ≥ InputRangeRadius gives 127; otherwise d is scaled to Q4.27 by
//     MultiplyByQuantizedMultiplier(d, InputMultiplier, InputLeftShift),
//     gemmlowp's fixed-point logistic gives a Q0.31 result r, and
//     out = clamp(RoundingDivideByPOT(r, 23) − 128, −128, 127)
//     (the output scale is 1/256, zero point −128).
//   - int16: the input is scaled to 1/(3·4096) units,
//     v = (x·InputMultiplier + 2^(InputLeftShift−1)) >> InputLeftShift
//     (InputMultiplier 0 means a power-of-two input scale, 3·2^InputLeftShift
//     with no shift), and |v| indexes TFLite's 256-entry sigmoid table with
//     linear interpolation; the output is Q0.15.
//   - float32: 1/(1 + exp(−x)) in float32, 1 above 16.619047 and exp(x)
//     below −9.
//
// uint8 (output scale 1/256, zero point 0) is TFLite's lookup table, see
// prepareSigmoidUint8.
type LogisticParams struct {
	InputZeroPoint   int32 `json:"input_zero_point"`
	InputMultiplier  int32 `json:"input_multiplier"`
	InputLeftShift   int   `json:"input_left_shift"`
	InputRangeRadius int32 `json:"input_range_radius,omitempty"` // int8
	// Rounding is the build's MultiplyByQuantizedMultiplier rounding, with
	// which the input is scaled.
	Rounding Rounding `json:"rounding"`

	in, out int
	typ     DType
	tanh    bool
}

func init() { register(tflite.BuiltinOperatorLOGISTIC, prepareLogistic) }

func prepareLogistic(c *prepCtx) (kernel, error) {
	if k, err := prepareSigmoidUint8(c, cLogistic, 1.0/256, 0); k != nil || err != nil {
		return k, err
	}
	return prepareSigmoid(c, false)
}

// prepareSigmoidUint8 is uint8 LOGISTIC and TANH (TFLite only; TFLite Micro
// has neither): TFLite's reference and generic optimized kernels both look
// the output up in a table built by PopulateLookupTable in float32
// (builtinLUT), once the output has the quantization the kernel requires.
// It returns nil, nil for other types.
func prepareSigmoidUint8(c *prepCtx, f func(float32) float32, scale float32, zp int32) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	if in.Type != Uint8 {
		return nil, nil
	}
	if out.Type != Uint8 {
		return nil, c.unsupportedTypes()
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	for _, t := range []*Tensor{in, out} {
		if err := c.needQuant("input/output", t); err != nil {
			return nil, err
		}
	}
	if float32(out.Scale()) != scale || out.ZeroPoint() != zp {
		return nil, c.errorf("uint8 output needs scale %v and zero point %d, has %v and %d", scale, zp, float32(out.Scale()), out.ZeroPoint())
	}
	return builtinLUT(c, f)
}

// prepareSigmoid is LOGISTIC's and TANH's Prepare, which derive their input
// scaling the same way.
func prepareSigmoid(c *prepCtx, tanh bool) (*LogisticParams, error) {
	in, out, quantized, err := c.elementwise(Int8, Int16)
	if err != nil {
		return nil, err
	}
	p := &LogisticParams{in: in.Index, out: out.Index, typ: in.Type, tanh: tanh, Rounding: c.rounding}
	if !quantized {
		return p, nil
	}
	if in.Type == Int8 {
		// The kernels write a fixed output quantization.
		wantScale, wantZP := float32(1.0/256), int32(-128)
		if tanh {
			wantScale, wantZP = 1.0/128, 0
		}
		if float32(out.Scale()) != wantScale || out.ZeroPoint() != wantZP {
			return nil, c.errorf("int8 output needs scale %v and zero point %d, has %v and %d", wantScale, wantZP, float32(out.Scale()), out.ZeroPoint())
		}
		// Input differences are scaled to Q4.27 (kInputIntegerBits = 4).
		q, shift := math.Frexp(float64(float32(in.Scale())) * (1 << 27))
		m := math.Round(q * (1 << 31))
		if m >= 1<<31 {
			return nil, c.errorf("input scale %v rounds to a multiplier of 2^31, which overflows in TFLite Micro", in.Scale())
		}
		p.InputZeroPoint, p.InputMultiplier, p.InputLeftShift = in.ZeroPoint(), int32(m), shift
		p.InputRangeRadius = fixedpoint.CalculateInputRadius(4, shift, 31)
		return p, nil
	}
	if in.ZeroPoint() != 0 || out.ZeroPoint() != 0 {
		return nil, c.errorf("int16 input and output need zero point 0")
	}
	if l, pot := scaleLog2(float32(out.Scale())); !pot || l != -15 {
		return nil, c.errorf("int16 output needs scale 2^-15, has %v", out.Scale())
	}
	// kInputIntegerBits = 3: a power-of-two input scale of 2^-12 (or 2^-11
	// for tanh) needs no multiplier.
	l, pot := scaleLog2(float32(in.Scale()))
	p.InputLeftShift = 12 + l
	if pot && (p.InputLeftShift == 0 || tanh && p.InputLeftShift == 1) {
		return p, nil
	}
	// Otherwise rescale the input to 1/(3·4096) units with 15 bits of multiplier.
	m := float64(float32(in.Scale())) * 4096 * 3
	p.InputLeftShift = 0
	for m <= 32767.0/2 && p.InputLeftShift <= 30 {
		p.InputLeftShift++
		m *= 2
	}
	if m > 32767 {
		return nil, c.errorf("int16 input scale %v is too large (multiplier %v over 32767)", in.Scale(), m)
	}
	p.InputMultiplier = int32(m)
	return p, nil
}

// scaleLog2 is TFLite's CheckedLog2: log2(x) rounded, in float32, and
// whether x is within 1e-3 (in the exponent) of that power of two.
func scaleLog2(x float32) (int, bool) {
	l := float32(math.Log(float64(x))) * (1 / float32(math.Log(2)))
	r := float32(math.Round(float64(l)))
	return int(r), math.Abs(float64(l-r)) < 1e-3
}

func (p *LogisticParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Float32:
		in, out := r.f32(p.in), r.f32(p.out)
		for i, x := range in {
			out[i] = p.float(x)
		}
	case Int16:
		in, out := r.i16(p.in), r.i16(p.out)
		for i, x := range in {
			if p.tanh {
				out[i] = fixedpoint.TanhInt16(x, p.InputMultiplier, p.InputLeftShift)
			} else {
				out[i] = fixedpoint.LogisticInt16(x, p.InputMultiplier, p.InputLeftShift)
			}
		}
	case Int8:
		q := p.inputScale()
		unaryBytes(r.i8(p.in), r.i8(p.out), func(x int32) int32 { return p.int8Value(q, x) })
	}
	return nil
}

// int8Value is the int8 logistic or tanh of one value x, q being inputScale.
func (p *LogisticParams) int8Value(q Requant, x int32) int32 {
	d := x - p.InputZeroPoint
	switch {
	case d <= -p.InputRangeRadius:
		return math.MinInt8
	case d >= p.InputRangeRadius:
		return math.MaxInt8
	case p.tanh: // Q0.31 → Q0.7
		v := fixedpoint.Tanh(q.apply(d), 4)
		return clamp(fixedpoint.RoundingDivideByPOT(v, 24), math.MinInt8, math.MaxInt8)
	}
	// Q0.31 → Q0.8, zero point −128
	v := fixedpoint.Logistic(q.apply(d), 4)
	return clamp(fixedpoint.RoundingDivideByPOT(v, 23)-128, math.MinInt8, math.MaxInt8)
}

// float is the float32 reference logistic or tanh of one value.
func (p *LogisticParams) float(x float32) float32 {
	switch {
	case p.tanh:
		return float32(math.Tanh(float64(x)))
	case x > 16.619047164916992188:
		return 1
	case x < -9:
		return expf(x)
	}
	return 1 / (1 + expf(-x))
}

// expf approximates C's expf: exp in float64, rounded to float32. It differs
// from glibc's expf only where that is not correctly rounded.
func expf(x float32) float32 { return float32(math.Exp(float64(x))) }

// explain derives one output element the way eval computes it; TANH's
// explanation is this one too.
func (p *LogisticParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	name, fn := "logistic", "1/(1 + exp(−x))"
	if p.tanh {
		name, fn = "tanh", "tanh(x)"
	}
	switch p.typ {
	case Float32:
		x := AsFloat32(res.Tensors[p.in])[index]
		return &Explanation{Arithmetic: "float32 " + name, Steps: []Step{
			{"input", fmt.Sprintf("input[%d]", index), float64(x)},
			{name, fmt.Sprintf("%s at x = %.9g, in float32", fn, x), float64(p.float(x))},
		}}, nil
	case Int16:
		x := AsInt16(res.Tensors[p.in])[index]
		v := fixedpoint.LogisticInt16(x, p.InputMultiplier, p.InputLeftShift)
		if p.tanh {
			v = fixedpoint.TanhInt16(x, p.InputMultiplier, p.InputLeftShift)
		}
		return &Explanation{Arithmetic: "int16 " + name + ": TFLite's 256-entry sigmoid table with linear interpolation", Value: int64(v), Steps: []Step{
			{"input", fmt.Sprintf("input[%d]", index), float64(x)},
			{name, fmt.Sprintf("table at (%d·%d + 2^(%d−1)) >> %d, interpolated, Q0.15", x, p.InputMultiplier, p.InputLeftShift, p.InputLeftShift), float64(v)},
		}}, nil
	}
	x := int32(AsInt8(res.Tensors[p.in])[index])
	d := x - p.InputZeroPoint
	e := &Explanation{Arithmetic: "fixed-point " + name + ": input scaled to Q4.27, gemmlowp fixed-point " + name + " in Q0.31", Steps: []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(x)},
		{"offset", fmt.Sprintf("%d − input zero point %d", x, p.InputZeroPoint), float64(d)},
	}}
	switch {
	case d <= -p.InputRangeRadius:
		e.Steps = append(e.Steps, Step{"saturate", fmt.Sprintf("%d ≤ −input range radius %d", d, p.InputRangeRadius), math.MinInt8})
		e.Value = math.MinInt8
		return e, nil
	case d >= p.InputRangeRadius:
		e.Steps = append(e.Steps, Step{"saturate", fmt.Sprintf("%d ≥ input range radius %d", d, p.InputRangeRadius), math.MaxInt8})
		e.Value = math.MaxInt8
		return e, nil
	}
	s, scaled := scaleSteps("offset", d, p.inputScale())
	e.Steps = append(e.Steps, s...)
	var r, out, zp int32
	shift := 23
	if p.tanh {
		r, shift = fixedpoint.Tanh(scaled, 4), 24
	} else {
		r, zp = fixedpoint.Logistic(scaled, 4), -128
	}
	out = fixedpoint.RoundingDivideByPOT(r, shift)
	e.Steps = append(e.Steps,
		Step{name, fmt.Sprintf("gemmlowp %s(%d as Q4.27 = %.9g), Q0.31 (= %.9g)", name, scaled, math.Ldexp(float64(scaled), -27), math.Ldexp(float64(r), -31)), float64(r)},
		Step{"shift", fmt.Sprintf("RoundingDivideByPOT(%d, %d)", r, shift), float64(out)})
	e.Steps = append(e.Steps, zeroPointClampSteps(out, zp, math.MinInt8, math.MaxInt8)...)
	e.Value = int64(clamp(out+zp, math.MinInt8, math.MaxInt8))
	return e, nil
}

// inputScale is the int8 input's scaling to Q4.27, as TFLite's
// MultiplyByQuantizedMultiplier(d, InputMultiplier, InputLeftShift).
func (p *LogisticParams) inputScale() Requant {
	return Requant{Real: math.Ldexp(float64(p.InputMultiplier), p.InputLeftShift-31), Multiplier: p.InputMultiplier, Shift: p.InputLeftShift, Rounding: p.Rounding}
}
