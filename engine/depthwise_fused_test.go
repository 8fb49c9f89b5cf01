package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// randomRequant is a random MultiplyByQuantizedMultiplier with either
// rounding: multipliers from 0 to 2^31 − 1, shifts from −40 to 34 (past
// the ends QuantizeMultiplier gives, where quantMul clamps).
func randomRequant(rng *rand.Rand) Requant {
	q := Requant{Multiplier: int32(rng.Int64N(1 << 31)), Shift: -40 + rng.IntN(75), Rounding: RoundDouble}
	switch rng.IntN(6) {
	case 0:
		q.Multiplier = 1<<31 - 1
	case 1:
		q.Multiplier = 1 << 30
	case 2:
		q.Shift = -1 - rng.IntN(12) // the usual range
	}
	if rng.IntN(2) == 0 {
		q.Rounding = RoundSingle
	}
	return q
}

// TestDwRQ checks dwRQ.apply, one multiply and one rounding shift, against
// quantMul.apply (itself checked against package fixedpoint by
// TestQuantMul) on random and extreme accumulators.
func TestDwRQ(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	xs := []int32{0, 1, -1, math.MaxInt32, math.MinInt32, 1 << 30, -1 << 30, 1<<16 - 1, -1 << 16}
	for range 3000 {
		q := newQuantMul(randomRequant(rng))
		d := newDWRQ(&q)
		for i := range 200 {
			x := rng.Int32() - rng.Int32()
			if i < len(xs) {
				x = xs[i]
			} else if i%3 == 0 {
				x = int32(rng.IntN(1<<21) - 1<<20)
			}
			if got, want := d.apply(x), q.apply(x); got != want {
				t.Fatalf("%+v: apply(%d) = %d, want %d", q, x, got, want)
			}
		}
	}
}

// TestDw3x3Row1Q checks the packed, fused kernel against dw3x3Row1 and
// FixedPointOutput.requantizeInt8 on random rows (extreme values), channel
// counts that are and are not multiples of three, strides, dilations,
// weights in [−255, 255], wrapping bias sums, per-channel requantization of
// either rounding and random zero points and clamps.
func TestDw3x3Row1Q(t *testing.T) {
	rng := rand.New(rand.NewPCG(53, 54))
	for range 400 {
		C, n, s, d := 1+rng.IntN(20), 1+rng.IntN(9), 1+rng.IntN(3), 1+rng.IntN(3)
		rowLen := (n-1)*s + 2*d + 1
		var rows [3][]int8
		for i := range rows {
			rows[i] = make([]int8, rowLen+rng.IntN(3))
			for j := range rows[i] {
				rows[i][j] = int8(rng.IntN(256) - 128)
				if rng.IntN(4) == 0 {
					rows[i][j] = []int8{-128, 127}[rng.IntN(2)]
				}
			}
		}
		w, full := make([]int32, 9*C), make([]int32, C)
		for i := range w {
			w[i] = int32(rng.IntN(511) - 255)
			if rng.IntN(4) == 0 {
				w[i] = []int32{-255, 255, -128, 127}[rng.IntN(4)]
			}
		}
		for i := range full {
			full[i] = rng.Int32() - 1<<30
			if rng.IntN(4) == 0 {
				full[i] = 1<<31 - 1 - int32(rng.IntN(100)) // wraps
			}
		}
		rq := make([]Requant, C)
		single := rng.IntN(2) == 0
		for i := range rq {
			rq[i] = randomRequant(rng)
			rq[i].Rounding = map[bool]Rounding{false: RoundDouble, true: RoundSingle}[single]
		}
		zp := int32(rng.IntN(256) - 128)
		lo := int32(-128 + rng.IntN(100))
		hi := max(lo, int32(127-rng.IntN(100)))
		o := newFixedPointOutput(rq, C, zp, lo, hi)
		var cache dwRQCache
		set := cache.fusedOutput(o, C)
		if set == nil || cache.fusedOutput(o, C) != set {
			t.Fatal("fusedOutput: no set, or not kept")
		}
		wp := dw3x3PackedWeights(w, C)
		got, want := make([]int8, n*C), make([]int8, n*C)
		dw3x3Row1Q(got, rows[0], rows[1], rows[2], n, s, d, wp, full, set)
		acc := make([]int32, n*C)
		dw3x3Row1(acc, rows[0], rows[1], rows[2], n, s, d, w, full)
		for px := range n {
			o.requantizeInt8(acc[px*C:][:C], want[px*C:][:C])
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("C %d n %d stride %d dilation %d:\n got %v\nwant %v", C, n, s, d, got, want)
		}
	}
	if dw3x3PackedWeights([]int32{256, 0, 0, 0, 0, 0, 0, 0, 0}, 1) != nil {
		t.Fatal("dw3x3PackedWeights packed a weight of 256")
	}
}

// TestDepthwiseFused compares the fused row kernels with the unfused ones
// (dwFusedOff) on whole models, untraced, under every profile: random 3×3
// DEPTHWISE_CONV_2D of one input channel (depth multipliers > 1) and
// CONV_2D of one input channel (randomConv1ch, zero points at the ends of
// the range), int8 and uint8, with the cvRef formula as a third opinion
// under the integer profiles.
func TestDepthwiseFused(t *testing.T) {
	rng := rand.New(rand.NewPCG(55, 56))
	defer func() { dwFusedOff = false }()
	for i := range 200 {
		typ := []DType{Int8, Uint8}[i%2]
		var s *cvSpec
		if i%4 < 2 {
			s = randomConv1ch(rng, typ)
		} else {
			for s == nil || s.c != 1 {
				s = random3x3(rng, typ)
				if s.c != 1 {
					s = randomDepthwise(rng, typ, 1, 2+rng.IntN(17), 1+rng.IntN(12), 1+rng.IntN(12))
					s.fh, s.fw = 3, 3
					s.sh, s.sw, s.dh, s.dw = 1+rng.IntN(3), 1+rng.IntN(3), 1+rng.IntN(2), 1+rng.IntN(2)
					if oh, ow, _, _ := s.geometry(); oh <= 0 || ow <= 0 {
						s = nil
						continue
					}
					s.f = randInts(rng, typ, numElements(s.filterShape()))
				}
			}
		}
		data, feeds := s.model()
		m, err := Load(data)
		if err != nil {
			t.Fatalf("%v: load: %v", s, err)
		}
		for _, p := range Profiles() {
			var outs [2]string
			for j, off := range []bool{false, true} {
				dwFusedOff = off
				res, err := m.Run(feeds, Options{Profile: p})
				if err != nil { // the browser TFLite refuses some (no bias)
					outs[j] = err.Error()
					continue
				}
				outs[j] = fmt.Sprint(res.Tensors[m.Outputs[0]])
				if j == 0 && (p == Reference || p == SingleRounding) {
					want, _ := cvRef(s, p)
					if got := decodeInts(s.typ, res.Tensors[m.Outputs[0]]); fmt.Sprint(got) != fmt.Sprint(want) {
						t.Fatalf("%v, %s: fused\n got %v\nwant %v", s, p, got, want)
					}
				}
			}
			if outs[0] != outs[1] {
				t.Fatalf("%v, %s: fused\n%s\nunfused\n%s", s, p, outs[0], outs[1])
			}
		}
	}
}
