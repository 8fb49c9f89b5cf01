package engine

import "github.com/int8scope/int8scope/engine/tflite"

// SQRT mirrors TFLite's elementwise.cc (SqrtEval) and TFLite Micro's
// elementwise.cc: float32 only, out = sqrtf(x), correctly rounded (NaN for
// x < 0). The XNNPACK delegate takes it (f32 square root, the same IEEE
// operation).

func init() {
	register(tflite.BuiltinOperatorSQRT, func(c *prepCtx) (kernel, error) { return prepareFloatUnary(c, "sqrtf(x)", cSqrtf) })
	registerXNNPack(tflite.BuiltinOperatorSQRT, xnnFloatNode)
}
