package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tflite"
)

// randomConv1ch is a random int8 or uint8 CONV_2D of one input channel:
// odd and even output channel counts, mostly 3×3 filters (evalDepthwise)
// and some others (evalGEMM), strides 1…3, dilations 1…2, SAME and VALID,
// per-tensor and (int8) per-channel filter scales, zero points at the ends
// of the range (randomCV's), batches 1…2, filters constant and (int8) fed.
func randomConv1ch(rng *rand.Rand, typ DType) *cvSpec {
	for {
		s := randomCV(rng, tflite.BuiltinOperatorCONV_2D, typ)
		s.c, s.groups = 1, 1
		s.oc = []int{1, 2, 3, 5, 8, 9, 16, 17, 33}[rng.IntN(9)]
		s.h, s.w = 1+rng.IntN(12), 1+rng.IntN(12)
		s.fh, s.fw = 3, 3
		if rng.IntN(6) == 0 {
			s.fh, s.fw = 1+rng.IntN(5), 1+rng.IntN(5)
		}
		s.sh, s.sw, s.dh, s.dw = 1+rng.IntN(3), 1+rng.IntN(3), 1+rng.IntN(2), 1+rng.IntN(2)
		if oh, ow, _, _ := s.geometry(); oh <= 0 || ow <= 0 {
			continue
		}
		s.fS = s.fS[:1]
		if typ == Int8 && rng.IntN(2) == 0 {
			for range s.oc - 1 {
				s.fS = append(s.fS, 0.001+rng.Float32()*0.05)
			}
		}
		s.x = randInts(rng, typ, s.n*s.h*s.w*s.c)
		s.f = randInts(rng, map[DType]DType{Int8: Int8, Uint8: Uint8}[typ], numElements(s.filterShape()))
		if s.biasType != 0 {
			s.bias = make([]int64, s.oc)
			for i := range s.bias {
				s.bias[i] = rng.Int64N(1<<21) - 1<<20
			}
		}
		return s
	}
}

// TestConv1chDepthwise checks CONV_2D of one input channel (evalDepthwise
// for 3×3 filters) against cvRef under the two integer profiles: outputs,
// traced accumulators and explanations.
func TestConv1chDepthwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, typ := range []DType{Int8, Uint8} {
		t.Run(fmt.Sprint(typ), func(t *testing.T) {
			for range 120 {
				checkCV(t, randomConv1ch(rng, typ))
			}
		})
	}
}

// TestConv1chProfiles compares evalDepthwise with evalGEMM (conv1chOff)
// under every profile, the XNNPACK one included: outputs, the accumulators
// of a traced run and those Result.Accumulators computes later
// (LazyAccumulators).
func TestConv1chProfiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	defer func() { conv1chOff = false }()
	for i := range 120 {
		s := randomConv1ch(rng, []DType{Int8, Uint8}[i%2])
		data, feeds := s.model()
		m, err := Load(data)
		if err != nil {
			t.Fatalf("%v: load: %v", s, err)
		}
		if p, ok := m.Ops[0].Params.(*Conv2DParams); ok && (p.dw != nil) != (s.fh == 3 && s.fw == 3) {
			t.Fatalf("%v: depthwise %v", s, p.dw != nil)
		}
		for _, p := range Profiles() {
			var outs [2]string
			for j, off := range []bool{false, true} {
				conv1chOff = off
				res, err := m.Run(feeds, Options{Profile: p, Trace: true})
				if err != nil { // the browser TFLite refuses some (no bias)
					outs[j] = err.Error()
					continue
				}
				lazy, err := m.Run(feeds, Options{Profile: p, Trace: true, LazyAccumulators: true})
				if err != nil {
					t.Fatalf("%v, %s: lazy run: %v", s, p, err)
				}
				acc, err := lazy.Accumulators(0)
				if err != nil {
					t.Fatalf("%v, %s: accumulators: %v", s, p, err)
				}
				outs[j] = fmt.Sprint(res.Tensors[m.Outputs[0]], res.Trace.Ops[0].Acc, lazy.Tensors[m.Outputs[0]], acc)
			}
			if outs[0] != outs[1] {
				t.Fatalf("%v, %s: depthwise\n%s\nevalGEMM\n%s", s, p, outs[0], outs[1])
			}
		}
	}
}

// TestDw3x3Row1 checks the kernel alone against the formula on random
// rows, strides and dilations, with extreme values (wrapping int32 sums).
func TestDw3x3Row1(t *testing.T) {
	rng := rand.New(rand.NewPCG(47, 48))
	for range 300 {
		C, n, s, d := 1+rng.IntN(20), 1+rng.IntN(9), 1+rng.IntN(3), 1+rng.IntN(3)
		rowLen := (n-1)*s + 2*d + 1
		var rows [3][]int8
		for i := range rows {
			rows[i] = make([]int8, rowLen+rng.IntN(3))
			for j := range rows[i] {
				rows[i][j] = int8(rng.IntN(256) - 128)
			}
		}
		w, full := make([]int32, 9*C), make([]int32, C)
		for i := range w {
			w[i] = int32(rng.IntN(511) - 255)
		}
		for i := range full {
			full[i] = rng.Int32() - 1<<30
			if rng.IntN(4) == 0 {
				full[i] = 1<<31 - 1 - int32(rng.IntN(100)) // wraps
			}
		}
		acc := make([]int32, n*C)
		dw3x3Row1(acc, rows[0], rows[1], rows[2], n, s, d, w, full)
		for px := range n {
			for c := range C {
				want := full[c]
				for fy := range 3 {
					for fx := range 3 {
						want += w[9*c+fy*3+fx] * int32(rows[fy][px*s+fx*d])
					}
				}
				if got := acc[px*C+c]; got != want {
					t.Fatalf("C %d n %d stride %d dilation %d: acc[%d][%d] = %d, want %d", C, n, s, d, px, c, got, want)
				}
			}
		}
	}
}

// BenchmarkConv1ch runs the first layers of mnist_dscnn (28×28, 3×3 SAME,
// 1→16), tiny_dscnn_kws (49×10, 10×4 stride 2 SAME, 1→64) and a
// person_detect-like one (96×96, 3×3 stride 2, 1→8) through evalDepthwise
// and, with conv1ch=off, evalGEMM (reference profile, trace off).
func BenchmarkConv1ch(b *testing.B) {
	defer func() { conv1chOff = false }()
	rng := rand.New(rand.NewPCG(45, 46))
	for _, sh := range []struct {
		name                   string
		h, w, oc, fh, fw, s, d int
	}{
		{"mnist_28x28_3x3_to16", 28, 28, 16, 3, 3, 1, 1},
		{"kws_49x10_10x4s2_to64", 49, 10, 64, 10, 4, 2, 1},
		{"person_96x96_3x3s2_to8", 96, 96, 8, 3, 3, 2, 1},
	} {
		s := &cvSpec{op: tflite.BuiltinOperatorCONV_2D, typ: Int8, n: 1, h: sh.h, w: sh.w, c: 1, oc: sh.oc, fh: sh.fh, fw: sh.fw,
			groups: 1, sh: sh.s, sw: sh.s, dh: sh.d, dw: sh.d, pad: tflite.PaddingSAME, act: tflite.ActivationFunctionTypeRELU,
			inS: 0.004, outS: 0.02, inZ: -128, outZ: -128, biasType: Int32}
		for range sh.oc {
			s.fS = append(s.fS, 0.001+rng.Float32()*0.05)
		}
		s.x = randInts(rng, Int8, sh.h*sh.w)
		s.f = randInts(rng, Int8, numElements(s.filterShape()))
		s.bias = make([]int64, sh.oc)
		for i := range s.bias {
			s.bias[i] = rng.Int64N(1<<12) - 1<<11
		}
		data, feeds := s.model()
		m, err := Load(data)
		if err != nil {
			b.Fatal(err)
		}
		for _, off := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/conv1ch=%v", sh.name, map[bool]string{false: "on", true: "off"}[off]), func(b *testing.B) {
				conv1chOff = off
				for b.Loop() {
					if _, err := m.Run(feeds, Options{Profile: Reference}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
