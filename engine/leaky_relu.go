package engine

import (
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// LeakyReluParams are LEAKY_RELU's prepared parameters.
//
// Mirrors TFLite Micro's leaky_relu_common.cc (CalculateOpDataLeakyRelu) and
// the reference kernel reference/leaky_relu.h (QuantizeLeakyRelu, LeakyRelu).
// For d = x − InputZeroPoint:
//
//	out = clamp(MultiplyByQuantizedMultiplier(d, d >= 0 ? Identity : AlphaRequant) + OutputZeroPoint)
//
// to the output type's range, with the real multipliers s_in/s_out and
// s_in·alpha/s_out computed in float32 as TFLite Micro does. Float is
// x > 0 ? x : x·alpha.
type LeakyReluParams struct {
	Alpha           float32 `json:"alpha"`
	InputZeroPoint  int32   `json:"input_zero_point"`
	OutputZeroPoint int32   `json:"output_zero_point"`
	Identity        Requant `json:"identity_multiplier,omitzero"` // s_in/s_out
	AlphaRequant    Requant `json:"alpha_multiplier,omitzero"`    // s_in·alpha/s_out

	in, out int
	typ     DType
}

func init() { register(tflite.BuiltinOperatorLEAKY_RELU, prepareLeakyRelu) }

func prepareLeakyRelu(c *prepCtx) (kernel, error) {
	// uint8: TFLite's QuantizeLeakyRelu<uint8_t> (TFLite Micro has no uint8).
	in, out, quantized, err := c.elementwise(Int8, Int16, Uint8)
	if err != nil {
		return nil, err
	}
	p := &LeakyReluParams{in: in.Index, out: out.Index, typ: in.Type}
	if o, ok := c.op.Options.(*tflite.LeakyReluOptionsT); ok {
		p.Alpha = o.Alpha
	}
	if !quantized {
		return p, nil
	}
	si, so := float32(in.Scale()), float32(out.Scale())
	ra := float64(float32(si*p.Alpha) / so)
	if math.IsNaN(ra) || math.IsInf(ra, 0) {
		return nil, c.errorf("alpha %v gives a multiplier that is not finite", p.Alpha)
	}
	p.InputZeroPoint, p.OutputZeroPoint = in.ZeroPoint(), out.ZeroPoint()
	p.Identity = c.requant(float64(si / so))
	p.AlphaRequant = c.requant(ra)
	return p, nil
}

func (p *LeakyReluParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Float32:
		in, out := r.f32(p.in), r.f32(p.out)
		for i, x := range in {
			if x > 0 {
				out[i] = x
			} else {
				out[i] = x * p.Alpha
			}
		}
	case Int8:
		leakyRelu(r, p, r.i8(p.in), r.i8(p.out))
	case Uint8:
		leakyRelu(r, p, r.u8(p.in), r.u8(p.out))
	case Int16:
		leakyRelu(r, p, r.i16(p.in), r.i16(p.out))
	}
	return nil
}

func leakyRelu[T int8 | uint8 | int16](r *run, p *LeakyReluParams, in, out []T) {
	lo, hi := qrange(p.typ)
	for i, x := range in {
		d := int32(x) - p.InputZeroPoint
		q := p.Identity
		if d < 0 {
			q = p.AlphaRequant
		}
		out[i] = T(clamp(q.apply(d)+p.OutputZeroPoint, lo, hi))
	}
}
