package engine

// GEMM is an int8 matrix product with gemmS8's contract: out[i*n+j] =
// Σ_{kk<k} int32(a[i*k+kk])·int32(b[j*k+kk]) for i<m, j<n, a m×k and b n×k
// row-major, in wrapping int32 arithmetic (any order of summation is exact).
type GEMM func(m, n, k int, a, b []int8, out []int32)

// gemm is the product FULLY_CONNECTED and CONV_2D run: gemmS8 unless
// SetGEMM installed another.
var gemm GEMM = gemmS8

// SetGEMM makes the kernels use f for their int8 matrix products (the
// WebAssembly build's SIMD module); nil restores the pure-Go gemmS8. Call it
// before running models, not while they run.
func SetGEMM(f GEMM) {
	if f == nil {
		f = gemmS8
	}
	gemm = f
}
