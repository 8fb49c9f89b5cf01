package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// SliceParams are SLICE's prepared parameters.
//
// Mirrors TFLite's kernels/slice.cc (reference_ops::Slice) and TFLite
// Micro's kernels/slice.cc, up to 5-D: begin and size (constant 1-D int32
// or int64 tensors, one value per dimension; size −1 means "to the end")
// select the block
//
//	out[c] = in[Begin + c],  0 ≤ c[d] < Size[d]
//
// Elements are copied as raw bytes.
type SliceParams struct {
	Begin      []int `json:"begin"`
	Size       []int `json:"size"` // −1 resolved
	InputShape []int `json:"input_shape"`

	in, out, size int
}

func init() { register(tflite.BuiltinOperatorSLICE, prepareSlice) }

func prepareSlice(c *prepCtx) (kernel, error) {
	in, out, err := c.moving(3, Float32, Int8, Uint8, Int16, Int32, Int64, Bool)
	if err != nil {
		return nil, err
	}
	rank := len(in.Shape)
	if rank > 5 {
		return nil, c.errorf("input shape %v has rank %d; SLICE supports up to 5", in.Shape, rank)
	}
	var v [2][]int
	for k, role := range []string{"begin", "size"} {
		t := c.in(k + 1)
		if len(t.Shape) != 1 || t.Shape[0] != rank {
			return nil, c.errorf("%s tensor %d has shape %v, want [%d]", role, t.Index, t.Shape, rank)
		}
		vals, err := indexValues(c, role, t, true)
		if err != nil {
			return nil, err
		}
		v[k] = append([]int{}, vals...)
	}
	begin, size := v[0], v[1]
	for d := range rank {
		if size[d] == -1 {
			size[d] = in.Shape[d] - begin[d]
		}
		if begin[d] < 0 || size[d] < 0 || begin[d]+size[d] > in.Shape[d] {
			return nil, c.errorf("dimension %d: begin %d and size %d do not fit the input's %d", d, v[0][d], v[1][d], in.Shape[d])
		}
	}
	if err := c.sameShape(out, size); err != nil {
		return nil, err
	}
	return &SliceParams{Begin: begin, Size: size, InputShape: in.Shape, in: in.Index, out: out.Index, size: in.Type.Size()}, nil
}

// source is the input element output element index copies.
func (p *SliceParams) source(index int) int {
	c := unflatten(index, p.Size)
	s := 0
	for d, v := range c {
		s = s*p.InputShape[d] + p.Begin[d] + v
	}
	return s
}

func (p *SliceParams) eval(r *run, op *Op) error {
	run := 1 // a scalar
	if rank := len(p.Size); rank > 0 {
		run = p.Size[rank-1] // rows of the innermost dimension
	}
	copyRuns(r.vals[p.out], r.vals[p.in], p.size, run, p.source)
	return nil
}

func (p *SliceParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	return explainMoved(res, p.in, p.source(index), fmt.Sprintf("begin %v + output %v", p.Begin, unflatten(index, p.Size))), nil
}
