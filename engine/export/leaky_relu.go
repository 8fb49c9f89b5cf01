package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitLeakyRelu, "LeakyReluParams")
	register(emitLeakyReluXNNPack, "xnnLeakyRelu")
}

// emitLeakyRelu: LEAKY_RELU, TFLite's reference kernel (float32, int8,
// uint8, int16; the browser TFLite's builtin kernel rounds the same way).
func emitLeakyRelu(c *opCtx) error {
	p := c.params.(*engine.LeakyReluParams)
	c.use("leaky_relu")
	if c.inT(0).Type == engine.Float32 {
		c.set(0, fmt.Sprintf("leaky_relu_float(%s, %s)", c.in(0), pyF32(p.Alpha)))
		return nil
	}
	c.set(0, fmt.Sprintf("leaky_relu_int(%s, input_zero_point=%d, output_zero_point=%d, identity=%s, alpha=%s)",
		c.in(0), p.InputZeroPoint, p.OutputZeroPoint, requantTuple(p.Identity), requantTuple(p.AlphaRequant)))
	return nil
}

// xnnLeakyRelu mirrors the engine's XNNPACK LEAKY_RELU node (qs8/qu8-vlrelu).
type xnnLeakyRelu struct {
	PositiveMultiplier, NegativeMultiplier int32
	InputZeroPoint, OutputZeroPoint        int32
}

func emitLeakyReluXNNPack(c *opCtx) error {
	var k xnnLeakyRelu
	c.decode(&k)
	c.use("leaky_relu")
	c.set(0, fmt.Sprintf("leaky_relu_xnnpack(%s, input_zero_point=%d, output_zero_point=%d, positive_multiplier=%d, negative_multiplier=%d)",
		c.in(0), k.InputZeroPoint, k.OutputZeroPoint, k.PositiveMultiplier, k.NegativeMultiplier))
	return nil
}
