package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitLogSoftmax, "LogSoftmaxParams")
	register(emitLogSoftmaxTable, "builtinLogSoftmaxNode")
}

// emitLogSoftmax: float32 LOG_SOFTMAX (TFLite's LogSoftmax with musl's expf
// and logf; every profile) and int8/uint8 in TFLite's fixed point
// (reference kernels, TFLite Micro) with the build's rounding.
func emitLogSoftmax(c *opCtx) error {
	p := c.params.(*engine.LogSoftmaxParams)
	c.use("log_softmax")
	switch p.Type {
	case engine.Float32:
		c.set(0, fmt.Sprintf("log_softmax_float(%s)", c.in(0)))
	case engine.Int8, engine.Uint8:
		lo, hi := intRange(p.Type)
		c.set(0, fmt.Sprintf("log_softmax_fixedpoint(%s, input_multiplier=%d, input_left_shift=%d, reverse_scaling_divisor=%d, reverse_scaling_right_shift=%d, diff_min=%d, rounding=%q, qmin=%d, qmax=%d)",
			c.in(0), p.InputMultiplier, p.InputLeftShift, p.ReverseScalingDivisor, p.ReverseScalingRightShift, p.DiffMin, string(p.Rounding), lo, hi))
	default:
		return c.unsupported("%v LOG_SOFTMAX", p.Type)
	}
	return nil
}

// builtinLogSoftmaxNode mirrors the engine's builtin (table) int8 and
// uint8 LOG_SOFTMAX.
type builtinLogSoftmaxNode struct {
	Table      [256]float32
	ZeroPoint  int32
	Scale      float32
	InputScale float32
}

func emitLogSoftmaxTable(c *opCtx) error {
	var k builtinLogSoftmaxNode
	c.decode(&k)
	c.use("log_softmax")
	tab := c.array("table", "LOG_SOFTMAX table[d] = expf(−s_in·d), float32 (PopulateSoftmaxLookupTable)", k.Table[:])
	lo, hi := intRange(c.outT(0).Type)
	c.set(0, fmt.Sprintf("log_softmax_table(%s, %s, input_scale=%s, scale=%s, zero_point=%d, qmin=%d, qmax=%d)", c.in(0), tab, pyF32(k.InputScale), pyF32(k.Scale), k.ZeroPoint, lo, hi))
	return nil
}
