package engine

import (
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func sumOpts(keep bool) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsReducerOptions, Value: &tflite.ReducerOptionsT{KeepDims: keep}}
}

func TestSum(t *testing.T) {
	ax := func(v ...int32) tt { return constI32([]int{len(v)}, v...) }
	// int8 [2, 3] summed over axis 1: rows 100+100+100 and −1−2−3, input
	// scale 1 zero point 0, output scale 4 zero point 1.
	in := q8([]int{2, 3}, 1, 0, 100, 100, 100, -1, -2, -3)
	out := tt{typ: tflite.TensorTypeINT8, shape: []int{2}, q: tfbuild.Q(4, 1)}
	for _, c := range []struct {
		p    Profile
		want []byte
	}{
		// TFLite Micro: MultiplyByQuantizedMultiplier(300, 1/4) = 75 + 1 = 76;
		// −6: SRDHM(−6, 2^30) = −3, RoundingDivideByPOT(−3, 1) = −2 (half away from zero), + 1 = −1.
		{Reference, tfbuild.I8(76, -1)},
		// The browser TFLite: float32 roundf(300/4) + 1 = 76; roundf(−1.5) = −2, + 1 = −1.
		{XNNPack, tfbuild.I8(76, -1)},
	} {
		got, res, err := runOneOpProfile(tflite.BuiltinOperatorSUM, sumOpts(false), []tt{in, ax(1)}, out, c.p)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(c.want) {
			t.Errorf("%s: got %v, want %v", c.p, AsInt8(got), AsInt8(c.want))
		}
		if e, err := res.Explain(0, 1); err != nil || e.Value != int64(int8(c.want[1])) {
			t.Errorf("%s: explanation %+v, %v", c.p, e, err)
		}
	}
	// Same quantization under the browser TFLite: stored values added in
	// int8, wrapping (300 → 44); TFLite Micro clamps to 127.
	same := tt{typ: tflite.TensorTypeINT8, shape: []int{2, 1}, q: tfbuild.Q(1, 0)}
	for p, want := range map[Profile][]byte{Reference: tfbuild.I8(127, -6), XNNPack: tfbuild.I8(44, -6)} {
		got, _, err := runOneOpProfile(tflite.BuiltinOperatorSUM, sumOpts(true), []tt{in, ax(-1)}, same, p)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s same quantization: got %v, want %v", p, AsInt8(got), AsInt8(want))
		}
	}
	runOpCases(t, tflite.BuiltinOperatorSUM, []opCase{
		{name: "float all axes", opts: sumOpts(false), ins: []tt{f32t([]int{2, 2}, 1, 2, 3, 0.5), ax(0, 1)},
			out: tt{typ: tflite.TensorTypeFLOAT32, shape: []int{}}, want: tfbuild.F32(6.5)},
		{name: "int32 duplicate axes", opts: sumOpts(true), ins: []tt{i32t([]int{2, 2}, 1, 2, 3, 4), ax(0, -2)},
			out: tt{typ: tflite.TensorTypeINT32, shape: []int{1, 2}}, want: tfbuild.I32(4, 6)},
		{name: "wrong shape", opts: sumOpts(false), ins: []tt{f32t([]int{2, 2}, 1, 2, 3, 4), ax(0)},
			out: tt{typ: tflite.TensorTypeFLOAT32, shape: []int{1, 2}}, wantErr: "shape"},
	})
}
