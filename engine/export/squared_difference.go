package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() { register(emitSquaredDifference, "SquaredDifferenceParams") }

// emitSquaredDifference: SQUARED_DIFFERENCE, TFLite's reference kernel
// (float32, int32, int8; XNNPACK's float32 one is the same products).
func emitSquaredDifference(c *opCtx) error {
	p := c.params.(*engine.SquaredDifferenceParams)
	c.use("squared_difference")
	switch p.Type {
	case engine.Float32:
		c.set(0, fmt.Sprintf("squared_difference_float(%s, %s)", c.in(0), c.in(1)))
	case engine.Int32:
		c.set(0, fmt.Sprintf("squared_difference_int32(%s, %s)", c.in(0), c.in(1)))
	default:
		c.set(0, fmt.Sprintf("squared_difference_int8(%s, %s, input1_offset=%d, input2_offset=%d, left_shift=%d, input1_multiplier=%d, input1_shift=%d, input2_multiplier=%d, input2_shift=%d, output_multiplier=%d, output_shift=%d, output_offset=%d)",
			c.in(0), c.in(1), p.Input1Offset, p.Input2Offset, p.LeftShift, p.Input1Multiplier, p.Input1Shift,
			p.Input2Multiplier, p.Input2Shift, p.OutputMultiplier, p.OutputShift, p.OutputOffset))
	}
	return nil
}
