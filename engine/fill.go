package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// FillParams are FILL's prepared parameters.
//
// Mirrors TFLite's kernels/fill.cc and TFLite Micro's kernels/fill.cc:
// every element of the output, whose shape is the dims input (a constant
// 1-D int32 or int64 tensor), is the scalar value input, copied as raw
// bytes (an int8 or int16 value is not rescaled).
type FillParams struct {
	Dims []int `json:"dims"`

	value, out, size int
}

func init() { register(tflite.BuiltinOperatorFILL, prepareFill) }

func prepareFill(c *prepCtx) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	dimsT, value, out := c.in(0), c.in(1), c.out(0)
	if len(dimsT.Shape) != 1 {
		return nil, c.errorf("dims tensor %d has shape %v; want 1-D", dimsT.Index, dimsT.Shape)
	}
	dims, err := indexValues(c, "dims", dimsT, true)
	if err != nil {
		return nil, err
	}
	if value.NumElements() != 1 || len(value.Shape) > 1 {
		return nil, c.errorf("value tensor %d has shape %v; want a scalar", value.Index, value.Shape)
	}
	if err := sameType(c, value, out); err != nil {
		return nil, err
	}
	switch out.Type {
	case Float32, Int32, Int64, Bool, Int8, Int16:
	default:
		return nil, c.unsupportedTypes()
	}
	for _, d := range dims {
		if d < 0 {
			return nil, c.errorf("dims %v has a negative size", dims)
		}
	}
	if err := c.sameShape(out, dims); err != nil {
		return nil, err
	}
	return &FillParams{Dims: dims, value: value.Index, out: out.Index, size: out.Type.Size()}, nil
}

func (p *FillParams) eval(r *run, op *Op) error {
	v, dst := r.vals[p.value][:p.size], r.vals[p.out]
	for o := 0; o < len(dst); o += p.size {
		copy(dst[o:], v)
	}
	return nil
}

func (p *FillParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	return explainMoved(res, p.value, 0, fmt.Sprintf("every element of the %v output is the value", p.Dims)), nil
}
