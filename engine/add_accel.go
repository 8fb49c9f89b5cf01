package engine

import (
	"fmt"
	"math/rand/v2"
	"unsafe"
)

// Accelerated int8/uint8 ADD and SUB (the reference and single-rounding
// profiles' AddParams): the WebAssembly build's SIMD module can run the
// whole op when both inputs have the output's shape. The pure-Go addBytes is
// the fallback and the reference (CheckAdd).

// AddS8 is AddParams' int8 or uint8 kernel for same-shape inputs, from the
// numbers of addTable: for i < len(out),
//
//	out[i] = quantized(a[i], b[i])
//
// (AddParams.quantized: both inputs scaled to the common scale, added or
// subtracted, requantized, offset and clamped), with a, b and out read as
// uint8 when tab[0] is 1. It may leave the last len(out) mod 8 elements to
// the caller and returns how many it wrote.
type AddS8 func(a, b, out []int8, tab []int32) int

// addAccel is SetAdd's kernel, or nil.
var addAccel AddS8

// SetAdd makes int8 and uint8 ADD and SUB run on f (the WebAssembly build's
// SIMD module) when the inputs are not broadcast; nil restores the pure-Go
// addBytes, the reference f is tested against (CheckAdd). Call it before
// running models, not while they run.
func SetAdd(f AddS8) { addAccel = f }

// addAccelMin is the output size from which addBytes calls addAccel.
const addAccelMin = 16

// addTable lays out p (of an int8 or uint8 op; unsigned for uint8) for an
// AddS8 kernel: [unsigned, Input1Offset, Input2Offset, LeftShift, sub,
// OutputOffset, ActMin, ActMax], then for each of Input1, Input2 and
// Output at 8, 16 and 24 (requantStep): [M, s, K (int64, low half first), S
// (int64), 0, 0], the numbers with which MultiplyByQuantizedMultiplier(x, M,
// shift), double or single rounding, is
//
//	y = int64(x)·M + 2^30;  int32((y + K + (y < 0 ? S : 0)) >> s)
//
// It is nil when a multiplier is negative or shifts left (TFLite's ADD has
// neither: QuantizeMultiplierSmallerThanOneExp).
func (p *AddParams) addTable(unsigned bool) []int32 {
	t := make([]int32, 32)
	if unsigned {
		t[0] = 1
	}
	t[1], t[2], t[3] = p.Input1Offset, p.Input2Offset, int32(p.LeftShift)
	if p.sub {
		t[4] = 1
	}
	t[5], t[6], t[7] = p.OutputOffset, p.ActMin, p.ActMax
	for i, q := range []Requant{p.Input1, p.Input2, p.Output} {
		if !requantStep(q, t[8+8*i:][:8]) {
			t = nil
			break
		}
	}
	return t
}

// requantStep writes into t [M, s, K low, K high, S low, S high] for
// MultiplyByQuantizedMultiplier(x, q) as addTable describes, or says that q
// shifts left or has a negative multiplier. Double rounding with right
// shift r: SaturatingRoundingDoublingHighMul is ⌊y / 2^31⌋ (M ≥ 0 never
// saturates) and RoundingDivideByPOT(v, r) is ⌊(v + 2^(r−1) − [v < 0]) /
// 2^r⌋ for r ≥ 1 (v < 0 exactly when y < 0), so together ⌊(y + 2^(30+r) −
// [y < 0]·2^31) / 2^(31+r)⌋: s = 31 + r, K = 2^(30+r), S = −2^31 (K = S = 0
// for r = 0). Single rounding: (x·M + 2^(t−1)) >> t with t = 31 − shift: s
// = t, K = 2^(t−1) − 2^30, S = 0.
func requantStep(q Requant, t []int32) bool {
	if q.Multiplier < 0 || q.Shift > 0 || q.Shift < -31 {
		return false
	}
	var s int
	var k, sm int64
	if q.Rounding == RoundSingle {
		s = 31 - q.Shift
		k = int64(1)<<(s-1) - 1<<30
	} else {
		r := -q.Shift
		s = 31 + r
		if r > 0 {
			k, sm = int64(1)<<(30+r), -1<<31
		}
	}
	t[0], t[1] = q.Multiplier, int32(s)
	t[2], t[3] = int32(uint32(k)), int32(k>>32)
	t[4], t[5] = int32(uint32(sm)), int32(sm>>32)
	return true
}

// addAccelBytes runs the same-shape ADD or SUB on addAccel and returns how
// many outputs it wrote (0: none, the caller computes them all).
func addAccelBytes[T int8 | uint8](p *AddParams, a, b, out []T) int {
	if addAccel == nil || !p.bc.same || len(out) < addAccelMin {
		return 0
	}
	if p.accelTab == nil {
		return 0
	}
	n := len(out)
	return addAccel(asI8(a[:n]), asI8(b[:n]), asI8(out), p.accelTab)
}

// asI8 is s as int8s.
func asI8[T int8 | uint8](s []T) []int8 {
	return unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// CheckAdd compares f, an accelerated AddS8 (the WebAssembly build's SIMD
// add_s8), with AddParams.quantized on cases random ADDs and SUBs drawn
// from seed: int8 and uint8, offsets and activation ranges, double and
// single rounding, multipliers from the smallest to the largest input
// scale ratios, lengths from 16 to 300 (tails of every length). It returns
// the first difference.
func CheckAdd(f AddS8, seed uint64, cases int) error {
	rng := rand.New(rand.NewPCG(seed, 0xadd))
	for it := range cases {
		p := &AddParams{LeftShift: 20, sub: rng.IntN(2) == 0}
		unsigned := rng.IntN(2) == 0
		zp := func() int32 {
			if unsigned {
				return int32(rng.IntN(256))
			}
			return int32(rng.IntN(256) - 128)
		}
		p.Input1Offset, p.Input2Offset, p.OutputOffset = -zp(), -zp(), zp()
		lo, hi := int32(-128), int32(127)
		if unsigned {
			lo, hi = 0, 255
		}
		if rng.IntN(3) == 0 {
			lo, hi = max(lo, p.OutputOffset), min(hi, p.OutputOffset+int32(rng.IntN(200)))
		}
		p.ActMin, p.ActMax = lo, hi
		rounding := RoundDouble
		if rng.IntN(2) == 0 {
			rounding = RoundSingle
		}
		// s1/(2·max), s2/(2·max) and 2·max/(2^20·s_out), as prepareAddSub
		s1, s2 := 0.001+rng.Float64(), 0.001+rng.Float64()
		so := max(s1, s2) * (0.02 + 4*rng.Float64())
		if rng.IntN(4) == 0 {
			so = max(s1, s2) * 1e-3
		}
		twice := 2 * max(s1, s2)
		for _, m := range []struct {
			dst  *Requant
			real float64
		}{{&p.Input1, s1 / twice}, {&p.Input2, s2 / twice}, {&p.Output, twice / (float64(int32(1)<<20) * so)}} {
			q := newRequant(m.real)
			q.Rounding = rounding
			*m.dst = q
		}
		if p.Output.Shift > 0 {
			continue
		}
		n := 16 + rng.IntN(285)
		a, b := make([]int8, n), make([]int8, n)
		for i := range a {
			a[i], b[i] = int8(rng.IntN(256)), int8(rng.IntN(256))
		}
		got := make([]int8, n)
		tab := p.addTable(unsigned)
		if tab == nil {
			return fmt.Errorf("case %d: no add table for %+v", it, p)
		}
		done := f(a, b, got, tab)
		if done > n || done < n-7 {
			return fmt.Errorf("case %d: the kernel wrote %d of %d outputs", it, done, n)
		}
		for i := 0; i < done; i++ {
			var want int32
			if unsigned {
				want = p.quantized(int32(uint8(a[i])), int32(uint8(b[i])))
			} else {
				want = p.quantized(int32(a[i]), int32(b[i]))
			}
			if got[i] != int8(want) {
				return fmt.Errorf("case %d (%s rounding, unsigned %v, sub %v, n %d): output byte %d is %d, want %d (inputs %d, %d)",
					it, rounding, unsigned, p.sub, n, i, got[i], int8(want), a[i], b[i])
			}
		}
	}
	return nil
}
