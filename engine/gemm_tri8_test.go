package engine

import (
	"math/rand/v2"
	"testing"
)

// TestGemmTri8 compares gemmTri8 (seven to nine channels, three packed
// triples per step) with Σ a·b + add[j] + ib·Σ a (offsetGEMM over the
// plain gemmS8) on random shapes: row counts off the blocks of four, k
// from 1 to the chunk length (odd, off the four-step unrolling), random and
// extreme values (every value −128: the largest lane sums).
func TestGemmTri8(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	var shapes [][3]int
	for n := tri8MinN; n <= tri8MaxN; n++ {
		for _, k := range []int{1, 3, 4, 5, 8, 27, 55, triChunk} {
			shapes = append(shapes, [3]int{4, n, k}, [3]int{1 + rng.IntN(23), n, k})
		}
	}
	for range 40 {
		shapes = append(shapes, [3]int{1 + rng.IntN(40), tri8MinN + rng.IntN(tri8MaxN-tri8MinN+1), 1 + rng.IntN(triChunk)})
	}
	sc := &triScratch{}
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		for _, extreme := range []bool{false, true} {
			a, b := randInt8(rng, m*k, extreme), randInt8(rng, n*k, extreme)
			if extreme && rng.IntN(2) == 0 {
				v := []int8{-128, 127}[rng.IntN(2)]
				for i := range a {
					a[i] = -128
				}
				for i := range b {
					b[i] = v
				}
			}
			pk := make([]int64, tri8Packed(k))
			packTri8(n, k, b, pk)
			ib := int32(rng.IntN(256) - 128)
			if rng.IntN(3) == 0 {
				ib = 0
			}
			add := make([]int32, n)
			for i := range add {
				add[i] = int32(rng.Uint32())
			}
			got, want := make([]int32, m*n), make([]int32, m*n)
			for i := range got {
				got[i] = 12345 // gemmTri8 sets every element
			}
			gemmTri8(m, n, k, a, pk, ib, add, got, sc)
			gemmS8(m, n, k, a, b, want)
			gemmOffsets2(m, n, k, a, ib, add, want, nil)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("m=%d n=%d k=%d ib=%d extreme=%v: out[%d] (row %d, column %d) = %d, want %d", m, n, k, ib, extreme, i, i/n, i%n, got[i], want[i])
				}
			}
		}
	}
}
