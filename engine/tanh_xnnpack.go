package engine

import (
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// TANH in the browser TFLite (tflite-xnnpack): the XNNPACK delegate does not
// take it; TFLite's builtin kernel computes int8 and uint8 TANH through a
// float32 lookup table (builtinLUT, logistic_xnnpack.go), and float32 TANH
// with Eigen's array tanh (optimized_ops::Tanh), which is Eigen's rational
// approximation generic_fast_tanh_float (eigenTanhf, gelu.go), not the C
// library's tanhf.

func init() {
	registerBuiltin(tflite.BuiltinOperatorTANH, func(c *prepCtx) (kernel, error) {
		if in := c.in(0); in != nil && in.Type == Float32 {
			return prepareFloatUnary(c, "Eigen's tanh (generic_fast_tanh_float: a 13th/6th-degree rational function of x clamped to ±7.9053111, x itself for |x| < 0.0004)", eigenTanhf)
		}
		return builtinLUT(c, cTanhf)
	})
}

// cTanhf is the C library's tanhf.
func cTanhf(x float32) float32 { return float32(math.Tanh(float64(x))) }
