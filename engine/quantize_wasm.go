//go:build wasm

package engine

// roundHalfAwayF32 is math.Round of a float32 value, QUANTIZE's rounding:
// truncHalfAway, the faster one in Go's WebAssembly output.
func roundHalfAwayF32(x float32) float64 { return truncHalfAway(x) }

// quantizeFloats is QUANTIZE from float32: quantize on every element, with
// the parameters hoisted out of the loop (faster in WebAssembly; natively
// the method call was, quantize_native.go).
func quantizeFloats[T integer](p *QuantizeParams, in []float32, out []T) {
	out = out[:len(in)]
	scale, zp, lo, hi := p.Scale, p.OutputZeroPoint, p.Min, p.Max
	for i, x := range in {
		out[i] = T(clamp(f32ToInt32(float32(roundHalfAwayF32(x/scale)))+zp, lo, hi))
	}
}
