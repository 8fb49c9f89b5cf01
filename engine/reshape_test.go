package engine

import (
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func reshapeOpts(s ...int32) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsReshapeOptions, Value: &tflite.ReshapeOptionsT{NewShape: s}}
}

func TestReshape(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	q := tfbuild.Q(0.5, -3)
	x := seq8(6, -128)
	f := tfbuild.F32(1.5, -2, 3, 0, 7, -0.25)
	runOpCases(t, tflite.BuiltinOperatorRESHAPE, []opCase{
		{name: "shape tensor with -1", ins: []tt{{typ: i8, shape: []int{1, 6}, q: q, feed: x}, constI32([]int{2}, -1, 3)},
			out: tt{typ: i8, shape: []int{2, 3}, q: q}, want: x},
		{name: "options only", opts: reshapeOpts(3, 2), ins: []tt{{typ: i8, shape: []int{6}, q: q, feed: x}},
			out: tt{typ: i8, shape: []int{3, 2}, q: q}, want: x},
		{name: "shape tensor wins over options", opts: reshapeOpts(1, 6), ins: []tt{{typ: i8, shape: []int{6}, q: q, feed: x}, constI32([]int{3}, 3, -1, 1)},
			out: tt{typ: i8, shape: []int{3, 2, 1}, q: q}, want: x},
		{name: "float", ins: []tt{{typ: tflite.TensorTypeFLOAT32, shape: []int{2, 3}, feed: f}, constI32([]int{1}, 6)},
			out: tt{typ: tflite.TensorTypeFLOAT32, shape: []int{6}}, want: f},
		{name: "int64", ins: []tt{{typ: tflite.TensorTypeINT64, shape: []int{2}, feed: tfbuild.I64(-1, 1<<40)}, constI32([]int{2}, 1, 2)},
			out: tt{typ: tflite.TensorTypeINT64, shape: []int{1, 2}}, want: tfbuild.I64(-1, 1<<40)},
		{name: "legacy scalar", opts: reshapeOpts(0), ins: []tt{{typ: i8, shape: []int{1, 1}, q: q, feed: tfbuild.I8(-5)}},
			out: tt{typ: i8, shape: []int{}, q: q}, want: tfbuild.I8(-5)},
		{name: "no shape given uses output", ins: []tt{{typ: i8, shape: []int{2, 3}, q: q, feed: x}},
			out: tt{typ: i8, shape: []int{6, 1}, q: q}, want: x},
		{name: "two -1", ins: []tt{{typ: i8, shape: []int{6}, q: q, feed: x}, constI32([]int{2}, -1, -1)},
			out: tt{typ: i8, shape: []int{2, 3}, q: q}, wantErr: "more than one"},
		{name: "output disagrees", ins: []tt{{typ: i8, shape: []int{6}, q: q, feed: x}, constI32([]int{2}, 2, 3)},
			out: tt{typ: i8, shape: []int{3, 2}, q: q}, wantErr: "computes [2 3]"},
		{name: "element count", ins: []tt{{typ: i8, shape: []int{6}, q: q, feed: x}, constI32([]int{2}, -1, 4)},
			out: tt{typ: i8, shape: []int{1, 4}, q: q}, wantErr: "cannot hold 6"},
		{name: "no shape, wrong count", ins: []tt{{typ: i8, shape: []int{6}, q: q, feed: x}},
			out: tt{typ: i8, shape: []int{5}, q: q}, wantErr: "has 6 elements"},
		{name: "type change", ins: []tt{{typ: i8, shape: []int{6}, q: q, feed: x}},
			out: tt{typ: tflite.TensorTypeINT16, shape: []int{6}, q: q}, wantErr: "only moves"},
	})
}
