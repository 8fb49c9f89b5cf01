package engine

import (
	"math"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func i32t(shape []int, v ...int32) tt {
	return tt{typ: tflite.TensorTypeINT32, shape: shape, feed: tfbuild.I32(v...)}
}

func u8t(shape []int, scale float32, zp int64, v ...byte) tt {
	return tt{typ: tflite.TensorTypeUINT8, shape: shape, q: tfbuild.Q(scale, zp), feed: v}
}

func divOpts(act tflite.ActivationFunctionType) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsDivOptions, Value: &tflite.DivOptionsT{FusedActivationFunction: act}}
}

func TestMaximumMinimum(t *testing.T) {
	i8, f := tflite.TensorTypeINT8, tflite.TensorTypeFLOAT32
	negZero := float32(math.Copysign(0, -1))
	runOpCases(t, tflite.BuiltinOperatorMAXIMUM, []opCase{
		// Stored integers are compared, whatever the scales.
		{name: "int8 broadcast", ins: []tt{q8([]int{3}, 1, 0, 1, -5, 3), q8([]int{1}, 7, 3, 2)},
			out: tt{typ: i8, shape: []int{3}, q: tfbuild.Q(1, 0)}, want: tfbuild.I8(2, 2, 3)},
		// std::max(−0, +0) keeps the first argument.
		{name: "float signed zero", ins: []tt{f32t([]int{2}, negZero, 1.5), f32t([]int{2}, 0, -2)},
			out: tt{typ: f, shape: []int{2}}, want: tfbuild.F32(negZero, 1.5)},
		{name: "int32", ins: []tt{i32t([]int{2}, math.MinInt32, 5), i32t([]int{2}, -1, 6)},
			out: tt{typ: tflite.TensorTypeINT32, shape: []int{2}}, want: tfbuild.I32(-1, 6)},
		{name: "mixed", ins: []tt{q8([]int{1}, 1, 0, 1), f32t([]int{1}, 1)}, out: tt{typ: i8, shape: []int{1}, q: tfbuild.Q(1, 0)}, wantErr: "not supported"},
	})
	runOpCases(t, tflite.BuiltinOperatorMINIMUM, []opCase{
		{name: "uint8", ins: []tt{u8t([]int{3}, 1, 128, 0, 200, 128), u8t([]int{3}, 1, 128, 255, 100, 128)},
			out: tt{typ: tflite.TensorTypeUINT8, shape: []int{3}, q: tfbuild.Q(1, 128)}, want: []byte{0, 100, 128}},
		{name: "int16", ins: []tt{q16([]int{2}, 1, 0, -32768, 7), q16([]int{1}, 1, 0, 3)},
			out: tt{typ: tflite.TensorTypeINT16, shape: []int{2}, q: tfbuild.Q(1, 0)}, want: tfbuild.I16(-32768, 3)},
		{name: "float signed zero", ins: []tt{f32t([]int{1}, 0), f32t([]int{1}, negZero)},
			out: tt{typ: f, shape: []int{1}}, want: tfbuild.F32(0)},
	})
}

func TestDiv(t *testing.T) {
	f, i32 := tflite.TensorTypeFLOAT32, tflite.TensorTypeINT32
	runOpCases(t, tflite.BuiltinOperatorDIV, []opCase{
		{name: "float relu", opts: divOpts(actRelu), ins: []tt{f32t([]int{3}, 6, -6, 1), f32t([]int{3}, 3, 3, 0)},
			out: tt{typ: f, shape: []int{3}}, want: tfbuild.F32(2, 0, math.MaxFloat32)}, // RELU clamps to the largest float
		{name: "int32 truncates", opts: divOpts(actNone), ins: []tt{i32t([]int{2}, 7, -7), i32t([]int{1}, 2)},
			out: tt{typ: i32, shape: []int{2}}, want: tfbuild.I32(3, -3)},
		// Exact quotients: 12/4, 9/3, −12/4 (sign flip of a negative divisor: 12/−4).
		{name: "int8 exact", opts: divOpts(actNone), ins: []tt{q8([]int{3}, 1, 0, 12, 9, 12), q8([]int{3}, 1, 0, 4, 3, -4)},
			out: tt{typ: tflite.TensorTypeINT8, shape: []int{3}, q: tfbuild.Q(1, 0)}, want: tfbuild.I8(3, 3, -3)},
		{name: "int16", opts: divOpts(actNone), ins: []tt{q16([]int{1}, 1, 0, 1), q16([]int{1}, 1, 0, 1)},
			out: tt{typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(1, 0)}, wantErr: "not supported"},
	})
	for _, c := range []struct {
		name string
		a, b tt
	}{
		{"int32 by zero", i32t([]int{1}, 1), i32t([]int{1}, 0)},
		{"uint8 divisor at its zero point", u8t([]int{1}, 1, 0, 5), u8t([]int{1}, 1, 7, 7)},
	} {
		out := tt{typ: c.a.typ, shape: []int{1}, q: c.a.q}
		if _, _, err := runOneOp(tflite.BuiltinOperatorDIV, divOpts(actNone), []tt{c.a, c.b}, out); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

// TestDivWideShift pins the browser TFLite's uint8 DIV where
// RoundingDivideByPOT's exponent passes 31 (read from npm tfjs-tflite):
// s_out 1/2, a = ±1 over b = ∓12. TFLite Micro aborts on such int8
// elements (gemmlowp's assertion), so the reference profile refuses them.
func TestDivWideShift(t *testing.T) {
	// a = 1, b = −12 → signs flip: −1/12, headroom 31, exponent 32: the
	// machine shifts by 0, the quotient stays huge and negative → 0 (−128 + 128).
	// a = −1, b = −12 → 1/12: exponent 31, rounds to 0 → 128.
	ins := []tt{u8t([]int{2}, 1, 128, 129, 127), u8t([]int{2}, 1, 128, 116, 116)}
	out := tt{typ: tflite.TensorTypeUINT8, shape: []int{2}, q: tfbuild.Q(0.5, 128)}
	got, res, err := runOneOpProfile(tflite.BuiltinOperatorDIV, divOpts(actNone), ins, out, XNNPack)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != 0 || got[1] != 128 {
		t.Errorf("tflite-xnnpack: got %v, TFLite gives [0 128]", got)
	}
	if e, err := res.Explain(0, 0); err != nil || e.Value != 0 {
		t.Errorf("explanation %+v, %v", e, err)
	}
	for _, p := range Profiles() {
		if got, _, err := runOneOpProfile(tflite.BuiltinOperatorDIV, divOpts(actNone), ins, out, p); err != nil || got[0] != 0 || got[1] != 128 {
			t.Errorf("%s: got %v, %v", p, got, err)
		}
	}
	ins8 := []tt{q8([]int{1}, 1, 0, 1), q8([]int{1}, 1, 0, -12)}
	out8 := tt{typ: tflite.TensorTypeINT8, shape: []int{1}, q: tfbuild.Q(0.5, 0)}
	if _, _, err := runOneOpProfile(tflite.BuiltinOperatorDIV, divOpts(actNone), ins8, out8, Reference); err == nil {
		t.Error("int8 reference: no error where TFLite Micro aborts")
	}
}

func TestFloorDivMod(t *testing.T) {
	f, i32 := tflite.TensorTypeFLOAT32, tflite.TensorTypeINT32
	runOpCases(t, tflite.BuiltinOperatorFLOOR_DIV, []opCase{
		{name: "float", ins: []tt{f32t([]int{3}, 7, -7, 7.5), f32t([]int{3}, -2, 2, 2.5)}, out: tt{typ: f, shape: []int{3}}, want: tfbuild.F32(-4, -4, 3)},
		{name: "int32", ins: []tt{i32t([]int{3}, 7, -7, 6), i32t([]int{1}, -2)}, out: tt{typ: i32, shape: []int{3}}, want: tfbuild.I32(-4, 3, -3)},
	})
	runOpCases(t, tflite.BuiltinOperatorFLOOR_MOD, []opCase{
		{name: "float", ins: []tt{f32t([]int{3}, 5.5, -5.5, 4), f32t([]int{3}, 2, 2, -2)}, out: tt{typ: f, shape: []int{3}}, want: tfbuild.F32(1.5, 0.5, 0)},
		{name: "int32", ins: []tt{i32t([]int{3}, 7, -7, -6), i32t([]int{1}, -2)}, out: tt{typ: i32, shape: []int{3}}, want: tfbuild.I32(-1, -1, 0)},
	})
	if _, _, err := runOneOp(tflite.BuiltinOperatorFLOOR_DIV, nil, []tt{f32t([]int{1}, 1), f32t([]int{1}, 0)}, tt{typ: f, shape: []int{1}}); err == nil {
		t.Error("FLOOR_DIV by 0: no error (TFLite: \"Division by 0\")")
	}
}

func TestSquaredDifference(t *testing.T) {
	runOpCases(t, tflite.BuiltinOperatorSQUARED_DIFFERENCE, []opCase{
		{name: "float", ins: []tt{f32t([]int{2}, 3, -1.5), f32t([]int{1}, 5)}, out: tt{typ: tflite.TensorTypeFLOAT32, shape: []int{2}}, want: tfbuild.F32(4, 42.25)},
		// s1 = s2 = 1, s_out = 4: inputs scaled by 2^7·1/2 = 64, the square
		// by 2^-14·... = d²/4: d = 4 → 4, d = 3 → 2.25 → 2, d = −11 → 30.25 → 30.
		{name: "int8", ins: []tt{q8([]int{3}, 1, 0, 4, 3, -11), q8([]int{3}, 1, 0, 0, 0, 0)},
			out: tt{typ: tflite.TensorTypeINT8, shape: []int{3}, q: tfbuild.Q(4, 0)}, want: tfbuild.I8(4, 2, 30)},
		{name: "int32", ins: []tt{i32t([]int{1}, -3), i32t([]int{1}, 4)}, out: tt{typ: tflite.TensorTypeINT32, shape: []int{1}}, want: tfbuild.I32(49)},
	})
}
