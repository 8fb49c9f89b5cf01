package engine

import (
	"math"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestArgMax(t *testing.T) {
	i8, i32, i64 := tflite.TensorTypeINT8, tflite.TensorTypeINT32, tflite.TensorTypeINT64
	x := tt{typ: i8, shape: []int{2, 3}, q: tfbuild.Q(0.5, 0), feed: tfbuild.I8(-5, 7, 7, -128, -128, -128)}
	opts := func(typ tflite.TensorType) *tflite.BuiltinOptionsT {
		return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsArgMaxOptions, Value: &tflite.ArgMaxOptionsT{OutputType: typ}}
	}
	nan := float32(math.NaN())
	runOpCases(t, tflite.BuiltinOperatorARG_MAX, []opCase{
		// Ties go to the first index, including all-equal rows at −128.
		{name: "int8 axis 1 ties", opts: opts(i32), ins: []tt{x, constI32([]int{1}, 1)}, out: tt{typ: i32, shape: []int{2}}, want: tfbuild.I32(1, 0)},
		{name: "int8 axis -1", ins: []tt{x, constI32([]int{}, -1)}, out: tt{typ: i32, shape: []int{2}}, want: tfbuild.I32(1, 0)},
		{name: "int8 axis 0", opts: opts(i64), ins: []tt{x, constI32([]int{1}, 0)}, out: tt{typ: i64, shape: []int{3}}, want: tfbuild.I64(0, 0, 0)},
		{name: "int64 axis", ins: []tt{x, {typ: i64, shape: []int{1}, data: tfbuild.I64(1)}}, out: tt{typ: i32, shape: []int{2}}, want: tfbuild.I32(1, 0)},
		{name: "float middle axis", ins: []tt{{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 3, 2}, feed: tfbuild.F32(0.5, -1, 2.5, -3, 2.5, -0.5)}, constI32([]int{}, 1)},
			out: tt{typ: i32, shape: []int{1, 2}}, want: tfbuild.I32(1, 2)},
		// NaN never compares greater, and nothing compares greater than a leading NaN.
		{name: "float NaN", ins: []tt{{typ: tflite.TensorTypeFLOAT32, shape: []int{2, 2}, feed: tfbuild.F32(1, nan, nan, 5)}, constI32([]int{}, 1)},
			out: tt{typ: i32, shape: []int{2}}, want: tfbuild.I32(0, 0)},
		{name: "uint8", ins: []tt{{typ: tflite.TensorTypeUINT8, shape: []int{4}, feed: []byte{3, 255, 0, 255}}, constI32([]int{}, 0)},
			out: tt{typ: i64, shape: []int{}}, want: tfbuild.I64(1)},
		// No TFLite has int16 ARG_MAX (arg_min_max.cc; the browser TFLite:
		// "Unknown input type: 7"; TFLite Micro: float32, uint8, int8).
		{name: "int16", ins: []tt{{typ: tflite.TensorTypeINT16, shape: []int{3}, feed: tfbuild.I16(-32768, -32767, -32768)}, constI32([]int{}, 0)},
			out: tt{typ: i32, shape: []int{}}, wantErr: "not supported"},
		{name: "bool", ins: []tt{{typ: tflite.TensorTypeBOOL, shape: []int{3}, feed: []byte{0, 1, 1}}, constI32([]int{}, 0)},
			out: tt{typ: i32, shape: []int{}}, want: tfbuild.I32(1)},
		{name: "axis out of range", ins: []tt{x, constI32([]int{}, 2)}, out: tt{typ: i32, shape: []int{2}}, wantErr: "out of range"},
		{name: "float output", ins: []tt{x, constI32([]int{}, 1)}, out: tt{typ: tflite.TensorTypeFLOAT32, shape: []int{2}}, wantErr: "int32 or int64"},
		{name: "options disagree", opts: opts(i64), ins: []tt{x, constI32([]int{}, 1)}, out: tt{typ: i32, shape: []int{2}}, wantErr: "options ask"},
		{name: "output shape", ins: []tt{x, constI32([]int{}, 1)}, out: tt{typ: i32, shape: []int{3}}, wantErr: "computes [2]"},
		{name: "two axes", ins: []tt{x, constI32([]int{2}, 0, 1)}, out: tt{typ: i32, shape: []int{2}}, wantErr: "single value"},
	})
}

func TestArgMin(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	// x[2][3] = 3 -1 -1 / 0 5 0
	x := tt{typ: i8, shape: []int{2, 3}, feed: tfbuild.I8(3, -1, -1, 0, 5, 0)}
	runOpCases(t, tflite.BuiltinOperatorARG_MIN, []opCase{
		{name: "axis 1, first on ties", ins: []tt{x, constI32([]int{1}, 1)}, out: tt{typ: tflite.TensorTypeINT32, shape: []int{2}}, want: tfbuild.I32(1, 0)},
		{name: "axis 0", ins: []tt{x, constI32([]int{1}, 0)}, out: tt{typ: tflite.TensorTypeINT64, shape: []int{3}}, want: tfbuild.I64(1, 0, 0)},
	})
	_, res, err := runOneOp(tflite.BuiltinOperatorARG_MIN, nil, []tt{x, constI32([]int{1}, 1)}, tt{typ: tflite.TensorTypeINT32, shape: []int{2}})
	if err != nil {
		t.Fatal(err)
	}
	if e, err := res.Explain(0, 0); err != nil || e.Value != 1 || e.Steps[0].Value != -1 {
		t.Fatalf("explain = %+v, %v; want index 1 of value −1", e, err)
	}
}
