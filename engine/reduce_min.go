package engine

import "github.com/int8scope/int8scope/engine/tflite"

// REDUCE_MIN mirrors TFLite's kernels/reduce.cc and TFLite Micro's
// kernels/reduce.cc with the min reducer; it shares REDUCE_MAX's kernel
// (ReduceMaxParams, Min set).
func init() {
	register(tflite.BuiltinOperatorREDUCE_MIN, func(c *prepCtx) (kernel, error) { return prepareReduceMax(c, true) })
}
