package engine

import "github.com/int8scope/int8scope/engine/tflite"

// ARG_MIN mirrors TFLite's reference_ops::ArgMinMax with std::less
// (reference/arg_min_max.h, TFLite Micro's kernels/arg_min_max.cc): for
// every (outer, inner) position, the index along the axis of the smallest
// value, the first one on ties. It shares ARG_MAX's kernel (ArgMaxParams,
// Min set).
func init() {
	register(tflite.BuiltinOperatorARG_MIN, func(c *prepCtx) (kernel, error) { return prepareArgMinMax(c, true) })
}
