package engine

// The 8-bit ADD, SUB and MUL row loops (addRow, mulRow) against the
// per-element formulas.

import (
	"math/rand/v2"
	"testing"
)

// randRequant is a double- or single-rounding multiplier of
// QuantizeMultiplierSmallerThanOneExp's domain, often at its extremes
// (0, 1, 2^30, 2^31 − 1; shifts 0 and −31).
func randRequant(rng *rand.Rand, r Rounding) Requant {
	q := Requant{Multiplier: 1<<30 + int32(rng.IntN(1<<30)), Shift: -rng.IntN(32), Rounding: r}
	switch rng.IntN(5) {
	case 0:
		q.Multiplier = []int32{0, 1, 1 << 30, 1<<31 - 1}[rng.IntN(4)]
	case 1:
		q.Shift = []int{0, -31}[rng.IntN(2)]
	}
	return q
}

// randBinary8 is the offsets and clamp of a random 8-bit binary op of type
// typ: input offsets of the type's zero points, an output offset, and half
// the time a narrowed clamp.
func randBinary8(rng *rand.Rand, typ DType) Binary {
	lo, hi := int32(-128), int32(127)
	off := func() int32 { return int32(rng.IntN(256) - 127) }
	if typ == Uint8 {
		lo, hi = 0, 255
		off = func() int32 { return -int32(rng.IntN(256)) }
	}
	if rng.IntN(2) == 0 {
		a, b := lo+int32(rng.IntN(int(hi-lo+1))), lo+int32(rng.IntN(int(hi-lo+1)))
		lo, hi = min(a, b), max(a, b)
	}
	return Binary{Input1Offset: off(), Input2Offset: off(), OutputOffset: -off(), ActMin: lo, ActMax: hi}
}

// TestAddRowExtremes compares addRow (the tables and the branch-free output
// stage) with AddParams.quantized on every pair of 8-bit values, for random
// ADDs and SUBs with extreme multipliers, shifts, offsets and clamps, int8
// and uint8, both roundings.
func TestAddRowExtremes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for it := range 60 {
		typ := []DType{Int8, Uint8}[it%2]
		r := []Rounding{RoundDouble, RoundSingle}[it/2%2]
		p := &AddParams{Binary: randBinary8(rng, typ),
			LeftShift: 20, Input1: randRequant(rng, r), Input2: randRequant(rng, r), Output: randRequant(rng, r), sub: it/4%2 == 1}
		p.prepareRow(typ)
		if p.row == nil || p.accelTab == nil {
			t.Fatalf("case %d: row %v, accelTab %v", it, p.row != nil, p.accelTab != nil)
		}
		a, b := make([]uint8, 1<<16), make([]uint8, 1<<16)
		for i := range a {
			a[i], b[i] = uint8(i), uint8(i>>8)
		}
		check := func(got func(i int) int32, val func(v uint8) int32) {
			for i := range a {
				if want := p.quantized(val(a[i]), val(b[i])); got(i) != want {
					t.Fatalf("case %d (%v %v %+v): inputs %d, %d: got %d, want %d", it, typ, r, *p, val(a[i]), val(b[i]), got(i), want)
				}
			}
		}
		if typ == Uint8 {
			out := make([]uint8, len(a))
			addRow(p.row, a, b, out)
			check(func(i int) int32 { return int32(out[i]) }, func(v uint8) int32 { return int32(v) })
			continue
		}
		x, y, out := make([]int8, len(a)), make([]int8, len(a)), make([]int8, len(a))
		for i := range a {
			x[i], y[i] = int8(a[i]), int8(b[i])
		}
		addRow(p.row, x, y, out)
		check(func(i int) int32 { return int32(out[i]) }, func(v uint8) int32 { return int32(int8(v)) })

	}
}

// TestMulRowExtremes compares mulRow with MulParams.quantized on every pair
// of 8-bit values, for random MULs with extreme multipliers, shifts (left
// shifts that wrap the product included), offsets and clamps, int8 and
// uint8, both roundings.
func TestMulRowExtremes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	a, b := make([]uint8, 1<<16), make([]uint8, 1<<16)
	for i := range a {
		a[i], b[i] = uint8(i), uint8(i>>8)
	}
	x, y := make([]int8, len(a)), make([]int8, len(a))
	for i := range a {
		x[i], y[i] = int8(a[i]), int8(b[i])
	}
	for it := range 80 {
		typ := []DType{Int8, Uint8}[it%2]
		r := []Rounding{RoundDouble, RoundSingle}[it/2%2]
		q := randRequant(rng, r)
		q.Shift = rng.IntN(63) - 31
		if rng.IntN(4) == 0 {
			q.Shift = []int{-31, 0, 1, 30, 31}[rng.IntN(5)]
		}
		if r == RoundSingle {
			q.Shift = min(q.Shift, 30)
		}
		p := &MulParams{Binary: randBinary8(rng, typ), Requant: q}
		p.row = newMulRow(p)
		if p.row == nil {
			t.Fatalf("case %d: %+v has no mulRow", it, q)
		}
		got := make([]int32, len(a))
		var val func(v uint8) int32
		if typ == Uint8 {
			out := make([]uint8, len(a))
			mulRow(p.row, a, b, out)
			for i, v := range out {
				got[i] = int32(v)
			}
			val = func(v uint8) int32 { return int32(v) }
		} else {
			out := make([]int8, len(a))
			mulRow(p.row, x, y, out)
			for i, v := range out {
				got[i] = int32(v)
			}
			val = func(v uint8) int32 { return int32(int8(v)) }
		}
		for i := range a {
			if want := p.quantized(val(a[i]), val(b[i])); got[i] != want {
				t.Fatalf("case %d (%v %+v): inputs %d, %d: got %d, want %d", it, typ, q, val(a[i]), val(b[i]), got[i], want)
			}
		}
	}
}

// TestRowStale: an ADD or MUL whose multipliers change after its row loop
// was prepared (as the builtin-kernel variants of sub_xnnpack.go and
// mul_xnnpack.go do) computes with the new ones, not the stale tables.
func TestRowStale(t *testing.T) {
	bc, _ := newBroadcast([]int{600}, []int{600})
	p := &AddParams{Binary: Binary{ActMin: -128, ActMax: 127, bc: bc}, LeftShift: 20,
		Input1: Requant{Multiplier: 1 << 30, Rounding: RoundDouble}, Input2: Requant{Multiplier: 1 << 30, Rounding: RoundDouble},
		Output: Requant{Multiplier: 1 << 30, Shift: -20, Rounding: RoundDouble}}
	p.prepareRow(Int8)
	p.Output.Multiplier = 1<<31 - 1
	m := &MulParams{Binary: p.Binary, Requant: Requant{Multiplier: 1 << 30, Shift: -5, Rounding: RoundDouble}}
	m.row = newMulRow(m)
	m.Requant.Shift = -3
	a, b, out := make([]int8, 600), make([]int8, 600), make([]int8, 600)
	for i := range a {
		a[i], b[i] = int8(i), int8(i*7)
	}
	addBytes(p, a, b, out)
	for i := range out {
		if want := p.quantized(int32(a[i]), int32(b[i])); int32(out[i]) != want {
			t.Fatalf("ADD element %d: got %d, want %d", i, out[i], want)
		}
	}
	mulBytes(m, a, b, out)
	for i := range out {
		if want := m.quantized(int32(a[i]), int32(b[i])); int32(out[i]) != want {
			t.Fatalf("MUL element %d: got %d, want %d", i, out[i], want)
		}
	}
}
