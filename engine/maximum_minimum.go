package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// MaximumMinimumParams are MAXIMUM's and MINIMUM's prepared parameters.
//
// Mirrors TFLite's maximum_minimum.cc and TFLite Micro's
// maximum_minimum.cc (reference_ops::MaximumMinimumBroadcastSlow): the
// elementwise std::max or std::min of the raw values, with broadcasting,
// for float32, int8, uint8, int16, int32 and int64. Quantized tensors are
// compared as stored integers, without requantization (TFLite does not
// check that the scales agree). std::max(a, b) is a < b ? b : a and
// std::min(a, b) is b < a ? b : a, which decides −0 against +0 and NaN.
// The XNNPACK delegate takes float32 MAXIMUM and MINIMUM.
type MaximumMinimumParams struct {
	Function  string `json:"function"` // "max" or "min"
	Type      DType  `json:"type"`
	Broadcast bool   `json:"broadcast,omitempty"`

	isMax         bool
	in1, in2, out int
	bc            *broadcast
}

func init() {
	register(tflite.BuiltinOperatorMAXIMUM, func(c *prepCtx) (kernel, error) { return prepareMaximumMinimum(c, true) })
	register(tflite.BuiltinOperatorMINIMUM, func(c *prepCtx) (kernel, error) { return prepareMaximumMinimum(c, false) })
	registerXNNPack(tflite.BuiltinOperatorMAXIMUM, xnnFloatNode)
	registerXNNPack(tflite.BuiltinOperatorMINIMUM, xnnFloatNode)
}

func prepareMaximumMinimum(c *prepCtx, isMax bool) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	in1, in2, out := c.in(0), c.in(1), c.out(0)
	if in1.Type != out.Type || in2.Type != out.Type {
		return nil, c.unsupportedTypes()
	}
	switch out.Type {
	case Float32, Int8, Uint8, Int16, Int32, Int64:
	default:
		return nil, c.unsupportedTypes()
	}
	bc, err := newBroadcast(in1.Shape, in2.Shape)
	if err != nil {
		return nil, c.errorf("%v", err)
	}
	if err := c.sameShape(out, bc.out); err != nil {
		return nil, err
	}
	p := &MaximumMinimumParams{Function: "min", Type: out.Type, Broadcast: !bc.same, isMax: isMax,
		in1: in1.Index, in2: in2.Index, out: out.Index, bc: bc}
	if isMax {
		p.Function = "max"
	}
	return p, nil
}

// pick is std::max or std::min.
func pickMaxMin[T int32 | int64 | float32](isMax bool, a, b T) T {
	if isMax {
		if a < b {
			return b
		}
		return a
	}
	if b < a {
		return b
	}
	return a
}

func (p *MaximumMinimumParams) eval(r *run, op *Op) error {
	switch p.Type {
	case Float32:
		p.bc.binaryFloats(r, p.in1, p.in2, p.out, func(x, y float32) float32 { return pickMaxMin(p.isMax, x, y) })
	case Int64:
		maxMin(p, r.i64(p.in1), r.i64(p.in2), r.i64(p.out))
	case Int8:
		maxMin(p, r.i8(p.in1), r.i8(p.in2), r.i8(p.out))
	case Uint8:
		maxMin(p, r.u8(p.in1), r.u8(p.in2), r.u8(p.out))
	case Int16:
		maxMin(p, r.i16(p.in1), r.i16(p.in2), r.i16(p.out))
	default:
		maxMin(p, r.i32(p.in1), r.i32(p.in2), r.i32(p.out))
	}
	return nil
}

// maxMin is pickMaxMin (computed in int32, or int64) for every output
// element, inlined in the loop.
func maxMin[T integer | int64](p *MaximumMinimumParams, a, b, out []T) {
	binaryVec(p.bc, a, b, out, func(out, a, b []T) {
		a, b = a[:len(out)], b[:len(out)]
		for i := range out {
			out[i] = T(pickMaxMin(p.isMax, int64(a[i]), int64(b[i])))
		}
	})
}

func (p *MaximumMinimumParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if p.Type == Float32 {
		return explainFloatBinary(res, p.bc, p.in1, p.in2, index, fmt.Sprintf("std::%s(x, y)", p.Function),
			func(x, y float32) float32 { return pickMaxMin(p.isMax, x, y) }), nil
	}
	i1, i2 := p.bc.index(index)
	x, y := res.intAt(p.in1, i1), res.intAt(p.in2, i2)
	v := pickMaxMin(p.isMax, x, y)
	return &Explanation{Steps: []Step{
		{"input1", fmt.Sprintf("input1[%d]", i1), float64(x)},
		{"input2", fmt.Sprintf("input2[%d]", i2), float64(y)},
		{p.Function, fmt.Sprintf("%s(%d, %d) of the stored integers (no requantization)", p.Function, x, y), float64(v)},
	}, Value: v, Arithmetic: "elementwise " + p.Function + " of stored values"}, nil
}
