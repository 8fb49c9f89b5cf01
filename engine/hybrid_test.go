package engine

import (
	"slices"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// hybridFC runs a hybrid FULLY_CONNECTED (float32 input [1,3], int8
// weights [[2 1 −4] [0 3 1]], float bias [0.1 −0.2]) on x under every
// profile (TFLite computes hybrid ops the same way everywhere) and returns
// the reference result.
func hybridFC(t *testing.T, x []float32, fq *tfbuild.Quant, act tflite.ActivationFunctionType, asym bool) *Result {
	t.Helper()
	ins := []tt{
		{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 3}, feed: tfbuild.F32(x...)},
		{typ: tflite.TensorTypeINT8, shape: []int{2, 3}, q: fq, data: tfbuild.I8(2, 1, -4, 0, 3, 1)},
		{typ: tflite.TensorTypeFLOAT32, shape: []int{2}, data: tfbuild.F32(0.1, -0.2)},
	}
	o := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsFullyConnectedOptions,
		Value: &tflite.FullyConnectedOptionsT{FusedActivationFunction: act, AsymmetricQuantizeInputs: asym}}
	got, res, err := runOneOp(tflite.BuiltinOperatorFULLY_CONNECTED, o, ins, tt{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Profiles() {
		r, err := res.Model.Run([][]byte{tfbuild.F32(x...)}, Options{Profile: p})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.Tensors[res.Model.Outputs[0]], got) {
			t.Errorf("%s: %v, reference %v", p, AsFloat32(r.Tensors[res.Model.Outputs[0]]), AsFloat32(got))
		}
	}
	return res
}

// checkHybrid compares the trace of the op with the hand-derived row
// quantization and dot products, and the output with bias + dot·scale.
func checkHybrid(t *testing.T, res *Result, scale float32, zp int32, q []int8, dots []int64, act func(float32) float32) {
	t.Helper()
	tr := res.Trace.Ops[0]
	if tr.Hybrid == nil || tr.Hybrid.RowScale[0] != scale || tr.Hybrid.RowZeroPoint[0] != zp || !slices.Equal(tr.Hybrid.Quantized, q) || !slices.Equal(tr.Acc, dots) {
		t.Fatalf("trace %+v acc %v, want scale %v zp %d q %v dots %v", tr.Hybrid, tr.Acc, scale, zp, q, dots)
	}
	out := AsFloat32(res.Tensors[res.Model.Outputs[0]])
	for c, bias := range []float32{0.1, -0.2} {
		want := act(bias + float32(float32(dots[c])*float32(scale*0.5)))
		if out[c] != want {
			t.Errorf("output %d = %v, want %v", c, out[c], want)
		}
		e, err := res.Explain(0, c)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, term := range e.Terms {
			sum += term.Product
		}
		if sum != dots[c] || e.Steps[len(e.Steps)-1].Value != float64(want) || e.Real != float64(want) {
			t.Errorf("explanation of %d: terms sum %d, last step %v, real %v; want %d, %v", c, sum, e.Steps[len(e.Steps)-1].Value, e.Real, dots[c], want)
		}
	}
}

// Symmetric: range 1, scale 1/127, q = round(x·127) = [64 −127 32] (63.5
// rounds away from zero); dots 128−127−128 = −127 and −381+32 = −349.
func TestHybridFCSymmetric(t *testing.T) {
	res := hybridFC(t, []float32{0.5, -1, 0.25}, tfbuild.Q(0.5, 0), tflite.ActivationFunctionTypeNONE, false)
	checkHybrid(t, res, float32(1)/127, 0, []int8{64, -127, 32}, []int64{-127, -349}, func(v float32) float32 { return v })
}

// Asymmetric: all inputs ≥ 0, so the range is [0, 1], scale 1/255, zero
// point −128, q = round(−128 + x·255) = [−77 127 25]; with the zero point
// removed [51 255 153]: dots 102+255−612 = −255 and 765+153 = 918. RELU.
func TestHybridFCAsymmetric(t *testing.T) {
	res := hybridFC(t, []float32{0.2, 1, 0.6}, tfbuild.Q(0.5, 0), tflite.ActivationFunctionTypeRELU, true)
	relu := func(v float32) float32 { return max(v, 0) }
	checkHybrid(t, res, float32(1.0/255), -128, []int8{-77, 127, 25}, []int64{-255, 918}, relu)
	if out := AsFloat32(res.Tensors[res.Model.Outputs[0]]); out[0] != 0 || out[1] < 1.599 || out[1] > 1.601 {
		t.Errorf("outputs %v, want about [0 1.6]", out)
	}
}

// An all-zero input skips the product (TFLite's IsZeroVector): act(bias).
// A per-channel filter has no legacy scale in TFLite 2.9's kernel, so the
// product is scaled by 0: act(bias) too (checked against the browser
// TFLite by the FULLY_CONNECTED_hybrid generator).
func TestHybridFCBiasOnly(t *testing.T) {
	relu6 := tflite.ActivationFunctionTypeRELU6
	for name, c := range map[string]struct {
		x  []float32
		fq *tfbuild.Quant
	}{
		"zero input":  {[]float32{0, 0, 0}, tfbuild.Q(0.5, 0)},
		"per-channel": {[]float32{0.5, -1, 0.25}, &tfbuild.Quant{Scale: []float32{0.5, 0.25}, ZeroPoint: []int64{0, 0}}},
	} {
		res := hybridFC(t, c.x, c.fq, relu6, false)
		if out := AsFloat32(res.Tensors[res.Model.Outputs[0]]); out[0] != 0.1 || out[1] != 0 {
			t.Errorf("%s: %v, want [0.1 0]", name, out)
		}
	}
}

func TestHybridFCErrors(t *testing.T) {
	f := tflite.TensorTypeFLOAT32
	x := tt{typ: f, shape: []int{1, 2}, feed: tfbuild.F32(1, 2)}
	runOpCases(t, tflite.BuiltinOperatorFULLY_CONNECTED, []opCase{
		{name: "int32 bias",
			ins:     []tt{x, {typ: tflite.TensorTypeINT8, shape: []int{1, 2}, q: tfbuild.Q(1, 0), data: tfbuild.I8(1, 1)}, {typ: tflite.TensorTypeINT32, shape: []int{1}, data: tfbuild.I32(1)}},
			out:     tt{typ: f, shape: []int{1, 1}},
			wantErr: "want float32"},
		{name: "unquantized filter",
			ins:     []tt{x, {typ: tflite.TensorTypeINT8, shape: []int{1, 2}, data: tfbuild.I8(1, 1)}},
			out:     tt{typ: f, shape: []int{1, 1}},
			wantErr: "no quantization"},
	})
}

// hybridConvCase runs a hybrid CONV_2D or DEPTHWISE_CONV_2D over the input
// [0.5, −1] (shape [1 1 2 1]) with a 1×2 window, VALID.
func hybridConvCase(t *testing.T, code tflite.BuiltinOperator, fshape []int, w []byte, fq *tfbuild.Quant, bias []float32) *Result {
	t.Helper()
	var o *tflite.BuiltinOptionsT
	if code == tflite.BuiltinOperatorCONV_2D {
		o = &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConv2DOptions, Value: &tflite.Conv2DOptionsT{Padding: tflite.PaddingVALID, StrideH: 1, StrideW: 1, DilationHFactor: 1, DilationWFactor: 1}}
	} else {
		o = &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsDepthwiseConv2DOptions, Value: &tflite.DepthwiseConv2DOptionsT{Padding: tflite.PaddingVALID, StrideH: 1, StrideW: 1, DilationHFactor: 1, DilationWFactor: 1, DepthMultiplier: 1}}
	}
	ins := []tt{
		{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 1, 2, 1}, feed: tfbuild.F32(0.5, -1)},
		{typ: tflite.TensorTypeINT8, shape: fshape, q: fq, data: w},
		{typ: tflite.TensorTypeFLOAT32, shape: []int{len(bias)}, data: tfbuild.F32(bias...)},
	}
	_, res, err := runOneOp(code, o, ins, tt{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 1, 1, len(bias)}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Hybrid CONV_2D and DEPTHWISE_CONV_2D, derived by hand. Per tensor
// (symmetric): q = [64 −127], acc = 64·2 − 127·1 = 1. Per channel
// (asymmetric): range [−1, 0.5], scale 1.5/255, zero point 42 (both
// candidates give 42), q = [127 −128], so (q − 42) = [85 −170]: CONV_2D
// filters [2 1] and [−1 3] give 0 and −595; DEPTHWISE_CONV_2D's [2 −1]
// gives 340.
func TestHybridConvHand(t *testing.T) {
	s := float32(1.5 / 255)
	for _, c := range []struct {
		name  string
		res   *Result
		scale float32
		zp    int32
		q     []int8
		acc   []int64
		want  []float32
	}{
		{"conv per tensor", hybridConvCase(t, tflite.BuiltinOperatorCONV_2D, []int{1, 1, 2, 1}, tfbuild.I8(2, 1), tfbuild.Q(0.5, 0), []float32{0.25}),
			float32(1) / 127, 0, []int8{64, -127}, []int64{1}, []float32{float32(1)*float32(float32(1)/127*0.5) + 0.25}},
		{"conv per channel", hybridConvCase(t, tflite.BuiltinOperatorCONV_2D, []int{2, 1, 2, 1}, tfbuild.I8(2, 1, -1, 3), &tfbuild.Quant{Scale: []float32{0.5, 0.25}, ZeroPoint: []int64{0, 0}}, []float32{0.1, 0.2}),
			s, 42, []int8{127, -128}, []int64{0, -595}, []float32{0.1, float32(-595)*float32(0.25*s) + 0.2}},
		{"depthwise", hybridConvCase(t, tflite.BuiltinOperatorDEPTHWISE_CONV_2D, []int{1, 1, 2, 1}, tfbuild.I8(2, -1), &tfbuild.Quant{Scale: []float32{0.5}, ZeroPoint: []int64{0}, Axis: 3}, []float32{0.25}),
			s, 42, []int8{127, -128}, []int64{340}, []float32{float32(float32(340)*s)*0.5 + 0.25}},
	} {
		tr := c.res.Trace.Ops[0]
		if tr.Hybrid == nil || tr.Hybrid.RowScale[0] != c.scale || tr.Hybrid.RowZeroPoint[0] != c.zp || !slices.Equal(tr.Hybrid.Quantized, c.q) || !slices.Equal(tr.Acc, c.acc) {
			t.Errorf("%s: trace %+v acc %v, want scale %v zp %d q %v acc %v", c.name, tr.Hybrid, tr.Acc, c.scale, c.zp, c.q, c.acc)
		}
		got := AsFloat32(c.res.Tensors[c.res.Model.Outputs[0]])
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
		e, err := c.res.Explain(0, len(c.want)-1)
		if err != nil || e.Steps[len(e.Steps)-1].Value != float64(c.want[len(c.want)-1]) {
			t.Errorf("%s: explanation %+v, %v", c.name, e, err)
		}
	}
}
