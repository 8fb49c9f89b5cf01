package engine

import "github.com/int8scope/int8scope/engine/tflite"

// LOG mirrors TFLite's elementwise.cc (LogEval) and TFLite Micro's
// elementwise.cc: float32 only (the browser TFLite and TFLite Micro refuse
// int8 and int16 LOG), out = logf(x): −Inf for 0, NaN below.

func init() {
	register(tflite.BuiltinOperatorLOG, func(c *prepCtx) (kernel, error) { return prepareFloatUnary(c, "logf(x)", muslLogf) })
}
