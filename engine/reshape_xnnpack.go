package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// RESHAPE in the browser TFLite (tflite-xnnpack): the XNNPACK delegate takes
// float32 RESHAPE whose shape input, if any, is constant (XNNPACK's static
// reshape, a copy); quantized RESHAPE runs TFLite's builtin kernel. Either
// way the values are moved unchanged, so the reference kernel computes it.

func init() {
	registerXNNPack(tflite.BuiltinOperatorRESHAPE, func(c *prepCtx) (kernel, error) {
		in, out := c.in(0), c.out(0)
		if in == nil || in.Type != Float32 || out.Type != Float32 {
			return nil, fmt.Errorf("the XNNPACK delegate takes RESHAPE only in float32")
		}
		if s := c.in(1); s != nil && !s.Const {
			return nil, fmt.Errorf("the shape input is not constant")
		}
		if len(out.Shape) > 6 {
			return nil, fmt.Errorf("XNNPACK takes at most 6 dimensions")
		}
		return prepareOp(c.m, c.op, c.rounding)
	})
}
