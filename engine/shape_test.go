package engine

import (
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestShape(t *testing.T) {
	x := tt{typ: tflite.TensorTypeINT8, shape: []int{2, 1, 3}, feed: make([]byte, 6)}
	runOpCases(t, tflite.BuiltinOperatorSHAPE, []opCase{
		{name: "int32", ins: []tt{x}, out: tt{typ: tflite.TensorTypeINT32, shape: []int{3}}, want: tfbuild.I32(2, 1, 3)},
		{name: "int64", opts: &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsShapeOptions, Value: &tflite.ShapeOptionsT{OutType: tflite.TensorTypeINT64}},
			ins: []tt{x}, out: tt{typ: tflite.TensorTypeINT64, shape: []int{3}}, want: tfbuild.I64(2, 1, 3)},
		{name: "scalar", ins: []tt{{typ: tflite.TensorTypeFLOAT32, feed: tfbuild.F32(1)}}, out: tt{typ: tflite.TensorTypeINT32, shape: []int{0}}, want: []byte{}},
		{name: "type", ins: []tt{x}, out: tt{typ: tflite.TensorTypeINT8, shape: []int{3}}, wantErr: "int32 or int64"},
		{name: "out_type", opts: &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsShapeOptions, Value: &tflite.ShapeOptionsT{OutType: tflite.TensorTypeINT64}},
			ins: []tt{x}, out: tt{typ: tflite.TensorTypeINT32, shape: []int{3}}, wantErr: "out_type"},
	})
}

func TestFill(t *testing.T) {
	runOpCases(t, tflite.BuiltinOperatorFILL, []opCase{
		{name: "float", ins: []tt{constI32([]int{2}, 2, 2), {typ: tflite.TensorTypeFLOAT32, feed: tfbuild.F32(1.5)}}, out: tt{typ: tflite.TensorTypeFLOAT32, shape: []int{2, 2}},
			want: tfbuild.F32(1.5, 1.5, 1.5, 1.5)},
		{name: "int8 int64 dims", ins: []tt{{typ: tflite.TensorTypeINT64, shape: []int{1}, data: tfbuild.I64(3)}, {typ: tflite.TensorTypeINT8, feed: tfbuild.I8(-7)}},
			out: tt{typ: tflite.TensorTypeINT8, shape: []int{3}}, want: tfbuild.I8(-7, -7, -7)},
		{name: "bool", ins: []tt{constI32([]int{1}, 2), {typ: tflite.TensorTypeBOOL, feed: []byte{1}}}, out: tt{typ: tflite.TensorTypeBOOL, shape: []int{2}}, want: []byte{1, 1}},
		{name: "shape", ins: []tt{constI32([]int{1}, 2), {typ: tflite.TensorTypeBOOL, feed: []byte{1}}}, out: tt{typ: tflite.TensorTypeBOOL, shape: []int{3}}, wantErr: "computes [2]"},
		{name: "value", ins: []tt{constI32([]int{1}, 2), {typ: tflite.TensorTypeBOOL, shape: []int{2}, feed: []byte{1, 1}}}, out: tt{typ: tflite.TensorTypeBOOL, shape: []int{2}}, wantErr: "scalar"},
		{name: "dims fed", ins: []tt{{typ: tflite.TensorTypeINT32, shape: []int{1}, feed: tfbuild.I32(3)}, {typ: tflite.TensorTypeBOOL, feed: []byte{1}}}, out: tt{typ: tflite.TensorTypeBOOL, shape: []int{2}}, want: []byte{1, 1, 1}},
		// Dims fed at run time that no tensor can have: a clear error, no allocation.
		{name: "dims fed negative", ins: []tt{{typ: tflite.TensorTypeINT32, shape: []int{1}, feed: tfbuild.I32(-3)}, {typ: tflite.TensorTypeBOOL, feed: []byte{1}}}, out: tt{typ: tflite.TensorTypeBOOL, shape: []int{2}}, wantErr: "negative"},
		{name: "dims fed huge", ins: []tt{{typ: tflite.TensorTypeINT32, shape: []int{2}, feed: tfbuild.I32(1<<20, 1<<20)}, {typ: tflite.TensorTypeBOOL, feed: []byte{1}}}, out: tt{typ: tflite.TensorTypeBOOL, shape: []int{2}}, wantErr: "too large"},
	})
}

func TestTile(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	x := tt{typ: i8, shape: []int{2, 2}, feed: tfbuild.I8(1, 2, 3, 4)}
	runOpCases(t, tflite.BuiltinOperatorTILE, []opCase{
		{name: "2x3", ins: []tt{x, constI32([]int{2}, 2, 3)}, out: tt{typ: i8, shape: []int{4, 6}},
			want: tfbuild.I8(1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4)},
		{name: "rows only", ins: []tt{x, constI32([]int{2}, 1, 2)}, out: tt{typ: i8, shape: []int{2, 4}}, want: tfbuild.I8(1, 2, 1, 2, 3, 4, 3, 4)},
		{name: "zero", ins: []tt{x, constI32([]int{2}, 0, 2)}, out: tt{typ: i8, shape: []int{0, 4}}, want: []byte{}},
		{name: "int64 multiples float", ins: []tt{{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 2}, feed: tfbuild.F32(1, 2)}, {typ: tflite.TensorTypeINT64, shape: []int{2}, data: tfbuild.I64(2, 1)}},
			out: tt{typ: tflite.TensorTypeFLOAT32, shape: []int{2, 2}}, want: tfbuild.F32(1, 2, 1, 2)},
		{name: "multiples rank", ins: []tt{x, constI32([]int{1}, 2)}, out: tt{typ: i8, shape: []int{4, 2}}, wantErr: "want [2]"},
	})
}

func TestRange(t *testing.T) {
	i32, f32 := tflite.TensorTypeINT32, tflite.TensorTypeFLOAT32
	s := func(typ tflite.TensorType, b []byte) tt { return tt{typ: typ, data: b} }
	runOpCases(t, tflite.BuiltinOperatorRANGE, []opCase{
		{name: "int", ins: []tt{s(i32, tfbuild.I32(3)), s(i32, tfbuild.I32(10)), s(i32, tfbuild.I32(3))}, out: tt{typ: i32, shape: []int{3}}, want: tfbuild.I32(3, 6, 9)},
		{name: "down", ins: []tt{s(i32, tfbuild.I32(3)), s(i32, tfbuild.I32(-1)), s(i32, tfbuild.I32(-2))}, out: tt{typ: i32, shape: []int{2}}, want: tfbuild.I32(3, 1)},
		// a running float32 sum: 0.1 added three times is 0.3 rounded thrice
		{name: "float", ins: []tt{s(f32, tfbuild.F32(0)), s(f32, tfbuild.F32(0.35)), s(f32, tfbuild.F32(0.1))}, out: tt{typ: f32, shape: []int{4}},
			want: tfbuild.F32(0, 0.1, float32(0.1)+float32(0.1), float32(float32(0.1)+float32(0.1))+float32(0.1))},
		{name: "int64", ins: []tt{s(tflite.TensorTypeINT64, tfbuild.I64(1<<40)), s(tflite.TensorTypeINT64, tfbuild.I64(1<<40+2)), s(tflite.TensorTypeINT64, tfbuild.I64(1))},
			out: tt{typ: tflite.TensorTypeINT64, shape: []int{2}}, want: tfbuild.I64(1<<40, 1<<40+1)},
		{name: "wrong way", ins: []tt{s(i32, tfbuild.I32(3)), s(i32, tfbuild.I32(10)), s(i32, tfbuild.I32(-1))}, out: tt{typ: i32, shape: []int{3}}, wantErr: "wrong way"},
		{name: "zero delta", ins: []tt{s(i32, tfbuild.I32(3)), s(i32, tfbuild.I32(10)), s(i32, tfbuild.I32(0))}, out: tt{typ: i32, shape: []int{3}}, wantErr: "delta is 0"},
	})
}

func TestSlice(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	// x[2][3] = 1..6
	x := tt{typ: i8, shape: []int{2, 3}, feed: tfbuild.I8(1, 2, 3, 4, 5, 6)}
	runOpCases(t, tflite.BuiltinOperatorSLICE, []opCase{
		{name: "block", ins: []tt{x, constI32([]int{2}, 0, 1), constI32([]int{2}, 2, 2)}, out: tt{typ: i8, shape: []int{2, 2}}, want: tfbuild.I8(2, 3, 5, 6)},
		{name: "size -1", ins: []tt{x, constI32([]int{2}, 1, 0), constI32([]int{2}, -1, -1)}, out: tt{typ: i8, shape: []int{1, 3}}, want: tfbuild.I8(4, 5, 6)},
		{name: "int64", ins: []tt{x, {typ: tflite.TensorTypeINT64, shape: []int{2}, data: tfbuild.I64(1, 2)}, {typ: tflite.TensorTypeINT64, shape: []int{2}, data: tfbuild.I64(1, 1)}},
			out: tt{typ: i8, shape: []int{1, 1}}, want: tfbuild.I8(6)},
		{name: "past the end", ins: []tt{x, constI32([]int{2}, 0, 2), constI32([]int{2}, 1, 2)}, out: tt{typ: i8, shape: []int{1, 2}}, wantErr: "do not fit"},
		{name: "shape", ins: []tt{x, constI32([]int{2}, 0, 0), constI32([]int{2}, 1, 2)}, out: tt{typ: i8, shape: []int{2, 1}}, wantErr: "computes [1 2]"},
	})
}
