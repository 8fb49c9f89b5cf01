package export

import (
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// randomDepthwiseFilterInput builds a float32 DEPTHWISE_CONV_2D whose filter
// is a model input, so that the browser TFLite's delegate leaves it to the
// builtin kernel (bias first); internal/difftest does not generate it.
func randomDepthwiseFilterInput(r *rand.Rand, _ tflite.TensorType) ([]byte, [][]byte) {
	h, w, c, mult := 1+r.IntN(6), 1+r.IntN(6), 1+r.IntN(4), 1+r.IntN(3)
	kh, kw, sh, sw := 1+r.IntN(3), 1+r.IntN(3), 1+r.IntN(2), 1+r.IntN(2)
	pad := []tflite.Padding{tflite.PaddingSAME, tflite.PaddingVALID}[r.IntN(2)]
	oh, ow := (h+sh-1)/sh, (w+sw-1)/sw
	if pad == tflite.PaddingVALID {
		if h < kh || w < kw {
			pad, oh, ow = tflite.PaddingSAME, (h+sh-1)/sh, (w+sw-1)/sw
		} else {
			oh, ow = (h-kh)/sh+1, (w-kw)/sw+1
		}
	}
	co := c * mult
	act := []tflite.ActivationFunctionType{tflite.ActivationFunctionTypeNONE, tflite.ActivationFunctionTypeRELU, tflite.ActivationFunctionTypeRELU6}[r.IntN(3)]
	rnd := func(n int, scale float64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.NormFloat64() * scale)
		}
		return v
	}
	b := tfbuild.New()
	x := b.Tensor("x", tflite.TensorTypeFLOAT32, []int{1, h, w, c}, nil, nil)
	f := b.Tensor("filter", tflite.TensorTypeFLOAT32, []int{1, kh, kw, co}, nil, nil)
	bias := b.Tensor("bias", tflite.TensorTypeFLOAT32, []int{co}, nil, tfbuild.F32(rnd(co, 1)...))
	y := b.Tensor("y", tflite.TensorTypeFLOAT32, []int{1, oh, ow, co}, nil, nil)
	ins := []int{x, f, -1}
	if r.IntN(4) > 0 {
		ins[2] = bias
	}
	b.Op(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, 1, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsDepthwiseConv2DOptions,
		Value: &tflite.DepthwiseConv2DOptionsT{Padding: pad, StrideH: int32(sh), StrideW: int32(sw), DepthMultiplier: int32(mult),
			DilationHFactor: 1, DilationWFactor: 1, FusedActivationFunction: act}}, ins, []int{y})
	b.Inputs(x, f)
	b.Outputs(y)
	return b.Bytes(), [][]byte{tfbuild.F32(rnd(h*w*c, 1.5)...), tfbuild.F32(rnd(kh*kw*co, 0.7)...)}
}

// TestDepthwiseFloatFilterInput compares float32 DEPTHWISE_CONV_2D with a
// filter input under every profile (the browser TFLite's builtin kernel).
func TestDepthwiseFloatFilterInput(t *testing.T) {
	compareBuilt(t, "depthwise-filter-input", 6, 11, []tflite.TensorType{tflite.TensorTypeFLOAT32}, randomDepthwiseFilterInput)
}
