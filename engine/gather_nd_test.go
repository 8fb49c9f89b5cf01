package engine

import (
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestGatherNd(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	// x[2][3] = 1..6
	x := tt{typ: i8, shape: []int{2, 3}, feed: tfbuild.I8(1, 2, 3, 4, 5, 6)}
	runOpCases(t, tflite.BuiltinOperatorGATHER_ND, []opCase{
		{name: "elements", ins: []tt{x, constI32([]int{2, 2}, 1, 2, 0, 1)}, out: tt{typ: i8, shape: []int{2}}, want: tfbuild.I8(6, 2)},
		{name: "rows", ins: []tt{x, constI32([]int{3, 1}, 1, 0, 1)}, out: tt{typ: i8, shape: []int{3, 3}}, want: tfbuild.I8(4, 5, 6, 1, 2, 3, 4, 5, 6)},
		{name: "int64 indices", ins: []tt{x, {typ: tflite.TensorTypeINT64, shape: []int{2}, data: tfbuild.I64(0, 2)}}, out: tt{typ: i8}, want: tfbuild.I8(3)},
		{name: "depth", ins: []tt{x, constI32([]int{1, 3}, 0, 0, 0)}, out: tt{typ: i8, shape: []int{1}}, wantErr: "address 3 dimensions"},
		{name: "shape", ins: []tt{x, constI32([]int{2, 2}, 1, 2, 0, 1)}, out: tt{typ: i8, shape: []int{2, 1}}, wantErr: "computes [2]"},
	})
	_, _, err := runOneOp(tflite.BuiltinOperatorGATHER_ND, nil, []tt{x, {typ: tflite.TensorTypeINT32, shape: []int{2}, feed: tfbuild.I32(0, 3)}}, tt{typ: i8})
	if err == nil || !strings.Contains(err.Error(), "out of bounds") {
		t.Fatalf("index 3 of 3: err = %v, want out of bounds", err)
	}
}

func TestDepthToSpace(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	bs := func(code tflite.BuiltinOperator, b int) *tflite.BuiltinOptionsT {
		if code == tflite.BuiltinOperatorDEPTH_TO_SPACE {
			return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsDepthToSpaceOptions, Value: &tflite.DepthToSpaceOptionsT{BlockSize: int32(b)}}
		}
		return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSpaceToDepthOptions, Value: &tflite.SpaceToDepthOptionsT{BlockSize: int32(b)}}
	}
	d2s, s2d := tflite.BuiltinOperatorDEPTH_TO_SPACE, tflite.BuiltinOperatorSPACE_TO_DEPTH
	// depth [1,1,1,8] with B=2 → [1,2,2,2]: out[y][x][c] = in[(2y+x)·2 + c]
	deep := tt{typ: i8, shape: []int{1, 1, 1, 8}, feed: tfbuild.I8(1, 2, 3, 4, 5, 6, 7, 8)}
	runOpCases(t, d2s, []opCase{
		{name: "1x1", opts: bs(d2s, 2), ins: []tt{deep}, out: tt{typ: i8, shape: []int{1, 2, 2, 2}}, want: tfbuild.I8(1, 2, 3, 4, 5, 6, 7, 8)},
		// [1,1,2,4] B=2 → [1,2,4,1]: row 0 = in[0][0][0,1], in[0][1][0,1]; row 1 = in[0][0][2,3], in[0][1][2,3]
		{name: "2 columns", opts: bs(d2s, 2), ins: []tt{{typ: i8, shape: []int{1, 1, 2, 4}, feed: tfbuild.I8(1, 2, 3, 4, 5, 6, 7, 8)}}, out: tt{typ: i8, shape: []int{1, 2, 4, 1}},
			want: tfbuild.I8(1, 2, 5, 6, 3, 4, 7, 8)},
		{name: "depth", opts: bs(d2s, 3), ins: []tt{deep}, out: tt{typ: i8, shape: []int{1, 3, 3, 1}}, wantErr: "multiple of block_size²"},
		{name: "no block", ins: []tt{deep}, out: tt{typ: i8, shape: []int{1, 1, 1, 8}}, wantErr: "block_size 0"},
	})
	runOpCases(t, s2d, []opCase{
		{name: "inverse", opts: bs(s2d, 2), ins: []tt{{typ: i8, shape: []int{1, 2, 4, 1}, feed: tfbuild.I8(1, 2, 5, 6, 3, 4, 7, 8)}}, out: tt{typ: i8, shape: []int{1, 1, 2, 4}},
			want: tfbuild.I8(1, 2, 3, 4, 5, 6, 7, 8)},
		{name: "height", opts: bs(s2d, 2), ins: []tt{{typ: i8, shape: []int{1, 3, 2, 1}, feed: make([]byte, 6)}}, out: tt{typ: i8, shape: []int{1, 1, 1, 4}}, wantErr: "multiples of block_size"},
	})
}
