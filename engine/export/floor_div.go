package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() { register(emitFloorDiv, "FloorDivParams") }

// emitFloorDiv: FLOOR_DIV and FLOOR_MOD (reference_ops::FloorDiv,
// FloorMod), float32 and int32, every profile.
func emitFloorDiv(c *opCtx) error {
	p := c.params.(*engine.FloorDivParams)
	c.use("floor_div")
	c.set(0, fmt.Sprintf("floor_div_mod(%s, %s, mod=%s, op=%d, builtin=%q)", c.in(0), c.in(1), pyBool(p.Mod), c.op.Index, c.op.Builtin))
	return nil
}
