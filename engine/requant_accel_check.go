package engine

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// CheckRequantRows compares fixed and fp32, accelerated output stages (the
// WebAssembly build's SIMD rq_fixed and rq_fp32), with the pure-Go
// requantizeInt8 they replace, through requantizeRows, on cases random
// stages drawn from seed (randomStage: double and single rounding and
// XNNPACK's fp32 requantization, per channel and per tensor, multipliers and
// shifts at their extremes, int8 and uint8 ranges), 1…37 channels (tails of
// every length), 1…5 rows, accumulators of every magnitude, with and
// without an addition. It returns the first difference.
func CheckRequantRows(fixed RequantFixedS8, fp32 RequantFP32S8, seed uint64, cases int) error {
	rng := rand.New(rand.NewPCG(seed, 0x7e9))
	oldFixed, oldFP32 := requantFixedS8, requantFP32S8
	defer SetRequant(oldFixed, oldFP32)
	for it := range cases {
		C, rows := 1+rng.IntN(37), 1+rng.IntN(5)
		stage, what := randomStage(rng, C)
		acc := make([]int32, C*rows)
		for i := range acc {
			acc[i] = int32(rng.Uint32()) >> uint(rng.IntN(32))
		}
		var add []int32
		if rng.IntN(2) == 0 {
			add = make([]int32, C)
			for i := range add {
				add[i] = int32(rng.Uint32()) >> uint(rng.IntN(32))
			}
		}
		want, got := make([]int8, len(acc)), make([]int8, len(acc))
		SetRequant(nil, nil)
		requantizeRows(stage, slices.Clone(acc), add, C, want)
		SetRequant(fixed, fp32)
		requantizeRows(stage, slices.Clone(acc), add, C, got)
		for i := range want {
			if got[i] != want[i] {
				return fmt.Errorf("case %d (%d channels, %s, add %v): output byte %d is %d, want %d (accumulator %d)",
					it, C, what, add != nil, i, got[i], want[i], acc[i])
			}
		}
	}
	return nil
}
