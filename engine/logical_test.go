package engine

import (
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestLogical(t *testing.T) {
	b := tflite.TensorTypeBOOL
	x := tt{typ: b, shape: []int{2, 2}, feed: []byte{0, 1, 0, 1}}
	y := tt{typ: b, shape: []int{2, 1}, feed: []byte{0, 1}} // broadcast across columns
	out := tt{typ: b, shape: []int{2, 2}}
	runOpCases(t, tflite.BuiltinOperatorLOGICAL_AND, []opCase{
		{name: "broadcast", ins: []tt{x, y}, out: out, want: []byte{0, 0, 0, 1}},
		{name: "type", ins: []tt{x, {typ: tflite.TensorTypeINT8, shape: []int{2, 1}, feed: []byte{0, 1}}}, out: out, wantErr: "not supported"},
	})
	runOpCases(t, tflite.BuiltinOperatorLOGICAL_OR, []opCase{{name: "broadcast", ins: []tt{x, y}, out: out, want: []byte{0, 1, 1, 1}}})
	runOpCases(t, tflite.BuiltinOperatorLOGICAL_NOT, []opCase{{name: "not", ins: []tt{x}, out: out, want: []byte{1, 0, 1, 0}}})
}

func TestZerosLike(t *testing.T) {
	runOpCases(t, tflite.BuiltinOperatorZEROS_LIKE, []opCase{
		{name: "float", ins: []tt{{typ: tflite.TensorTypeFLOAT32, shape: []int{2}, feed: tfbuild.F32(1, -2)}}, out: tt{typ: tflite.TensorTypeFLOAT32, shape: []int{2}}, want: tfbuild.F32(0, 0)},
		{name: "int64", ins: []tt{{typ: tflite.TensorTypeINT64, shape: []int{1}, data: tfbuild.I64(5)}}, out: tt{typ: tflite.TensorTypeINT64, shape: []int{1}}, want: tfbuild.I64(0)},
		{name: "int8", ins: []tt{{typ: tflite.TensorTypeINT8, shape: []int{1}, feed: tfbuild.I8(5)}}, out: tt{typ: tflite.TensorTypeINT8, shape: []int{1}}, wantErr: "not supported"},
	})
}

func TestSelect(t *testing.T) {
	i8, b := tflite.TensorTypeINT8, tflite.TensorTypeBOOL
	x := tt{typ: i8, shape: []int{2, 2}, feed: tfbuild.I8(1, 2, 3, 4)}
	y := tt{typ: i8, shape: []int{2, 2}, feed: tfbuild.I8(-1, -2, -3, -4)}
	out := tt{typ: i8, shape: []int{2, 2}}
	runOpCases(t, tflite.BuiltinOperatorSELECT, []opCase{
		{name: "elementwise", ins: []tt{{typ: b, shape: []int{2, 2}, feed: []byte{1, 0, 0, 1}}, x, y}, out: out, want: tfbuild.I8(1, -2, -3, 4)},
		{name: "rank one", ins: []tt{{typ: b, shape: []int{2}, feed: []byte{0, 1}}, x, y}, out: out, want: tfbuild.I8(-1, -2, 3, 4)},
		{name: "no broadcast", ins: []tt{{typ: b, shape: []int{1}, feed: []byte{1}}, x, y}, out: out, wantErr: "1-D over its first dimension"},
	})
	runOpCases(t, tflite.BuiltinOperatorSELECT_V2, []opCase{
		// condition [2,1] picks per row, y [2] broadcasts per column
		{name: "broadcast", ins: []tt{{typ: b, shape: []int{2, 1}, feed: []byte{1, 0}}, x, {typ: i8, shape: []int{2}, feed: tfbuild.I8(-5, -6)}}, out: out, want: tfbuild.I8(1, 2, -5, -6)},
		{name: "scalar condition", ins: []tt{{typ: b, feed: []byte{0}}, x, y}, out: out, want: tfbuild.I8(-1, -2, -3, -4)},
		{name: "types", ins: []tt{{typ: b, feed: []byte{0}}, x, {typ: tflite.TensorTypeINT16, shape: []int{1}, feed: tfbuild.I16(1)}}, out: out, wantErr: "x is int8 but y is int16"},
	})
}
