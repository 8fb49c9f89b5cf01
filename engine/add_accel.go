package engine

import (
	"fmt"
	"math/rand/v2"

	"github.com/int8scope/int8scope/engine/fixedpoint"
)

// AddS8Params are the prepared parameters of an int8 ADD or SUB of the
// reference arithmetic with double rounding, for AddS8: input i's offset,
// multiplier Mul_i and right shift Right_i (−shift, in [0, 31]), the common
// left shift, the output multiplier and right shift, zero point and clamp.
// Every multiplier is ≥ 0.
type AddS8Params struct {
	Offset1, Offset2 int32
	LeftShift        int32
	Mul1, Right1     int32
	Mul2, Right2     int32
	MulOut, RightOut int32
	ZeroPoint        int32
	Min, Max         int32
	Sub              bool
}

// AddS8 is the int8 ADD (or SUB, p.Sub) of TFLite's reference kernels
// (reference/integer_ops/add.h AddElementwise, reference/sub.h) over rows of
// equal length: out[i] = p.value(a[i], b[i]), that is, with
// MBQM(x, M, r) = RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, M), r)
// (MultiplyByQuantizedMultiplierSmallerThanOneExp),
//
//	a1 = MBQM((a[i] + Offset1)·2^LeftShift, Mul1, Right1)
//	a2 = MBQM((b[i] + Offset2)·2^LeftShift, Mul2, Right2)
//	out[i] = clamp(MBQM(a1 ± a2, MulOut, RightOut) + ZeroPoint, Min, Max)
//
// in wrapping int32 arithmetic. The WebAssembly build's SIMD module
// provides one (add_s8).
type AddS8 func(a, b, out []int8, p *AddS8Params)

var addS8 AddS8

// SetAdd makes the int8 ADD and SUB of the reference arithmetic (double
// rounding) run on f (the WebAssembly build's SIMD add_s8); nil restores
// the pure-Go addRow, which equals it. Call it before running models, not
// while they run.
func SetAdd(f AddS8) { addS8 = f }

// value is AddS8's formula for one pair, computed step by step with the
// fixedpoint functions: the contract accelerated kernels are checked
// against.
func (p *AddS8Params) value(x, y int8) int8 {
	mbqm := func(v, m, r int32) int32 {
		return fixedpoint.RoundingDivideByPOT(fixedpoint.SaturatingRoundingDoublingHighMul(v, m), int(r))
	}
	a1 := mbqm((int32(x)+p.Offset1)<<p.LeftShift, p.Mul1, p.Right1)
	a2 := mbqm((int32(y)+p.Offset2)<<p.LeftShift, p.Mul2, p.Right2)
	s := a1 + a2
	if p.Sub {
		s = a1 - a2
	}
	return int8(clamp(mbqm(s, p.MulOut, p.RightOut)+p.ZeroPoint, p.Min, p.Max))
}

// CheckAddS8 compares f, an accelerated AddS8 (the WebAssembly build's SIMD
// add_s8), with AddS8's formula (AddS8Params.value) on cases random rows
// drawn from seed: lengths 0 to 80 (every tail of the 16-element blocks)
// and a few long ones, ADD and SUB, offsets and clamps of the int8 range,
// multipliers and shifts at their extremes (0, 2^30, 2^31 − 1, right
// shifts 0 and 31, left shifts up to 23, where (x + offset)·2^LeftShift
// wraps) and the saturating int8 values. It returns the first difference.
func CheckAddS8(f AddS8, seed uint64, cases int) error {
	rng := rand.New(rand.NewPCG(seed, 0xadd))
	mul := func() int32 {
		switch rng.IntN(6) {
		case 0:
			return []int32{0, 1, 1 << 30, 1<<31 - 1}[rng.IntN(4)]
		case 1:
			return int32(rng.Uint32() >> 1)
		}
		return 1<<30 + int32(rng.IntN(1<<30))
	}
	right := func() int32 {
		if rng.IntN(5) == 0 {
			return []int32{0, 31}[rng.IntN(2)]
		}
		return int32(rng.IntN(32))
	}
	for it := range cases {
		n := rng.IntN(81)
		if rng.IntN(10) == 0 {
			n = 100 + rng.IntN(3000)
		}
		lo, hi := int32(rng.IntN(256)-128), int32(rng.IntN(256)-128)
		if rng.IntN(2) == 0 {
			lo, hi = -128, 127
		}
		lo, hi = min(lo, hi), max(lo, hi)
		p := &AddS8Params{Offset1: int32(rng.IntN(256) - 127), Offset2: int32(rng.IntN(256) - 127), LeftShift: 20,
			Mul1: mul(), Right1: right(), Mul2: mul(), Right2: right(), MulOut: mul(), RightOut: right(),
			ZeroPoint: int32(rng.IntN(256) - 128), Min: lo, Max: hi, Sub: rng.IntN(2) == 0}
		if rng.IntN(4) == 0 {
			p.LeftShift = int32(rng.IntN(24))
		}
		a, b, out := make([]int8, n), make([]int8, n), make([]int8, n+1)
		for i := range a {
			a[i], b[i] = int8(rng.IntN(256)-128), int8(rng.IntN(256)-128)
			if rng.IntN(8) == 0 {
				a[i] = []int8{-128, 127}[rng.IntN(2)]
			}
		}
		out[n] = 0x55
		f(a, b, out[:n], p)
		for i := range n {
			if want := p.value(a[i], b[i]); out[i] != want {
				return fmt.Errorf("add_s8 case %d (%+v, n=%d): output byte %d is %d, want %d (inputs %d, %d)", it, *p, n, i, out[i], want, a[i], b[i])
			}
		}
		if out[n] != 0x55 {
			return fmt.Errorf("add_s8 case %d (n=%d): wrote past the row", it, n)
		}
	}
	return nil
}
