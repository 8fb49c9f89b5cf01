package engine

import (
	"fmt"
	"math/rand/v2"
)

// CheckDepthwiseRequant compares f, an accelerated DepthwiseRequantS8 (the
// WebAssembly build's SIMD dw_rq_s8), with the pure-Go path it replaces on
// cases random depthwise convolutions drawn from seed: the accumulators by
// DEPTHWISE_CONV_2D's formula, then requantizeRows with the pure-Go output
// stage. Channels are multiples of 8 (8…56), half the cases 3×3 filters
// without dilation on images with many pixels whose taps are all inside
// ($dw3x3), the rest any filter, stride, dilation and padding; input
// offsets and filter offsets (f's woff) at their extremes; output stages of
// every profile from randomStage (multipliers and shifts at their extremes,
// left shifts, int8 and uint8 ranges), the cases f cannot run (single
// rounding with a left shift) skipped. It returns the first difference.
func CheckDepthwiseRequant(f DepthwiseRequantS8, seed uint64, cases int) error {
	rng := rand.New(rand.NewPCG(seed, 0xd3e9))
	oldFixed, oldFP32 := requantFixedS8, requantFP32S8
	defer SetRequant(oldFixed, oldFP32)
	SetRequant(nil, nil)
	i8s := func(n int) []int8 { return randCheckInt8s(rng, n) }
	ran := 0
	for it := 0; ran < cases && it < 20*cases; it++ {
		C := 8 * (1 + rng.IntN(7))
		p := &DepthwiseConv2DParams{Batches: 1 + rng.IntN(2), InH: 1 + rng.IntN(9), InW: 1 + rng.IntN(9), InC: C, OutC: C, DepthMultiplier: 1}
		p.Window = Window{StrideH: 1 + rng.IntN(3), StrideW: 1 + rng.IntN(3), DilationH: 1 + rng.IntN(2), DilationW: 1 + rng.IntN(2),
			FilterH: 1 + rng.IntN(4), FilterW: 1 + rng.IntN(4), PadH: rng.IntN(3), PadW: rng.IntN(3)}
		woff := int32(0)
		if rng.IntN(2) == 0 { // $dw3x3's geometries
			p.InH, p.InW = 3+rng.IntN(11), 3+rng.IntN(11)
			p.Window = Window{StrideH: 1 + rng.IntN(2), StrideW: 1 + rng.IntN(2), DilationH: 1, DilationW: 1, FilterH: 3, FilterW: 3,
				PadH: rng.IntN(2), PadW: rng.IntN(2)}
		} else if rng.IntN(2) == 0 {
			woff = []int32{-255, 255, int32(rng.IntN(511) - 255)}[rng.IntN(3)]
		}
		p.OutH = max(1, (p.InH+2*p.PadH-(p.FilterH-1)*p.DilationH-1)/p.StrideH+1)
		p.OutW = max(1, (p.InW+2*p.PadW-(p.FilterW-1)*p.DilationW-1)/p.StrideW+1)
		p.InputOffset = []int32{-128, 127, 0, 255, -255, int32(rng.IntN(256) - 127)}[rng.IntN(6)]
		stage, what := randomStage(rng, C)
		rq := depthwiseTable(stage, C)
		if rq == nil {
			continue // single rounding with a left shift: requantizeRows runs it
		}
		ran++
		in, w := i8s(p.Batches*p.InH*p.InW*C), i8s(p.FilterH*p.FilterW*C)
		bias := make([]int32, C)
		for c := range bias {
			bias[c] = int32(rng.Uint32()) >> uint(rng.IntN(32))
		}
		n := p.Batches * p.OutH * p.OutW * C
		acc := make([]int32, n)
		for b := range p.Batches {
			for y := range p.OutH {
				for x := range p.OutW {
					for c := range C {
						s := bias[c]
						for fy := range p.FilterH {
							for fx := range p.FilterW {
								iy, ix := y*p.StrideH-p.PadH+fy*p.DilationH, x*p.StrideW-p.PadW+fx*p.DilationW
								if iy < 0 || iy >= p.InH || ix < 0 || ix >= p.InW {
									continue
								}
								s += (int32(w[(fy*p.FilterW+fx)*C+c]) + woff) * (int32(in[((b*p.InH+iy)*p.InW+ix)*C+c]) + p.InputOffset)
							}
						}
						acc[((b*p.OutH+y)*p.OutW+x)*C+c] = s
					}
				}
			}
		}
		want, got := make([]int8, n), make([]int8, n+8)
		requantizeRows(stage, acc, nil, C, want)
		for i := range got {
			got[i] = 0x55
		}
		f(p, in, w, woff, bias, make([]int32, n), rq, got[:n])
		for i := range want {
			if got[i] != want[i] {
				return fmt.Errorf("case %d (%+v, woff %d, %s): output byte %d is %d, want %d (accumulator %d)",
					it, *p, woff, what, i, got[i], want[i], acc[i])
			}
		}
		for i := n; i < len(got); i++ {
			if got[i] != 0x55 {
				return fmt.Errorf("case %d: byte %d past the outputs written", it, i)
			}
		}
	}
	if ran < cases {
		return fmt.Errorf("CheckDepthwiseRequant: only %d of %d cases ran", ran, cases)
	}
	return nil
}
