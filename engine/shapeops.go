package engine

import "math"

// Helpers shared by the ops that only move bytes (RESHAPE, SQUEEZE,
// EXPAND_DIMS, CONCATENATION, PAD, TRANSPOSE, STRIDED_SLICE) and by the ops
// that read small constant index tensors (axes, paddings, perms).

// indexValues reads a constant int32 (or, when allow64, int64) tensor of
// indices, as TFLite's kernels read shape, axis, perm and paddings inputs.
func indexValues(c *prepCtx, role string, t *Tensor, allow64 bool) ([]int, error) {
	if t == nil {
		return nil, c.errorf("the %s input is missing", role)
	}
	if t.NumElements() == 0 {
		return []int{}, nil
	}
	want := "int32"
	if allow64 {
		want = "int32 or int64"
	}
	if t.Type != Int32 && !(allow64 && t.Type == Int64) {
		return nil, c.errorf("%s tensor %d (%q) has type %v, want %s", role, t.Index, t.Name, t.Type, want)
	}
	data, err := c.known(role, t)
	if err != nil {
		return nil, err
	}
	var s []int
	if t.Type == Int32 {
		for _, v := range AsInt32(data) {
			s = append(s, int(v))
		}
		return s, nil
	}
	for _, v := range AsInt64(data) {
		if v < math.MinInt32 || v > math.MaxInt32 {
			return nil, c.errorf("%s tensor %d (%q) holds %d, outside the int32 range", role, t.Index, t.Name, v)
		}
		s = append(s, int(v))
	}
	return s, nil
}

// sameType checks that the output has the input's element type.
func sameType(c *prepCtx, in, out *Tensor) error {
	if in.Type != out.Type {
		return c.errorf("input tensor %d is %v but output tensor %d is %v; the op only moves elements", in.Index, in.Type, out.Index, out.Type)
	}
	return nil
}

// rowMajorStrides returns the element strides of a row-major shape.
func rowMajorStrides(shape []int) []int {
	s := make([]int, len(shape))
	n := 1
	for d := len(shape) - 1; d >= 0; d-- {
		s[d] = n
		n *= shape[d]
	}
	return s
}
