package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() { register(emitSplit, "SplitParams") }

// emitSplit: SPLIT (data is input 1), SPLIT_V and UNPACK (input 0), exact
// in every profile.
func emitSplit(c *opCtx) error {
	p := c.params.(*engine.SplitParams)
	data := 0
	if c.op.Builtin == "SPLIT" {
		data = 1
	}
	c.use("split")
	for i := range c.op.Outputs {
		c.set(i, fmt.Sprintf("split(%s, axis=%d, offset=%d, size=%d, out_shape=%s)", c.in(data), p.Axis, p.Offsets[i], p.Sizes[i], pyShape(c.outT(i).Shape)))
	}
	return nil
}
