package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitSlice, "SliceParams")
	register(emitStridedSlice, "StridedSliceParams")
}

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

// emitStridedSlice: STRIDED_SLICE (reference_ops::StridedSlice), from the
// per-dimension start, stride and count the engine derived at Prepare
// (BuildStridedSliceParams, StridedSliceStartForAxis/EndForAxis) over the
// input shape with the new axes.
func emitStridedSlice(c *opCtx) error {
	p := c.params.(*engine.StridedSliceParams)
	c.use("slice")
	c.set(0, fmt.Sprintf("strided_slice(%s.reshape(%s), start=%s, strides=%s, counts=%s)",
		c.in(0), pyShape(p.EffectiveShape), pyShape(p.Start), pyShape(p.Strides), pyShape(p.Counts)))
	return nil
}
