package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() { register(emitCast, "CastParams") }

// emitCast: CAST (kernels/cast.cc copyCast), C++'s static_cast per element,
// every profile.
func emitCast(c *opCtx) error {
	p := c.params.(*engine.CastParams)
	c.use("cast")
	c.set(0, fmt.Sprintf("cast(%s, %s)", c.in(0), pyDType(p.To)))
	return nil
}
