package engine

import "github.com/int8scope/int8scope/engine/tflite"

// SQUARE mirrors TFLite's elementwise.cc (SquareEval) and TFLite Micro's
// elementwise.cc: float32 only, out = x·x rounded to float32. The XNNPACK
// delegate takes it (f32 square: the same product).

func init() {
	register(tflite.BuiltinOperatorSQUARE, func(c *prepCtx) (kernel, error) {
		return prepareFloatUnary(c, "x·x", func(x float32) float32 { return x * x })
	})
	registerXNNPack(tflite.BuiltinOperatorSQUARE, xnnFloatNode)
}
