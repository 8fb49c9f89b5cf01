package engine

// reduceAxes is the axis handling of TFLite's reductions
// (reference/reduce.h ResolveAxis and Reduce): which input dimensions are
// reduced, the output shape, and the row-major walk that pairs each input
// element with the output element it reduces into.
type reduceAxes struct {
	Axes     []int `json:"axes"` // resolved: non-negative, without duplicates
	KeepDims bool  `json:"keep_dims"`
	Count    int   `json:"count"` // input elements per output element

	inShape []int
	reduced []bool // per input dimension
}

// resolveReduceAxes reads a reduction's constant axis input (int32 or
// int64; negative axes count from the end, duplicates are dropped) and
// checks the output shape.
func resolveReduceAxes(c *prepCtx, in, axisT, out *Tensor, keep bool) (*reduceAxes, error) {
	axes, err := indexValues(c, "axis", axisT, true)
	if err != nil {
		return nil, err
	}
	r := &reduceAxes{KeepDims: keep, Count: 1, inShape: in.Shape, reduced: make([]bool, len(in.Shape)), Axes: []int{}}
	for _, a := range axes {
		d := a
		if d < 0 {
			d += len(in.Shape)
		}
		if d < 0 || d >= len(in.Shape) {
			return nil, c.errorf("axis %d is out of range for input shape %v", a, in.Shape)
		}
		if !r.reduced[d] {
			r.reduced[d] = true
			r.Axes = append(r.Axes, d)
			r.Count *= in.Shape[d]
		}
	}
	want := []int{}
	for d, n := range in.Shape {
		switch {
		case !r.reduced[d]:
			want = append(want, n)
		case keep:
			want = append(want, 1)
		}
	}
	if err := c.sameShape(out, want); err != nil {
		return nil, err
	}
	return r, nil
}

// each calls f(i, o) for every input element i, in row-major order, with
// the output element o it reduces into.
func (r *reduceAxes) each(f func(i, o int)) {
	n := numElements(r.inShape)
	if n == 0 {
		return
	}
	outStride := make([]int, len(r.inShape))
	s := 1
	for d := len(r.inShape) - 1; d >= 0; d-- {
		if !r.reduced[d] {
			outStride[d] = s
			s *= r.inShape[d]
		}
	}
	idx := make([]int, len(r.inShape))
	o := 0
	for i := 0; i < n; i++ {
		f(i, o)
		for d := len(idx) - 1; d >= 0; d-- {
			idx[d]++
			o += outStride[d]
			if idx[d] < r.inShape[d] {
				break
			}
			o -= outStride[d] * idx[d]
			idx[d] = 0
		}
	}
}
