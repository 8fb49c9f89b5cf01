package engine

import (
	"math/rand/v2"
	"testing"
)

// TestRequantizeBlock compares requantizeBlock with requantizeRows (one
// requantizeInt8 per row) for the three profiles' output stages: TFLite's
// double and single rounding (per-channel and per-tensor multipliers) and
// XNNPACK's fp32 (one scale and one per channel), on random rows of 1 to
// 40 channels with random and extreme accumulators.
func TestRequantizeBlock(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	for it := range 600 {
		n, m := 1+rng.IntN(40), 1+rng.IntN(20)
		zp := int32(rng.IntN(256) - 128)
		lo, hi := int32(-128), int32(127)
		if rng.IntN(2) == 0 {
			lo = zp
		}
		var o outputStage
		switch it % 3 {
		case 0, 1:
			var rq []Requant
			for range []int{1, n}[rng.IntN(2)] {
				q := newRequant([]float64{1e-9, 3e-5, 0.0021, 0.37, 1.9}[rng.IntN(5)] * (0.5 + rng.Float64()))
				if rng.IntN(3) == 0 { // powers of two (multiplier 2^30) and the smallest shifts
					q = newRequant([]float64{0.5, 0.25, 1.0 / (1 << 20), 1.0 / (1 << 30), 1.0 / (1 << 31), 1e-12, 0.9999999}[rng.IntN(7)])
				}
				if it%3 == 1 {
					q.Rounding = RoundSingle
				}
				rq = append(rq, q)
			}
			o = newFixedPointOutput(rq, n, zp, lo, hi)
		case 2:
			xo := &XNNPackOutput{ZeroPoint: zp, Min: lo, Max: hi}
			for range []int{1, n}[rng.IntN(2)] {
				xo.Scales = append(xo.Scales, []float32{1e-6, 0.002, 0.5, 7.3}[rng.IntN(4)]*rng.Float32())
			}
			o = xo
		}
		acc := make([]int32, m*n)
		for i := range acc {
			acc[i] = []int32{int32(rng.Uint32()), int32(rng.IntN(20000) - 10000), -1 << 31, 1<<31 - 1, 0, -1, 1}[rng.IntN(7)]
		}
		want, got := make([]int8, m*n), make([]int8, m*n)
		requantizeRows(o, append([]int32(nil), acc...), nil, n, want)
		requantizeBlock(o, acc, n, got)
		direct := make([]int8, m*n)
		if !requantizeBlockGo(o, acc, n, direct) {
			t.Fatalf("case %d (%T): requantizeBlockGo took no loop", it, o)
		}
		for i := range want {
			if got[i] != want[i] || direct[i] != want[i] {
				t.Fatalf("case %d (%T), %d×%d: out[%d] = %d (requantizeBlockGo %d), want %d (acc %d)", it, o, m, n, i, got[i], direct[i], want[i], acc[i])
			}
		}
	}
}
