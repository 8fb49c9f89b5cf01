package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// QUANTIZE in the browser TFLite (tflite-xnnpack): the XNNPACK delegate takes
// float32 → int8 and int8 → int8 QUANTIZE (xnnConvert); the rest run TFLite's
// builtin kernel, which rounds like the reference.

func init() {
	registerXNNPack(tflite.BuiltinOperatorQUANTIZE, xnnQuantizeNode)
}

// xnnConvert is QUANTIZE under XNNPACK. From int8 (qs8-vcvt) it multiplies
// by the Q8 fixed-point ratio Multiplier = round_half_even(256·s_in/s_out)
// and rounds half up:
//
//	out = clamp(((x − InputZeroPoint)·Multiplier + 128) >> 8 + OutputZeroPoint)
//
// From float32 (f32-qs8-vcvt) it multiplies by Scale = 1/s_out (float32)
// and rounds half to even: out = clamp(round(x·Scale) + OutputZeroPoint).
type xnnConvert struct {
	Multiplier      int32   `json:"multiplier,omitempty"`
	Scale           float32 `json:"scale,omitempty"`
	InputZeroPoint  int32   `json:"input_zero_point"`
	OutputZeroPoint int32   `json:"output_zero_point"`
	float           bool
	in, out         int
}

func xnnQuantizeNode(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	in, out := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
	if in == nil || out.Type != Int8 || (in.Type != Int8 && in.Type != Float32) {
		return nil, fmt.Errorf("the XNNPACK delegate takes QUANTIZE only from float32 or int8 to int8")
	}
	if out.Quant == nil || len(out.Quant.Scale) != 1 {
		return nil, fmt.Errorf("the output is not quantized per tensor")
	}
	k := &xnnConvert{OutputZeroPoint: out.ZeroPoint(), in: in.Index, out: out.Index}
	so := float32(out.Scale())
	if in.Type == Float32 {
		k.float, k.Scale = true, 1/so
		return k, nil
	}
	if in.Quant == nil || len(in.Quant.Scale) != 1 {
		return nil, fmt.Errorf("the input is not quantized per tensor")
	}
	ratio := float32(in.Scale()) / so
	if ratio < 1.0/256 || ratio > 128 {
		return nil, fmt.Errorf("unsupported input-to-output scale %g in QUANTIZE (XNNPACK needs [2^-8, 2^7])", ratio)
	}
	k.InputZeroPoint = in.ZeroPoint()
	k.Multiplier = int32(math.RoundToEven(float64(256 * ratio)))
	return k, nil
}

func (k *xnnConvert) eval(r *run, op *Op) error {
	out := r.i8(k.out)
	if k.float {
		for i, x := range r.f32(k.in) {
			v := math.RoundToEven(float64(x * k.Scale))
			out[i] = int8(clamp(int32(max(min(v, 1<<20), -1<<20))+k.OutputZeroPoint, -128, 127))
		}
		return nil
	}
	for i, x := range r.i8(k.in) {
		v := ((int32(x)-k.InputZeroPoint)*k.Multiplier + 128) >> 8
		out[i] = int8(clamp(v+k.OutputZeroPoint, -128, 127))
	}
	return nil
}

func (k *xnnConvert) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if k.float {
		x := AsFloat32(res.Tensors[k.in])[index]
		p := x * k.Scale
		v := math.RoundToEven(float64(p))
		steps := []Step{
			{"input", fmt.Sprintf("input[%d]", index), float64(x)},
			{"scale", fmt.Sprintf("%.9g · (1/s_out = %.9g), rounded to float32", x, k.Scale), float64(p)},
			{"round", fmt.Sprintf("round half to even(%.9g)", p), v},
		}
		out := int64(AsInt8(res.Tensors[k.out])[index])
		steps = append(steps, Step{"zero point, clamp", fmt.Sprintf("clamp(%s + %d, −128, 127)", formatInt(v), k.OutputZeroPoint), float64(out)})
		return &Explanation{Steps: steps, Value: out, Arithmetic: "XNNPACK f32→qs8 convert: round_half_even(x·float32(1/s_out)) + zero point"}, nil
	}
	x := int32(AsInt8(res.Tensors[k.in])[index])
	d := x - k.InputZeroPoint
	v := (d*k.Multiplier + 128) >> 8
	steps := []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(x)},
		{"offset", fmt.Sprintf("%d − input zero point %d", x, k.InputZeroPoint), float64(d)},
		{"scale", fmt.Sprintf("(%d·%d + 128) >> 8 (Q8 multiplier round(256·s_in/s_out), rounds half up)", d, k.Multiplier), float64(v)},
	}
	steps = append(steps, zeroPointClampSteps(v, k.OutputZeroPoint, -128, 127)...)
	return &Explanation{Steps: steps, Value: int64(clamp(v+k.OutputZeroPoint, -128, 127)), Arithmetic: "XNNPACK qs8 convert: Q8 fixed-point multiplier, round half up"}, nil
}
