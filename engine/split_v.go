package engine

import (
	"github.com/int8scope/int8scope/engine/tflite"
)

// SPLIT_V mirrors TFLite's kernels/split_v.cc (and TFLite Micro's
// kernels/split_v.cc): the input is cut along the axis into pieces of the
// sizes the size_splits input gives (one of them may be −1: whatever
// remains), with SPLIT's kernel (SplitParams):
//
//	out_k[o, j, i] = in[o, Σ_{m<k} size_m + j, i]
//
// size_splits (int32 or int64) and the axis (an int32 scalar) must be
// constant. Elements are copied as raw bytes.
func init() { register(tflite.BuiltinOperatorSPLIT_V, prepareSplitV) }

func prepareSplitV(c *prepCtx) (kernel, error) {
	o, _ := c.op.Options.(*tflite.SplitVOptionsT)
	if o == nil {
		return nil, c.errorf("SPLIT_V has no SplitVOptions (num_splits)")
	}
	if err := c.io(3, 3, int(o.NumSplits)); err != nil {
		return nil, err
	}
	in, sizesT := c.in(0), c.in(1)
	axis, err := splitAxis(c, c.in(2), in)
	if err != nil {
		return nil, err
	}
	if len(sizesT.Shape) != 1 || sizesT.Shape[0] != int(o.NumSplits) {
		return nil, c.errorf("size_splits tensor %d has shape %v, want [%d] (num_splits)", sizesT.Index, sizesT.Shape, o.NumSplits)
	}
	sizes, err := indexValues(c, "size_splits", sizesT, true)
	if err != nil {
		return nil, err
	}
	sizes = append([]int{}, sizes...)
	rest, unknown := in.Shape[axis], -1
	for k, s := range sizes {
		switch {
		case s == -1 && unknown < 0:
			unknown = k
		case s < 0:
			return nil, c.errorf("size_splits %v: only one size may be −1, and none may be negative otherwise", sizes)
		default:
			rest -= s
		}
	}
	if unknown >= 0 {
		if rest < 0 {
			return nil, c.errorf("size_splits %v add up to more than the input's %d along axis %d", sizes, in.Shape[axis], axis)
		}
		sizes[unknown] = rest
	}
	return newSplit(c, in, axis, sizes, true, Float32, Uint8, Int8, Int16, Int32, Int64)
}
