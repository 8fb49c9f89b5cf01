package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitBroadcastTo, "BroadcastToParams")
	register(emitExpandDims, "ExpandDimsParams")
	register(emitTile, "TileParams")
	register(emitTranspose, "TransposeParams")
	register(emitMirrorPad, "MirrorPadParams")
	register(emitFill, "FillParams")
	register(emitShape, "ShapeParams")
	register(emitZerosLike, "ZerosLikeParams")
	register(emitRange, "RangeParams")
	register(emitResizeNearest, "ResizeNearestNeighborParams")
}

// The ops of this file move or make values without arithmetic, the same
// in every profile (TFLite's kernels copy raw bytes; XNNPACK's TRANSPOSE,
// DEPTH_TO_SPACE and SPLIT nodes copy them alike).

// emitBroadcastTo: BROADCAST_TO (reference_ops::BroadcastTo).
func emitBroadcastTo(c *opCtx) error {
	p := c.params.(*engine.BroadcastToParams)
	c.set(0, fmt.Sprintf("np.broadcast_to(%s, %s)", c.in(0), pyShape(p.OutputShape)))
	return nil
}

// emitExpandDims: EXPAND_DIMS inserts a dimension of size 1 (set reshapes).
func emitExpandDims(c *opCtx) error {
	c.set(0, c.in(0))
	return nil
}

// emitTile: TILE repeats the input Multiples[d] times along dimension d.
func emitTile(c *opCtx) error {
	p := c.params.(*engine.TileParams)
	c.set(0, fmt.Sprintf("np.tile(%s, %s)", c.in(0), pyShape(p.Multiples)))
	return nil
}

// emitTranspose: TRANSPOSE (reference_ops::Transpose): output dimension d
// is input dimension Perm[d].
func emitTranspose(c *opCtx) error {
	p := c.params.(*engine.TransposeParams)
	c.set(0, fmt.Sprintf("np.transpose(%s, %s)", c.in(0), pyShape(p.Perm)))
	return nil
}

// emitMirrorPad: MIRROR_PAD, REFLECT (edge not repeated) or SYMMETRIC
// (edge repeated), which are NumPy's "reflect" and "symmetric" for the
// paddings TFLite allows (at most n−1, or n, per side).
func emitMirrorPad(c *opCtx) error {
	p := c.params.(*engine.MirrorPadParams)
	mode := "reflect"
	if p.Mode == "SYMMETRIC" {
		mode = "symmetric"
	}
	if len(p.Left) == 0 {
		c.set(0, c.in(0)) // a scalar: nothing to pad
		return nil
	}
	pads := "["
	for d := range p.Left {
		if d > 0 {
			pads += ", "
		}
		pads += fmt.Sprintf("(%d, %d)", p.Left[d], p.Right[d])
	}
	c.set(0, fmt.Sprintf("np.pad(%s, %s], mode=%q)", c.in(0), pads, mode))
	return nil
}

// emitFill: FILL copies the scalar value input into every element.
func emitFill(c *opCtx) error {
	p := c.params.(*engine.FillParams)
	c.set(0, fmt.Sprintf("np.broadcast_to(%s.reshape(-1)[:1].reshape(()), %s)", c.in(1), pyShape(p.Dims)))
	return nil
}

// emitShape: SHAPE writes the input's (static) shape.
func emitShape(c *opCtx) error {
	p := c.params.(*engine.ShapeParams)
	c.set(0, fmt.Sprintf("np.array(%s, dtype=np.int64)", pyList(p.Shape)))
	return nil
}

// emitZerosLike: ZEROS_LIKE writes zeros of the input's shape and type.
func emitZerosLike(c *opCtx) error {
	c.set(0, fmt.Sprintf("np.zeros(%s, %s)", pyShape(c.outT(0).Shape), pyDType(c.outT(0).Type)))
	return nil
}

// emitRange: RANGE, a running sum from start by delta (kernels/range.cc).
func emitRange(c *opCtx) error {
	p := c.params.(*engine.RangeParams)
	c.use("movement")
	c.set(0, fmt.Sprintf("range_op(%s, %s, count=%d)", c.in(0), c.in(2), p.Count))
	return nil
}

// emitResizeNearest: RESIZE_NEAREST_NEIGHBOR copies input pixel
// (SourceRows[y], SourceCols[x]) to output pixel (y, x); the source indices
// are GetNearestNeighbor's, computed in float32 at Prepare.
func emitResizeNearest(c *opCtx) error {
	p := c.params.(*engine.ResizeNearestNeighborParams)
	rows := c.array("source_rows", "input row of each output row (GetNearestNeighbor)", toInt32s(p.SourceRows))
	cols := c.array("source_cols", "input column of each output column (GetNearestNeighbor)", toInt32s(p.SourceCols))
	c.set(0, fmt.Sprintf("%s[:, %s][:, :, %s]", c.in(0), rows, cols))
	return nil
}

func toInt32s(ints []int) []int32 {
	s := make([]int32, len(ints))
	for i, v := range ints {
		s[i] = int32(v)
	}
	return s
}
