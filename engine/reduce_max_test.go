package engine

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestReduceMax(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	keep := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsReducerOptions, Value: &tflite.ReducerOptionsT{KeepDims: true}}
	// x[2][3] = 1 -5 3 / 4 2 -6
	x := tt{typ: i8, shape: []int{2, 3}, q: tfbuild.Q(0.5, 1), feed: tfbuild.I8(1, -5, 3, 4, 2, -6)}
	q := tfbuild.Q(0.5, 1)
	runOpCases(t, tflite.BuiltinOperatorREDUCE_MAX, []opCase{
		{name: "axis 1", ins: []tt{x, constI32([]int{1}, 1)}, out: tt{typ: i8, shape: []int{2}, q: q}, want: tfbuild.I8(3, 4)},
		{name: "axis 0 keep", opts: keep, ins: []tt{x, constI32([]int{1}, -2)}, out: tt{typ: i8, shape: []int{1, 3}, q: q}, want: tfbuild.I8(4, 2, 3)},
		{name: "all", ins: []tt{x, constI32([]int{2}, 0, 1)}, out: tt{typ: i8, q: q}, want: tfbuild.I8(4)},
		{name: "float", ins: []tt{{typ: tflite.TensorTypeFLOAT32, shape: []int{3}, feed: tfbuild.F32(-1, -0.5, -7)}, constI32([]int{1}, 0)}, out: tt{typ: tflite.TensorTypeFLOAT32}, want: tfbuild.F32(-0.5)},
		{name: "quantization", ins: []tt{x, constI32([]int{1}, 1)}, out: tt{typ: i8, shape: []int{2}, q: tfbuild.Q(0.25, 1)}, wantErr: "does not rescale"},
		{name: "shape", ins: []tt{x, constI32([]int{1}, 1)}, out: tt{typ: i8, shape: []int{3}, q: q}, wantErr: "computes [2]"},
	})
	runOpCases(t, tflite.BuiltinOperatorREDUCE_MIN, []opCase{
		{name: "axis 1", ins: []tt{x, constI32([]int{1}, 1)}, out: tt{typ: i8, shape: []int{2}, q: q}, want: tfbuild.I8(-5, -6)},
		{name: "int32", ins: []tt{{typ: tflite.TensorTypeINT32, shape: []int{2, 2}, feed: tfbuild.I32(7, 1<<30, -1<<31, 0)}, constI32([]int{1}, 0)},
			out: tt{typ: tflite.TensorTypeINT32, shape: []int{2}}, want: tfbuild.I32(-1<<31, 0)},
	})
	_, res, err := runOneOp(tflite.BuiltinOperatorREDUCE_MAX, nil, []tt{x, constI32([]int{1}, 1)}, tt{typ: i8, shape: []int{2}, q: q})
	if err != nil {
		t.Fatal(err)
	}
	if e, err := res.Explain(0, 1); err != nil || e.Value != 4 || !strings.Contains(e.Steps[1].Formula, "[1 0]") {
		t.Fatalf("explain = %+v, %v; want input [1 0] = 4", e, err)
	}
	if b, _ := json.Marshal(res.Model.Ops[0].Params); !strings.Contains(string(b), `"axes":[1]`) {
		t.Fatalf("params JSON %s lacks the axes", b)
	}
}
