package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitFullyConnected, "FullyConnectedParams")
	register(emitFCFloatXNNPack, "xnnFCFloat")
	register(emitFCFloatBuiltin, "builtinFCFloat")
}

// emitFullyConnected: TFLite's reference kernel (any rounding), the
// builtin ruy/gemmlowp kernels and XNNPACK's quantized node, which differ
// only in their output stage.
func emitFullyConnected(c *opCtx) error {
	p := c.params.(*engine.FullyConnectedParams)
	in, out := c.inT(0), c.outT(0)
	if in.Type == engine.Float32 {
		if c.inT(1).Type != engine.Float32 {
			return c.unsupported("hybrid (float32 input, %v weights)", c.inT(1).Type)
		}
		c.use("fully_connected")
		c.set(0, fmt.Sprintf("fully_connected_float(%s, %s, %s, %s, %s)", c.in(0), c.in(1), c.in(2), pyF32(p.FloatMin), pyF32(p.FloatMax)))
		return nil
	}
	wide := in.Type == engine.Int16
	c.use("fully_connected")
	c.line("acc = fully_connected_acc(%s, %s, %s, input_offset=%d, filter_offset=%d%s)",
		c.in(0), c.in(1), c.in(2), p.InputOffset, p.FilterOffset, map[bool]string{true: ", wide=True"}[wide])
	expr, err := c.outputStage(p.Output, "acc", wide)
	if err != nil {
		return err
	}
	c.set(0, expr)
	_ = out
	return nil
}

// xnnFCFloat mirrors the engine's XNNPACK float32 FULLY_CONNECTED.
type xnnFCFloat struct{ Min, Max float32 }

func emitFCFloatXNNPack(c *opCtx) error {
	var k xnnFCFloat
	c.decode(&k)
	c.use("fully_connected")
	c.set(0, fmt.Sprintf("fully_connected_float_xnnpack(%s, %s, %s, %s, %s)", c.in(0), c.in(1), c.in(2), pyF32(k.Min), pyF32(k.Max)))
	return nil
}

// emitFCFloatBuiltin: float32 FULLY_CONNECTED of the browser TFLite's
// builtin kernel (when the delegate does not take it): Eigen's GEMM
// summation order, then the bias and the clamp.
func emitFCFloatBuiltin(c *opCtx) error {
	var k struct{ FullyConnectedParams *engine.FullyConnectedParams }
	c.decode(&k)
	p := k.FullyConnectedParams
	c.use("fully_connected")
	c.set(0, fmt.Sprintf("fully_connected_float_eigen(%s, %s, %s, %s, %s)", c.in(0), c.in(1), c.in(2), pyF32(p.FloatMin), pyF32(p.FloatMax)))
	return nil
}
