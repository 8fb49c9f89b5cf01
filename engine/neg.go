package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// NegParams are NEG's prepared parameters for integer tensors.
//
// Mirrors TFLite's neg.cc (reference_ops::Negate) and TFLite Micro's
// neg.cc: out = −x, for float32 (FloatUnaryParams), int32 and int64 (two's
// complement: −MinInt wraps to itself). Neither TFLite has a quantized NEG.
// The XNNPACK delegate takes float32 NEG (exact).
type NegParams struct {
	Type DType `json:"type"`

	in, out int
}

func init() {
	register(tflite.BuiltinOperatorNEG, prepareNeg)
	registerXNNPack(tflite.BuiltinOperatorNEG, xnnFloatNode)
}

func prepareNeg(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	switch {
	case in.Type == Float32:
		return prepareFloatUnary(c, "−x", func(x float32) float32 { return -x })
	case in.Type != out.Type || (in.Type != Int32 && in.Type != Int64):
		return nil, c.unsupportedTypes()
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	return &NegParams{Type: in.Type, in: in.Index, out: out.Index}, nil
}

func (p *NegParams) eval(r *run, op *Op) error {
	if p.Type == Int64 {
		out := r.i64(p.out)
		for i, x := range r.i64(p.in) {
			out[i] = -x
		}
		return nil
	}
	unaryInts(r, Int32, p.in, p.out, func(x int32) int32 { return -x })
	return nil
}

func (p *NegParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	x := res.intAt(p.in, index)
	v := -x
	if p.Type == Int32 {
		v = int64(-int32(x))
	}
	return &Explanation{Steps: []Step{
		{"input", fmt.Sprintf("x = input[%d]", index), float64(x)},
		{"negate", fmt.Sprintf("−%d in %v (two's complement)", x, p.Type), float64(v)},
	}, Value: v, Arithmetic: "integer negation"}, nil
}
