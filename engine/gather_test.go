package engine

import (
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func gatherOpts(axis, batchDims int) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsGatherOptions, Value: &tflite.GatherOptionsT{Axis: int32(axis), BatchDims: int32(batchDims)}}
}

func TestGather(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	// x[3][2] = 1..6
	x := tt{typ: i8, shape: []int{3, 2}, feed: tfbuild.I8(1, 2, 3, 4, 5, 6)}
	runOpCases(t, tflite.BuiltinOperatorGATHER, []opCase{
		{name: "rows", ins: []tt{x, constI32([]int{2}, 2, 0)}, out: tt{typ: i8, shape: []int{2, 2}}, want: tfbuild.I8(5, 6, 1, 2)},
		{name: "scalar position", ins: []tt{x, constI32(nil, 1)}, out: tt{typ: i8, shape: []int{2}}, want: tfbuild.I8(3, 4)},
		{name: "axis 1, 2-D positions", opts: gatherOpts(1, 0), ins: []tt{x, constI32([]int{2, 2}, 1, 1, 0, 1)}, out: tt{typ: i8, shape: []int{3, 2, 2}},
			want: tfbuild.I8(2, 2, 1, 2, 4, 4, 3, 4, 6, 6, 5, 6)},
		{name: "axis -1 int64 positions", opts: gatherOpts(-1, 0), ins: []tt{x, {typ: tflite.TensorTypeINT64, shape: []int{1}, data: tfbuild.I64(1)}}, out: tt{typ: i8, shape: []int{3, 1}},
			want: tfbuild.I8(2, 4, 6)},
		// batch_dims 1: out[b][i] = x[b][pos[b][i]]
		{name: "batch dims", opts: gatherOpts(1, 1), ins: []tt{x, constI32([]int{3, 1}, 1, 0, 1)}, out: tt{typ: i8, shape: []int{3, 1}}, want: tfbuild.I8(2, 3, 6)},
		{name: "positions fed", ins: []tt{{typ: tflite.TensorTypeFLOAT32, shape: []int{3}, feed: tfbuild.F32(0.5, 1.5, 2.5)}, {typ: tflite.TensorTypeINT32, shape: []int{4}, feed: tfbuild.I32(2, 2, 0, 1)}},
			out: tt{typ: tflite.TensorTypeFLOAT32, shape: []int{4}}, want: tfbuild.F32(2.5, 2.5, 0.5, 1.5)},
		{name: "shape", ins: []tt{x, constI32([]int{2}, 2, 0)}, out: tt{typ: i8, shape: []int{2}}, wantErr: "computes [2 2]"},
		{name: "batch dims > axis", opts: gatherOpts(0, 1), ins: []tt{x, constI32([]int{3, 1}, 1, 0, 1)}, out: tt{typ: i8, shape: []int{3, 1, 2}}, wantErr: "batch_dims"},
		{name: "position type", ins: []tt{x, {typ: i8, shape: []int{1}, data: tfbuild.I8(0)}}, out: tt{typ: i8, shape: []int{1, 2}}, wantErr: "want int32 or int64"},
	})
	_, _, err := runOneOp(tflite.BuiltinOperatorGATHER, nil, []tt{x, {typ: tflite.TensorTypeINT32, shape: []int{1}, feed: tfbuild.I32(3)}}, tt{typ: i8, shape: []int{1, 2}})
	if err == nil || !strings.Contains(err.Error(), "out of bounds") {
		t.Fatalf("position 3 of 3: err = %v, want out of bounds", err)
	}
	_, res, err := runOneOp(tflite.BuiltinOperatorGATHER, nil, []tt{x, constI32([]int{2}, 2, 0)}, tt{typ: i8, shape: []int{2, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if e, err := res.Explain(0, 1); err != nil || e.Value != 6 || !strings.Contains(e.Steps[0].Formula, "positions[0] = 2") {
		t.Fatalf("explain = %+v, %v", e, err)
	}
}
