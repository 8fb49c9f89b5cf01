package export

import (
	"fmt"
	"strings"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitSplit, "SplitParams")
	register(emitStridedSlice, "StridedSliceParams")
}

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

// emitStridedSlice: STRIDED_SLICE from the start, stride and count per
// dimension its Prepare derived (every profile).
func emitStridedSlice(c *opCtx) error {
	p := c.params.(*engine.StridedSliceParams)
	c.use("split")
	c.set(0, fmt.Sprintf("strided_slice(%s, effective_shape=%s, start=%s, strides=%s, counts=%s, out_shape=%s)",
		c.in(0), pyList(p.EffectiveShape), pyList(p.Start), pyList(p.Strides), pyList(p.Counts), pyShape(c.outT(0).Shape)))
	return nil
}

// pyList is a Python list of ints.
func pyList(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return "[" + strings.Join(s, ", ") + "]"
}
