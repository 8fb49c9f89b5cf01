package engine

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tflite"
)

// randomDepthwise is randomCV's DEPTHWISE_CONV_2D case with c input
// channels, depth multiplier dm and an h×w input, its data drawn anew.
func randomDepthwise(rng *rand.Rand, typ DType, c, dm, h, w int) *cvSpec {
	for {
		s := randomCV(rng, tflite.BuiltinOperatorDEPTHWISE_CONV_2D, typ)
		s.c, s.oc, s.h, s.w = c, c*dm, h, w
		if oh, ow, _, _ := s.geometry(); oh <= 0 || ow <= 0 {
			continue
		}
		if len(s.fS) > 1 {
			s.fS = s.fS[:0]
			for range s.oc {
				s.fS = append(s.fS, 0.001+rng.Float32()*0.05)
			}
		}
		s.x = randInts(rng, typ, s.n*s.h*s.w*s.c)
		ftype := Int8
		if typ == Uint8 {
			ftype = Uint8
		}
		s.f = randInts(rng, ftype, numElements(s.filterShape()))
		if s.biasType != 0 {
			s.bias = make([]int64, s.oc)
			for i := range s.bias {
				s.bias[i] = rng.Int64N(1<<21) - 1<<20
			}
		}
		return s
	}
}

// TestDepthwiseMultipliers checks int8 and uint8 DEPTHWISE_CONV_2D against
// cvRef with depth multipliers 1…8, one input channel (evalGrouped, the
// matrix product of CONV_2D) and several (evalInt8 or evalGeneric), odd
// channel counts, inputs large enough for several blocks of pixels.
func TestDepthwiseMultipliers(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, typ := range []DType{Int8, Uint8} {
		for dm := 1; dm <= 8; dm++ {
			for _, c := range []int{1, 1, 3, 5} {
				t.Run(fmt.Sprintf("%v/m%d/c%d", typ, dm, c), func(t *testing.T) {
					for i := range 6 {
						h, w := 1+rng.IntN(9), 1+rng.IntN(9)
						if i == 0 {
							h, w = 20+rng.IntN(30), 20+rng.IntN(30)
						}
						checkCV(t, randomDepthwise(rng, typ, c, dm, h, w))
					}
				})
			}
		}
	}
}

// Go stand-ins for the SIMD module's kernels, written from the contracts of
// DepthwiseS8, DepthwiseS8O, RequantFixedS8 and RequantFP32S8 (not from the
// loops they replace), so that TestDepthwiseAccelerated checks what
// evalInt8Accel hands the kernels natively: the uint8 mapping, the
// repeated input of multipliers > 1, fixedParams' layout.

func dwContract(p *DepthwiseConv2DParams, in, w []int8, woff int32, bias, acc []int32) {
	if p.InC != p.OutC || p.DepthMultiplier != 1 {
		panic("the kernels take depth multiplier 1")
	}
	C := p.OutC
	for b := 0; b < p.Batches; b++ {
		for y := 0; y < p.OutH; y++ {
			for x := 0; x < p.OutW; x++ {
				for c := 0; c < C; c++ {
					s := bias[c]
					for fy := 0; fy < p.FilterH; fy++ {
						for fx := 0; fx < p.FilterW; fx++ {
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
}

func fixedContract(acc []int32, channels int, add, par []int32, single bool, zp, lo, hi int32, out []int8) {
	for i, a := range acc {
		c := i % channels
		if add != nil {
			a += add[c]
		}
		m, A, B, D := int64(par[c]), par[channels+c], par[2*channels+c], par[3*channels+c]
		var v int32
		if single {
			var round int64
			if A > 0 {
				round = 1 << (A - 1)
			}
			v = int32((int64(a)*m + round) >> A)
		} else {
			ab := int64(int32(uint32(a)*uint32(A))) * m
			v = int32((ab + 1<<30) >> 31)
			right := 31 - bits.TrailingZeros32(uint32(B))
			up := v&D > D>>1-v>>31
			v >>= right
			if up {
				v++
			}
		}
		out[i] = int8(min(max(v+zp, lo), hi))
	}
}

func fp32Contract(acc []int32, channels int, add []int32, scales []float32, zp, lo, hi int32, out []int8) {
	for i, a := range acc {
		if add != nil {
			a += add[i%channels]
		}
		s := scales[0]
		if len(scales) > 1 {
			s = scales[i%channels]
		}
		f := min(max(float32(a)*s, float32(lo-zp)), float32(hi-zp))
		out[i] = int8(int32(math.RoundToEven(float64(f))) + zp)
	}
}

func im2colContract(p *DepthwiseConv2DParams, in []int8, fill int8, p0, mb int, patches []int8) {
	for i := 0; i < mb; i++ {
		px := p0 + i
		x, y, b := px%p.OutW, px/p.OutW%p.OutH, px/(p.OutW*p.OutH)
		for fy := 0; fy < p.FilterH; fy++ {
			for fx := 0; fx < p.FilterW; fx++ {
				iy, ix := y*p.StrideH-p.PadH+fy*p.DilationH, x*p.StrideW-p.PadW+fx*p.DilationW
				v := fill
				if iy >= 0 && iy < p.InH && ix >= 0 && ix < p.InW {
					v = in[(b*p.InH+iy)*p.InW+ix]
				}
				patches[(i*p.FilterH+fy)*p.FilterW+fx] = v
			}
		}
	}
}

// TestDepthwiseAccelerated runs random int8 and uint8 depthwise
// convolutions (multipliers 1…8, odd channel counts) with the contract
// stand-ins installed: checkCV's reference, and under every profile the
// same output and accumulators as the pure-Go loops.
func TestDepthwiseAccelerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	type tc struct {
		s *cvSpec
		m *Model
	}
	var cases []tc
	for _, typ := range []DType{Int8, Uint8} {
		for dm := 1; dm <= 8; dm++ {
			for _, c := range []int{1, 3, 8, 9} {
				s := randomDepthwise(rng, typ, c, dm, 1+rng.IntN(9), 1+rng.IntN(9))
				data, _ := s.model()
				m, err := Load(data)
				if err != nil {
					t.Fatalf("%v: %v", s, err)
				}
				cases = append(cases, tc{s, m})
			}
		}
	}
	type result struct {
		out string
		acc string
	}
	runAll := func() [][]result {
		var all [][]result
		for _, k := range cases {
			_, feeds := k.s.model()
			var rs []result
			for _, p := range Profiles() {
				res, err := k.m.Run(feeds, Options{Profile: p, Trace: true})
				if err != nil {
					rs = append(rs, result{out: err.Error()})
					continue
				}
				rs = append(rs, result{fmt.Sprint(res.Tensors[k.m.Outputs[0]]), fmt.Sprint(res.Trace.Ops[0].Acc)})
			}
			all = append(all, rs)
		}
		return all
	}
	want := runAll()
	SetDepthwise(func(p *DepthwiseConv2DParams, in, w []int8, bias, acc []int32) { dwContract(p, in, w, 0, bias, acc) })
	SetDepthwiseOffset(dwContract)
	SetRequant(fixedContract, fp32Contract)
	SetIm2ColOne(im2colContract)
	t.Cleanup(func() { SetDepthwise(nil); SetDepthwiseOffset(nil); SetRequant(nil, nil); SetIm2ColOne(nil) })
	got := runAll()
	for i, k := range cases {
		for j, p := range Profiles() {
			if got[i][j] != want[i][j] {
				t.Fatalf("%v, %s: with the kernels\n got %+v\nwant %+v", k.s, p, got[i][j], want[i][j])
			}
		}
		checkCV(t, k.s)
	}
}
