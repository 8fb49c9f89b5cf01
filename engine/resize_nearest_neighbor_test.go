package engine

import (
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestResizeNearestNeighbor(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	x := tt{typ: i8, shape: []int{1, 2, 2, 1}, feed: tfbuild.I8(1, 2, 3, 4)}
	rnn := func(align, half bool) *tflite.BuiltinOptionsT {
		return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsResizeNearestNeighborOptions,
			Value: &tflite.ResizeNearestNeighborOptionsT{AlignCorners: align, HalfPixelCenters: half}}
	}
	out33 := tt{typ: i8, shape: []int{1, 3, 3, 1}}
	runOpCases(t, tflite.BuiltinOperatorRESIZE_NEAREST_NEIGHBOR, []opCase{
		// scale 2/3: rows floor(0), floor(0.67), floor(1.33) = 0, 0, 1
		{name: "plain", ins: []tt{x, constI32([]int{2}, 3, 3)}, out: out33, want: tfbuild.I8(1, 1, 2, 1, 1, 2, 3, 3, 4)},
		// scale 1/2: round(0), round(0.5), round(1) = 0, 1, 1 (half away from zero)
		{name: "align corners", opts: rnn(true, false), ins: []tt{x, constI32([]int{2}, 3, 3)}, out: out33, want: tfbuild.I8(1, 2, 2, 3, 4, 4, 3, 4, 4)},
		// scale 2/3: floor(0.33), floor(1.0), floor(1.67) = 0, 1, 1
		{name: "half pixel", opts: rnn(false, true), ins: []tt{x, constI32([]int{2}, 3, 3)}, out: out33, want: tfbuild.I8(1, 2, 2, 3, 4, 4, 3, 4, 4)},
		// downscale 2→1 with half pixel centers: floor(0.5·2) = 1
		{name: "half pixel down", opts: rnn(false, true), ins: []tt{x, constI32([]int{2}, 1, 1)}, out: tt{typ: i8, shape: []int{1, 1, 1, 1}}, want: tfbuild.I8(4)},
		{name: "float channels", ins: []tt{{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 1, 2, 2}, feed: tfbuild.F32(1.5, -2, 3, 4)}, constI32([]int{2}, 1, 4)},
			out: tt{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 1, 4, 2}}, want: tfbuild.F32(1.5, -2, 1.5, -2, 3, 4, 3, 4)},
		{name: "int16", ins: []tt{{typ: tflite.TensorTypeINT16, shape: []int{1, 1, 2, 1}, feed: tfbuild.I16(-300, 300)}, constI32([]int{2}, 2, 2)},
			out: tt{typ: tflite.TensorTypeINT16, shape: []int{1, 2, 2, 1}}, want: tfbuild.I16(-300, 300, -300, 300)},
		{name: "rank 3", ins: []tt{{typ: i8, shape: []int{2, 2, 1}, feed: tfbuild.I8(1, 2, 3, 4)}, constI32([]int{2}, 3, 3)}, out: out33, wantErr: "4-D"},
		{name: "size shape", ins: []tt{x, constI32([]int{3}, 3, 3, 3)}, out: out33, wantErr: "want [2]"},
		{name: "output shape", ins: []tt{x, constI32([]int{2}, 3, 3)}, out: tt{typ: i8, shape: []int{1, 3, 2, 1}}, wantErr: "computes [1 3 3 1]"},
		{name: "int32", ins: []tt{{typ: tflite.TensorTypeINT32, shape: []int{1, 1, 1, 1}, feed: tfbuild.I32(1)}, constI32([]int{2}, 1, 1)},
			out: tt{typ: tflite.TensorTypeINT32, shape: []int{1, 1, 1, 1}}, wantErr: "not supported"},
	})
}

func TestResizeNearestNeighborExplain(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	_, res, err := runOneOp(tflite.BuiltinOperatorRESIZE_NEAREST_NEIGHBOR, nil,
		[]tt{{typ: i8, shape: []int{1, 2, 2, 1}, feed: tfbuild.I8(1, 2, 3, 4)}, constI32([]int{2}, 3, 3)}, tt{typ: i8, shape: []int{1, 3, 3, 1}})
	if err != nil {
		t.Fatal(err)
	}
	// output (2, 2) comes from input (1, 1): floor(2·2/3) = 1.
	e, err := res.Explain(0, 8)
	if err != nil {
		t.Fatal(err)
	}
	if e.Value != 4 || !strings.Contains(e.Steps[len(e.Steps)-1].Formula, "[0 1 1 0]") || !strings.Contains(e.Steps[0].Formula, "row 1 = min(floor((2)·0.666666687), 1)") {
		t.Fatalf("explanation %+v", e)
	}
}
