package engine

import "fmt"

// Explanations for the ops that only move, pick or fill elements (RESIZE_
// NEAREST_NEIGHBOR, SPLIT, PACK, GATHER, TILE, SLICE, DEPTH_TO_SPACE, …):
// there is no arithmetic to derive, so the explanation says which input
// element the output element is a copy of.

// explainMoved explains an output element that is a copy of element
// srcIndex of tensor src; how says why that element (the op's index
// formula with the numbers filled in).
func explainMoved(res *Result, src, srcIndex int, how string) *Explanation {
	t := res.Model.Tensors[src]
	v := elementValue(t.Type, res.Tensors[src], srcIndex)
	return &Explanation{
		Arithmetic: "copies the element unchanged (no arithmetic)",
		Steps: []Step{
			{Name: "source", Formula: how, Value: float64(srcIndex)},
			{Name: "copy", Formula: fmt.Sprintf("tensor %d %q element %v (flat %d)", src, t.Name, t.Coords(srcIndex), srcIndex), Value: v},
		},
		Value: int64(v),
	}
}

// explainConstant explains an output element that is a value the op
// writes, not a copy of an input element (FILL, ZEROS_LIKE, padding).
func explainConstant(v float64, how string) *Explanation {
	return &Explanation{
		Arithmetic: "writes a value (no arithmetic)",
		Steps:      []Step{{Name: "value", Formula: how, Value: v}},
		Value:      int64(v),
	}
}

// elementValue is element i of a tensor of type t with raw bytes b, as a
// float64 (exact for every type the engine has but int64 beyond 2^53).
func elementValue(t DType, b []byte, i int) float64 {
	if t == Float32 {
		return float64(AsFloat32(b)[i])
	}
	return float64(intValue(t, b, i))
}

// sameQuant checks what TFLite's PACK and UNPACK check in Prepare: the
// input and output have the same scale and zero point (the kernels copy
// bytes and do not rescale).
func sameQuant(c *prepCtx, in, out *Tensor) error {
	if in.Scale() != out.Scale() || in.ZeroPoint() != out.ZeroPoint() {
		return c.errorf("tensor %d has scale %v, zero point %d but tensor %d has %v, %d; TFLite's %s does not rescale and requires them equal",
			in.Index, in.Scale(), in.ZeroPoint(), out.Index, out.Scale(), out.ZeroPoint(), c.op.Builtin)
	}
	return nil
}

// moving is the Prepare preamble of an op that moves elements of one type:
// n inputs, one output of input 0's type, and input 0's type among types
// (those TFLite's kernel has).
func (c *prepCtx) moving(n int, types ...DType) (in, out *Tensor, err error) {
	if err := c.io(n, n, 1); err != nil {
		return nil, nil, err
	}
	in, out = c.in(0), c.out(0)
	if err := sameType(c, in, out); err != nil {
		return nil, nil, err
	}
	for _, t := range types {
		if in.Type == t {
			return in, out, nil
		}
	}
	return nil, nil, c.unsupportedTypes()
}

// copyRuns fills dst from src in runs of run consecutive elements of size
// bytes: the run starting at output element o is a copy of the run starting
// at input element source(o). A run of 0 copies nothing.
func copyRuns(dst, src []byte, size, run int, source func(o int) int) {
	n := run * size
	if n == 0 {
		return
	}
	for o := 0; o*size < len(dst); o += run {
		s := source(o) * size
		copy(dst[o*size:o*size+n], src[s:s+n])
	}
}
