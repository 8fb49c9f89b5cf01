package export

import (
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// randomTransposeConv builds a TRANSPOSE_CONV model of type typ (float32,
// or int16 activations with a per-channel int8 filter and an int64 bias),
// which internal/difftest does not generate, and its inputs.
func randomTransposeConv(r *rand.Rand, typ tflite.TensorType) ([]byte, [][]byte) {
	h, w, c := 1+r.IntN(6), 1+r.IntN(6), 1+r.IntN(8)
	kh, kw := 1+r.IntN(4), 1+r.IntN(4)
	sh, sw := 1+r.IntN(min(kh, 3)), 1+r.IntN(min(kw, 3))
	pad := []tflite.Padding{tflite.PaddingSAME, tflite.PaddingVALID}[r.IntN(2)]
	oh, ow := h*sh, w*sw
	if pad == tflite.PaddingVALID {
		oh, ow = (h-1)*sh+kh, (w-1)*sw+kw
	}
	cout := 1 + r.IntN(8)
	act := []tflite.ActivationFunctionType{tflite.ActivationFunctionTypeNONE, tflite.ActivationFunctionTypeRELU, tflite.ActivationFunctionTypeRELU6}[r.IntN(3)]
	b := tfbuild.New()
	shape := b.Tensor("output_shape", tflite.TensorTypeINT32, []int{4}, nil, tfbuild.I32(1, int32(oh), int32(ow), int32(cout)))
	nf, nx := cout*kh*kw*c, h*w*c
	var f, x, bias, y int
	var in []byte
	if typ == tflite.TensorTypeFLOAT32 {
		fv, bv, xv := make([]float32, nf), make([]float32, cout), make([]float32, nx)
		for i := range fv {
			fv[i] = float32(r.NormFloat64() * 0.5)
		}
		for i := range bv {
			bv[i] = float32(r.NormFloat64())
		}
		for i := range xv {
			xv[i] = float32(r.Float64()*4 - 2)
		}
		f = b.Tensor("filter", typ, []int{cout, kh, kw, c}, nil, tfbuild.F32(fv...))
		bias = b.Tensor("bias", typ, []int{cout}, nil, tfbuild.F32(bv...))
		x = b.Tensor("x", typ, []int{1, h, w, c}, nil, nil)
		y = b.Tensor("y", typ, []int{1, oh, ow, cout}, nil, nil)
		in = tfbuild.F32(xv...)
	} else {
		fv, bv, xv := make([]int8, nf), make([]int64, cout), make([]int16, nx)
		scales, zps := make([]float32, cout), make([]int64, cout)
		for i := range fv {
			fv[i] = int8(r.IntN(255) - 127)
		}
		for i := range scales {
			scales[i] = float32(0.002 + r.Float64()*0.02)
			bv[i] = int64(r.IntN(200001) - 100000)
		}
		for i := range xv {
			xv[i] = int16(r.IntN(65536) - 32768)
		}
		f = b.Tensor("filter", tflite.TensorTypeINT8, []int{cout, kh, kw, c}, &tfbuild.Quant{Scale: scales, ZeroPoint: zps}, tfbuild.I8(fv...))
		bias = b.Tensor("bias", tflite.TensorTypeINT64, []int{cout}, nil, tfbuild.I64(bv...))
		sIn := float32(1.0 / 4096)
		x = b.Tensor("x", typ, []int{1, h, w, c}, tfbuild.Q(sIn, 0), nil)
		y = b.Tensor("y", typ, []int{1, oh, ow, cout}, tfbuild.Q(sIn*0.01*float32(1+r.IntN(20)), 0), nil)
		in = tfbuild.I16(xv...)
	}
	ins := []int{shape, f, x}
	if r.IntN(4) > 0 {
		ins = append(ins, bias)
	}
	b.Op(tflite.BuiltinOperatorTRANSPOSE_CONV, 3, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsTransposeConvOptions,
		Value: &tflite.TransposeConvOptionsT{Padding: pad, StrideH: int32(sh), StrideW: int32(sw), FusedActivationFunction: act}}, ins, []int{y})
	b.Inputs(x)
	b.Outputs(y)
	return b.Bytes(), [][]byte{in}
}

// TestTransposeConvFloatInt16 compares float32 and 16x8 TRANSPOSE_CONV
// (float32 sums in the reference's scatter order; int64 accumulators)
// under every profile.
func TestTransposeConvFloatInt16(t *testing.T) {
	compareBuilt(t, "transpose-conv", 4, 5, []tflite.TensorType{tflite.TensorTypeFLOAT32, tflite.TensorTypeINT16}, randomTransposeConv)
}
