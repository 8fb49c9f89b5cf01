package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() { register(emitPack, "PackParams") }

// emitPack: PACK (reference_ops::Pack) stacks its inputs along a new Axis,
// exact in every profile.
func emitPack(c *opCtx) error {
	p := c.params.(*engine.PackParams)
	ins := ""
	for i := range c.op.Inputs {
		ins += c.in(i) + ", "
	}
	c.set(0, fmt.Sprintf("np.stack([%s], axis=%d)", ins, p.Axis))
	return nil
}
