package engine

import (
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestComparisons(t *testing.T) {
	f32, b := tflite.TensorTypeFLOAT32, tflite.TensorTypeBOOL
	x := tt{typ: f32, shape: []int{4}, feed: tfbuild.F32(1, 2, 3, -0)}
	y := tt{typ: f32, shape: []int{1}, feed: tfbuild.F32(2)}
	z := tt{typ: f32, shape: []int{4}, feed: tfbuild.F32(1, 5, 0, 0)}
	out := tt{typ: b, shape: []int{4}}
	for _, c := range []struct {
		code  tflite.BuiltinOperator
		want  []byte // x vs broadcast 2, then x vs z (−0 == 0)
		want2 []byte
	}{
		{tflite.BuiltinOperatorEQUAL, []byte{0, 1, 0, 0}, []byte{1, 0, 0, 1}},
		{tflite.BuiltinOperatorNOT_EQUAL, []byte{1, 0, 1, 1}, []byte{0, 1, 1, 0}},
		{tflite.BuiltinOperatorLESS, []byte{1, 0, 0, 1}, []byte{0, 1, 0, 0}},
		{tflite.BuiltinOperatorLESS_EQUAL, []byte{1, 1, 0, 1}, []byte{1, 1, 0, 1}},
		{tflite.BuiltinOperatorGREATER, []byte{0, 0, 1, 0}, []byte{0, 0, 1, 0}},
		{tflite.BuiltinOperatorGREATER_EQUAL, []byte{0, 1, 1, 0}, []byte{1, 0, 1, 1}},
	} {
		runOpCases(t, c.code, []opCase{
			{name: c.code.String() + " broadcast", ins: []tt{x, y}, out: out, want: c.want},
			{name: c.code.String() + " same shape", ins: []tt{x, z}, out: out, want: c.want2},
		})
	}
	// int8 with different scales: x = 0.5·(q − 1), y = 0.25·q.
	// x: q=5 → 2, q=1 → 0, q=2 → 0.5;  y: q=8 → 2, q=1 → 0.25, q=2 → 0.5.
	// M_1 = 0.5, M_2 = 0.25 (the scales); x' = (q−1)·256·0.5, y' = q·256·0.25.
	i8 := tflite.TensorTypeINT8
	qx := tt{typ: i8, shape: []int{3}, q: tfbuild.Q(0.5, 1), feed: tfbuild.I8(5, 1, 2)}
	qy := tt{typ: i8, shape: []int{3}, q: tfbuild.Q(0.25, 0), feed: tfbuild.I8(8, 1, 2)}
	runOpCases(t, tflite.BuiltinOperatorEQUAL, []opCase{
		{name: "int8 rescaled", ins: []tt{qx, qy}, out: tt{typ: b, shape: []int{3}}, want: []byte{1, 0, 1}},
		{name: "types", ins: []tt{qx, x}, out: out, wantErr: "one type"},
		{name: "scale 1", ins: []tt{qx, {typ: i8, shape: []int{3}, q: tfbuild.Q(1, 0), feed: tfbuild.I8(8, 1, 2)}}, out: tt{typ: b, shape: []int{3}}, wantErr: "below 1"},
		// uint8 200 vs 201 at scale 0.001: (200·256)·0.001 = 51.2 and
		// (201·256)·0.001 = 51.456 both round to 51, so they compare equal.
		{name: "uint8 within a step", ins: []tt{{typ: tflite.TensorTypeUINT8, shape: []int{1}, q: tfbuild.Q(0.001, 0), feed: []byte{200}},
			{typ: tflite.TensorTypeUINT8, shape: []int{1}, q: tfbuild.Q(0.001, 0), feed: []byte{201}}}, out: tt{typ: b, shape: []int{1}}, want: []byte{1}},
		{name: "bool", ins: []tt{{typ: b, shape: []int{2}, feed: []byte{1, 0}}, {typ: b, shape: []int{2}, feed: []byte{1, 1}}}, out: tt{typ: b, shape: []int{2}}, want: []byte{1, 0}},
	})
	runOpCases(t, tflite.BuiltinOperatorLESS, []opCase{
		{name: "int8 rescaled", ins: []tt{qx, qy}, out: tt{typ: b, shape: []int{3}}, want: []byte{0, 1, 0}},
		{name: "int64", ins: []tt{{typ: tflite.TensorTypeINT64, shape: []int{2}, data: tfbuild.I64(1<<40, -3)}, {typ: tflite.TensorTypeINT64, shape: []int{2}, data: tfbuild.I64(1<<40+1, -3)}},
			out: tt{typ: b, shape: []int{2}}, want: []byte{1, 0}},
		{name: "no bool", ins: []tt{{typ: b, shape: []int{2}, feed: []byte{1, 0}}, {typ: b, shape: []int{2}, feed: []byte{1, 1}}}, out: tt{typ: b, shape: []int{2}}, wantErr: "not supported"},
		{name: "output type", ins: []tt{x, z}, out: tt{typ: f32, shape: []int{4}}, wantErr: "writes bool"},
	})
}
