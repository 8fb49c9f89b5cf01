package engine

import (
	"bytes"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestElu(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	runOpCases(t, tflite.BuiltinOperatorELU, []opCase{
		// s_in = 0.5, s_out = 1/32: x = 0 → 0; 1 → 0.5·32 = 16; 4 → 64;
		// −2 → expm1(−1)·32 = −20.23 → −20; −128 → expm1(−64)·32 = −32;
		// 127 → 63.5·32 = 2032 → 127.
		{name: "int8", ins: []tt{q8([]int{6}, 0.5, 0, 0, 1, 4, -2, -128, 127)},
			out: tt{typ: i8, shape: []int{6}, q: tfbuild.Q(1.0/32, 0)}, want: tfbuild.I8(0, 16, 64, -20, -32, 127)},
		// zero points: x − 10 = −2 → −20 + 3 = −17.
		{name: "zero points", ins: []tt{q8([]int{1}, 0.5, 10, 8)},
			out: tt{typ: i8, shape: []int{1}, q: tfbuild.Q(1.0/32, 3)}, want: tfbuild.I8(-17)},
		{name: "float32 refused", ins: []tt{f32t([]int{1}, -1)},
			out: tt{typ: tflite.TensorTypeFLOAT32, shape: []int{1}}, wantErr: "not supported"},
		{name: "uint8 refused", ins: []tt{u8t([]int{1}, 0.5, 128, 1)},
			out: tt{typ: tflite.TensorTypeUINT8, shape: []int{1}, q: tfbuild.Q(0.5, 128)}, wantErr: "not supported"},
	})
}

// TestEluTies: with s_out = 2·s_in the table's positive entries are ties
// x/2: TFLite's table (reference, TFLite Micro) rounds them away from zero,
// the XNNPACK delegate's to even (the oracle shows both; difftest ELU).
func TestEluTies(t *testing.T) {
	in := tt{typ: tflite.TensorTypeINT8, shape: []int{4}, q: tfbuild.Q(0.5, 0), feed: tfbuild.I8(1, 3, 5, -1)}
	m, err := Load(oneOp(tflite.BuiltinOperatorELU, nil, []tt{in}, tt{typ: tflite.TensorTypeINT8, shape: []int{4}, q: tfbuild.Q(1, 0)}))
	if err != nil {
		t.Fatal(err)
	}
	// −1 → expm1(−0.5) = −0.39 → 0 in both.
	for _, c := range []struct {
		p    Profile
		want []byte
	}{{Reference, tfbuild.I8(1, 2, 3, 0)}, {XNNPack, tfbuild.I8(0, 2, 2, 0)}} {
		res, err := m.Run([][]byte{in.feed}, Options{Profile: c.p})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Tensors[m.Outputs[0]]; !bytes.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.p, AsInt8(got), AsInt8(c.want))
		}
	}
}
