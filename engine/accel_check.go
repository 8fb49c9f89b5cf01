package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// CheckGEMMRequant compares f, an accelerated GEMMRequant (the WebAssembly
// build's SIMD gemm_rq_s8), with the pure-Go path it replaces on cases
// random shapes and output stages drawn from seed: gemmS8, the offsets and
// bias as offsetGEMM adds them, then the output stage's requantizeInt8, for
// double rounding, single rounding and XNNPACK's fp32 requantization, per
// channel and per tensor, with multipliers and shifts at their extremes,
// int8 and uint8 ranges, m, n and k not multiples of any block (k tails, odd
// channel counts), a channel offset c0 and an output row stride ldo > n,
// and a quarter of the cases in gemm_rq_c4_s8's shapes (n a multiple of 4,
// k 8…64, m up to 70). It returns the first difference, in the outputs or the accumulators.
func CheckGEMMRequant(f GEMMRequant, seed uint64, cases int) error {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	i8s := func(n int) []int8 { return randCheckInt8s(rng, n) }
	for it := range cases {
		m, n, k := 1+rng.IntN(13), 1+rng.IntN(37), rng.IntN(70)
		if rng.IntN(8) == 0 {
			k = 8 * (1 + rng.IntN(8))
		}
		if rng.IntN(4) == 0 { // gemm_rq_c4_s8's shapes: channels in fours, k 8…64, blocks of up to 70 rows
			m, n, k = 1+rng.IntN(70), 4*(1+rng.IntN(10)), 8+rng.IntN(57)
		}
		c0 := rng.IntN(5)
		C := c0 + n + rng.IntN(3)
		ldo := n + rng.IntN(4)
		stage, what := randomStage(rng, C)
		a, b := i8s(m*k), i8s(n*k)
		add := make([]int32, n)
		for j := range add {
			add[j] = int32(rng.Uint32()) >> uint(rng.IntN(32))
		}
		ib := int32(0)
		if rng.IntN(3) == 0 {
			ib = int32(rng.IntN(511) - 255)
		}
		// the pure-Go path
		want := make([]int32, m*n)
		gemmS8(m, n, k, a, b, want)
		rows := rowSums(m, k, a, nil)
		wantOut := make([]int8, (m-1)*ldo+n)
		row := make([]int32, C)
		rowOut := make([]int8, C)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				want[i*n+j] += add[j] + ib*rows[i]
			}
			clear(row)
			copy(row[c0:], want[i*n:][:n])
			stage.requantizeInt8(row, rowOut)
			copy(wantOut[i*ldo:][:n], rowOut[c0:][:n])
		}
		// f, with sentinels between the output rows
		acc := make([]int32, m*n)
		out := make([]int8, len(wantOut))
		for i := range out {
			out[i] = 0x55
			if i%ldo >= n {
				wantOut[i] = 0x55 // f writes nothing between the rows
			}
		}
		rq := requantTable(stage, C)
		if rq == nil {
			return fmt.Errorf("case %d: no requantTable for %s", it, what)
		}
		f(m, n, k, a, b, acc, add, ib, out, ldo, rq, c0)
		for i := range want {
			if acc[i] != want[i] {
				return fmt.Errorf("case %d (m=%d n=%d k=%d ib=%d): accumulator %d is %d, want %d", it, m, n, k, ib, i, acc[i], want[i])
			}
		}
		for i := range wantOut {
			if out[i] != wantOut[i] {
				return fmt.Errorf("case %d (m=%d n=%d k=%d c0=%d ldo=%d, %s): output byte %d is %d, want %d (accumulator %d)",
					it, m, n, k, c0, ldo, what, i, out[i], wantOut[i], want[i/ldo*n+min(i%ldo, n-1)])
			}
		}
	}
	return nil
}

// randomStage is a random output stage for C channels and its description.
func randomStage(rng *rand.Rand, C int) (outputStage, string) {
	zp, lo, hi := int32(rng.IntN(256)-128), int32(-128), int32(127)
	if rng.IntN(3) == 0 { // uint8 outputs
		zp, lo, hi = int32(rng.IntN(256)), 0, 255
	}
	if rng.IntN(2) == 0 { // a fused activation's narrower range
		lo = max(lo, zp)
		hi = max(lo+1, hi-int32(rng.IntN(60)))
	}
	perChannel := rng.IntN(2) == 0
	nq := 1
	if perChannel {
		nq = C
	}
	switch mode := rng.IntN(3); mode {
	case 0, 1:
		rounding, what := RoundDouble, "double rounding"
		if mode == 1 {
			rounding, what = RoundSingle, "single rounding"
		}
		rq := make([]Requant, nq)
		maxShift := 7
		if rng.IntN(2) == 0 {
			maxShift = 0 // right shifts only, as converters make them
		}
		for c := range rq {
			real := math.Ldexp(0.5+rng.Float64()/2, rng.IntN(33+maxShift)-32) // shifts −31…maxShift
			if rng.IntN(10) == 0 {
				real = math.Ldexp(1-1e-12, -31+rng.IntN(2)) // past the smallest shifts
			}
			rq[c] = newRequant(real)
			rq[c].Rounding = rounding
			if rounding == RoundSingle && rq[c].Shift > 30 {
				rq[c].Shift = 30
			}
		}
		return newFixedPointOutput(rq, C, zp, lo, hi), fmt.Sprintf("%s, %d multipliers, zp %d, [%d, %d]", what, nq, zp, lo, hi)
	default:
		o := &XNNPackOutput{ZeroPoint: zp, Min: lo, Max: hi}
		for range nq {
			o.Scales = append(o.Scales, float32(math.Ldexp(0.5+rng.Float64()/2, rng.IntN(30)-28)))
		}
		return o, fmt.Sprintf("XNNPACK fp32, %d scales, zp %d, [%d, %d]", nq, zp, lo, hi)
	}
}

// CheckIm2Col compares f, an accelerated Im2Col, with the pure-Go im2col
// on cases random CONV_2D geometries drawn from seed (batches, strides,
// dilations, padding on every side, groups, odd channel counts, blocks of
// pixels that start and end anywhere), and returns the first difference.
func CheckIm2Col(f Im2Col, seed uint64, cases int) error {
	rng := rand.New(rand.NewPCG(seed, 0x1c01))
	for it := range cases {
		p := &Conv2DParams{Batches: 1 + rng.IntN(2), InH: 1 + rng.IntN(9), InW: 1 + rng.IntN(9), FilterC: 1 + rng.IntN(19), Groups: 1}
		if rng.IntN(4) == 0 {
			p.Groups = 2 + rng.IntN(2)
		}
		p.InC = p.FilterC * p.Groups
		p.Window = Window{StrideH: 1 + rng.IntN(3), StrideW: 1 + rng.IntN(3), DilationH: 1 + rng.IntN(2), DilationW: 1 + rng.IntN(2),
			FilterH: 1 + rng.IntN(5), FilterW: 1 + rng.IntN(5)}
		// padding as TFLite's SAME can make it: at most half the dilated filter
		p.PadH = rng.IntN((p.FilterH-1)*p.DilationH/2 + 1)
		p.PadW = rng.IntN((p.FilterW-1)*p.DilationW/2 + 1)
		// the padded input holds the dilated filter, as TFLite's output sizes imply
		p.InH = max(p.InH, (p.FilterH-1)*p.DilationH+1-2*p.PadH)
		p.InW = max(p.InW, (p.FilterW-1)*p.DilationW+1-2*p.PadW)
		p.OutH = (p.InH+2*p.PadH-(p.FilterH-1)*p.DilationH-1)/p.StrideH + 1
		p.OutW = (p.InW+2*p.PadW-(p.FilterW-1)*p.DilationW-1)/p.StrideW + 1
		p.OutC = p.Groups
		in := make([]int8, p.Batches*p.InH*p.InW*p.InC)
		for i := range in {
			in[i] = int8(rng.IntN(256) - 128)
		}
		k := p.FilterH * p.FilterW * p.FilterC
		pixels := p.Batches * p.OutH * p.OutW
		p0 := rng.IntN(pixels)
		mb := 1 + rng.IntN(pixels-p0)
		g := rng.IntN(p.Groups)
		fill := int8(rng.IntN(256) - 128)
		want, got := make([]int8, mb*k+3), make([]int8, mb*k+3)
		for i := range want {
			want[i], got[i] = 0x55, 0x55
		}
		p.im2col(want, in, p0, mb, g, fill)
		f(p, got, in, p0, mb, g, fill)
		for i := range want {
			if got[i] != want[i] {
				return fmt.Errorf("case %d (%d×%d×%d×%d, %+v, groups %d, %d×%d out; p0=%d mb=%d g=%d): patch byte %d is %d, want %d",
					it, p.Batches, p.InH, p.InW, p.InC, p.Window, p.Groups, p.OutH, p.OutW, p0, mb, g, i, got[i], want[i])
			}
		}
	}
	return nil
}

// randCheckInt8s is n random int8 values for the SIMD kernels' checks; a
// quarter of the slices have about half their values at −128 or 127.
func randCheckInt8s(rng *rand.Rand, n int) []int8 {
	s := make([]int8, n)
	extreme := rng.IntN(4) == 0
	for i := range s {
		s[i] = int8(rng.IntN(256) - 128)
		if extreme && rng.IntN(2) == 0 {
			s[i] = int8([]int{-128, 127}[rng.IntN(2)])
		}
	}
	return s
}
