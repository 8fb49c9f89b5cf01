package engine

import (
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestBroadcastTo(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	runOpCases(t, tflite.BuiltinOperatorBROADCAST_TO, []opCase{
		{name: "rows", ins: []tt{{typ: i8, shape: []int{3}, feed: tfbuild.I8(1, 2, 3)}, constI32([]int{2}, 2, 3)}, out: tt{typ: i8, shape: []int{2, 3}}, want: tfbuild.I8(1, 2, 3, 1, 2, 3)},
		{name: "columns", ins: []tt{{typ: i8, shape: []int{2, 1}, feed: tfbuild.I8(1, 2)}, constI32([]int{2}, 2, 2)}, out: tt{typ: i8, shape: []int{2, 2}}, want: tfbuild.I8(1, 1, 2, 2)},
		{name: "mismatch", ins: []tt{{typ: i8, shape: []int{3}, feed: tfbuild.I8(1, 2, 3)}, constI32([]int{2}, 2, 2)}, out: tt{typ: i8, shape: []int{2, 2}}, wantErr: "cannot broadcast"},
	})
}

func TestMirrorPad(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	x := tt{typ: i8, shape: []int{3}, feed: tfbuild.I8(1, 2, 3)}
	mode := func(m tflite.MirrorPadMode) *tflite.BuiltinOptionsT {
		return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsMirrorPadOptions, Value: &tflite.MirrorPadOptionsT{Mode: m}}
	}
	runOpCases(t, tflite.BuiltinOperatorMIRROR_PAD, []opCase{
		{name: "reflect", opts: mode(tflite.MirrorPadModeREFLECT), ins: []tt{x, constI32([]int{1, 2}, 2, 2)}, out: tt{typ: i8, shape: []int{7}}, want: tfbuild.I8(3, 2, 1, 2, 3, 2, 1)},
		{name: "symmetric", opts: mode(tflite.MirrorPadModeSYMMETRIC), ins: []tt{x, constI32([]int{1, 2}, 3, 1)}, out: tt{typ: i8, shape: []int{7}}, want: tfbuild.I8(3, 2, 1, 1, 2, 3, 3)},
		{name: "reflect too far", opts: mode(tflite.MirrorPadModeREFLECT), ins: []tt{x, constI32([]int{1, 2}, 3, 0)}, out: tt{typ: i8, shape: []int{6}}, wantErr: "at most 2"},
	})
}

func TestSpaceBatch(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	// [1,2,2,1] = 1 2 / 3 4, block 2×2 → [4,1,1,1]: batch k = (sh·2 + sw) picks in[sh][sw]
	x := tt{typ: i8, shape: []int{1, 2, 2, 1}, feed: tfbuild.I8(1, 2, 3, 4)}
	runOpCases(t, tflite.BuiltinOperatorSPACE_TO_BATCH_ND, []opCase{
		{name: "2x2", ins: []tt{x, constI32([]int{2}, 2, 2), constI32([]int{2, 2}, 0, 0, 0, 0)}, out: tt{typ: i8, shape: []int{4, 1, 1, 1}}, want: tfbuild.I8(1, 2, 3, 4)},
		// padding left 1 on a [1,1,1,1] input, block 1×2 → [2,1,1,1]: batch 0 reads x = −1 (padding: 0 as
		// TFLite Micro pads, not the zero point 5), batch 1 reads x = 0
		{name: "padded int8", ins: []tt{{typ: i8, shape: []int{1, 1, 1, 1}, q: tfbuild.Q(0.5, 5), feed: tfbuild.I8(9)}, constI32([]int{2}, 1, 2), constI32([]int{2, 2}, 0, 0, 1, 0)},
			out: tt{typ: i8, shape: []int{2, 1, 1, 1}, q: tfbuild.Q(0.5, 5)}, want: tfbuild.I8(0, 9)},
		{name: "3-D", ins: []tt{{typ: i8, shape: []int{1, 4, 1}, feed: tfbuild.I8(1, 2, 3, 4)}, constI32([]int{1}, 2), constI32([]int{1, 2}, 0, 0)},
			out: tt{typ: i8, shape: []int{2, 2, 1}}, want: tfbuild.I8(1, 3, 2, 4)},
		{name: "not a multiple", ins: []tt{x, constI32([]int{2}, 3, 2), constI32([]int{2, 2}, 0, 0, 0, 0)}, out: tt{typ: i8, shape: []int{4, 1, 1, 1}}, wantErr: "not a multiple"},
	})
	runOpCases(t, tflite.BuiltinOperatorBATCH_TO_SPACE_ND, []opCase{
		{name: "inverse", ins: []tt{{typ: i8, shape: []int{4, 1, 1, 1}, feed: tfbuild.I8(1, 2, 3, 4)}, constI32([]int{2}, 2, 2), constI32([]int{2, 2}, 0, 0, 0, 0)},
			out: tt{typ: i8, shape: []int{1, 2, 2, 1}}, want: tfbuild.I8(1, 2, 3, 4)},
		{name: "cropped", ins: []tt{{typ: i8, shape: []int{4, 1, 1, 1}, feed: tfbuild.I8(1, 2, 3, 4)}, constI32([]int{2}, 2, 2), constI32([]int{2, 2}, 1, 0, 0, 1)},
			out: tt{typ: i8, shape: []int{1, 1, 1, 1}}, want: tfbuild.I8(3)},
	})
}

func TestCumsum(t *testing.T) {
	i32 := tflite.TensorTypeINT32
	x := tt{typ: i32, shape: []int{2, 3}, feed: tfbuild.I32(1, 2, 3, 4, 5, 6)}
	o := func(excl, rev bool) *tflite.BuiltinOptionsT {
		return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsCumsumOptions, Value: &tflite.CumsumOptionsT{Exclusive: excl, Reverse: rev}}
	}
	out := tt{typ: i32, shape: []int{2, 3}}
	runOpCases(t, tflite.BuiltinOperatorCUMSUM, []opCase{
		{name: "axis 1", ins: []tt{x, constI32(nil, 1)}, out: out, want: tfbuild.I32(1, 3, 6, 4, 9, 15)},
		{name: "exclusive", opts: o(true, false), ins: []tt{x, constI32(nil, 1)}, out: out, want: tfbuild.I32(0, 1, 3, 0, 4, 9)},
		{name: "reverse", opts: o(false, true), ins: []tt{x, constI32(nil, 1)}, out: out, want: tfbuild.I32(6, 5, 3, 15, 11, 6)},
		{name: "axis 0 exclusive reverse", opts: o(true, true), ins: []tt{x, constI32(nil, 0)}, out: out, want: tfbuild.I32(4, 5, 6, 0, 0, 0)},
		{name: "int8", ins: []tt{{typ: tflite.TensorTypeINT8, shape: []int{1}, feed: tfbuild.I8(1)}, constI32(nil, 0)}, out: tt{typ: tflite.TensorTypeINT8, shape: []int{1}}, wantErr: "not supported"},
	})
}

func TestTopKV2(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	x := tt{typ: i8, shape: []int{2, 4}, feed: tfbuild.I8(3, 7, 3, 1, -1, -1, -5, 0)}
	runMultiCases(t, tflite.BuiltinOperatorTOPK_V2, []multiCase{
		{name: "k 2, ties by index", ins: []tt{x, constI32(nil, 2)}, outs: []tt{{typ: i8, shape: []int{2, 2}}, {typ: tflite.TensorTypeINT32, shape: []int{2, 2}}},
			want: [][]byte{tfbuild.I8(7, 3, 0, -1), tfbuild.I32(1, 0, 3, 0)}},
		{name: "k too large", ins: []tt{x, constI32(nil, 5)}, outs: []tt{{typ: i8, shape: []int{2, 5}}, {typ: tflite.TensorTypeINT32, shape: []int{2, 5}}}, wantErr: "k = 5"},
	})
}

// TestSpaceToBatchPadXNNPack: the browser TFLite's builtin kernel pads int8
// with the output zero point.
func TestSpaceToBatchPadXNNPack(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	m, err := Load(oneOp(tflite.BuiltinOperatorSPACE_TO_BATCH_ND, nil, []tt{{typ: i8, shape: []int{1, 1, 1, 1}, q: tfbuild.Q(0.5, 5)},
		constI32([]int{2}, 1, 2), constI32([]int{2, 2}, 0, 0, 1, 0)}, tt{typ: i8, shape: []int{2, 1, 1, 1}, q: tfbuild.Q(0.5, 5)}))
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[Profile][]int8{Reference: {0, 9}, XNNPack: {5, 9}} {
		res, err := m.Run([][]byte{tfbuild.I8(9)}, Options{Profile: p})
		if err != nil {
			t.Fatal(err)
		}
		if got := AsInt8(res.Tensors[m.Outputs[0]]); got[0] != want[0] || got[1] != want[1] {
			t.Errorf("%s: got %v, want %v", p, got, want)
		}
	}
}
