package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() { register(emitSlice, "SliceParams") }

// emitSlice: SLICE (reference_ops::Slice), the block Begin .. Begin+Size.
func emitSlice(c *opCtx) error {
	p := c.params.(*engine.SliceParams)
	idx := ""
	for d := range p.Begin {
		idx += fmt.Sprintf("%d:%d, ", p.Begin[d], p.Begin[d]+p.Size[d])
	}
	c.set(0, fmt.Sprintf("%s[%s...]", c.in(0), idx))
	return nil
}
