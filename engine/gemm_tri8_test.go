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

// TestGemmTriChunk127 checks the longer chunk of weights without −128
// (triChunk127) in gemmTriChunk and gemmTri8 against the plain formula:
// k around 64 and its multiples, and the largest sums (every input −128,
// every weight −127 or every weight 127).
func TestGemmTriChunk127(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	var shapes [][3]int
	for _, k := range []int{1, 7, 57, 63, 64, 65, 120, 127, 128, 129, 200} {
		for _, n := range []int{7, 8, 9, 12, 13, 16, 33} {
			shapes = append(shapes, [3]int{4 + 4*rng.IntN(4), n, k}, [3]int{1 + rng.IntN(23), n, k})
		}
	}
	sc := &triScratch{}
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		for _, extreme := range []bool{false, true} {
			a, b := randInt8(rng, m*k, extreme), randInt8(rng, n*k, extreme)
			for i, v := range b {
				if v == -128 {
					b[i] = -127
				}
			}
			if extreme && rng.IntN(2) == 0 {
				v := []int8{-127, 127}[rng.IntN(2)]
				for i := range a {
					a[i] = -128
				}
				for i := range b {
					b[i] = v
				}
			}
			if triChunkFor(b) != triChunk127 {
				t.Fatal("triChunkFor: weights without −128 not given triChunk127")
			}
			ib := int32(rng.IntN(256) - 128)
			if rng.IntN(3) == 0 {
				ib = 0
			}
			add := make([]int32, n)
			for i := range add {
				add[i] = int32(rng.Uint32())
			}
			want := make([]int32, m*n)
			gemmS8(m, n, k, a, b, want)
			gemmOffsets2(m, n, k, a, ib, add, want, nil)
			got := make([]int32, m*n)
			pk := make([]int64, triPacked(n, k))
			packTriples(n, k, b, pk)
			gemmTriChunk(m, n, k, a, pk, triChunk127, ib, add, got, sc)
			check := func(kernel string) {
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("%s m=%d n=%d k=%d ib=%d extreme=%v: out[%d] = %d, want %d", kernel, m, n, k, ib, extreme, i, got[i], want[i])
					}
				}
			}
			check("gemmTriChunk")
			if n >= tri8MinN && n <= tri8MaxN && k <= triChunk127 {
				p8 := make([]int64, tri8Packed(k))
				packTri8(n, k, b, p8)
				clear(got)
				gemmTri8(m, n, k, a, p8, ib, add, got, sc)
				check("gemmTri8")
			}
		}
	}
	if triChunkFor([]int8{3, -128, 5}) != triChunk {
		t.Fatal("triChunkFor: a −128 weight not given triChunk")
	}
}
