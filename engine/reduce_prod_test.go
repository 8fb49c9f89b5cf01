package engine

import (
	"math"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestReduceProd(t *testing.T) {
	f32, i32, i64 := tflite.TensorTypeFLOAT32, tflite.TensorTypeINT32, tflite.TensorTypeINT64
	axes := func(v ...int32) tt { return tt{typ: i32, shape: []int{len(v)}, data: tfbuild.I32(v...)} }
	keep := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsReducerOptions, Value: &tflite.ReducerOptionsT{KeepDims: true}}
	runOpCases(t, tflite.BuiltinOperatorREDUCE_PROD, []opCase{
		// Rows of [2, 3]: 1·2·−3·0.5 = −3 and 1·1.5·1.5·1.5 = 3.375.
		{name: "float last axis", ins: []tt{f32t([]int{2, 3}, 2, -3, 0.5, 1.5, 1.5, 1.5), axes(-1)},
			out: tt{typ: f32, shape: []int{2}}, want: tfbuild.F32(-3, 3.375)},
		// Columns, kept: 2·1.5, −3·1.5, 0.5·1.5.
		{name: "float first axis keep_dims", opts: keep, ins: []tt{f32t([]int{2, 3}, 2, -3, 0.5, 1.5, 1.5, 1.5), axes(0)},
			out: tt{typ: f32, shape: []int{1, 3}}, want: tfbuild.F32(3, -4.5, 0.75)},
		// Every axis, the duplicate dropped; float32 at each step in input
		// order: 1e30·1e30 overflows to +Inf before ·1e-30 (the exact
		// product, 1e30, is finite).
		{name: "float32 steps", ins: []tt{f32t([]int{3}, 1e30, 1e30, 1e-30), axes(0, -1)},
			out: tt{typ: f32, shape: []int{}}, want: tfbuild.F32(float32(math.Inf(1)))},
		// 65536·65536 wraps to 0 in int32; −7·3 = −21.
		{name: "int32 wraps", ins: []tt{{typ: i32, shape: []int{2, 2}, feed: tfbuild.I32(65536, 65536, -7, 3)}, axes(1)},
			out: tt{typ: i32, shape: []int{2}}, want: tfbuild.I32(0, -21)},
		{name: "int64", ins: []tt{{typ: i64, shape: []int{2}, feed: tfbuild.I64(1<<32, -3)}, axes(0)},
			out: tt{typ: i64, shape: []int{}}, want: tfbuild.I64(-3 << 32)},
		// Scaling 0.5/√0.25 = 1 (M = 2^30, shift 1: exact): v = (5−1, 7−1),
		// 4·6 = 24 (real 2·3 = 6 = 24·0.25), + zero point −3 = 21.
		{name: "int8", ins: []tt{q8([]int{2}, 0.5, 1, 5, 7), axes(0)},
			out: tt{typ: tflite.TensorTypeINT8, shape: []int{}, q: tfbuild.Q(0.25, -3)}, want: tfbuild.I8(21)},
		// 20·20 = 400 clamps to 127.
		{name: "int8 clamp", ins: []tt{q8([]int{2}, 0.5, 0, 20, 20), axes(0)},
			out: tt{typ: tflite.TensorTypeINT8, shape: []int{}, q: tfbuild.Q(0.25, 0)}, want: tfbuild.I8(127)},
		// All reduced axes of size 1: refused (TFLite's output is not the
		// same from one run to the next).
		{name: "int8 axis of size 1", ins: []tt{q8([]int{1, 2}, 0.5, 0, 1, 2), axes(0)},
			out: tt{typ: tflite.TensorTypeINT8, shape: []int{2}, q: tfbuild.Q(0.25, 0)}, wantErr: "all of size 1"},
		// A size-1 axis among longer ones: the "int8" case again, as [1 2].
		{name: "int8 size-1 axis among others", ins: []tt{q8([]int{1, 2}, 0.5, 1, 5, 7), axes(0, 1)},
			out: tt{typ: tflite.TensorTypeINT8, shape: []int{}, q: tfbuild.Q(0.25, -3)}, want: tfbuild.I8(21)},
		{name: "int16", ins: []tt{q16([]int{2}, 1, 0, 1, 2), axes(0)},
			out: tt{typ: tflite.TensorTypeINT16, shape: []int{}, q: tfbuild.Q(1, 0)}, wantErr: "not supported"},
		{name: "bad axis", ins: []tt{f32t([]int{2}, 1, 2), axes(1)}, out: tt{typ: f32, shape: []int{}}, wantErr: "out of range"},
	})
}

func TestReduceProdExplain(t *testing.T) {
	axes := tt{typ: tflite.TensorTypeINT32, shape: []int{1}, data: tfbuild.I32(1)}
	for _, p := range Profiles() {
		_, res, err := runOneOpProfile(tflite.BuiltinOperatorREDUCE_PROD, nil,
			[]tt{f32t([]int{2, 2}, 2, -3, 0.5, 1.5), axes}, tt{typ: tflite.TensorTypeFLOAT32, shape: []int{2}}, p)
		if err != nil {
			t.Fatal(err)
		}
		if e, err := res.Explain(0, 1); err != nil || e.Real != 0.75 || e.Steps[0].Value != 2 {
			t.Fatalf("%s: explanation %+v, %v", p, e, err)
		}
		_, res, err = runOneOpProfile(tflite.BuiltinOperatorREDUCE_PROD, nil,
			[]tt{{typ: tflite.TensorTypeINT32, shape: []int{2, 2}, feed: tfbuild.I32(65536, 65536, -7, 3)}, axes},
			tt{typ: tflite.TensorTypeINT32, shape: []int{2}}, p)
		if err != nil {
			t.Fatal(err)
		}
		if e, err := res.Explain(0, 1); err != nil || e.Value != -21 {
			t.Fatalf("%s: int32 explanation %+v, %v", p, e, err)
		}
	}
}

func TestReduceProdInt8Explain(t *testing.T) {
	axes := tt{typ: tflite.TensorTypeINT32, shape: []int{1}, data: tfbuild.I32(0)}
	for _, p := range Profiles() {
		_, res, err := runOneOpProfile(tflite.BuiltinOperatorREDUCE_PROD, nil, []tt{q8([]int{2}, 0.5, 1, 5, 7), axes},
			tt{typ: tflite.TensorTypeINT8, shape: []int{}, q: tfbuild.Q(0.25, -3)}, p)
		if err != nil {
			t.Fatal(err)
		}
		if e, err := res.Explain(0, 0); err != nil || e.Value != 21 || e.Steps[1].Value != 24 {
			t.Fatalf("%s: explanation %+v, %v", p, e, err)
		}
	}
}
