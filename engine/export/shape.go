package export

import "fmt"

func init() {
	register(emitReshape, "ReshapeParams", "SqueezeParams")
}

// emitReshape: RESHAPE and SQUEEZE move the values unchanged (every
// profile); only the shape changes.
func emitReshape(c *opCtx) error {
	c.set(0, fmt.Sprintf("%s.reshape(%s)", c.in(0), pyShape(c.outT(0).Shape)))
	return nil
}
