package engine

import (
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tflite"
)

// TestGemmTri compares gemmTri (weights packed three channels to an int64)
// with Σ a·b + add[j] + ib·Σ a (offsetGEMM over the plain gemmS8) on random
// shapes: row counts off the blocks of four, channel counts off the groups
// of six, k at and around the chunk length and the four-step unrolling,
// random and extreme values (every value −128: the largest lane sums).
func TestGemmTri(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	shapes := append(gemmShapes(), [3]int{5, 7, 200}, [3]int{4, 6, 60}, [3]int{4, 6, 61}, [3]int{4, 12, 59},
		[3]int{9, 13, 121}, [3]int{8, 17, 120}, [3]int{3, 5, 1}, [3]int{42, 96, 16}, [3]int{17, 1001, 27})
	for range 40 {
		shapes = append(shapes, [3]int{1 + rng.IntN(23), 1 + rng.IntN(40), 1 + rng.IntN(190)})
	}
	sc := &triScratch{}
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		for _, extreme := range []bool{false, true} {
			a, b := randInt8(rng, m*k, extreme), randInt8(rng, n*k, extreme)
			if extreme && rng.IntN(2) == 0 {
				for i := range a {
					a[i] = -128
				}
				for i := range b {
					b[i] = -128
				}
			}
			pk := make([]int64, triPacked(n, k))
			packTriples(n, k, b, pk)
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
				got[i] = 12345 // gemmTri sets every element
			}
			gemmTri(m, n, k, a, pk, ib, add, got, sc)
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

// TestTriSplit checks the lane split at the ends of the lanes' ranges.
func TestTriSplit(t *testing.T) {
	for _, x := range []int64{-1 << 20, -1, 0, 1, 1<<20 - 1} {
		for _, y := range []int64{-1 << 20, -7, 0, 1<<20 - 1} {
			for _, z := range []int64{-1 << 21, -1, 0, 5, 1<<21 - 1} {
				s := triBias + x + y<<triShift + z<<(2*triShift)
				gx, gy, gz := triSplit(s)
				if int64(gx) != x || int64(gy) != y || int64(gz) != z {
					t.Fatalf("triSplit(%d, %d, %d) = %d, %d, %d", x, y, z, gx, gy, gz)
				}
			}
		}
	}
}

// TestConv2DTriOff runs the random int8 and uint8 CONV_2D cases with the
// gemmTri path off: the plain gemmS8 path must give the same results
// (TestConvFamilyRandom runs them with it on).
func TestConv2DTriOff(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	gemmTriOff = true
	defer func() { gemmTriOff = false }()
	for _, typ := range []DType{Int8, Uint8} {
		for range cvRandomCases {
			checkCV(t, randomCV(rng, tflite.BuiltinOperatorCONV_2D, typ))
		}
	}
}
