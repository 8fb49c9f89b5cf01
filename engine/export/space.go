package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitSpaceToBatch, "SpaceToBatchNDParams")
	register(emitBatchToSpace, "BatchToSpaceNDParams")
	register(emitDepthSpace, "DepthToSpaceParams")
}

// emitSpaceToBatch: SPACE_TO_BATCH_ND (reference_ops::SpaceToBatchND), the
// input (as 4-D) padded with PadValue — 0 in TFLite Micro, the output zero
// point for int8/uint8 in TFLite's builtin kernel — and cut into blocks.
func emitSpaceToBatch(c *opCtx) error {
	p := c.params.(*engine.SpaceToBatchNDParams)
	c.use("space")
	c.set(0, fmt.Sprintf("space_to_batch_nd(%s.reshape(%s), block=%s, pad=%s, pad_value=%d)",
		c.in(0), pyShape(p.InputShape), pyShape(p.Block[:]), pyShape(p.Pad[:]), p.PadValue))
	return nil
}

// emitBatchToSpace: BATCH_TO_SPACE_ND (reference_ops::BatchToSpaceND).
func emitBatchToSpace(c *opCtx) error {
	p := c.params.(*engine.BatchToSpaceNDParams)
	c.use("space")
	c.set(0, fmt.Sprintf("batch_to_space_nd(%s.reshape(%s), block=%s, crop=%s)",
		c.in(0), pyShape(p.InputShape), pyShape(p.Block[:]), pyShape(p.Crop[:])))
	return nil
}

// emitDepthSpace: DEPTH_TO_SPACE and SPACE_TO_DEPTH (reference_ops).
func emitDepthSpace(c *opCtx) error {
	p := c.params.(*engine.DepthToSpaceParams)
	c.use("space")
	fn := "space_to_depth"
	if c.op.Builtin == "DEPTH_TO_SPACE" {
		fn = "depth_to_space"
	}
	c.set(0, fmt.Sprintf("%s(%s, %d)", fn, c.in(0), p.BlockSize))
	return nil
}
