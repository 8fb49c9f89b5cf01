package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitSplit, "SplitParams")
	register(emitPack, "PackParams")
}

// emitSplit: SPLIT, SPLIT_V and UNPACK (one kernel: the input cut along
// Axis into pieces of Sizes; UNPACK's outputs drop the axis).
func emitSplit(c *opCtx) error {
	p := c.params.(*engine.SplitParams)
	in := c.in(0)
	if c.op.Builtin == "SPLIT" {
		in = c.in(1) // SPLIT's axis comes first
	}
	c.line("pieces = np.split(%s, %s, axis=%d)", in, pyList(cumulative(p.Sizes)), p.Axis)
	for k := range p.Sizes {
		c.set(k, fmt.Sprintf("pieces[%d]", k))
	}
	return nil
}

// cumulative returns the split points of pieces of the sizes given.
func cumulative(sizes []int) []int {
	var s []int
	at := 0
	for _, n := range sizes[:len(sizes)-1] {
		at += n
		s = append(s, at)
	}
	return s
}

// emitPack: PACK (reference_ops::Pack) stacks its inputs along a new Axis.
func emitPack(c *opCtx) error {
	p := c.params.(*engine.PackParams)
	ins := ""
	for i := range c.op.Inputs {
		ins += c.in(i) + ", "
	}
	c.set(0, fmt.Sprintf("np.stack([%s], axis=%d)", ins, p.Axis))
	return nil
}
