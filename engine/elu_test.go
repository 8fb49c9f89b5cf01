package engine

import (
	"bytes"
	"math"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestElu(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	runOpCases(t, tflite.BuiltinOperatorELU, []opCase{
		// s_in = 0.5, s_out = 1/32: x = 0 → 0; 1 → 0.5·32 = 16; 4 → 64;
		// −2 → expm1(−1)·32 = −20.23 → −20; −128 → expm1(−64)·32 = −32;
		// 127 → 63.5·32 = 2032 → 127.
		{name: "int8", ins: []tt{q8([]int{6}, 0.5, 0, 0, 1, 4, -2, -128, 127)},
			out: tt{typ: i8, shape: []int{6}, q: tfbuild.Q(1.0/32, 0)}, want: tfbuild.I8(0, 16, 64, -20, -32, 127)},
		// zero points: x − 10 = −2 → −20 + 3 = −17.
		{name: "zero points", ins: []tt{q8([]int{1}, 0.5, 10, 8)},
			out: tt{typ: i8, shape: []int{1}, q: tfbuild.Q(1.0/32, 3)}, want: tfbuild.I8(-17)},
		{name: "uint8 refused", ins: []tt{u8t([]int{1}, 0.5, 128, 1)},
			out: tt{typ: tflite.TensorTypeUINT8, shape: []int{1}, q: tfbuild.Q(0.5, 128)}, wantErr: "not supported"},
	})
}

// TestEluTies: with s_out = 2·s_in the table's positive entries are ties
// x/2: TFLite's table (reference, TFLite Micro) rounds them away from zero,
// the XNNPACK delegate's to even (the oracle shows both; difftest ELU).
func TestEluTies(t *testing.T) {
	in := tt{typ: tflite.TensorTypeINT8, shape: []int{4}, q: tfbuild.Q(0.5, 0), feed: tfbuild.I8(1, 3, 5, -1)}
	m, err := Load(oneOp(tflite.BuiltinOperatorELU, nil, []tt{in}, tt{typ: tflite.TensorTypeINT8, shape: []int{4}, q: tfbuild.Q(1, 0)}))
	if err != nil {
		t.Fatal(err)
	}
	// −1 → expm1(−0.5) = −0.39 → 0 in both.
	for _, c := range []struct {
		p    Profile
		want []byte
	}{{Reference, tfbuild.I8(1, 2, 3, 0)}, {XNNPack, tfbuild.I8(0, 2, 2, 0)}} {
		res, err := m.Run([][]byte{in.feed}, Options{Profile: c.p})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Tensors[m.Outputs[0]]; !bytes.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.p, AsInt8(got), AsInt8(c.want))
		}
	}
}

// TestEluFloat: float32 ELU is expm1f for x < 0, from glibc (TFLite Micro:
// the reference profile) or XNNPACK's rr2-p6 polynomial (the browser's
// delegate). Where the two differ (checked against TFLite Micro and the
// browser TFLite by difftest ELU_float):
//   - x = −17.3 (above XNNPACK's saturation cutoff −17.3287): e^x =
//     3.06e-8 is less than half an ulp of 1 (5.96e-8) above −1 but more
//     than a quarter, so correctly rounded −0.99999994 (glibc); XNNPACK's
//     s·(p·t + t) + (s − 1) lands on −1;
//   - x = −0.0078295255 (0xbc004769): expm1 = −0.00779895461, between
//     float32 −0.0077989544 (0xbbff8e5f, glibc, the nearer) and
//     −0.007798955 (0xbbff8e60, XNNPACK).
//
// Identical in both: 2 → 2, 0 → 0, −1 → −0.63212055 (correctly rounded),
// −inf → −1 and −30 → −1.
func TestEluFloat(t *testing.T) {
	in := f32t([]int{7}, 2, 0, -1, float32(math.Inf(-1)), -30, -17.3, math.Float32frombits(0xbc004769))
	m, err := Load(oneOp(tflite.BuiltinOperatorELU, nil, []tt{in}, tt{typ: tflite.TensorTypeFLOAT32, shape: []int{7}}))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p           Profile
		last2, last float32
	}{
		{Reference, -0.99999994, math.Float32frombits(0xbbff8e5f)},
		{XNNPack, -1, math.Float32frombits(0xbbff8e60)},
	} {
		res, err := m.Run([][]byte{in.feed}, Options{Profile: c.p})
		if err != nil {
			t.Fatal(err)
		}
		want := tfbuild.F32(2, 0, -0.63212055, -1, -1, c.last2, c.last)
		if got := res.Tensors[m.Outputs[0]]; !bytes.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", c.p, AsFloat32(got), AsFloat32(want))
		}
	}
}

// TestGlibcExpm1fSpecial covers glibcExpm1f's branches outside ELU's range
// (x ≥ 0, NaN, huge): values of expm1 correctly rounded to float32.
func TestGlibcExpm1fSpecial(t *testing.T) {
	for _, c := range []struct{ x, want float32 }{
		{0, 0}, {1e-9, 1e-9}, {0.5, 0.6487213}, {1, 1.7182817}, {10, 22025.465},
		{30, 1.0686474e13}, {89, float32(math.Inf(1))}, {float32(math.Inf(1)), float32(math.Inf(1))},
		{-0.25, -0.22119922}, {-100, -1},
	} {
		if got := glibcExpm1f(c.x); got != c.want {
			t.Errorf("glibcExpm1f(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if got := glibcExpm1f(float32(math.NaN())); got == got {
		t.Errorf("glibcExpm1f(NaN) = %v", got)
	}
}
