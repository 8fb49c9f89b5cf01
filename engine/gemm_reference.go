package engine

// GoGEMM is the pure-Go int8 matrix product gemmS8, whatever SetGEMM has
// installed: the reference an accelerated GEMM (the WebAssembly build's SIMD
// module) is tested against.
func GoGEMM(m, n, k int, a, b []int8, out []int32) { gemmS8(m, n, k, a, b, out) }
