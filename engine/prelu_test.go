package engine

import (
	"slices"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestPrelu(t *testing.T) {
	i8, u8, f := tflite.TensorTypeINT8, tflite.TensorTypeUINT8, tflite.TensorTypeFLOAT32
	alphaF := tt{typ: f, shape: []int{2}, data: tfbuild.F32(0.25, -1)}
	// int8: s_in = 0.5 (zp −10), alpha per channel 16, −64 at s = 1/64
	// (0.25, −1), s_out = 0.25 (zp 5). Identity multiplier 2, alpha
	// multiplier 0.5/64/0.25 = 1/32. For d = x + 10:
	//   −14: d = −4,  −4·16 = −64,  /32 = −2   → 3
	//   −20: d = −10, −10·−64 = 640, /32 = 20   → 25
	//     0: d = 10,  10·2 = 20                 → 25
	//   −30: d = −20, 1280/32 = 40              → 45
	//   −13: d = −3,  −48/32 = −1.5 → −2 (RoundingDivideByPOT: half away from zero) → 3
	//   127: d = 137, 274 + 5                   → 127 (clamped)
	alpha8 := tt{typ: i8, shape: []int{2}, q: tfbuild.Q(1.0/64, 0), data: tfbuild.I8(16, -64)}
	// uint8: the same values, every zero point and stored value + 128.
	alphaU8 := tt{typ: u8, shape: []int{2}, q: tfbuild.Q(1.0/64, 128), data: []byte{144, 64}}
	runOpCases(t, tflite.BuiltinOperatorPRELU, []opCase{
		{name: "float", ins: []tt{f32t([]int{2, 2}, -2, -3, 0.5, -1), alphaF},
			out: tt{typ: f, shape: []int{2, 2}}, want: tfbuild.F32(-0.5, 3, 0.5, 1)},
		{name: "int8", ins: []tt{q8([]int{3, 2}, 0.5, -10, -14, -20, 0, -30, -13, 127), alpha8},
			out: tt{typ: i8, shape: []int{3, 2}, q: tfbuild.Q(0.25, 5)}, want: tfbuild.I8(3, 25, 25, 45, 3, 127)},
		{name: "uint8", ins: []tt{u8t([]int{3, 2}, 0.5, 118, 114, 108, 128, 98, 115, 255), alphaU8},
			out: tt{typ: u8, shape: []int{3, 2}, q: tfbuild.Q(0.25, 133)}, want: []byte{131, 153, 153, 173, 131, 255}},
		{name: "alpha input same shape", ins: []tt{f32t([]int{2}, -4, -4), f32t([]int{2}, 0.5, 2)},
			out: tt{typ: f, shape: []int{2}}, want: tfbuild.F32(-2, -8)},
		{name: "alpha grows the shape", ins: []tt{f32t([]int{2}, 1, 2), {typ: f, shape: []int{3, 2}, data: tfbuild.F32(1, 2, 3, 4, 5, 6)}},
			out: tt{typ: f, shape: []int{3, 2}}, wantErr: "keeps the input's shape"},
		{name: "mixed types", ins: []tt{q8([]int{2}, 0.5, 0, 1, 2), alphaF},
			out: tt{typ: i8, shape: []int{2}, q: tfbuild.Q(0.5, 0)}, wantErr: "not supported"},
		{name: "int16", ins: []tt{q16([]int{1}, 0.5, 0, 1), {typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(0.5, 0), data: tfbuild.I16(1)}},
			out: tt{typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(0.5, 0)}, wantErr: "not supported"},
	})
}

// TestPreluXNNPackPastSlope: the XNNPACK delegate of mid 2022 takes a
// float32 PRELU with a one-element constant slope and several channels and
// reads past the slope; the engine marks it delegated and refuses to run it.
func TestPreluXNNPackPastSlope(t *testing.T) {
	f := tflite.TensorTypeFLOAT32
	m, err := Load(oneOp(tflite.BuiltinOperatorPRELU, nil,
		[]tt{f32t([]int{1, 4}, -1, 2, -3, 4), {typ: f, shape: []int{1}, data: tfbuild.F32(0.5)}}, tt{typ: f, shape: []int{1, 4}}))
	if err != nil {
		t.Fatal(err)
	}
	if taken, why := m.XNNPackDelegated(); !taken[0] {
		t.Fatalf("PRELU not delegated: %s", why[0])
	}
	_, err = m.Run([][]byte{tfbuild.F32(-1, 2, -3, 4)}, Options{Profile: XNNPack})
	if err == nil || !strings.Contains(err.Error(), "past its end") {
		t.Fatalf("err = %v, want the past-the-slope refusal", err)
	}
	res, err := m.Run([][]byte{tfbuild.F32(-1, 2, -3, 4)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := AsFloat32(res.Tensors[m.Outputs[0]]), []float32{-0.5, 2, -1.5, 4}; !slices.Equal(got, want) {
		t.Fatalf("reference = %v, want %v", got, want)
	}
}
