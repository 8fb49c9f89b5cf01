package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitPrelu, "PreluParams")
	register(emitPreluPastSlope, "xnnPreluPastSlope")
}

// emitPrelu: PRELU, TFLite's reference kernel (TFLite Micro's multipliers
// in double), the browser TFLite's builtin one (multipliers in float32:
// only the prepared numbers differ) and XNNPACK's f32-prelu (the same
// float32 products).
func emitPrelu(c *opCtx) error {
	p := c.params.(*engine.PreluParams)
	c.use("prelu")
	if p.Type == engine.Float32 {
		c.set(0, fmt.Sprintf("prelu_float(%s, %s)", c.in(0), c.in(1)))
		return nil
	}
	c.set(0, fmt.Sprintf("prelu_int(%s, %s, input_zero_point=%d, alpha_zero_point=%d, output_zero_point=%d, identity=%s, alpha_requant=%s)",
		c.in(0), c.in(1), p.InputZeroPoint, p.AlphaZeroPoint, p.OutputZeroPoint, requantTuple(p.Identity), requantTuple(p.AlphaRequant)))
	return nil
}

// xnnPreluPastSlope mirrors the engine's float32 PRELU that the browser
// TFLite's XNNPACK delegate takes although it reads past the slope.
type xnnPreluPastSlope struct{ Reason string }

// emitPreluPastSlope refuses it: the browser TFLite's result is undefined
// and the engine refuses to run it too.
func emitPreluPastSlope(c *opCtx) error {
	var k xnnPreluPastSlope
	c.decode(&k)
	return fmt.Errorf("export: op %d (PRELU) under %s: %s, so the browser TFLite's result is undefined (the engine refuses to run it too); export it under the reference profile",
		c.op.Index, c.profile, k.Reason)
}
