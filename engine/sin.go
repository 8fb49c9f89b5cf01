package engine

import "github.com/int8scope/int8scope/engine/tflite"

// SIN mirrors TFLite's elementwise.cc (SinEval) and TFLite Micro's
// elementwise.cc: float32 only, out = sinf(x) (std::sin on a float).

func init() {
	register(tflite.BuiltinOperatorSIN, func(c *prepCtx) (kernel, error) { return prepareFloatUnary(c, "sinf(x)", muslSinf) })
}
