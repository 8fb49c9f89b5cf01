package export

import (
	"fmt"
	"strings"

	"github.com/int8scope/int8scope/engine"
)

func init() { register(emitConcatenation, "ConcatenationParams") }

// emitConcatenation: CONCATENATION in every profile (uint8 inputs quantized
// unlike the output are rescaled, except by XNNPACK, whose params say Copy).
func emitConcatenation(c *opCtx) error {
	p := c.params.(*engine.ConcatenationParams)
	var ins, rs []string
	zp := c.outT(0).ZeroPoint()
	for i := range c.op.Inputs {
		ins = append(ins, c.in(i))
		r := "None"
		if i < len(p.Rescale) && !p.Rescale[i].Copy {
			r = fmt.Sprintf("(%s, %s, %d)", pyF32(p.Rescale[i].Scale), pyF32(p.Rescale[i].Bias), zp)
		}
		rs = append(rs, r)
	}
	c.use("concatenation")
	c.set(0, fmt.Sprintf("concatenation([%s], axis=%d, rescale=[%s])", strings.Join(ins, ", "), p.Axis, strings.Join(rs, ", ")))
	return nil
}
