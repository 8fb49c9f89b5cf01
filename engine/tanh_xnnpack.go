package engine

import (
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// TANH in the browser TFLite (tflite-xnnpack): the XNNPACK delegate does not
// take it; TFLite's builtin kernel computes int8 and uint8 TANH through a
// float32 lookup table (builtinLUT, logistic_xnnpack.go).

func init() {
	registerBuiltin(tflite.BuiltinOperatorTANH, func(c *prepCtx) (kernel, error) { return builtinLUT(c, cTanhf) })
}

// cTanhf is the C library's tanhf.
func cTanhf(x float32) float32 { return float32(math.Tanh(float64(x))) }
