package export

import (
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// randomFloatSVDF builds a float32 SVDF model (internal/difftest generates
// int8 ones only) and its input.
func randomFloatSVDF(r *rand.Rand) ([]byte, [][]byte) {
	B, I, rank, units, M := 1+r.IntN(3), 1+r.IntN(8), 1+r.IntN(3), 1+r.IntN(5), 1+r.IntN(6)
	F := units * rank
	uni := func(n int) []byte {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.Float64()*2 - 1)
		}
		return tfbuild.F32(v...)
	}
	f := tflite.TensorTypeFLOAT32
	b := tfbuild.New()
	x := b.Tensor("x", f, []int{B, I}, nil, nil)
	wf := b.Tensor("weights_feature", f, []int{F, I}, nil, uni(F*I))
	wt := b.Tensor("weights_time", f, []int{F, M}, nil, uni(F*M))
	bias := -1
	if r.IntN(2) == 0 {
		bias = b.Tensor("bias", f, []int{units}, nil, uni(units))
	}
	state := b.Tensor("state", f, []int{B, F * M}, nil, nil)
	b.M.Subgraphs[0].Tensors[state].IsVariable = true
	out := b.Tensor("out", f, []int{B, units}, nil, nil)
	act := []tflite.ActivationFunctionType{tflite.ActivationFunctionTypeNONE, tflite.ActivationFunctionTypeRELU}[r.IntN(2)]
	b.Op(tflite.BuiltinOperatorSVDF, 1, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSVDFOptions,
		Value: &tflite.SVDFOptionsT{Rank: int32(rank), FusedActivationFunction: act}}, []int{x, wf, wt, bias, state}, []int{out})
	b.Inputs(x)
	b.Outputs(out)
	return b.Bytes(), [][]byte{uni(B * I)}
}

// TestSVDFFloat compares random float32 SVDF models under every profile.
func TestSVDFFloat(t *testing.T) {
	compareBuilt(t, "svdf", 8, 17, []tflite.TensorType{tflite.TensorTypeFLOAT32}, func(r *rand.Rand, _ tflite.TensorType) ([]byte, [][]byte) {
		return randomFloatSVDF(r)
	})
}
