package engine

import (
	"math/bits"

	"github.com/int8scope/int8scope/engine/tflite"
)

// StridedSliceParams are STRIDED_SLICE's prepared parameters.
//
// Mirrors TFLite's strided_slice kernel (kernels/strided_slice.cc
// BuildStridedSliceParams, strided_slice_logic.h StridedSliceStartForAxis /
// StridedSliceEndForAxis, reference/strided_slice.h), which TFLite Micro runs
// for the masks it supports. The ellipsis and new axes are first expanded
// into one begin/end/stride per dimension of EffectiveShape (the input shape
// with the new size-1 axes). Per dimension d:
//
//	start = begin (+size if negative), clamped to [0, size] (stride > 0) or
//	        [−1, size−1] (stride < 0); begin_mask: 0 or size−1
//	stop  = end (+start if offset) (+size if negative), clamped likewise;
//	        end_mask: size or −1; shrink_axis: start+1
//
// and the output holds in[i_0, …, i_{n−1}] for i_d = start, start+stride, …
// while i_d < stop (stride > 0) or i_d > stop (stride < 0), in order. Shrunk
// dimensions are dropped from the output shape. Up to 5-D; any element type.
type StridedSliceParams struct {
	Begin          []int `json:"begin"`   // per effective dimension, after expansion
	End            []int `json:"end"`     // per effective dimension, after expansion
	Strides        []int `json:"strides"` // per effective dimension, after expansion
	BeginMask      int32 `json:"begin_mask"`
	EndMask        int32 `json:"end_mask"`
	ShrinkAxisMask int32 `json:"shrink_axis_mask"`
	Offset         bool  `json:"offset"`
	EffectiveShape []int `json:"effective_input_shape"`
	Start          []int `json:"start"`  // first index per effective dimension
	Stop           []int `json:"stop"`   // one past (or before) the last index
	Counts         []int `json:"counts"` // indices taken per effective dimension
	OutputShape    []int `json:"output_shape"`

	in, out, size int
}

// stridedSliceMaxRank is the reference kernel's 5-D limit.
const stridedSliceMaxRank = 5

func init() { register(tflite.BuiltinOperatorSTRIDED_SLICE, prepareStridedSlice) }

func prepareStridedSlice(c *prepCtx) (kernel, error) {
	if err := c.io(4, 4, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	if err := sameType(c, in, out); err != nil {
		return nil, err
	}
	o, _ := c.op.Options.(*tflite.StridedSliceOptionsT)
	if o == nil {
		o = &tflite.StridedSliceOptionsT{}
	}
	if len(in.Shape) > stridedSliceMaxRank {
		return nil, c.errorf("input shape %v has rank %d; StridedSlice supports up to %d", in.Shape, len(in.Shape), stridedSliceMaxRank)
	}
	var idx [3][]int
	for k, role := range []string{"begin", "end", "strides"} {
		t := c.in(k + 1)
		if len(t.Shape) != 1 {
			return nil, c.errorf("%s tensor %d has shape %v; want 1-D", role, t.Index, t.Shape)
		}
		v, err := indexValues(c, role, t, false)
		if err != nil {
			return nil, err
		}
		idx[k] = v
	}
	begin, end, strides := idx[0], idx[1], idx[2]
	if len(end) != len(begin) || len(strides) != len(begin) {
		return nil, c.errorf("begin, end and strides have %d, %d and %d values; want the same count", len(begin), len(end), len(strides))
	}
	if bits.OnesCount32(uint32(o.EllipsisMask)) > 1 {
		return nil, c.errorf("ellipsis_mask %#b has more than one bit set", o.EllipsisMask)
	}
	p, err := expandStridedSlice(c, o, begin, end, strides, in.Shape)
	if err != nil {
		return nil, err
	}
	p.Offset, p.in, p.out, p.size = o.Offset, in.Index, out.Index, in.Type.Size()
	p.OutputShape = []int{}
	for d, size := range p.EffectiveShape {
		stride := p.Strides[d]
		if stride == 0 {
			return nil, c.errorf("stride of dimension %d is 0", d)
		}
		start := p.Begin[d]
		if start < 0 {
			start += size
		}
		start = clampInt(start, stride, size)
		if bit(p.BeginMask, d) {
			start = 0
			if stride < 0 {
				start = size - 1
			}
		}
		stop := start + 1
		shrink := bit(p.ShrinkAxisMask, d)
		if shrink && start >= size {
			stop = start
		}
		if !shrink {
			stop = p.End[d]
			if p.Offset {
				stop += start
			}
			if stop < 0 {
				stop += size
			}
			stop = clampInt(stop, stride, size)
			if bit(p.EndMask, d) {
				stop = size
				if stride < 0 {
					stop = -1
				}
			}
		}
		n := 0
		if stride > 0 && stop > start {
			n = (stop - start + stride - 1) / stride
		} else if stride < 0 && start > stop {
			n = (start - stop - stride - 1) / -stride
		}
		p.Start, p.Stop, p.Counts = append(p.Start, start), append(p.Stop, stop), append(p.Counts, n)
		switch {
		case shrink && n != 1:
			return nil, c.errorf("dimension %d is shrunk but begin %d, stride %d select %d elements of %d", d, p.Begin[d], stride, n, size)
		case shrink:
		case p.Offset && !bit(p.BeginMask, d) && !bit(p.EndMask, d) && n != ceilDiv(p.End[d], stride):
			return nil, c.errorf("dimension %d: offset slice of %d from %d runs past the input size %d", d, p.End[d], start, size)
		default:
			p.OutputShape = append(p.OutputShape, n)
		}
	}
	if err := c.sameShape(out, p.OutputShape); err != nil {
		return nil, err
	}
	return p, nil
}

// expandStridedSlice is TFLite's BuildStridedSliceParams: it turns the
// ellipsis and new-axis masks into plain per-dimension begin/end/strides and
// masks over the effective input shape.
func expandStridedSlice(c *prepCtx, o *tflite.StridedSliceOptionsT, begin, end, strides, shape []int) (*StridedSliceParams, error) {
	n := len(begin)
	addAxes := 0
	for i := range n {
		if !bit(o.EllipsisMask, i) && bit(o.NewAxisMask, i) {
			addAxes++
		}
	}
	dims := len(shape) + addAxes
	if dims > stridedSliceMaxRank {
		return nil, c.errorf("input shape %v with %d new axes exceeds %d dimensions", shape, addAxes, stridedSliceMaxRank)
	}
	if n > dims {
		return nil, c.errorf("begin has %d values but the input (with new axes) has %d dimensions", n, dims)
	}
	var ellipsis, newAxis uint32
	ellipsisStart, expanded := dims, 0
	for i := 0; i < dims; {
		if bit(o.EllipsisMask, i) {
			ellipsisStart = i
			e := max(i+1, min(i+1+addAxes+len(shape)-n, dims))
			expanded = e - ellipsisStart - 1
			for ; i < e; i++ {
				ellipsis |= 1 << i
			}
			continue
		}
		if bit(o.NewAxisMask, i-expanded) {
			newAxis |= 1 << i
		}
		i++
	}
	p := &StridedSliceParams{Begin: make([]int, dims), End: make([]int, dims), Strides: make([]int, dims), EffectiveShape: make([]int, dims)}
	addedEllipsis, addedAxes := 0, 0
	for i := range dims {
		full := false
		switch {
		case ellipsis>>i&1 != 0:
			addedEllipsis = max(0, i-ellipsisStart)
			full = true
		case newAxis>>i&1 != 0:
			p.End[i], p.Strides[i], p.EffectiveShape[i] = 1, 1, 1
			addedAxes++
			continue
		case i >= n+expanded:
			full = true
		default:
			k := i - addedEllipsis
			if k < 0 || k >= n {
				return nil, c.errorf("ellipsis_mask %#b and new_axis_mask %#b do not fit %d begin values", o.EllipsisMask, o.NewAxisMask, n)
			}
			p.Begin[i], p.End[i], p.Strides[i] = begin[k], end[k], strides[k]
			for _, m := range []struct {
				from int32
				to   *int32
			}{{o.BeginMask, &p.BeginMask}, {o.EndMask, &p.EndMask}, {o.ShrinkAxisMask, &p.ShrinkAxisMask}} {
				if bit(m.from, k) {
					*m.to |= 1 << i
				}
			}
		}
		if full {
			p.Strides[i] = 1
			p.BeginMask |= 1 << i
			p.EndMask |= 1 << i
		}
		if j := i - addedAxes; j >= 0 && j < len(shape) {
			p.EffectiveShape[i] = shape[j]
		} else {
			return nil, c.errorf("ellipsis_mask %#b and new_axis_mask %#b do not fit input shape %v", o.EllipsisMask, o.NewAxisMask, shape)
		}
	}
	if numElements(p.EffectiveShape) != numElements(shape) {
		return nil, c.errorf("ellipsis_mask %#b and new_axis_mask %#b do not fit input shape %v", o.EllipsisMask, o.NewAxisMask, shape)
	}
	return p, nil
}

// bit reports whether bit i of mask is set.
func bit(mask int32, i int) bool { return i >= 0 && i < 32 && uint32(mask)>>i&1 != 0 }

// clampInt is strided_slice::Clamp to [0, size] for a positive stride and
// [−1, size−1] for a negative one.
func clampInt(v, stride, size int) int {
	if stride > 0 {
		return min(max(v, 0), size)
	}
	return min(max(v, -1), size-1)
}

// ceilDiv is ceil(a/b) for b ≠ 0, at least 0.
func ceilDiv(a, b int) int {
	if b < 0 {
		a, b = -a, -b
	}
	if a <= 0 {
		return 0
	}
	return (a + b - 1) / b
}

func (p *StridedSliceParams) eval(r *run, op *Op) error {
	src, dst := r.vals[p.in], r.vals[p.out]
	dims := len(p.EffectiveShape)
	stride := rowMajorStrides(p.EffectiveShape)
	base := 0
	step := make([]int, dims)
	for d := range dims {
		base += p.Start[d] * stride[d]
		step[d] = p.Strides[d] * stride[d]
	}
	if numElements(p.Counts) == 0 {
		return nil
	}
	// The innermost dimension is copied as one run when its stride is 1.
	inner, runLen := dims, 1
	if dims > 0 && p.Strides[dims-1] == 1 {
		inner, runLen = dims-1, p.Counts[dims-1]
	}
	coord := make([]int, inner)
	i := base
	for o := 0; o < len(dst); o += runLen * p.size {
		copy(dst[o:o+runLen*p.size], src[i*p.size:])
		for d := inner - 1; d >= 0; d-- {
			i += step[d]
			if coord[d]++; coord[d] < p.Counts[d] {
				break
			}
			i -= step[d] * coord[d]
			coord[d] = 0
		}
	}
	return nil
}
