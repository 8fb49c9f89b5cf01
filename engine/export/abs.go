package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitAbs, "AbsParams")
	register(emitNeg, "NegParams")
}

// emitAbs: quantized ABS (int8, int16; TFLite's AbsEvalQuantized, every
// profile: the XNNPACK delegate takes float32 ABS only).
func emitAbs(c *opCtx) error {
	p := c.params.(*engine.AbsParams)
	rq := "None"
	if p.NeedsRescale {
		rq = requantTuple(p.Requant)
	}
	c.use("abs")
	c.set(0, fmt.Sprintf("abs_int(%s, input_zero_point=%d, requant=%s, output_zero_point=%d)",
		c.in(0), p.InputZeroPoint, rq, p.OutputZeroPoint))
	return nil
}

// emitNeg: int32 and int64 NEG (reference_ops::Negate, every profile).
func emitNeg(c *opCtx) error {
	c.use("abs")
	c.set(0, fmt.Sprintf("neg_int(%s)", c.in(0)))
	return nil
}
