package engine

import (
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ReluParams are RELU's and RELU6's prepared parameters.
//
// Mirrors TFLite Micro's activations.cc and activations_common.cc:
//
//   - RELU (ReluQuantized, CalculateReluOpData) requantizes with the real
//     multiplier s_in/s_out and clamps below at the output zero point:
//     out = clamp(MultiplyByQuantizedMultiplier(x − InputZeroPoint, Requant) + OutputZeroPoint, ActMin, ActMax).
//   - RELU6 (Relu6Quantized) clamps the input integer to [ActMin, ActMax] =
//     [zero point, zero point + round(6/scale)] without requantizing, so the
//     output must have the input's quantization.
//   - float32: max(x, 0), and min(·, 6) for RELU6.
type ReluParams struct {
	InputZeroPoint  int32   `json:"input_zero_point"`
	OutputZeroPoint int32   `json:"output_zero_point"`
	Requant         Requant `json:"requant,omitzero"` // RELU: s_in/s_out
	ActMin          int32   `json:"act_min"`
	ActMax          int32   `json:"act_max"`
	Relu6           bool    `json:"relu6,omitempty"`

	in, out int
	typ     DType
}

func init() {
	register(tflite.BuiltinOperatorRELU, func(c *prepCtx) (kernel, error) { return prepareRelu(c, false) })
	register(tflite.BuiltinOperatorRELU6, func(c *prepCtx) (kernel, error) { return prepareRelu(c, true) })
	// The browser TFLite's XNNPACK delegate takes float32 RELU and RELU6
	// (f32-vclamp: exact); quantized ones run TFLite's builtin kernel.
	registerXNNPack(tflite.BuiltinOperatorRELU, xnnFloatNode)
	registerXNNPack(tflite.BuiltinOperatorRELU6, xnnFloatNode)
}

func prepareRelu(c *prepCtx, relu6 bool) (kernel, error) {
	in, out, quantized, err := c.elementwise(Int8, Uint8, Int16)
	if err != nil {
		return nil, err
	}
	p := &ReluParams{in: in.Index, out: out.Index, typ: in.Type, Relu6: relu6}
	if !quantized {
		return p, nil
	}
	if in.Type == Int16 && (in.ZeroPoint() != 0 || out.ZeroPoint() != 0) {
		return nil, c.errorf("int16 input and output need zero point 0")
	}
	p.InputZeroPoint, p.OutputZeroPoint = in.ZeroPoint(), out.ZeroPoint()
	lo, hi := qrange(in.Type)
	if relu6 {
		if float32(in.Scale()) != float32(out.Scale()) || in.ZeroPoint() != out.ZeroPoint() {
			return nil, c.errorf("RELU6 needs the output quantized like the input (TFLite Micro does not requantize), has scale %v zero point %d → %v, %d",
				in.Scale(), in.ZeroPoint(), out.Scale(), out.ZeroPoint())
		}
		// FloatToQuantizedType<T>(6, scale, zero point).
		six := math.Round(float64(float32(6) / float32(in.Scale())))
		p.ActMin = clamp(in.ZeroPoint(), lo, hi)
		p.ActMax = int32(min(max(six+float64(in.ZeroPoint()), float64(lo)), float64(hi)))
		return p, nil
	}
	p.Requant = c.requant(in.Scale() / out.Scale())
	p.ActMin, p.ActMax = max(lo, out.ZeroPoint()), hi
	return p, nil
}

func (p *ReluParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Float32:
		in, out := r.f32(p.in), r.f32(p.out)
		for i, x := range in {
			if x < 0 {
				x = 0
			}
			if p.Relu6 && x > 6 {
				x = 6
			}
			out[i] = x
		}
	case Int8:
		relu(r, p, r.i8(p.in), r.i8(p.out))
	case Uint8:
		relu(r, p, r.u8(p.in), r.u8(p.out))
	case Int16:
		relu(r, p, r.i16(p.in), r.i16(p.out))
	}
	return nil
}

func relu[T int8 | uint8 | int16](r *run, p *ReluParams, in, out []T) {
	for i, x := range in {
		v := int32(x)
		if !p.Relu6 {
			v = p.Requant.apply(v-p.InputZeroPoint) + p.OutputZeroPoint
		}
		out[i] = T(clamp(v, p.ActMin, p.ActMax))
	}
}
