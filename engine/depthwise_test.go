package engine

import (
	"fmt"
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
