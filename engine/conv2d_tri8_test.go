package engine

import (
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tflite"
)

// randomTri8CV draws an int8 CONV_2D case that evalTri8 takes: eight
// output channels, one group, no dilation, odd and even sizes, strides 1–3,
// SAME and VALID padding, the zero points' edges, per-tensor and
// per-channel scales, with and without a bias.
func randomTri8CV(rng *rand.Rand) *cvSpec {
	for {
		s := randomCV(rng, tflite.BuiltinOperatorCONV_2D, Int8)
		s.filterFed = false
		s.groups, s.dh, s.dw, s.oc = 1, 1, 1, 8
		s.h, s.w, s.c = 1+rng.IntN(17), 1+rng.IntN(17), 1+rng.IntN(5)
		if s.fh*s.fw*s.c > triChunk127 {
			continue
		}
		if oh, ow, _, _ := s.geometry(); oh <= 0 || ow <= 0 || s.n*oh*ow < 4 {
			continue
		}
		s.fS = s.fS[:0]
		for range []int{1, s.oc}[rng.IntN(2)] {
			s.fS = append(s.fS, 0.001+rng.Float32()*0.05)
		}
		s.x = randInts(rng, Int8, s.n*s.h*s.w*s.c)
		s.f = randInts(rng, Int8, numElements(s.filterShape()))
		if rng.IntN(4) == 0 { // no −128 weight: the longer chunk
			for i, v := range s.f {
				s.f[i] = max(v, -127)
			}
		}
		if s.biasType != 0 {
			s.bias = make([]int64, s.oc)
			for i := range s.bias {
				s.bias[i] = rng.Int64N(1<<21) - 1<<20
			}
		}
		return s
	}
}

// TestConv2DTri8 checks evalTri8 (VWW's first layer's kernel) against the
// arbitrary-precision reference (outputs, traced accumulators,
// explanations), and that it ran.
func TestConv2DTri8(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	ran := 0
	for range 4 * cvRandomCases {
		s := randomTri8CV(rng)
		checkCV(t, s)
		data, _ := s.model()
		m, err := Load(data)
		if err != nil {
			t.Fatal(err)
		}
		p := m.plans[Reference].kernels[0].(*Conv2DParams)
		if (p.dw == nil || !p.dwRuns()) && p.convTri8Runs(p.weights.triples8(p.OutC, p.FilterH*p.FilterW*p.FilterC)) {
			ran++
		}
	}
	if ran < cvRandomCases {
		t.Fatalf("evalTri8 ran in %d cases only", ran)
	}
}

// TestConv2DTri8Large compares evalTri8 with the im2col path on larger
// inputs (VWW's first layer's shape among them), untraced and traced.
func TestConv2DTri8Large(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for i := range 12 {
		s := randomTri8CV(rng)
		s.h, s.w, s.c = 20+rng.IntN(60), 20+rng.IntN(60), 1+rng.IntN(4)
		if i == 0 {
			s.n, s.h, s.w, s.c, s.fh, s.fw, s.sh, s.sw, s.pad = 1, 96, 96, 3, 3, 3, 2, 2, tflite.PaddingSAME
		}
		if s.fh*s.fw*s.c > triChunk127 {
			continue
		}
		s.x = randInts(rng, Int8, s.n*s.h*s.w*s.c)
		s.f = randInts(rng, Int8, numElements(s.filterShape()))
		data, feeds := s.model()
		m, err := Load(data)
		if err != nil {
			t.Fatal(err)
		}
		if p := m.plans[Reference].kernels[0].(*Conv2DParams); !p.convTri8Runs(p.weights.triples8(p.OutC, p.FilterH*p.FilterW*p.FilterC)) {
			t.Fatalf("%v: evalTri8 does not run", s)
		}
		for _, trace := range []bool{false, true} {
			convTri8Off = false
			got, err := m.Run(feeds, Options{Trace: trace})
			if err != nil {
				t.Fatal(err)
			}
			convTri8Off = true
			want, err := m.Run(feeds, Options{Trace: trace})
			convTri8Off = false
			if err != nil {
				t.Fatal(err)
			}
			if string(got.Tensors[m.Outputs[0]]) != string(want.Tensors[m.Outputs[0]]) {
				t.Fatalf("%v: outputs differ", s)
			}
			if trace {
				a, b := got.Trace.Ops[0].Acc, want.Trace.Ops[0].Acc
				for j := range b {
					if a[j] != b[j] {
						t.Fatalf("%v: accumulator %d = %d, want %d", s, j, a[j], b[j])
					}
				}
			}
		}
	}
}
