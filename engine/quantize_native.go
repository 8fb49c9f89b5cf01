//go:build !wasm

package engine

import "math"

// roundHalfAwayF32 is math.Round of a float32 value, QUANTIZE's rounding:
// math.Round itself, faster natively than truncHalfAway (quantize_wasm.go).
func roundHalfAwayF32(x float32) float64 { return math.Round(float64(x)) }

// quantizeFloats is QUANTIZE from float32: quantize on every element.
func quantizeFloats[T integer](p *QuantizeParams, in []float32, out []T) {
	for i, x := range in {
		out[i] = T(p.quantize(x))
	}
}
