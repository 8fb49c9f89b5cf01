package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// DequantizeParams are DEQUANTIZE's prepared parameters.
//
// Mirrors TFLite Micro's dequantize.cc and the reference kernel
// reference/dequantize.h (Dequantize): in float32 arithmetic,
//
//	out = Scale · float32(x − ZeroPoint)
type DequantizeParams struct {
	Scale     float32 `json:"scale"`
	ZeroPoint int32   `json:"zero_point"`

	in, out int
	typ     DType
}

func init() {
	register(tflite.BuiltinOperatorDEQUANTIZE, prepareDequantize)
	registerXNNPack(tflite.BuiltinOperatorDEQUANTIZE, xnnExactNode(true)) // XNNPACK converts exactly like the reference
}

func prepareDequantize(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	if out.Type != Float32 || (in.Type != Int8 && in.Type != Uint8 && in.Type != Int16) {
		return nil, c.unsupportedTypes()
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	if err := c.needQuant("input", in); err != nil {
		return nil, err
	}
	if in.Quant.PerChannel() {
		return nil, c.errorf("input tensor %d has per-channel quantization; TFLite Micro's DEQUANTIZE needs one scale", in.Index)
	}
	return &DequantizeParams{Scale: float32(in.Scale()), ZeroPoint: in.ZeroPoint(), in: in.Index, out: out.Index, typ: in.Type}, nil
}

func (p *DequantizeParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Int8:
		dequantize(p, r.i8(p.in), r.f32(p.out))
	case Uint8:
		dequantize(p, r.u8(p.in), r.f32(p.out))
	case Int16:
		dequantize(p, r.i16(p.in), r.f32(p.out))
	}
	return nil
}

func dequantize[T integer](p *DequantizeParams, in []T, out []float32) {
	for i, x := range in {
		out[i] = p.Scale * float32(int32(x)-p.ZeroPoint)
	}
}

func (p *DequantizeParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	x := int32(Values(p.typ, res.Tensors[p.in])[index])
	d := float32(x - p.ZeroPoint)
	v := p.Scale * d
	return &Explanation{Steps: []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(x)},
		{"offset", fmt.Sprintf("float32(%d − zero point %d)", x, p.ZeroPoint), float64(d)},
		{"dequantize", fmt.Sprintf("scale %.9g × %.9g, rounded to float32", p.Scale, d), float64(v)},
	}, Arithmetic: "float32: scale × (q − zero_point)"}, nil
}
