package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() { register(emitRsqrt, "RsqrtParams") }

// emitRsqrt: int8 RSQRT (TFLite's RsqrtEvalQuantizedInt8, every profile:
// the XNNPACK delegate takes float32 RSQRT only).
func emitRsqrt(c *opCtx) error {
	p := c.params.(*engine.RsqrtParams)
	c.use("rsqrt")
	c.set(0, fmt.Sprintf("rsqrt_int8(%s, input_zero_point=%d, requant=%s, output_zero_point=%d)",
		c.in(0), p.InputZeroPoint, requantTuple(p.Requant), p.OutputZeroPoint))
	return nil
}
