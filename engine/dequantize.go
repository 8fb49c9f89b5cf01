package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// DequantizeParams are DEQUANTIZE's prepared parameters.
//
// Mirrors TFLite Micro's dequantize.cc and the reference kernels
// reference/dequantize.h (Dequantize, PerChannelDequantize) as TFLite's
// dequantize.cc calls them: in float32 arithmetic,
//
//	out = Scale · float32(x − ZeroPoint)
//
// per tensor, or with the Scales and ZeroPoints of the element's slice along
// Axis for per-channel weights (weight-only models). A FLOAT16 input is
// widened to float32 exactly (Eigen's half_to_float).
type DequantizeParams struct {
	Scale     float32 `json:"scale"`
	ZeroPoint int32   `json:"zero_point"`
	// Per-channel input: one scale and zero point per slice along Axis;
	// Inner is the number of elements after that axis.
	Scales     []float32 `json:"scales,omitempty"`
	ZeroPoints []int32   `json:"zero_points,omitempty"`
	Axis       int       `json:"axis,omitempty"`
	Inner      int       `json:"inner,omitempty"`

	in, out int
	typ     DType
}

func init() {
	register(tflite.BuiltinOperatorDEQUANTIZE, prepareDequantize)
}

func prepareDequantize(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	if out.Type != Float32 || (in.Type != Int8 && in.Type != Uint8 && in.Type != Int16 && in.Type != Float16) {
		return nil, c.unsupportedTypes()
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	p := &DequantizeParams{in: in.Index, out: out.Index, typ: in.Type}
	if in.Type == Float16 {
		return p, nil
	}
	if err := c.needQuant("input", in); err != nil {
		return nil, err
	}
	p.Scale, p.ZeroPoint = float32(in.Scale()), in.ZeroPoint()
	if q := in.Quant; q.PerChannel() {
		if in.Type != Int8 || q.Axis < 0 || q.Axis >= len(in.Shape) || len(q.Scale) != in.Shape[q.Axis] || len(q.ZeroPoint) != len(q.Scale) {
			return nil, c.errorf("input tensor %d: per-channel DEQUANTIZE needs int8 with one scale and zero point per slice of its quantized dimension", in.Index)
		}
		p.Scales, p.Axis, p.Inner = q.Scale, q.Axis, numElements(in.Shape[q.Axis+1:])
		for _, z := range q.ZeroPoint {
			p.ZeroPoints = append(p.ZeroPoints, int32(z))
		}
	}
	return p, nil
}

func (p *DequantizeParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Int8:
		if p.Scales != nil {
			in, out := r.i8(p.in), r.f32(p.out)
			for i, x := range in {
				ch := p.channel(i)
				out[i] = p.Scales[ch] * float32(int32(x)-p.ZeroPoints[ch])
			}
			return nil
		}
		dequantize(p, r.i8(p.in), r.f32(p.out))
	case Float16:
		copy(r.f32(p.out), AsFloat16(r.vals[p.in]))
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

// channel is the quantized-dimension slice of flat element i (per-channel).
func (p *DequantizeParams) channel(i int) int { return i / p.Inner % len(p.Scales) }

func (p *DequantizeParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if p.typ == Float16 {
		v := AsFloat16(res.Tensors[p.in])[index]
		return &Explanation{Steps: []Step{
			{"input", fmt.Sprintf("input[%d], IEEE half 0x%04x", index, float32ToHalf(v)), float64(v)},
			{"dequantize", "widened to float32 exactly", float64(v)},
		}, Arithmetic: "float16 → float32 (exact)"}, nil
	}
	x := int32(Values(p.typ, res.Tensors[p.in])[index])
	scale, zp, which := p.Scale, p.ZeroPoint, ""
	if p.Scales != nil {
		ch := p.channel(index)
		scale, zp, which = p.Scales[ch], p.ZeroPoints[ch], fmt.Sprintf(" of channel %d (axis %d)", ch, p.Axis)
	}
	d := float32(x - zp)
	v := scale * d
	return &Explanation{Steps: []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(x)},
		{"offset", fmt.Sprintf("float32(%d − zero point %d%s)", x, zp, which), float64(d)},
		{"dequantize", fmt.Sprintf("scale %.9g%s × %.9g, rounded to float32", scale, which, d), float64(v)},
	}, Arithmetic: "float32: scale × (q − zero_point)"}, nil
}
