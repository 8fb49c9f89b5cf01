package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// SumParams are SUM's prepared parameters.
//
// Mirrors TFLite Micro's reduce_common.cc (EvalSumHelper) and TFLite's
// reduce.cc (EvalSum) over reference/reduce.h. The values reducing into each
// output element are added in row-major input order (reduction.each); then,
// by Mode:
//
//   - "float": the float32 sum, starting from 0.
//   - "wrap": the sum in the element type itself, wrapping (int32; and
//     TFLite's builtin kernel for int16, and for int8/uint8 when input and
//     output are quantized alike: it adds stored values without
//     requantizing).
//   - "integer" (QuantizedMeanOrSum with compute_sum, TFLite Micro, every
//     int8 and int16 SUM): s = Σ stored values in int32,
//     out = clamp(MultiplyByQuantizedMultiplier(s − InputZeroPoint·Count, Requant) + OutputZeroPoint)
//     with the real multiplier s_in/s_out.
//   - "rescale" (the float32 QuantizedMeanOrSum of TFLite 2022's builtin
//     kernel, int8/uint8 with differing quantization, sum_xnnpack.go):
//     out = T(int32(roundf(s·Scale + Bias)) + OutputZeroPoint), wrapping to
//     the type (no clamp), with Scale = s_in/s_out and
//     Bias = −InputZeroPoint·Scale·Count in float32.
type SumParams struct {
	reduction
	Mode            string  `json:"mode"`
	InputZeroPoint  int32   `json:"input_zero_point,omitempty"`
	OutputZeroPoint int32   `json:"output_zero_point,omitempty"`
	Scale           float32 `json:"scale,omitempty"`
	Bias            float32 `json:"bias,omitempty"`
	Requant         Requant `json:"requant,omitzero"` // "integer": s_in/s_out

	typ     DType
	in, out int
}

func init() {
	register(tflite.BuiltinOperatorSUM, func(c *prepCtx) (kernel, error) { return prepareSum(c, false) })
}

// prepareSum prepares SUM; builtin selects TFLite's builtin kernel's modes
// (sum_xnnpack.go).
func prepareSum(c *prepCtx, builtin bool) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	in, axis, out := c.in(0), c.in(1), c.out(0)
	rd, err := prepareReduction(c, in, axis, out)
	if err != nil {
		return nil, err
	}
	if in.Type != out.Type {
		return nil, c.unsupportedTypes()
	}
	p := &SumParams{reduction: *rd, typ: in.Type, in: in.Index, out: out.Index}
	switch in.Type {
	case Float32:
		p.Mode = "float"
		return p, nil
	case Int32:
		p.Mode = "wrap"
		return p, nil
	case Int8, Uint8, Int16:
	default:
		return nil, c.unsupportedTypes()
	}
	for _, t := range []*Tensor{in, out} {
		if err := c.needQuant("input/output", t); err != nil {
			return nil, err
		}
	}
	sIn, sOut := float32(in.Scale()), float32(out.Scale())
	same := sIn == sOut && in.ZeroPoint() == out.ZeroPoint()
	p.InputZeroPoint, p.OutputZeroPoint = in.ZeroPoint(), out.ZeroPoint()
	switch {
	case (builtin || in.Type == Uint8) && (same || in.Type == Int16):
		p.Mode, p.InputZeroPoint, p.OutputZeroPoint = "wrap", 0, 0
		return p, nil
	case !builtin && in.Type != Uint8:
		p.Mode = "integer"
		p.Requant = c.requant(float64(sIn) / float64(sOut))
		return p, nil
	}
	p.Mode = "rescale"
	p.Scale = sIn / sOut
	p.Bias = float32(-p.InputZeroPoint) * p.Scale * float32(p.Count)
	return p, nil
}

func (p *SumParams) rescale(s int32) (float32, int32) {
	f := float32(float32(s)*p.Scale) + p.Bias
	return f, int32(math.Round(float64(f))) + p.OutputZeroPoint
}

func (p *SumParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Float32:
		sumInto(&p.reduction, r.f32(p.in), r.f32(p.out))
	case Int32:
		sumInts(p, r.i32(p.in), r.i32(p.out))
	case Int8:
		sumInts(p, r.i8(p.in), r.i8(p.out))
	case Uint8:
		sumInts(p, r.u8(p.in), r.u8(p.out))
	case Int16:
		sumInts(p, r.i16(p.in), r.i16(p.out))
	}
	return nil
}

func sumInts[T integer](p *SumParams, in, out []T) {
	if p.Mode == "wrap" {
		sumInto(&p.reduction, in, out)
		return
	}
	sums := sums32(&p.reduction, in, len(out))
	lo, hi := qrange(p.typ)
	for o, s := range sums {
		if p.Mode == "integer" {
			out[o] = T(clamp(p.Requant.apply(s-p.InputZeroPoint*int32(p.Count))+p.OutputZeroPoint, lo, hi))
			continue
		}
		_, v := p.rescale(s)
		out[o] = T(v)
	}
}

func (p *SumParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	in := res.Model.Tensors[p.in]
	is := p.inputsOf(in.NumElements(), index)
	if p.typ == Float32 {
		x := AsFloat32(res.Tensors[p.in])
		var s float32
		for _, i := range is {
			s += x[i]
		}
		return floatExplanation([]Step{{"count", fmt.Sprintf("%d input values over axes %v", len(is), p.Axes), float64(len(is))}},
			"0 + x₀ + x₁ + … in input order", s), nil
	}
	var s int64
	for _, i := range is {
		s += res.intAt(p.in, i)
	}
	steps := []Step{{"sum", fmt.Sprintf("Σ of the %d stored input values over axes %v", len(is), p.Axes), float64(s)}}
	v := int64(Values(p.typ, res.Tensors[p.out])[index])
	if p.Mode == "wrap" {
		steps = append(steps, Step{"wrap", fmt.Sprintf("the sum in %v (TFLite adds in the element type and wraps)", p.typ), float64(v)})
		return &Explanation{Steps: steps, Value: v, Arithmetic: "sum of stored values, wrapping"}, nil
	}
	if p.Mode == "integer" {
		c := int32(s) - p.InputZeroPoint*int32(p.Count)
		steps = append(steps, Step{"offset", fmt.Sprintf("%d − input zero point %d · %d", s, p.InputZeroPoint, p.Count), float64(c)})
		rs, sc := scaleSteps("", c, p.Requant)
		steps = append(steps, rs...)
		lo, hi := qrange(p.typ)
		steps = append(steps, zeroPointClampSteps(sc, p.OutputZeroPoint, lo, hi)...)
		return &Explanation{Steps: steps, Value: v, Arithmetic: "QuantizedMeanOrSum (compute_sum): MultiplyByQuantizedMultiplier"}, nil
	}
	f, w := p.rescale(int32(s))
	steps = append(steps,
		Step{"rescale", fmt.Sprintf("float32: %d · scale %.9g + bias %.9g", s, p.Scale, p.Bias), float64(f)},
		Step{"round", fmt.Sprintf("roundf(%.9g) + output zero point %d", f, p.OutputZeroPoint), float64(w)},
		Step{"cast", fmt.Sprintf("to %v without clamping (wraps)", p.typ), float64(v)})
	return &Explanation{Steps: steps, Value: v, Arithmetic: "QuantizedMeanOrSum (compute_sum): float32 rescale"}, nil
}
