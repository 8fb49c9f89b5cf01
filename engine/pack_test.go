package engine

import (
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func packOpts(n, axis int) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsPackOptions, Value: &tflite.PackOptionsT{ValuesCount: int32(n), Axis: int32(axis)}}
}

func unpackOpts(n, axis int) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsUnpackOptions, Value: &tflite.UnpackOptionsT{Num: int32(n), Axis: int32(axis)}}
}

func TestPack(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	a := tt{typ: i8, shape: []int{2, 2}, feed: tfbuild.I8(1, 2, 3, 4)}
	b := tt{typ: i8, shape: []int{2, 2}, feed: tfbuild.I8(5, 6, 7, 8)}
	runOpCases(t, tflite.BuiltinOperatorPACK, []opCase{
		{name: "axis 0", opts: packOpts(2, 0), ins: []tt{a, b}, out: tt{typ: i8, shape: []int{2, 2, 2}}, want: tfbuild.I8(1, 2, 3, 4, 5, 6, 7, 8)},
		// out[i][k][j] = in_k[i][j]
		{name: "axis 1", opts: packOpts(2, 1), ins: []tt{a, b}, out: tt{typ: i8, shape: []int{2, 2, 2}}, want: tfbuild.I8(1, 2, 5, 6, 3, 4, 7, 8)},
		// out[i][j][k] = in_k[i][j]
		{name: "axis -1", opts: packOpts(2, -1), ins: []tt{a, b}, out: tt{typ: i8, shape: []int{2, 2, 2}}, want: tfbuild.I8(1, 5, 2, 6, 3, 7, 4, 8)},
		{name: "int64 scalars", opts: packOpts(3, 0), ins: []tt{{typ: tflite.TensorTypeINT64, feed: tfbuild.I64(-1)}, {typ: tflite.TensorTypeINT64, feed: tfbuild.I64(1 << 40)}, {typ: tflite.TensorTypeINT64, feed: tfbuild.I64(3)}},
			out: tt{typ: tflite.TensorTypeINT64, shape: []int{3}}, want: tfbuild.I64(-1, 1<<40, 3)},
		{name: "shapes", opts: packOpts(2, 0), ins: []tt{a, {typ: i8, shape: []int{4}, feed: tfbuild.I8(1, 2, 3, 4)}}, out: tt{typ: i8, shape: []int{2, 2, 2}}, wantErr: "one shape"},
		{name: "quantization", opts: packOpts(2, 0), ins: []tt{{typ: i8, shape: []int{1}, q: tfbuild.Q(0.5, 0), feed: tfbuild.I8(1)}, {typ: i8, shape: []int{1}, q: tfbuild.Q(0.25, 0), feed: tfbuild.I8(1)}},
			out: tt{typ: i8, shape: []int{2, 1}, q: tfbuild.Q(0.5, 0)}, wantErr: "does not rescale"},
		{name: "axis range", opts: packOpts(2, 3), ins: []tt{a, b}, out: tt{typ: i8, shape: []int{2, 2, 2}}, wantErr: "out of range"},
		{name: "count", opts: packOpts(3, 0), ins: []tt{a, b}, out: tt{typ: i8, shape: []int{2, 2, 2}}, wantErr: "want 3"},
		{name: "bool", opts: packOpts(1, 0), ins: []tt{{typ: tflite.TensorTypeBOOL, shape: []int{1}, feed: []byte{1}}}, out: tt{typ: tflite.TensorTypeBOOL, shape: []int{1, 1}}, wantErr: "not supported"},
	})
	_, res, err := runOneOp(tflite.BuiltinOperatorPACK, packOpts(2, 1), []tt{a, b}, tt{typ: i8, shape: []int{2, 2, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if e, err := res.Explain(0, 6); err != nil || e.Value != 7 || !strings.Contains(e.Steps[0].Formula, "input 1") || !strings.Contains(e.Steps[1].Formula, "[1 0]") {
		t.Fatalf("explain element 6 = %+v, %v; want input 1 [1 0] = 7", e, err)
	}
}

func TestUnpack(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	x := tt{typ: i8, shape: []int{2, 3}, feed: tfbuild.I8(1, 2, 3, 4, 5, 6)}
	o2 := tt{typ: i8, shape: []int{2}}
	runMultiCases(t, tflite.BuiltinOperatorUNPACK, []multiCase{
		{name: "axis 0", opts: unpackOpts(2, 0), ins: []tt{x}, outs: []tt{{typ: i8, shape: []int{3}}, {typ: i8, shape: []int{3}}},
			want: [][]byte{tfbuild.I8(1, 2, 3), tfbuild.I8(4, 5, 6)}},
		{name: "axis -1", opts: unpackOpts(3, -1), ins: []tt{x}, outs: []tt{o2, o2, o2},
			want: [][]byte{tfbuild.I8(1, 4), tfbuild.I8(2, 5), tfbuild.I8(3, 6)}},
		{name: "bool", opts: unpackOpts(2, 0), ins: []tt{{typ: tflite.TensorTypeBOOL, shape: []int{2}, feed: []byte{1, 0}}},
			outs: []tt{{typ: tflite.TensorTypeBOOL}, {typ: tflite.TensorTypeBOOL}}, want: [][]byte{{1}, {0}}},
		{name: "num", opts: unpackOpts(2, 1), ins: []tt{x}, outs: []tt{o2, o2}, wantErr: "num is 2"},
		{name: "shape", opts: unpackOpts(2, 0), ins: []tt{x}, outs: []tt{o2, o2}, wantErr: "computes [3]"},
	})
}

func TestSplitV(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	x := tt{typ: i8, shape: []int{2, 4}, feed: tfbuild.I8(1, 2, 3, 4, 5, 6, 7, 8)}
	opts := func(n int) *tflite.BuiltinOptionsT {
		return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSplitVOptions, Value: &tflite.SplitVOptionsT{NumSplits: int32(n)}}
	}
	runMultiCases(t, tflite.BuiltinOperatorSPLIT_V, []multiCase{
		{name: "1+3", opts: opts(2), ins: []tt{x, constI32([]int{2}, 1, 3), constI32(nil, 1)}, outs: []tt{{typ: i8, shape: []int{2, 1}}, {typ: i8, shape: []int{2, 3}}},
			want: [][]byte{tfbuild.I8(1, 5), tfbuild.I8(2, 3, 4, 6, 7, 8)}},
		{name: "-1 and 0", opts: opts(3), ins: []tt{x, {typ: tflite.TensorTypeINT64, shape: []int{3}, data: tfbuild.I64(0, -1, 1)}, constI32(nil, -1)},
			outs: []tt{{typ: i8, shape: []int{2, 0}}, {typ: i8, shape: []int{2, 3}}, {typ: i8, shape: []int{2, 1}}},
			want: [][]byte{{}, tfbuild.I8(1, 2, 3, 5, 6, 7), tfbuild.I8(4, 8)}},
		{name: "sum", opts: opts(2), ins: []tt{x, constI32([]int{2}, 1, 2), constI32(nil, 1)}, outs: []tt{{typ: i8, shape: []int{2, 1}}, {typ: i8, shape: []int{2, 2}}}, wantErr: "add up to 3"},
		{name: "two -1", opts: opts(2), ins: []tt{x, constI32([]int{2}, -1, -1), constI32(nil, 1)}, outs: []tt{{typ: i8, shape: []int{2, 1}}, {typ: i8, shape: []int{2, 2}}}, wantErr: "only one"},
	})
}
