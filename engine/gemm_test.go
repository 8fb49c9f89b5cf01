package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// naiveGEMM is gemmS8's definition as a plain loop.
func naiveGEMM(m, n, k int, a, b []int8, out []int32) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s int32
			for kk := 0; kk < k; kk++ {
				s += int32(a[i*k+kk]) * int32(b[j*k+kk])
			}
			out[i*n+j] = s
		}
	}
}

// gemmShapes are the (m, n, k) the GEMM tests multiply: every path of
// gemmS8 (few rows, packed pairs, odd rows and columns, k tails of every
// length mod 4, 8, 16) and shapes from the models.
func gemmShapes() [][3]int {
	s := [][3]int{{1, 1, 1}, {1, 1, 0}, {3, 5, 0}, {1, 7, 13}, {2, 3, 17}, {3, 1, 31}, {4, 1, 1}, {4, 2, 4},
		{5, 3, 9}, {6, 5, 27}, {7, 7, 33}, {16, 8, 288}, {64, 64, 32}, {9, 256, 256}, {33, 10, 1000}, {1, 256, 1024}}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 60 {
		s = append(s, [3]int{1 + rng.IntN(40), 1 + rng.IntN(40), rng.IntN(70)})
	}
	return s
}

// randInt8 is n random int8 values; extreme makes every value −128 or 127
// (the largest products).
func randInt8(rng *rand.Rand, n int, extreme bool) []int8 {
	v := make([]int8, n)
	for i := range v {
		v[i] = int8(rng.IntN(256) - 128)
		if extreme {
			v[i] = []int8{-128, 127}[rng.IntN(2)]
		}
	}
	return v
}

// TestGEMMS8 compares gemmS8 with the plain loop on random and extreme
// values over many shapes, and the packed path at its longest rows.
func TestGEMMS8(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	shapes := append(gemmShapes(), [3]int{4, 3, packedMaxK}, [3]int{5, 2, packedMaxK + 3})
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		for _, extreme := range []bool{false, true} {
			a, b := randInt8(rng, m*k, extreme), randInt8(rng, n*k, extreme)
			if extreme && k >= packedMaxK {
				for i := range a { // the largest sums: −128·−128 everywhere
					a[i] = -128
				}
				for i := range b {
					b[i] = -128
				}
			}
			got, want := make([]int32, m*n), make([]int32, m*n)
			for i := range got {
				got[i] = 12345 // gemmS8 sets every element
			}
			gemmS8(m, n, k, a, b, got)
			naiveGEMM(m, n, k, a, b, want)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("m=%d n=%d k=%d extreme=%v: out[%d] (row %d, column %d) = %d, want %d", m, n, k, extreme, i, i/n, i%n, got[i], want[i])
				}
			}
		}
	}
}

// TestOffsetGEMM compares offsetGEMM with Σ (a + ia)·(b + ib) + bias in
// wrapping int32, for int8 offsets and the uint8 ones (shifted by 128).
func TestOffsetGEMM(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sh := range gemmShapes() {
		m, n, k := sh[0], sh[1], sh[2]
		for _, off := range [][2]int32{{0, 0}, {-3, 0}, {128, 0}, {-127, 128}, {255, 1}, {5, -7}} {
			ia, ib := off[0], off[1]
			a, b := randInt8(rng, m*k, false), randInt8(rng, n*k, false)
			bias := make([]int32, n)
			for j := range bias {
				bias[j] = int32(rng.Uint32())
			}
			got := make([]int32, m*n)
			offsetGEMM(m, n, k, a, b, ib, gemmColAdd(k, ia, ib, rowSums(n, k, b, nil), bias), got, nil)
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					s := bias[j]
					for kk := 0; kk < k; kk++ {
						s += (int32(a[i*k+kk]) + ia) * (int32(b[j*k+kk]) + ib)
					}
					if got[i*n+j] != s {
						t.Fatalf("m=%d n=%d k=%d ia=%d ib=%d: out[%d][%d] = %d, want %d", m, n, k, ia, ib, i, j, got[i*n+j], s)
					}
				}
			}
		}
	}
}

// BenchmarkGEMM measures gemmS8 on shapes of the models' convolutions
// (rows = output pixels of a block, columns = output channels, k = patch).
func BenchmarkGEMM(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, sh := range [][3]int{{1, 256, 1024}, {8, 64, 256}, {256, 8, 27}, {128, 32, 144}, {64, 64, 32}, {16, 256, 256}} {
		m, n, k := sh[0], sh[1], sh[2]
		b.Run(fmt.Sprintf("%dx%dx%d", m, n, k), func(b *testing.B) {
			x, w, out := randInt8(rng, m*k, false), randInt8(rng, n*k, false), make([]int32, m*n)
			start := cpuTime()
			for b.Loop() {
				gemmS8(m, n, k, x, w, out)
			}
			reportMACs(b, int64(m*n*k))
			reportCPU(b, start, int64(m*n*k))
		})
	}
}

// TestDepthwiseRun compares depthwiseRun, DEPTHWISE_CONV_2D's inner loop,
// with the plain sum over taps and channels (TestConvFamilyRandom checks
// the whole op against the reference's loops).
func TestDepthwiseRun(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 300 {
		n, taps := 1+rng.IntN(70), 1+rng.IntN(8)
		off := []int32{0, 128, -127, int32(rng.IntN(256) - 128)}[rng.IntN(4)]
		x := randInt8(rng, n*taps, rng.IntN(4) == 0)
		w := make([]int32, n*taps)
		for i, v := range randInt8(rng, n*taps, false) {
			w[i] = int32(v)
		}
		got, want := make([]int32, n), make([]int32, n)
		for c := range got {
			got[c] = int32(rng.Uint32())
			want[c] = got[c]
		}
		depthwiseRun(got, x, w, off)
		for tp := 0; tp < taps; tp++ {
			for c := 0; c < n; c++ {
				want[c] += w[tp*n+c] * (int32(x[tp*n+c]) + off)
			}
		}
		for c := range want {
			if got[c] != want[c] {
				t.Fatalf("%d channels, %d taps, offset %d: acc[%d] = %d, want %d", n, taps, off, c, got[c], want[c])
			}
		}
	}
}

// TestXNNPackRequantizeRow compares XNNPackOutput.requantizeInt8, the hot
// loop, with xnnRequant, XNNPACK's arithmetic written plainly, for int8
// and uint8 ranges, one scale or one per channel.
func TestXNNPackRequantizeRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for range 2000 {
		n := 1 + rng.IntN(40)
		o := &XNNPackOutput{ZeroPoint: int32(rng.IntN(256) - 128), Min: -128, Max: 127}
		if rng.IntN(3) == 0 { // uint8
			o.ZeroPoint, o.Min, o.Max = int32(rng.IntN(256)), 0, 255
		}
		if rng.IntN(2) == 0 { // a fused activation
			o.Min = o.ZeroPoint
		}
		scales := 1
		if rng.IntN(2) == 0 {
			scales = n
		}
		for range scales {
			o.Scales = append(o.Scales, []float32{1e-6, 0.5, 1, 7.3, 1e6}[rng.IntN(5)]*rng.Float32())
		}
		acc := make([]int32, n)
		for i := range acc {
			acc[i] = []int32{int32(rng.Uint32()), int32(rng.IntN(2000) - 1000), -1 << 31, 1<<31 - 1}[rng.IntN(4)]
		}
		got := make([]int8, n)
		o.requantizeInt8(acc, got)
		for c, a := range acc {
			if want := int8(xnnRequant(a, o.scale(c), o.ZeroPoint, o.Min, o.Max)); got[c] != want {
				t.Fatalf("acc %d, scale %g, zero point %d, [%d, %d]: %d, want %d", a, o.scale(c), o.ZeroPoint, o.Min, o.Max, got[c], want)
			}
		}
	}
	// Around the edges of the magic-bias rounding (±2^22, ±1.5·2^23, ±2^24)
	// and with scales that overflow float32 to ±Inf.
	var edges []int32
	for _, e := range []int32{1 << 22, 3 << 22, 1 << 24, 1 << 30, 255, 0} {
		for d := int32(-3); d <= 3; d++ {
			edges = append(edges, e+d, -e+d)
		}
	}
	edges = append(edges, -1<<31, 1<<31-1)
	for _, scale := range []float32{1, 0.5, 2, 1e-6, 1e6, 3e38} {
		for _, r := range [][3]int32{{-128, -128, 127}, {0, -128, 127}, {100, 100, 127}, {0, 0, 255}, {255, 0, 255}, {-5, -20, 30}} {
			o := &XNNPackOutput{Scales: []float32{scale}, ZeroPoint: r[0], Min: r[1], Max: r[2]}
			got := make([]int8, len(edges))
			o.requantizeInt8(edges, got)
			for c, a := range edges {
				if want := int8(xnnRequant(a, scale, r[0], r[1], r[2])); got[c] != want {
					t.Fatalf("acc %d, scale %g, zero point %d, [%d, %d]: %d, want %d", a, scale, r[0], r[1], r[2], got[c], want)
				}
			}
		}
	}
	// Halves round to even: acc·scale = k + 0.5 exactly.
	o := &XNNPackOutput{Scales: []float32{0.5}, ZeroPoint: 3, Min: -128, Max: 127}
	acc := []int32{-7, -5, -3, -1, 1, 3, 5, 7, 9}
	got := make([]int8, len(acc))
	o.requantizeInt8(acc, got)
	for c, a := range acc {
		if want := int8(xnnRequant(a, 0.5, 3, -128, 127)); got[c] != want {
			t.Errorf("acc %d·0.5: %d, want %d", a, got[c], want)
		}
	}
}

// TestGEMMRowsPacked compares gemmRowsPacked (weights packed ahead of time,
// FULLY_CONNECTED's pure-Go product) with the plain loop over the GEMM
// shapes, odd column counts and k tails included, on random and extreme
// values, and at the longest rows packRows packs.
func TestGEMMRowsPacked(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	shapes := append(gemmShapes(), [3]int{1, 3, packedMaxK}, [3]int{2, 9, 5}, [3]int{3, 17, 3})
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		if k == 0 {
			continue // packRows packs nothing: the caller takes gemm
		}
		for _, extreme := range []bool{false, true} {
			a, b := randInt8(rng, m*k, extreme), randInt8(rng, n*k, extreme)
			if extreme && k >= packedMaxK {
				for i := range a {
					a[i] = -128
				}
				for i := range b {
					b[i] = -128
				}
			}
			g := &gemmWeights{w: b}
			g.packRows(n, k)
			if g.packed == nil {
				t.Fatalf("m=%d n=%d k=%d: packRows packed nothing", m, n, k)
			}
			got, want := make([]int32, m*n), make([]int32, m*n)
			gemmRowsPacked(m, n, k, a, g.packed, got)
			naiveGEMM(m, n, k, a, b, want)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("m=%d n=%d k=%d extreme=%v: out[%d] = %d, want %d", m, n, k, extreme, i, got[i], want[i])
				}
			}
		}
	}
}
