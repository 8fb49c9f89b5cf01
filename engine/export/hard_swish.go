package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() { register(emitHardSwish, "HardSwishParams") }

// emitHardSwish: HARD_SWISH, TFLite's reference kernel (every profile; the
// XNNPACK delegate of the browser TFLite does not take it).
func emitHardSwish(c *opCtx) error {
	p := c.params.(*engine.HardSwishParams)
	c.use("hard_swish")
	if c.inT(0).Type == engine.Float32 {
		c.set(0, fmt.Sprintf("hard_swish_float(%s)", c.in(0)))
		return nil
	}
	c.set(0, fmt.Sprintf("hard_swish_int(%s, input_zero_point=%d, output_zero_point=%d, output_multiplier=%d, output_exponent=%d, reluish_multiplier=%d, reluish_exponent=%d)",
		c.in(0), p.InputZeroPoint, p.OutputZeroPoint, p.OutputMultiplier, p.OutputExponent, p.ReluishMultiplier, p.ReluishExponent))
	return nil
}
