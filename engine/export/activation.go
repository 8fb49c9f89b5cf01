package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitRelu, "ReluParams")
	register(emitLUT, "xnnLUT")
	register(emitSigmoid, "LogisticParams", "TanhParams")
}

// emitRelu: RELU and RELU6, TFLite's reference kernels (every profile).
func emitRelu(c *opCtx) error {
	p := c.params.(*engine.ReluParams)
	c.use("activation")
	if c.inT(0).Type == engine.Float32 {
		c.set(0, fmt.Sprintf("relu_float(%s, relu6=%s)", c.in(0), pyBool(p.Relu6)))
		return nil
	}
	rq := "None"
	if !p.Relu6 {
		rq = fmt.Sprintf("(%d, %d, %q)", p.Requant.Multiplier, p.Requant.Shift, string(p.Requant.Rounding))
	}
	c.set(0, fmt.Sprintf("relu_int(%s, requant=%s, input_zero_point=%d, output_zero_point=%d, act_min=%d, act_max=%d)",
		c.in(0), rq, p.InputZeroPoint, p.OutputZeroPoint, p.ActMin, p.ActMax))
	return nil
}

// xnnLUT mirrors the engine's 256-entry table kernels (XNNPACK's LOGISTIC,
// the builtin LOGISTIC, TANH, ELU, GELU of the browser TFLite).
type xnnLUT struct{ Table [256]int32 }

func emitLUT(c *opCtx) error {
	var k xnnLUT
	c.decode(&k)
	c.use("activation")
	tab := c.array("table", "256-entry lookup table (int8: index x + 128)", k.Table[:])
	c.set(0, fmt.Sprintf("lookup_table(%s, %s)", c.in(0), tab))
	return nil
}

// emitSigmoid: TFLite's reference int8 LOGISTIC and TANH (gemmlowp fixed
// point), with the build's rounding of the input scaling.
func emitSigmoid(c *opCtx) error {
	var p *engine.LogisticParams
	tanh := false
	switch k := c.params.(type) {
	case *engine.LogisticParams:
		p = k
	case *engine.TanhParams:
		p, tanh = &k.LogisticParams, true
	}
	if t := c.inT(0).Type; t != engine.Int8 {
		return c.unsupported("%v (the int16 tables and float32 are not exported yet)", t)
	}
	c.use("activation")
	c.set(0, fmt.Sprintf("sigmoid_int8(%s, tanh=%s, input_zero_point=%d, input_multiplier=%d, input_left_shift=%d, input_range_radius=%d, rounding=%q)",
		c.in(0), pyBool(tanh), p.InputZeroPoint, p.InputMultiplier, p.InputLeftShift, p.InputRangeRadius, string(p.Rounding)))
	return nil
}
