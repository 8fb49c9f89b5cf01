package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// SplitParams are SPLIT's prepared parameters (and SPLIT_V's and UNPACK's,
// which use the same kernel).
//
// Mirrors TFLite's kernels/split.cc (optimized_ops::Split: per outer slice,
// one copy per output), as TFLite Micro's kernels/split.cc runs it: the
// input is cut along Axis into len(Sizes) consecutive pieces; viewing it as
// [Outer, Dims(axis), Inner], output k holds, for each outer slice, the
// Sizes[k]·Inner elements that follow the previous outputs' pieces:
//
//	out_k[o, j, i] = in[o, Offsets[k] + j, i]
//
// SPLIT cuts Dims(axis) into num_splits equal pieces (the axis input, a
// constant int32 scalar, may be negative). Elements are copied as raw
// bytes, so int8 and int16 values are never rescaled (TFLite copies them
// whatever the outputs' quantization).
type SplitParams struct {
	Axis    int   `json:"axis"` // non-negative
	Outer   int   `json:"outer"`
	Inner   int   `json:"inner"`
	Sizes   []int `json:"sizes"`   // per output, along the axis
	Offsets []int `json:"offsets"` // per output, its first index along the axis

	in   int
	outs []int
	dims int // input size along the axis
	size int
}

func init() { register(tflite.BuiltinOperatorSPLIT, prepareSplit) }

func prepareSplit(c *prepCtx) (kernel, error) {
	o, _ := c.op.Options.(*tflite.SplitOptionsT)
	if o == nil {
		return nil, c.errorf("SPLIT has no SplitOptions (num_splits)")
	}
	if err := c.io(2, 2, int(o.NumSplits)); err != nil {
		return nil, err
	}
	in := c.in(1)
	axis, err := splitAxis(c, c.in(0), in)
	if err != nil {
		return nil, err
	}
	n := int(o.NumSplits)
	if n <= 0 || in.Shape[axis]%n != 0 {
		return nil, c.errorf("input shape %v cannot be split into %d equal parts along axis %d", in.Shape, o.NumSplits, axis)
	}
	sizes := make([]int, n)
	for k := range sizes {
		sizes[k] = in.Shape[axis] / n
	}
	return newSplit(c, in, axis, sizes, true, Float32, Uint8, Int8, Int16, Int32)
}

// splitAxis reads a constant scalar axis input for input in (negative
// values count from the end).
func splitAxis(c *prepCtx, axisT, in *Tensor) (int, error) {
	if axisT.NumElements() != 1 {
		return 0, c.errorf("axis tensor %d has shape %v; want a scalar", axisT.Index, axisT.Shape)
	}
	v, err := indexValues(c, "axis", axisT, false)
	if err != nil {
		return 0, err
	}
	return normAxis(c, v[0], len(in.Shape))
}

// normAxis checks an axis against a rank; negative counts from the end.
func normAxis(c *prepCtx, axis, rank int) (int, error) {
	if axis < -rank || axis >= rank {
		return 0, c.errorf("axis %d is out of range for rank %d", axis, rank)
	}
	if axis < 0 {
		axis += rank
	}
	return axis, nil
}

// newSplit checks the outputs of a split of in along axis into pieces of
// sizes (keep: the outputs keep the axis; UNPACK drops it) and prepares it;
// types are the element types the op's TFLite kernel has.
func newSplit(c *prepCtx, in *Tensor, axis int, sizes []int, keep bool, types ...DType) (*SplitParams, error) {
	ok := false
	for _, t := range types {
		ok = ok || in.Type == t
	}
	if !ok {
		return nil, c.unsupportedTypes()
	}
	p := &SplitParams{Axis: axis, Outer: numElements(in.Shape[:axis]), Inner: numElements(in.Shape[axis+1:]),
		Sizes: sizes, in: in.Index, dims: in.Shape[axis], size: in.Type.Size()}
	off := 0
	for k, s := range sizes {
		out := c.out(k)
		if err := sameType(c, in, out); err != nil {
			return nil, err
		}
		want := append([]int{}, in.Shape...)
		want[axis] = s
		if !keep {
			want = append(want[:axis:axis], in.Shape[axis+1:]...)
		}
		if err := c.sameShape(out, want); err != nil {
			return nil, err
		}
		p.Offsets = append(p.Offsets, off)
		p.outs = append(p.outs, out.Index)
		off += s
	}
	if off != in.Shape[axis] {
		return nil, c.errorf("the pieces %v add up to %d, but input shape %v has %d along axis %d", sizes, off, in.Shape, in.Shape[axis], axis)
	}
	return p, nil
}

func (p *SplitParams) eval(r *run, op *Op) error {
	src := r.vals[p.in]
	row := p.Inner * p.size
	for k, t := range p.outs {
		dst := r.vals[t]
		n := p.Sizes[k] * row
		for o := 0; o < p.Outer; o++ {
			i := (o*p.dims + p.Offsets[k]) * row
			copy(dst[o*n:(o+1)*n], src[i:i+n])
		}
	}
	return nil
}

// explain explains an element of the first output.
func (p *SplitParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	per := p.Sizes[0] * p.Inner
	o, j, i := index/per, index%per/p.Inner, index%p.Inner
	src := (o*p.dims+p.Offsets[0]+j)*p.Inner + i
	return explainMoved(res, p.in, src, fmt.Sprintf("output 0 holds indices %d..%d of axis %d: index %d along the axis → input index %d + %d = %d",
		p.Offsets[0], p.Offsets[0]+p.Sizes[0]-1, p.Axis, j, p.Offsets[0], j, p.Offsets[0]+j)), nil
}
