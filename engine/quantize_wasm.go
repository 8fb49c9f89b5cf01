//go:build wasm

package engine

// roundHalfAwayF32 is math.Round of a float32 value, QUANTIZE's rounding:
// truncHalfAway, the faster one in Go's WebAssembly output.
func roundHalfAwayF32(x float32) float64 { return truncHalfAway(x) }

// quantizeFloats is QUANTIZE from float32: quantizeFloats4, the faster
// one in Go's WebAssembly output (no branch per element, four elements a
// loop iteration).
func quantizeFloats[T integer](p *QuantizeParams, in []float32, out []T) {
	quantizeFloats4(p, in, out)
}
