package engine

import "github.com/int8scope/int8scope/engine/tflite"

// reduction is the shape side of TFLite's reduce ops (reduce.cc, TFLite
// Micro's reduce_common.cc): the axes resolved like ResolveAxis (negative
// axes count from the end, duplicates dropped), the output shape with or
// without kept dimensions, and the walk of ReduceSumImpl: every input
// element in row-major order with the output element it reduces into.
type reduction struct {
	Axes     []int `json:"axes"`
	KeepDims bool  `json:"keep_dims"`
	Count    int   `json:"count"` // input values per output element

	inShape []int
	reduced []bool
}

// prepareReduction reads a reduce op's constant axis input (input 1) and
// options and checks the output shape.
func prepareReduction(c *prepCtx, in, axis, out *Tensor) (*reduction, error) {
	o, _ := c.op.Options.(*tflite.ReducerOptionsT)
	if o == nil {
		o = &tflite.ReducerOptionsT{}
	}
	if axis.Type != Int32 {
		return nil, c.errorf("axis tensor %d has type %v, want int32", axis.Index, axis.Type)
	}
	// Axes computed by earlier ops make the output dynamic (TFLite's
	// reduce.cc: SetTensorToDynamic), prepared when the model runs.
	axes, err := c.known("axis", axis)
	if err != nil {
		return nil, err
	}
	rd := &reduction{KeepDims: o.KeepDims, Count: 1, inShape: in.Shape, reduced: make([]bool, len(in.Shape))}
	for _, a := range AsInt32(axes) {
		d := int(a)
		if d < 0 {
			d += len(in.Shape)
		}
		if d < 0 || d >= len(in.Shape) {
			return nil, c.errorf("axis %d is out of range for input shape %v", a, in.Shape)
		}
		if !rd.reduced[d] {
			rd.reduced[d] = true
			rd.Axes = append(rd.Axes, d)
			rd.Count *= in.Shape[d]
		}
	}
	want := []int{}
	for d, n := range in.Shape {
		switch {
		case !rd.reduced[d]:
			want = append(want, n)
		case rd.KeepDims:
			want = append(want, 1)
		}
	}
	if err := c.sameShape(out, want); err != nil {
		return nil, err
	}
	return rd, nil
}

// each calls add(i, o) for every input element i of n, in row-major order,
// with the output element o it reduces into.
func (rd *reduction) each(n int, add func(i, o int)) {
	outStride := make([]int, len(rd.inShape))
	s := 1
	for d := len(rd.inShape) - 1; d >= 0; d-- {
		if !rd.reduced[d] {
			outStride[d] = s
			s *= rd.inShape[d]
		}
	}
	idx := make([]int, len(rd.inShape))
	o := 0
	for i := 0; i < n; i++ {
		add(i, o)
		for d := len(idx) - 1; d >= 0; d-- {
			idx[d]++
			o += outStride[d]
			if idx[d] < rd.inShape[d] {
				break
			}
			o -= outStride[d] * rd.inShape[d]
			idx[d] = 0
		}
	}
}

// inputsOf lists the input elements that reduce into output element o.
func (rd *reduction) inputsOf(n, o int) []int {
	var is []int
	rd.each(n, func(i, oo int) {
		if oo == o {
			is = append(is, i)
		}
	})
	return is
}

// sumInto is ReduceSumImpl: each output element is the sum, in row-major
// order, of the input elements that reduce into it, in the element type
// (float32 rounding, integer wrapping at each step).
func sumInto[T integer | float32](rd *reduction, in, out []T) {
	clear(out)
	rd.each(len(in), func(i, o int) { out[o] += in[i] })
}

// sums32 is sumInto with an int32 accumulator per output element, as the
// quantized MEAN and SUM kernels sum their 8- and 16-bit inputs.
func sums32[T integer](rd *reduction, in []T, n int) []int32 {
	s := make([]int32, n)
	rd.each(len(in), func(i, o int) { s[o] += int32(in[i]) })
	return s
}
