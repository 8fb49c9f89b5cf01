package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() { register(emitDiv, "DivParams") }

// emitDiv: DIV, TFLite's reference kernel (float32, int32, int8, uint8;
// the browser TFLite's XNNPACK f32 division is the same IEEE operation).
func emitDiv(c *opCtx) error {
	p := c.params.(*engine.DivParams)
	c.use("div")
	switch c.outT(0).Type {
	case engine.Float32:
		c.set(0, fmt.Sprintf("div_float(%s, %s, %s, %s)", c.in(0), c.in(1), pyF32(p.FloatMin), pyF32(p.FloatMax)))
	case engine.Int32:
		c.set(0, fmt.Sprintf("div_int32(%s, %s, %d, %d)", c.in(0), c.in(1), p.ActMin, p.ActMax))
	default:
		c.set(0, fmt.Sprintf("div_int(%s, %s, input1_offset=%d, input2_offset=%d, multiplier=%d, shift=%d, masked_shift=%s, output_offset=%d, act_min=%d, act_max=%d)",
			c.in(0), c.in(1), p.Input1Offset, p.Input2Offset, p.Multiplier, p.Shift, pyBool(p.MaskedShift), p.OutputOffset, p.ActMin, p.ActMax))
	}
	return nil
}
