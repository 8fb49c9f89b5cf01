package engine

import (
	"bytes"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func resizeOpts(align, half bool) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsResizeBilinearOptions,
		Value: &tflite.ResizeBilinearOptionsT{AlignCorners: align, HalfPixelCenters: half}}
}

// TestResizeBilinearHand checks hand-derived outputs under each profile.
func TestResizeBilinearHand(t *testing.T) {
	size := func(h, w int32) tt { return constI32([]int{2}, h, w) }
	// 2×2 → 3×3 with align_corners: the centre is the mean of the four
	// corners, 0, −100, 0, 50: −12.5. ResizeBilinearInteger: scale 512/1024,
	// sum −50·512·512 = −13107200 in 2^-20; half away from zero gives −13,
	// single rounding (half up) −12. XNNPACK: α = 0.5 → Q11 1024,
	// top = −100·1024, bottom = 50·1024, acc = −102400·2048 + 153600·1024
	// = −52428800, (acc + 2^21) >> 22 = −12.
	int8In := q8([]int{1, 2, 2, 1}, 0.5, 0, 0, -100, 0, 50)
	int8Out := q8([]int{1, 3, 3, 1}, 0.5, 0)
	centre := map[Profile]int8{Reference: -13, SingleRounding: -12, XNNPack: -12}
	// Half-pixel centres, float 1×2 → 1×4 along x: in_x = (x+0.5)/2 − 0.5 =
	// −0.25, 0.25, 0.75, 1.25 → 0, 1, 3, 4 for the input 0, 4.
	floatIn := f32t([]int{1, 1, 2, 1}, 0, 4)
	floatOut := f32t([]int{1, 1, 4, 1})
	// uint8 with the rounding offset: 1×2 → 1×3 align_corners, input 3, 6:
	// the middle is 4.5 + 0.5 → 5 (truncated); XNNPACK: (3·2048 + 3·1024)·2048
	// + 2^21 >> 22 = 5 too.
	u8In := u8t([]int{1, 1, 2, 1}, 0.5, 128, 3, 6)
	u8Out := u8t([]int{1, 1, 3, 1}, 0.5, 128)
	for _, p := range Profiles() {
		t.Run(string(p), func(t *testing.T) {
			check := func(ins []tt, out tt, opts *tflite.BuiltinOptionsT, want []byte) {
				t.Helper()
				m, err := Load(oneOp(tflite.BuiltinOperatorRESIZE_BILINEAR, opts, ins, out))
				if err != nil {
					t.Fatal(err)
				}
				res, err := m.Run([][]byte{ins[0].feed}, Options{Profile: p})
				if err != nil {
					t.Fatal(err)
				}
				if got := res.Tensors[m.Outputs[0]]; !bytes.Equal(got, want) {
					t.Errorf("got %v, want %v", got, want)
				}
			}
			check([]tt{int8In, size(3, 3)}, int8Out, resizeOpts(true, false),
				tfbuild.I8(0, -50, -100, 0, centre[p], -25, 0, 25, 50))
			check([]tt{floatIn, size(1, 4)}, floatOut, resizeOpts(false, true), tfbuild.F32(0, 1, 3, 4))
			check([]tt{u8In, size(1, 3)}, u8Out, resizeOpts(true, false), []byte{3, 5, 6})
		})
	}
}

// TestResizeBilinearBuiltin checks the browser TFLite's builtin kernels,
// which run when the XNNPACK delegate is dropped (here by an ADD whose
// RELU range is empty).
func TestResizeBilinearBuiltin(t *testing.T) {
	poisoned := func(typ tflite.TensorType, in []int, q *tfbuild.Quant, oh, ow int, opts *tflite.BuiltinOptionsT) *Model {
		b := tfbuild.New()
		x := b.Tensor("x", typ, in, q, nil)
		size := b.Tensor("size", tflite.TensorTypeINT32, []int{2}, nil, tfbuild.I32(int32(oh), int32(ow)))
		y := b.Tensor("y", typ, []int{in[0], oh, ow, in[3]}, q, nil)
		b.Op(tflite.BuiltinOperatorRESIZE_BILINEAR, 1, opts, []int{x, size}, []int{y})
		p := b.Tensor("p", tflite.TensorTypeINT8, []int{1}, tfbuild.Q(1, 0), nil)
		po := b.Tensor("po", tflite.TensorTypeINT8, []int{1}, tfbuild.Q(1, 127), nil)
		b.Op(tflite.BuiltinOperatorADD, 1, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsAddOptions,
			Value: &tflite.AddOptionsT{FusedActivationFunction: tflite.ActivationFunctionTypeRELU}}, []int{p, p}, []int{po})
		b.Inputs(x, p)
		b.Outputs(y, po)
		m, err := Load(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if taken, _ := m.XNNPackDelegated(); taken[0] {
			t.Fatal("the XNNPACK delegate was not dropped")
		}
		return m
	}
	run := func(m *Model, in []byte) []byte {
		res, err := m.Run([][]byte{in, {0}}, Options{Profile: XNNPack})
		if err != nil {
			t.Fatal(err)
		}
		return res.Tensors[m.Outputs[0]]
	}
	// uint8 8× half-pixel upsampling (ResizeBilinear888Uint8): one row
	// 0, 100 (channel 0) gives along x the edge copies 0,0,0,0, then
	// 100·(2m+1)/16 rounded half up: 6.25, 18.75, 31.25, 43.75, 56.25,
	// 68.75, 81.25, 93.75 → 6, 19, 31, 44, 56, 69, 81, 94, then 100 ×4.
	in := make([]byte, 16)
	in[8] = 100
	m := poisoned(tflite.TensorTypeUINT8, []int{1, 1, 2, 8}, tfbuild.Q(1, 0), 8, 16, resizeOpts(false, true))
	if k := m.Ops[0].Profiles[XNNPack].Params.(*ResizeBilinearParams).kernel; k != bilinear888 {
		t.Fatalf("kernel %v, want ResizeBilinear888Uint8", k)
	}
	out := run(m, in)
	var row []byte
	for x := 0; x < 16; x++ {
		row = append(row, out[(7*16+x)*8]) // the last row copies the only input row
	}
	if want := []byte{0, 0, 0, 0, 6, 19, 31, 44, 56, 69, 81, 94, 100, 100, 100, 100}; !bytes.Equal(row, want) {
		t.Errorf("888 row = %v, want %v", row, want)
	}
	// float 2× upsampling (ResizeBilinear2x2): 1, 2 → 1, 1.5, 2, 2 (the
	// right edge averages the last pixel with itself).
	m = poisoned(tflite.TensorTypeFLOAT32, []int{1, 1, 2, 1}, nil, 2, 4, resizeOpts(false, false))
	if got, want := run(m, tfbuild.F32(1, 2)), tfbuild.F32(1, 1.5, 2, 2, 1, 1.5, 2, 2); !bytes.Equal(got, want) {
		t.Errorf("2x2 = %v, want %v", AsFloat32(got), AsFloat32(want))
	}
}

func TestResizeBilinearErrors(t *testing.T) {
	in := q8([]int{1, 2, 2, 1}, 1, 0, 1, 2, 3, 4)
	cases := []opCase{
		{name: "both options", opts: resizeOpts(true, true), ins: []tt{in, constI32([]int{2}, 3, 3)},
			out: q8([]int{1, 3, 3, 1}, 1, 0), wantErr: "both set"},
		// Size fed at run time (2×2, the input's): dynamic, and the identity.
		{name: "size not constant", opts: resizeOpts(false, false), ins: []tt{in, {typ: tflite.TensorTypeINT32, shape: []int{2}, feed: tfbuild.I32(2, 2)}},
			out: q8([]int{1, 3, 3, 1}, 1, 0), want: tfbuild.I8(1, 2, 3, 4)},
		{name: "size zero", opts: resizeOpts(false, false), ins: []tt{in, constI32([]int{2}, 0, 3)},
			out: q8([]int{1, 0, 3, 1}, 1, 0), wantErr: "must be positive"},
		{name: "output shape", opts: resizeOpts(false, false), ins: []tt{in, constI32([]int{2}, 3, 3)},
			out: q8([]int{1, 3, 4, 1}, 1, 0), wantErr: "but the op computes [1 3 3 1]"},
		{name: "rank", opts: resizeOpts(false, false), ins: []tt{q8([]int{2, 2}, 1, 0, 1, 2, 3, 4), constI32([]int{2}, 3, 3)},
			out: q8([]int{1, 3, 3, 1}, 1, 0), wantErr: "want 4 dimensions"},
	}
	runOpCases(t, tflite.BuiltinOperatorRESIZE_BILINEAR, cases)
}

// TestResizeBilinearOvershoot: 1 → 150 rows, round(1024/150) = 7 and
// 149·7 = 1043 ≥ 1024, so ResizeBilinearInteger would read row 1 of a
// one-row input. The model loads; the integer kernels refuse to run, the
// XNNPACK node (float32 coordinates) runs.
func TestResizeBilinearOvershoot(t *testing.T) {
	ins := []tt{q8([]int{1, 1, 1, 1}, 1, 0, 7), constI32([]int{2}, 150, 1)}
	m, err := Load(oneOp(tflite.BuiltinOperatorRESIZE_BILINEAR, resizeOpts(false, false), ins, q8([]int{1, 150, 1, 1}, 1, 0)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run([][]byte{ins[0].feed}, Options{}); err == nil || !strings.Contains(err.Error(), "would read past the input") {
		t.Errorf("reference: err = %v, want one saying the kernel would read past the input", err)
	}
	res, err := m.Run([][]byte{ins[0].feed}, Options{Profile: XNNPack})
	if err != nil {
		t.Fatal(err)
	}
	if out := AsInt8(res.Tensors[m.Outputs[0]]); out[0] != 7 || out[149] != 7 {
		t.Errorf("xnnpack: %v, want all 7", out)
	}
}

// TestResizeBilinearExplain checks that an explanation names the four
// neighbours, the weights and the rounding, and ends at the computed value.
func TestResizeBilinearExplain(t *testing.T) {
	ins := []tt{q8([]int{1, 2, 2, 1}, 0.5, 0, 0, -100, 0, 50), constI32([]int{2}, 3, 3)}
	m, err := Load(oneOp(tflite.BuiltinOperatorRESIZE_BILINEAR, resizeOpts(true, false), ins, q8([]int{1, 3, 3, 1}, 0.5, 0)))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Profiles() {
		res, err := m.Run([][]byte{ins[0].feed}, Options{Profile: p})
		if err != nil {
			t.Fatal(err)
		}
		e, err := res.Explain(0, 4)
		if err != nil {
			t.Fatal(err)
		}
		if got := int8(res.Tensors[m.Outputs[0]][4]); e.Value != int64(got) {
			t.Errorf("%s: explained %d, computed %d", p, e.Value, got)
		}
		var text string
		for _, s := range e.Steps {
			text += s.Name + ": " + s.Formula + "\n"
		}
		for _, want := range []string{"tl input[0,0,0,0]", "br input[0,1,1,0]", "round"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: explanation lacks %q:\n%s", p, want, text)
			}
		}
	}
}
