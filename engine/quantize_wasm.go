//go:build wasm

package engine

// roundHalfAwayF32 is math.Round of a float32 value, QUANTIZE's rounding:
// truncHalfAway, the faster one in Go's WebAssembly output.
func roundHalfAwayF32(x float32) float64 { return truncHalfAway(x) }

// quantizeFloats is QUANTIZE from float32: quantizeFloatsRow, the
// faster one in Go's WebAssembly output (one rarely taken branch per
// element, the clamp as min/max).
func quantizeFloats[T integer](p *QuantizeParams, in []float32, out []T) {
	quantizeFloatsRow(p, in, out)
}
