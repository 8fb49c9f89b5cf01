package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitReshape, "ReshapeParams", "SqueezeParams", "ExpandDimsParams")
	register(emitTranspose, "TransposeParams")
}

// emitReshape: RESHAPE, SQUEEZE and EXPAND_DIMS move the values unchanged (every
// profile); only the shape changes.
func emitReshape(c *opCtx) error {
	c.set(0, fmt.Sprintf("%s.reshape(%s)", c.in(0), pyShape(c.outT(0).Shape)))
	return nil
}

// emitTranspose: TRANSPOSE moves the values (every profile).
func emitTranspose(c *opCtx) error {
	p := c.params.(*engine.TransposeParams)
	c.use("split")
	c.set(0, fmt.Sprintf("transpose(%s.reshape(%s), %s)", c.in(0), pyShape(p.InputShape), pyList(p.Perm)))
	return nil
}
