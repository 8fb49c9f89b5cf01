package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() { register(emitL2Norm, "L2NormParams") }

// emitL2Norm: L2_NORMALIZATION, TFLite's reference kernel (every profile),
// float32, int8 and uint8.
// The int8 kernel's MultiplyByQuantizedMultiplier rounds as the profile's
// build does (the engine prepares it with the profile's rounding: single
// under tflite-single-rounding, double otherwise).
func emitL2Norm(c *opCtx) error {
	p := c.params.(*engine.L2NormParams)
	c.use("l2_normalization")
	if c.inT(0).Type == engine.Float32 {
		c.set(0, fmt.Sprintf("l2_normalization_float(%s, %s)", c.in(0), pyF32(p.Epsilon)))
		return nil
	}
	rounding := engine.RoundDouble
	if c.profile == engine.SingleRounding {
		rounding = engine.RoundSingle
	}
	fn := "l2_normalization_int8"
	if c.inT(0).Type == engine.Uint8 {
		fn = "l2_normalization_uint8"
	}
	c.set(0, fmt.Sprintf("%s(%s, input_zero_point=%d, rounding=%q)", fn, c.in(0), p.InputZeroPoint, string(rounding)))
	return nil
}
