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
