package engine

import (
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func concatOpts(axis int32, act tflite.ActivationFunctionType) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConcatenationOptions,
		Value: &tflite.ConcatenationOptionsT{Axis: axis, FusedActivationFunction: act}}
}

func TestConcatenation(t *testing.T) {
	i8, u8, none := tflite.TensorTypeINT8, tflite.TensorTypeUINT8, tflite.ActivationFunctionTypeNONE
	q := tfbuild.Q(0.5, -1)
	a := tt{typ: i8, shape: []int{2, 2}, q: q, feed: tfbuild.I8(1, 2, 3, 4)}
	b := tt{typ: i8, shape: []int{2, 1}, q: q, feed: tfbuild.I8(-128, 127)}
	runOpCases(t, tflite.BuiltinOperatorCONCATENATION, []opCase{
		{name: "int8 axis 1", opts: concatOpts(1, none), ins: []tt{a, b}, out: tt{typ: i8, shape: []int{2, 3}, q: q},
			want: tfbuild.I8(1, 2, -128, 3, 4, 127)},
		{name: "int8 axis -1", opts: concatOpts(-1, none), ins: []tt{b, a}, out: tt{typ: i8, shape: []int{2, 3}, q: q},
			want: tfbuild.I8(-128, 1, 2, 127, 3, 4)},
		{name: "int8 axis 0", opts: concatOpts(0, none), ins: []tt{{typ: i8, shape: []int{1, 2}, q: q, feed: tfbuild.I8(9, 8)}, a},
			out: tt{typ: i8, shape: []int{3, 2}, q: q}, want: tfbuild.I8(9, 8, 1, 2, 3, 4)},
		{name: "float three inputs", opts: concatOpts(0, none), ins: []tt{
			{typ: tflite.TensorTypeFLOAT32, shape: []int{1}, feed: tfbuild.F32(1.5)},
			{typ: tflite.TensorTypeFLOAT32, shape: []int{2}, data: tfbuild.F32(-2, 0.25)},
			{typ: tflite.TensorTypeFLOAT32, shape: []int{1}, feed: tfbuild.F32(7)}},
			out: tt{typ: tflite.TensorTypeFLOAT32, shape: []int{4}}, want: tfbuild.F32(1.5, -2, 0.25, 7)},
		{name: "int16 middle axis", opts: concatOpts(1, none), ins: []tt{
			{typ: tflite.TensorTypeINT16, shape: []int{2, 1, 2}, q: tfbuild.Q(1, 0), feed: tfbuild.I16(1, 2, 3, 4)},
			{typ: tflite.TensorTypeINT16, shape: []int{2, 1, 2}, q: tfbuild.Q(1, 0), feed: tfbuild.I16(-1, -2, -3, -4)}},
			out: tt{typ: tflite.TensorTypeINT16, shape: []int{2, 2, 2}, q: tfbuild.Q(1, 0)}, want: tfbuild.I16(1, 2, -1, -2, 3, 4, -3, -4)},
		{name: "int32", opts: concatOpts(0, none), ins: []tt{constI32([]int{1}, -7), {typ: tflite.TensorTypeINT32, shape: []int{1}, feed: tfbuild.I32(1 << 30)}},
			out: tt{typ: tflite.TensorTypeINT32, shape: []int{2}}, want: tfbuild.I32(-7, 1<<30)},
		// (q − 0)·0.5/1: 3 → 1.5 → 2, 5 → 2.5 → 3 (half away from zero); the
		// second input shares the output's quantization and is copied.
		{name: "uint8 rescale ties", opts: concatOpts(1, none), ins: []tt{
			{typ: u8, shape: []int{1, 2}, q: tfbuild.Q(0.5, 0), feed: []byte{3, 5}},
			{typ: u8, shape: []int{1, 2}, q: tfbuild.Q(1, 0), feed: []byte{7, 250}}},
			out: tt{typ: u8, shape: []int{1, 4}, q: tfbuild.Q(1, 0)}, want: []byte{2, 3, 7, 250}},
		// (q − 10)·0.5/0.25 + 5: 0 → −15 → 0, 11 → 7, 200 → 385 → 255.
		{name: "uint8 rescale clamp", opts: concatOpts(0, none), ins: []tt{
			{typ: u8, shape: []int{3}, q: tfbuild.Q(0.5, 10), feed: []byte{0, 11, 200}}},
			out: tt{typ: u8, shape: []int{3}, q: tfbuild.Q(0.25, 5)}, want: []byte{0, 7, 255}},
		{name: "int8 scale differs", opts: concatOpts(1, none), ins: []tt{a, {typ: i8, shape: []int{2, 1}, q: tfbuild.Q(0.25, -1), feed: tfbuild.I8(0, 0)}},
			out: tt{typ: i8, shape: []int{2, 3}, q: q}, wantErr: "does not rescale"},
		{name: "int8 zero point differs", opts: concatOpts(1, none), ins: []tt{a, {typ: i8, shape: []int{2, 1}, q: tfbuild.Q(0.5, 0), feed: tfbuild.I8(0, 0)}},
			out: tt{typ: i8, shape: []int{2, 3}, q: q}, wantErr: "does not rescale"},
		{name: "relu", opts: concatOpts(1, tflite.ActivationFunctionTypeRELU), ins: []tt{a, b}, out: tt{typ: i8, shape: []int{2, 3}, q: q}, wantErr: "fused activation"},
		{name: "other dim differs", opts: concatOpts(1, none), ins: []tt{a, {typ: i8, shape: []int{1, 1}, q: q, feed: tfbuild.I8(0)}},
			out: tt{typ: i8, shape: []int{2, 3}, q: q}, wantErr: "outside axis 1"},
		{name: "sum differs", opts: concatOpts(1, none), ins: []tt{a, b}, out: tt{typ: i8, shape: []int{2, 4}, q: q}, wantErr: "computes [2 3]"},
		{name: "axis out of range", opts: concatOpts(2, none), ins: []tt{a, b}, out: tt{typ: i8, shape: []int{2, 3}, q: q}, wantErr: "out of range"},
		{name: "int16 zero point", opts: concatOpts(0, none), ins: []tt{{typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(1, 3), feed: tfbuild.I16(1)}},
			out: tt{typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(1, 3)}, wantErr: "zero point 0"},
		{name: "mixed types", opts: concatOpts(0, none), ins: []tt{{typ: i8, shape: []int{1}, q: q, feed: tfbuild.I8(1)}, constI32([]int{1}, 2)},
			out: tt{typ: i8, shape: []int{2}, q: q}, wantErr: "input 1"},
	})
}
