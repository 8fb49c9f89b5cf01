package engine

import (
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestCast(t *testing.T) {
	f32, i32, i8, u8, i16, i64, b := tflite.TensorTypeFLOAT32, tflite.TensorTypeINT32, tflite.TensorTypeINT8, tflite.TensorTypeUINT8,
		tflite.TensorTypeINT16, tflite.TensorTypeINT64, tflite.TensorTypeBOOL
	s := []int{4}
	runOpCases(t, tflite.BuiltinOperatorCAST, []opCase{
		{name: "float→int32 truncates", ins: []tt{{typ: f32, shape: s, feed: tfbuild.F32(1.9, -1.9, 0.5, -0)}}, out: tt{typ: i32, shape: s}, want: tfbuild.I32(1, -1, 0, 0)},
		{name: "int32→int8 wraps", ins: []tt{{typ: i32, shape: s, feed: tfbuild.I32(127, 128, -129, 300)}}, out: tt{typ: i8, shape: s}, want: tfbuild.I8(127, -128, 127, 44)},
		{name: "int8→uint8", ins: []tt{{typ: i8, shape: s, feed: tfbuild.I8(-1, -128, 0, 5)}}, out: tt{typ: u8, shape: s}, want: []byte{255, 128, 0, 5}},
		// quantization is ignored: the stored int8 value, not the real value
		{name: "quantized int8→float", ins: []tt{{typ: i8, shape: s, q: tfbuild.Q(0.5, 3), feed: tfbuild.I8(-1, -128, 0, 5)}}, out: tt{typ: f32, shape: s}, want: tfbuild.F32(-1, -128, 0, 5)},
		// 2^24+1 is not a float32: ties to even gives 2^24
		{name: "int32→float rounds", ins: []tt{{typ: i32, shape: s, feed: tfbuild.I32(1<<24+1, 1<<24+3, -7, 0)}}, out: tt{typ: f32, shape: s}, want: tfbuild.F32(1<<24, 1<<24+4, -7, 0)},
		{name: "→bool", ins: []tt{{typ: f32, shape: s, feed: tfbuild.F32(0.25, 0, -0, -3)}}, out: tt{typ: b, shape: s}, want: []byte{1, 0, 0, 1}},
		{name: "bool→int16", ins: []tt{{typ: b, shape: s, feed: []byte{1, 0, 1, 1}}}, out: tt{typ: i16, shape: s}, want: tfbuild.I16(1, 0, 1, 1)},
		{name: "int64→int32", ins: []tt{{typ: i64, shape: s, data: tfbuild.I64(1<<32+5, -1, 1<<31, 7)}}, out: tt{typ: i32, shape: s}, want: tfbuild.I32(5, -1, -1<<31, 7)},
		{name: "shape", ins: []tt{{typ: i32, shape: s, feed: tfbuild.I32(1, 2, 3, 4)}}, out: tt{typ: i8, shape: []int{2, 2}}, wantErr: "computes [4]"},
	})
}
