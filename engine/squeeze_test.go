package engine

import (
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestSqueeze(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	x := seq8(6, 10)
	opts := func(d ...int32) *tflite.BuiltinOptionsT {
		return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSqueezeOptions, Value: &tflite.SqueezeOptionsT{SqueezeDims: d}}
	}
	in := tt{typ: i8, shape: []int{1, 3, 1, 2}, feed: x}
	runOpCases(t, tflite.BuiltinOperatorSQUEEZE, []opCase{
		{name: "all ones", ins: []tt{in}, out: tt{typ: i8, shape: []int{3, 2}}, want: x},
		{name: "negative dim", opts: opts(-2), ins: []tt{in}, out: tt{typ: i8, shape: []int{1, 3, 2}}, want: x},
		{name: "explicit", opts: opts(0, 2), ins: []tt{in}, out: tt{typ: i8, shape: []int{3, 2}}, want: x},
		{name: "float", ins: []tt{{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 2}, feed: tfbuild.F32(1, -1)}},
			out: tt{typ: tflite.TensorTypeFLOAT32, shape: []int{2}}, want: tfbuild.F32(1, -1)},
		{name: "not size 1", opts: opts(1), ins: []tt{in}, out: tt{typ: i8, shape: []int{1, 1, 2}}, wantErr: "size 1"},
		{name: "out of range", opts: opts(4), ins: []tt{in}, out: tt{typ: i8, shape: []int{1, 3, 1, 2}}, wantErr: "cannot squeeze"},
		{name: "output mismatch", opts: opts(0), ins: []tt{in}, out: tt{typ: i8, shape: []int{3, 2}}, wantErr: "computes [3 1 2]"},
	})
}
