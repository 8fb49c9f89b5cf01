//go:build !wasm

package engine

// clampF32 is min(max(f, lo), hi) for an f that is not NaN: without
// branches, which mispredict on activations clamped half the time
// (clamp_wasm.go has the WebAssembly version).
func clampF32(f, lo, hi float32) float32 { return min(max(f, lo), hi) }
