package engine

import "github.com/int8scope/int8scope/engine/tflite"

// COS mirrors TFLite's elementwise.cc (CosEval) and TFLite Micro's
// elementwise.cc: float32 only, out = cosf(x) (std::cos on a float).

func init() {
	register(tflite.BuiltinOperatorCOS, func(c *prepCtx) (kernel, error) { return prepareFloatUnary(c, "cosf(x)", muslCosf) })
}
