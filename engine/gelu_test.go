package engine

import (
	"math"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestGelu(t *testing.T) {
	i8, f32 := tflite.TensorTypeINT8, tflite.TensorTypeFLOAT32
	exact := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsGeluOptions, Value: &tflite.GeluOptionsT{}}
	approx := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsGeluOptions, Value: &tflite.GeluOptionsT{Approximate: true}}
	negZero := float32(math.Copysign(0, -1))
	// Inputs x = v/16. GELU(x) = x·Φ(x): Φ(2) = 0.97725, Φ(1) = 0.84134, so
	// 16·GELU: v = 32 → 31.27 → 31; −32 → −0.73 → −1; 16 → 13.46 → 13;
	// 127 (x = 7.94, Φ = 1) → 127; −128 (x = −8) → −0 → 0. The tanh form
	// agrees to 3 decimals here.
	tableIn := q8([]int{6}, 1.0/16, 0, 32, -32, 16, 0, 127, -128)
	tableOut := tt{typ: i8, shape: []int{6}, q: tfbuild.Q(1.0/16, 0)}
	runOpCases(t, tflite.BuiltinOperatorGELU, []opCase{
		// erf and tanh saturate to exactly ±1 (Eigen clamps there), so
		// 0.5·x·(1 ± 1) is x or −0; GELU(0) = 0.
		{name: "float exact", opts: exact, ins: []tt{f32t([]int{3}, 10, -10, 0)}, out: tt{typ: f32, shape: []int{3}},
			want: tfbuild.F32(10, negZero, 0)},
		{name: "float approximate", opts: approx, ins: []tt{f32t([]int{3}, 10, -10, 0)}, out: tt{typ: f32, shape: []int{3}},
			want: tfbuild.F32(10, negZero, 0)},
		{name: "float no options", ins: []tt{f32t([]int{1}, 10)}, out: tt{typ: f32, shape: []int{1}}, want: tfbuild.F32(10)},
		{name: "int8 exact", opts: exact, ins: []tt{tableIn}, out: tableOut, want: tfbuild.I8(31, -1, 13, 0, 127, 0)},
		{name: "int8 approximate", opts: approx, ins: []tt{tableIn}, out: tableOut, want: tfbuild.I8(31, -1, 13, 0, 127, 0)},
		{name: "int16", ins: []tt{q16([]int{1}, 1, 0, 1)}, out: tt{typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(1, 0)},
			wantErr: "not supported"},
	})
}

// TestEigenErfTanh checks Eigen's float approximations against float64 erf
// and tanh: within 4 ulps of 1 (2^-21) over [−5, 5], exactly ±1 at the
// clamps and tanh(x) = x below 0.0004.
func TestEigenErfTanh(t *testing.T) {
	for x := float32(-5); x <= 5; x += 1.0 / 64 {
		if d := math.Abs(float64(eigenErff(x)) - math.Erf(float64(x))); d > 0x1p-21 {
			t.Errorf("eigenErff(%v) = %v, erf = %v", x, eigenErff(x), math.Erf(float64(x)))
		}
		if d := math.Abs(float64(eigenTanhf(x)) - math.Tanh(float64(x))); d > 0x1p-21 {
			t.Errorf("eigenTanhf(%v) = %v, tanh = %v", x, eigenTanhf(x), math.Tanh(float64(x)))
		}
	}
	if eigenTanhf(7.90531110763549805) != 1 || eigenTanhf(-100) != -1 || eigenTanhf(0.0003) != 0.0003 {
		t.Errorf("eigenTanhf: %v at the clamp, %v at −100, %v at 0.0003", eigenTanhf(7.90531110763549805), eigenTanhf(-100), eigenTanhf(0.0003))
	}
	if eigenErff(4) != 1 || eigenErff(-50) != -1 {
		t.Errorf("eigenErff(4) = %v, eigenErff(−50) = %v, want ±1", eigenErff(4), eigenErff(-50))
	}
}

func TestGeluExplain(t *testing.T) {
	for _, p := range Profiles() {
		_, res, err := runOneOpProfile(tflite.BuiltinOperatorGELU, nil, []tt{f32t([]int{2}, 0, 10)}, tt{typ: tflite.TensorTypeFLOAT32, shape: []int{2}}, p)
		if err != nil {
			t.Fatal(err)
		}
		if e, err := res.Explain(0, 1); err != nil || e.Real != 10 {
			t.Fatalf("%s: explanation %+v, %v", p, e, err)
		}
		_, res, err = runOneOpProfile(tflite.BuiltinOperatorGELU, nil, []tt{q8([]int{1}, 1.0/16, 0, 32)},
			tt{typ: tflite.TensorTypeINT8, shape: []int{1}, q: tfbuild.Q(1.0/16, 0)}, p)
		if err != nil {
			t.Fatal(err)
		}
		if e, err := res.Explain(0, 0); err != nil || e.Value != 31 {
			t.Fatalf("%s: int8 explanation %+v, %v", p, e, err)
		}
	}
}
