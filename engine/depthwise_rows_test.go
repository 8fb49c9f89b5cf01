package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// random3x3 is a random int8 or uint8 3×3 DEPTHWISE_CONV_2D (evalInt8Rows'
// shapes): odd and even channel counts, depth multipliers 1…3, strides
// 1…3, dilations 1…2, SAME and VALID padding, inputs from one pixel to
// wider than the window.
func random3x3(rng *rand.Rand, typ DType) *cvSpec {
	for {
		s := randomDepthwise(rng, typ, []int{1, 2, 3, 5, 7, 8, 16, 17, 33}[rng.IntN(9)], 1+rng.IntN(3), 1+rng.IntN(12), 1+rng.IntN(12))
		s.fh, s.fw = 3, 3
		s.sh, s.sw, s.dh, s.dw = 1+rng.IntN(3), 1+rng.IntN(3), 1+rng.IntN(2), 1+rng.IntN(2)
		if oh, ow, _, _ := s.geometry(); oh <= 0 || ow <= 0 {
			continue
		}
		s.f = randInts(rng, map[DType]DType{Int8: Int8, Uint8: Uint8}[typ], numElements(s.filterShape()))
		return s
	}
}

// TestDepthwise3x3Rows checks evalInt8Rows (padded rows, dw3x3Row) against
// cvRef, the plain formula, under the two integer profiles: outputs, traced
// accumulators and explanations, with zero points at the ends of the range
// (the padding value z = −InputOffset is then −128 or 127) and outside it,
// filters constant and fed.
func TestDepthwise3x3Rows(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, typ := range []DType{Int8, Uint8} {
		t.Run(fmt.Sprint(typ), func(t *testing.T) {
			for i := range 160 {
				s := random3x3(rng, typ)
				if i%16 == 0 && s.c > 1 { // no int8 pads: evalInt8's loops (one channel: evalGrouped)
					s.inZ = []int64{-300, 200}[rng.IntN(2)]
				}
				checkCV(t, s)
			}
		})
	}
}

// TestDepthwise3x3RowsProfiles compares evalInt8Rows with evalInt8's loops
// (dwRowsOff) under every profile, the XNNPACK one included, on random 3×3
// cases: the output stage is the profile's, the accumulators the same.
func TestDepthwise3x3RowsProfiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	defer func() { dwRowsOff = false }()
	for i := range 120 {
		s := random3x3(rng, []DType{Int8, Uint8}[i%2])
		data, feeds := s.model()
		m, err := Load(data)
		if err != nil {
			t.Fatalf("%v: load: %v", s, err)
		}
		for _, p := range Profiles() {
			var outs [2]string
			for j, off := range []bool{false, true} {
				dwRowsOff = off
				res, err := m.Run(feeds, Options{Profile: p, Trace: true})
				if err != nil { // the browser TFLite refuses some (no bias)
					outs[j] = err.Error()
					continue
				}
				outs[j] = fmt.Sprint(res.Tensors[m.Outputs[0]], res.Trace.Ops[0].Acc)
			}
			if outs[0] != outs[1] {
				t.Fatalf("%v, %s: padded rows\n%s\nevalInt8's loops\n%s", s, p, outs[0], outs[1])
			}
		}
	}
}

// TestDw3x3Row checks the kernel alone against the formula on random rows,
// strides and dilations, with extreme values (wrapping int32 sums).
func TestDw3x3Row(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	for range 300 {
		C, n, s, d := 1+rng.IntN(20), 1+rng.IntN(9), 1+rng.IntN(3), 1+rng.IntN(3)
		rowLen := ((n-1)*s + 2*d + 1) * C
		var rows [3][]int8
		for i := range rows {
			rows[i] = make([]int8, rowLen+rng.IntN(3))
			for j := range rows[i] {
				rows[i][j] = int8(rng.IntN(256) - 128)
			}
		}
		w, full := make([]int32, 9*C), make([]int32, C)
		for i := range w {
			w[i] = int32(rng.IntN(511) - 255)
		}
		for i := range full {
			full[i] = rng.Int32() - 1<<30
			if rng.IntN(4) == 0 {
				full[i] = 1<<31 - 1 - int32(rng.IntN(100)) // wraps
			}
		}
		acc := make([]int32, n*C)
		dw3x3Row(acc, rows[0], rows[1], rows[2], n, s*C, d*C, w, full)
		for px := range n {
			for c := range C {
				want := full[c]
				for fy := range 3 {
					for fx := range 3 {
						want += w[9*c+fy*3+fx] * int32(rows[fy][px*s*C+fx*d*C+c])
					}
				}
				if got := acc[px*C+c]; got != want {
					t.Fatalf("C %d n %d stride %d dilation %d: acc[%d][%d] = %d, want %d", C, n, s, d, px, c, got, want)
				}
			}
		}
	}
}
