package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/fixedpoint"
)

func init() {
	register(emitRelu, "ReluParams")
	register(emitLUT, "xnnLUT")
	register(emitSigmoid, "LogisticParams", "TanhParams")
	register(emitLeakyRelu, "LeakyReluParams")
	register(emitLeakyReluXNNPack, "xnnLeakyRelu")
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
	c.use("activation")
	switch c.inT(0).Type {
	case engine.Float32:
		c.set(0, fmt.Sprintf("sigmoid_float(%s, tanh=%s)", c.in(0), pyBool(tanh)))
		return nil
	case engine.Int16:
		tab := fixedpoint.SigmoidTableUint16()
		t := make([]int32, len(tab))
		for i, v := range tab {
			t[i] = int32(v)
		}
		tp := c.array("sigmoid_table", "TFLite's sigmoid_table_uint16: sigmoid(i/24) in Q0.16", t)
		c.set(0, fmt.Sprintf("sigmoid_int16(%s, tanh=%s, input_multiplier=%d, input_left_shift=%d, table=%s)",
			c.in(0), pyBool(tanh), p.InputMultiplier, p.InputLeftShift, tp))
		return nil
	}
	c.set(0, fmt.Sprintf("sigmoid_int8(%s, tanh=%s, input_zero_point=%d, input_multiplier=%d, input_left_shift=%d, input_range_radius=%d, rounding=%q)",
		c.in(0), pyBool(tanh), p.InputZeroPoint, p.InputMultiplier, p.InputLeftShift, p.InputRangeRadius, string(p.Rounding)))
	return nil
}

// emitLeakyRelu: TFLite's reference LEAKY_RELU (int8, uint8, int16,
// float32).
func emitLeakyRelu(c *opCtx) error {
	p := c.params.(*engine.LeakyReluParams)
	c.use("activation")
	if c.inT(0).Type == engine.Float32 {
		c.set(0, fmt.Sprintf("leaky_relu_float(%s, alpha=%s)", c.in(0), pyF32(p.Alpha)))
		return nil
	}
	c.set(0, fmt.Sprintf("leaky_relu_int(%s, input_zero_point=%d, output_zero_point=%d, identity=%s, alpha=%s, dtype=%s)",
		c.in(0), p.InputZeroPoint, p.OutputZeroPoint, requantTuple(p.Identity), requantTuple(p.AlphaRequant), pyDType(c.outT(0).Type)))
	return nil
}

// xnnLeakyRelu mirrors the engine's XNNPACK LEAKY_RELU node.
type xnnLeakyRelu struct {
	PositiveMultiplier, NegativeMultiplier int32
	InputZeroPoint, OutputZeroPoint        int32
}

func emitLeakyReluXNNPack(c *opCtx) error {
	var k xnnLeakyRelu
	c.decode(&k)
	c.use("activation")
	c.set(0, fmt.Sprintf("leaky_relu_xnnpack(%s, input_zero_point=%d, output_zero_point=%d, positive_multiplier=%d, negative_multiplier=%d, dtype=%s)",
		c.in(0), k.InputZeroPoint, k.OutputZeroPoint, k.PositiveMultiplier, k.NegativeMultiplier, pyDType(c.outT(0).Type)))
	return nil
}
