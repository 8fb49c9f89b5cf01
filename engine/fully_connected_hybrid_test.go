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
