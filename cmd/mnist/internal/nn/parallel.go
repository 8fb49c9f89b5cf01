package nn

import (
	"sync"

	"gonum.org/v1/gonum/blas/gonum"
)

// blas is gonum's pure-Go BLAS; its Sdot has an SSE kernel on amd64 and sums
// in a fixed order, so results do not depend on scheduling.
var blas gonum.Implementation

// minParallel is the amount of work (multiply-adds) below which a loop runs
// on the calling goroutine only.
var minParallel = 1 << 15

// parallelFor splits [0, n) into two fixed halves and runs fn on both, one on
// a second goroutine. Every index is handled by exactly one call, so as long
// as fn writes only the outputs of its own indices the result does not depend
// on scheduling. work is a cost estimate used to skip the goroutine for tiny
// loops.
func parallelFor(n, work int, fn func(lo, hi int)) {
	if n < 2 || work < minParallel {
		fn(0, n)
		return
	}
	mid := n / 2
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		fn(mid, n)
	}()
	fn(0, mid)
	wg.Wait()
}

// gemmNT sets c[m*N+n] = sum_k a[m*K+k] * b[n*K+k] for m < M, n < N: both
// operands row-major with the reduction along rows ("A times B transposed").
// Rows of c are split between two goroutines.
func gemmNT(M, N, K int, a, b, c []float32) {
	parallelFor(M, M*N*K, func(lo, hi int) {
		for m := lo; m < hi; m++ {
			ar := a[m*K : (m+1)*K]
			cr := c[m*N : (m+1)*N]
			if K < 32 {
				for n := range cr {
					br := b[n*K : (n+1)*K]
					var s float32
					for k, x := range ar {
						s += float32(x * br[k])
					}
					cr[n] = s
				}
				continue
			}
			for n := range cr {
				cr[n] = blas.Sdot(K, ar, 1, b[n*K:(n+1)*K], 1)
			}
		}
	})
}

// transpose writes the [cols][rows] transpose of the row-major [rows][cols]
// matrix src into dst.
func transpose(rows, cols int, src, dst []float32) {
	parallelFor(cols, rows*cols, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			d := dst[c*rows : (c+1)*rows]
			for r := range d {
				d[r] = src[r*cols+c]
			}
		}
	})
}

// grow returns buf resized to n elements, reusing its storage when possible.
func grow(buf []float32, n int) []float32 {
	if cap(buf) >= n {
		return buf[:n]
	}
	return make([]float32, n)
}

func zero(buf []float32) {
	for i := range buf {
		buf[i] = 0
	}
}
