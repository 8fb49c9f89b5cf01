package engine

import (
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestExpandDims(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	x := seq8(6, -3)
	in := tt{typ: i8, shape: []int{2, 3}, feed: x}
	runOpCases(t, tflite.BuiltinOperatorEXPAND_DIMS, []opCase{
		{name: "axis 0", ins: []tt{in, constI32([]int{1}, 0)}, out: tt{typ: i8, shape: []int{1, 2, 3}}, want: x},
		{name: "axis 1", ins: []tt{in, constI32([]int{}, 1)}, out: tt{typ: i8, shape: []int{2, 1, 3}}, want: x},
		{name: "axis -1 appends", ins: []tt{in, constI32([]int{}, -1)}, out: tt{typ: i8, shape: []int{2, 3, 1}}, want: x},
		{name: "int64 axis", ins: []tt{in, {typ: tflite.TensorTypeINT64, shape: []int{1}, data: tfbuild.I64(2)}},
			out: tt{typ: i8, shape: []int{2, 3, 1}}, want: x},
		{name: "int16", ins: []tt{{typ: tflite.TensorTypeINT16, shape: []int{2}, feed: tfbuild.I16(-300, 300)}, constI32([]int{}, 0)},
			out: tt{typ: tflite.TensorTypeINT16, shape: []int{1, 2}}, want: tfbuild.I16(-300, 300)},
		{name: "axis too large", ins: []tt{in, constI32([]int{}, 3)}, out: tt{typ: i8, shape: []int{2, 3, 1}}, wantErr: "out of range"},
		{name: "axis too small", ins: []tt{in, constI32([]int{}, -4)}, out: tt{typ: i8, shape: []int{1, 2, 3}}, wantErr: "out of range"},
		{name: "two axes", ins: []tt{in, constI32([]int{2}, 0, 1)}, out: tt{typ: i8, shape: []int{1, 2, 3}}, wantErr: "want one"},
		{name: "float axis", ins: []tt{in, {typ: tflite.TensorTypeFLOAT32, shape: []int{}, data: tfbuild.F32(0)}},
			out: tt{typ: i8, shape: []int{1, 2, 3}}, wantErr: "want int32 or int64"},
		{name: "output mismatch", ins: []tt{in, constI32([]int{}, 0)}, out: tt{typ: i8, shape: []int{2, 1, 3}}, wantErr: "computes [1 2 3]"},
	})
}
