package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tflite"
)

// TestGemmTriOut compares gemmTriOut with gemmTri followed by
// requantizeRows (requantizeInt8 per row) on random shapes: row counts off
// the blocks of four, channel counts off the groups of six, k up to the
// chunk, input offsets, per-channel multipliers (powers of two among
// them), zero points and clamps at the int8 edges, extreme values.
func TestGemmTriOut(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	sc, st := &triScratch{}, &triOut{}
	for it := range 400 {
		m, n, k := 1+rng.IntN(23), 9+rng.IntN(60), 1+rng.IntN(triChunk127)
		extreme := it%4 == 0
		a, b := randInt8(rng, m*k, extreme), randInt8(rng, n*k, extreme)
		for i, v := range b {
			b[i] = max(v, -127) // triChunk127's weights
		}
		pk := make([]int64, triPacked(n, k))
		packTriples(n, k, b, pk)
		ib := []int32{0, 0, int32(rng.IntN(256) - 128), -128, 127}[rng.IntN(5)]
		add := make([]int32, n)
		for i := range add {
			add[i] = int32(rng.IntN(1<<22) - 1<<21)
		}
		var rq []Requant
		for range n {
			rq = append(rq, newRequant([]float64{3e-5, 0.0021, 0.37, 0.5, 0.25, 1.0 / (1 << 31)}[rng.IntN(6)]*[]float64{1, 0.5 + rng.Float64()}[rng.IntN(2)]))
		}
		zp := []int32{-128, 127, 0, int32(rng.IntN(256) - 128)}[rng.IntN(4)]
		lo, hi := int32(-128), int32(127)
		if rng.IntN(2) == 0 {
			lo = zp
		}
		o := newFixedPointOutput(rq, n, zp, lo, hi)
		if !triOutOf(o, n, st) {
			continue
		}
		acc := make([]int32, m*n)
		gemmTriChunk(m, n, k, a, pk, triChunk127, ib, add, acc, sc)
		want := make([]int8, m*n)
		requantizeRows(o, acc, nil, n, want)
		got := make([]int8, m*n)
		for i := range got {
			got[i] = 99
		}
		gemmTriOut(m, n, k, a, pk, ib, add, got, sc, st)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("case %d: m=%d n=%d k=%d ib=%d: out[%d] = %d, want %d (acc %d)", it, m, n, k, ib, i, got[i], want[i], acc[i])
			}
		}
	}
}

// TestConv2DTriOut checks untraced int8 and uint8 convolutions of more than
// eight channels (gemmTriOut's) against the arbitrary-precision reference
// (checkCV traces, so it never runs gemmTriOut), and the same runs with
// gemmTriOut off.
func TestConv2DTriOut(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for _, typ := range []DType{Int8, Uint8} {
		for range 2 * cvRandomCases {
			s := randomCV(rng, tflite.BuiltinOperatorCONV_2D, typ)
			s.groups, s.oc = 1, 9+rng.IntN(40)
			s.h, s.w = 2+rng.IntN(12), 2+rng.IntN(12)
			if oh, ow, _, _ := s.geometry(); oh <= 0 || ow <= 0 {
				continue
			}
			if len(s.fS) > 1 {
				s.fS = s.fS[:0]
				for range s.oc {
					s.fS = append(s.fS, 0.001+rng.Float32()*0.05)
				}
			}
			ftype := Int8
			if typ == Uint8 {
				ftype = Uint8
			}
			s.x = randInts(rng, typ, s.n*s.h*s.w*s.c)
			s.f = randInts(rng, ftype, numElements(s.filterShape()))
			if s.biasType != 0 {
				s.bias = make([]int64, s.oc)
				for i := range s.bias {
					s.bias[i] = rng.Int64N(1<<21) - 1<<20
				}
			}
			data, feeds := s.model()
			m, err := Load(data)
			if err != nil {
				t.Fatalf("%v: %v", s, err)
			}
			for _, p := range []Profile{Reference, SingleRounding} {
				want, _ := cvRef(s, p)
				for _, off := range []bool{false, true} {
					gemmTriOutOff = off
					res, err := m.Run(feeds, Options{Profile: p})
					gemmTriOutOff = false
					if err != nil {
						t.Fatalf("%v: %v", s, err)
					}
					if got := decodeInts(s.typ, res.Tensors[m.Outputs[0]]); fmt.Sprint(got) != fmt.Sprint(want) {
						t.Fatalf("%v, %s, gemmTriOut off %v:\n got %v\nwant %v", s, p, off, got, want)
					}
				}
			}
		}
	}
}
