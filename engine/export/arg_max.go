package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitArgMax, "ArgMaxParams")
	register(emitTopK, "TopKV2Params")
}

// emitArgMax: ARG_MAX and ARG_MIN (reference_ops::ArgMinMax), every
// profile.
func emitArgMax(c *opCtx) error {
	p := c.params.(*engine.ArgMaxParams)
	c.use("arg_max")
	c.set(0, fmt.Sprintf("arg_min_max(%s, outer=%d, axis_size=%d, inner=%d, is_min=%s)", c.in(0), p.Outer, p.AxisSize, p.Inner, pyBool(p.Min)))
	return nil
}

// emitTopK: TOPK_V2 (kernels/topk_v2.cc), every profile.
func emitTopK(c *opCtx) error {
	p := c.params.(*engine.TopKV2Params)
	c.use("arg_max")
	c.line("values, indices = topk_v2(%s, %d)", c.in(0), p.K)
	c.set(0, "values")
	c.set(1, "indices")
	return nil
}
