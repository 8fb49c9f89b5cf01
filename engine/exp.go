package engine

import "github.com/int8scope/int8scope/engine/tflite"

// EXP mirrors TFLite's exp.cc (reference_ops::Exp) and TFLite Micro's
// exp.cc: float32 only (the browser TFLite refuses int8 EXP: "Type 9 is
// currently not supported by Exp"), out = expf(x).

func init() {
	register(tflite.BuiltinOperatorEXP, func(c *prepCtx) (kernel, error) { return prepareFloatUnary(c, "expf(x)", muslExpf) })
}
