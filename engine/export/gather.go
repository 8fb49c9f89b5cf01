package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitGather, "GatherParams")
	register(emitGatherNd, "GatherNdParams")
}

// emitGather: GATHER (reference_ops::Gather), every profile.
func emitGather(c *opCtx) error {
	p := c.params.(*engine.GatherParams)
	c.use("gather")
	c.set(0, fmt.Sprintf("gather(%s, %s, batch=%d, outer=%d, axis_size=%d, inner=%d, coords=%d)",
		c.in(0), c.in(1), p.Batch, p.Outer, p.AxisSize, p.Inner, p.Coords))
	return nil
}

// emitGatherNd: GATHER_ND (reference_ops::GatherNd), every profile.
func emitGatherNd(c *opCtx) error {
	p := c.params.(*engine.GatherNdParams)
	c.use("gather")
	c.set(0, fmt.Sprintf("gather_nd(%s, %s, depth=%d)", c.in(0), c.in(1), p.Depth))
	return nil
}
