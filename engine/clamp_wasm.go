package engine

// clampF32 is min(max(f, lo), hi) for an f that is not NaN. In Go's
// WebAssembly output the builtin float min and max measured 2.4× slower
// than two compares in XNNPackOutput's row loop (clamp_native.go has the
// builtins, which are branch-free there).
func clampF32(f, lo, hi float32) float32 {
	if f < lo {
		f = lo
	}
	if f > hi {
		f = hi
	}
	return f
}
