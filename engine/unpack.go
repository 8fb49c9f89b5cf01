package engine

import (
	"github.com/int8scope/int8scope/engine/tflite"
)

// UNPACK mirrors TFLite's kernels/unpack.cc (reference_ops::Unpack) and
// TFLite Micro's kernels/unpack.cc: the input is cut along Axis into num
// slices of size 1, and output k is slice k without that axis, with
// SPLIT's kernel (SplitParams):
//
//	out_k[o, i] = in[o, k, i]
//
// Elements are copied as raw bytes; like TFLite, every output must be
// quantized like the input.
func init() { register(tflite.BuiltinOperatorUNPACK, prepareUnpack) }

func prepareUnpack(c *prepCtx) (kernel, error) {
	o, _ := c.op.Options.(*tflite.UnpackOptionsT)
	if o == nil {
		return nil, c.errorf("UNPACK has no UnpackOptions (num, axis)")
	}
	if err := c.io(1, 1, int(o.Num)); err != nil {
		return nil, err
	}
	in := c.in(0)
	axis, err := normAxis(c, int(o.Axis), len(in.Shape))
	if err != nil {
		return nil, err
	}
	if in.Shape[axis] != int(o.Num) {
		return nil, c.errorf("num is %d but input shape %v has %d along axis %d", o.Num, in.Shape, in.Shape[axis], axis)
	}
	if in.NumElements() == 0 {
		return nil, c.errorf("input shape %v has no elements (TFLite's UNPACK requires some)", in.Shape)
	}
	sizes := make([]int, o.Num)
	for k := range sizes {
		sizes[k] = 1
		if err := sameQuant(c, in, c.out(k)); err != nil {
			return nil, err
		}
	}
	return newSplit(c, in, axis, sizes, false, Float32, Int32, Uint8, Int8, Bool, Int16)
}
