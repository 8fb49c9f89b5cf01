package engine

import (
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestL2Normalization(t *testing.T) {
	i8, u8, f32 := tflite.TensorTypeINT8, tflite.TensorTypeUINT8, tflite.TensorTypeFLOAT32
	out8 := func(shape ...int) tt { return tt{typ: i8, shape: shape, q: tfbuild.Q(1.0/128, 0)} }
	tiny := float32(1e-7)
	runOpCases(t, tflite.BuiltinOperatorL2_NORMALIZATION, []opCase{
		// Rows (3, 4) and (0, −0): 3/5, 4/5; the zero row divides by ε = 1e-6.
		{name: "float", ins: []tt{f32t([]int{2, 2}, 3, 4, 0, 0)}, out: tt{typ: f32, shape: []int{2, 2}},
			want: tfbuild.F32(0.6, 0.8, 0, 0)},
		// √(1e-7²) = 1e-7 < ε: x/ε.
		{name: "float epsilon", ins: []tt{f32t([]int{1}, tiny)}, out: tt{typ: f32, shape: []int{1}},
			want: tfbuild.F32(tiny / 1e-6)},
		// v = x − (−10) = (3, 4): Σv² = 25, v/5·128 = 76.8, 102.4 → 77, 102.
		// Row (−10, −10) is at the zero point: Σv² = 0, v = 0 → 0.
		{name: "int8", ins: []tt{q8([]int{2, 2}, 0.5, -10, -7, -6, -10, -10)}, out: out8(2, 2),
			want: tfbuild.I8(77, 102, 0, 0)},
		// One value per row: ±5/5·128 = ±128 → clamped to 127, and −128.
		{name: "int8 clamp", ins: []tt{q8([]int{2, 1}, 1, 0, 5, -5)}, out: out8(2, 1), want: tfbuild.I8(127, -128)},
		{name: "int8 output scale", ins: []tt{q8([]int{2}, 1, 0, 1, 2)},
			out: tt{typ: i8, shape: []int{2}, q: tfbuild.Q(1.0/64, 0)}, wantErr: "1/128"},
		// uint8, zero point 10: v = (3, 4) → 128 + 384/5, 128 + 512/5 = 128 +
		// 76.8, 128 + 102.4 → 205, 230; a row at the zero point → 128; one
		// value per row ±5 → 128 ± 128 → 255 (clamped), 0.
		{name: "uint8", ins: []tt{{typ: u8, shape: []int{4, 2}, q: tfbuild.Q(1, 10), feed: []byte{13, 14, 10, 10, 15, 10, 5, 10}}},
			out: tt{typ: u8, shape: []int{4, 2}, q: tfbuild.Q(1.0/128, 128)}, want: []byte{205, 230, 128, 128, 255, 128, 0, 128}},
		{name: "uint8 output zero point", ins: []tt{{typ: u8, shape: []int{1}, q: tfbuild.Q(1, 0), feed: []byte{1}}},
			out: tt{typ: u8, shape: []int{1}, q: tfbuild.Q(1.0/128, 0)}, wantErr: "1/128 and 128"},
		{name: "rank 5", ins: []tt{f32t([]int{1, 1, 1, 1, 1}, 1)}, out: tt{typ: f32, shape: []int{1, 1, 1, 1, 1}}, wantErr: "1 to 4"},
	})
}

func TestL2NormalizationExplain(t *testing.T) {
	for _, p := range Profiles() {
		_, res, err := runOneOpProfile(tflite.BuiltinOperatorL2_NORMALIZATION, nil,
			[]tt{q8([]int{2}, 0.5, -10, -7, -6)}, tt{typ: tflite.TensorTypeINT8, shape: []int{2}, q: tfbuild.Q(1.0/128, 0)}, p)
		if err != nil {
			t.Fatal(err)
		}
		e, err := res.Explain(0, 1)
		if err != nil || e.Value != 102 || len(e.Steps) != 6 || e.Steps[2].Value != 25 {
			t.Fatalf("%s: explanation %+v, %v", p, e, err)
		}
		_, res, err = runOneOpProfile(tflite.BuiltinOperatorL2_NORMALIZATION, nil,
			[]tt{f32t([]int{2}, 3, 4)}, tt{typ: tflite.TensorTypeFLOAT32, shape: []int{2}}, p)
		if err != nil {
			t.Fatal(err)
		}
		if e, err := res.Explain(0, 0); err != nil || e.Real != float64(float32(0.6)) || e.Steps[1].Value != 5 {
			t.Fatalf("%s: float explanation %+v, %v", p, e, err)
		}
	}
}
