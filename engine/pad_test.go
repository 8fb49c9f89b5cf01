package engine

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestPad(t *testing.T) {
	i8, f32, i16 := tflite.TensorTypeINT8, tflite.TensorTypeFLOAT32, tflite.TensorTypeINT16
	q := tfbuild.Q(0.5, -3)
	x := tt{typ: i8, shape: []int{1, 2, 2, 1}, q: q, feed: tfbuild.I8(1, 2, 3, 4)}
	pads := constI32([]int{4, 2}, 0, 0, 1, 0, 0, 1, 0, 0)
	cases := []opCase{
		{name: "int8 zero point", ins: []tt{x, pads}, out: tt{typ: i8, shape: []int{1, 3, 3, 1}, q: q},
			want: tfbuild.I8(-3, -3, -3, 1, 2, -3, 3, 4, -3)},
		{name: "int64 paddings", ins: []tt{x, {typ: tflite.TensorTypeINT64, shape: []int{4, 2}, data: tfbuild.I64(0, 0, 1, 0, 0, 1, 0, 0)}},
			out: tt{typ: i8, shape: []int{1, 3, 3, 1}, q: q}, want: tfbuild.I8(-3, -3, -3, 1, 2, -3, 3, 4, -3)},
		{name: "int8 zero point -128", ins: []tt{{typ: i8, shape: []int{1}, q: tfbuild.Q(1, -128), feed: tfbuild.I8(127)}, constI32([]int{1, 2}, 1, 1)},
			out: tt{typ: i8, shape: []int{3}, q: tfbuild.Q(1, -128)}, want: tfbuild.I8(-128, 127, -128)},
		{name: "int16", ins: []tt{{typ: i16, shape: []int{1, 3}, q: tfbuild.Q(1, 0), feed: tfbuild.I16(10, 20, 30)}, constI32([]int{2, 2}, 1, 0, 0, 2)},
			out: tt{typ: i16, shape: []int{2, 5}, q: tfbuild.Q(1, 0)}, want: tfbuild.I16(0, 0, 0, 0, 0, 10, 20, 30, 0, 0)},
		{name: "uint8", ins: []tt{{typ: tflite.TensorTypeUINT8, shape: []int{2}, q: tfbuild.Q(1, 128), feed: []byte{1, 255}}, constI32([]int{1, 2}, 1, 1)},
			out: tt{typ: tflite.TensorTypeUINT8, shape: []int{4}, q: tfbuild.Q(1, 128)}, want: []byte{128, 1, 255, 128}},
		{name: "float", ins: []tt{{typ: f32, shape: []int{2}, feed: tfbuild.F32(1, -2)}, constI32([]int{1, 2}, 0, 2)},
			out: tt{typ: f32, shape: []int{4}}, want: tfbuild.F32(1, -2, 0, 0)},
		{name: "scalar", ins: []tt{{typ: f32, shape: []int{}, feed: tfbuild.F32(5)}, {typ: tflite.TensorTypeINT32, shape: []int{0, 2}}},
			out: tt{typ: f32, shape: []int{}}, want: tfbuild.F32(5)},
		{name: "negative", ins: []tt{x, constI32([]int{4, 2}, 0, 0, -1, 0, 0, 0, 0, 0)}, out: tt{typ: i8, shape: []int{1, 1, 2, 1}, q: q}, wantErr: "negative"},
		{name: "paddings shape", ins: []tt{x, constI32([]int{2, 2}, 0, 0, 0, 0)}, out: tt{typ: i8, shape: []int{1, 2, 2, 1}, q: q}, wantErr: "want [4 2]"},
		// Paddings computed at run time: the output is dynamic, its stored
		// shape ignored (TFLite resizes it in Eval).
		{name: "paddings not constant", ins: []tt{x, {typ: tflite.TensorTypeINT32, shape: []int{4, 2}, feed: tfbuild.I32(0, 0, 1, 0, 0, 1, 0, 0)}},
			out: tt{typ: i8, shape: []int{1, 2, 2, 1}, q: q}, want: tfbuild.I8(-3, -3, -3, 1, 2, -3, 3, 4, -3)},
		{name: "output shape", ins: []tt{x, pads}, out: tt{typ: i8, shape: []int{1, 3, 3, 2}, q: q}, wantErr: "computes [1 3 3 1]"},
		{name: "int16 zero point", ins: []tt{{typ: i16, shape: []int{1}, q: tfbuild.Q(1, 2), feed: tfbuild.I16(1)}, constI32([]int{1, 2}, 1, 0)},
			out: tt{typ: i16, shape: []int{2}, q: tfbuild.Q(1, 2)}, wantErr: "must be 0"},
		{name: "rank 6", ins: []tt{{typ: i8, shape: []int{1, 1, 1, 1, 1, 1}, q: q, feed: tfbuild.I8(1)}, constI32([]int{6, 2}, make([]int32, 12)...)},
			out: tt{typ: i8, shape: []int{1, 1, 1, 1, 1, 1}, q: q}, wantErr: "up to 5"},
		{name: "type", ins: []tt{x, pads}, out: tt{typ: i16, shape: []int{1, 3, 3, 1}, q: q}, wantErr: "only moves"},
	}
	runOpCases(t, tflite.BuiltinOperatorPAD, cases)

	runOpCases(t, tflite.BuiltinOperatorPADV2, []opCase{
		{name: "float value", ins: []tt{{typ: f32, shape: []int{2}, feed: tfbuild.F32(1, 2)}, constI32([]int{1, 2}, 2, 1), {typ: f32, shape: []int{}, data: tfbuild.F32(7.5)}},
			out: tt{typ: f32, shape: []int{5}}, want: tfbuild.F32(7.5, 7.5, 1, 2, 7.5)},
		{name: "int8 value", ins: []tt{x, pads, {typ: i8, shape: []int{1}, q: q, data: tfbuild.I8(100)}},
			out: tt{typ: i8, shape: []int{1, 3, 3, 1}, q: q}, want: tfbuild.I8(100, 100, 100, 1, 2, 100, 3, 4, 100)},
		{name: "fed value", ins: []tt{{typ: i16, shape: []int{1}, q: tfbuild.Q(1, 0), feed: tfbuild.I16(9)}, constI32([]int{1, 2}, 0, 1), {typ: i16, shape: []int{}, q: tfbuild.Q(1, 0), feed: tfbuild.I16(-300)}},
			out: tt{typ: i16, shape: []int{2}, q: tfbuild.Q(1, 0)}, want: tfbuild.I16(9, -300)},
		{name: "int8 value quantized differently", ins: []tt{x, pads, {typ: i8, shape: []int{1}, q: tfbuild.Q(0.5, 0), data: tfbuild.I8(1)}},
			out: tt{typ: i8, shape: []int{1, 3, 3, 1}, q: q}, wantErr: "quantized like the output"},
		{name: "value type", ins: []tt{x, pads, constI32([]int{1}, 1)}, out: tt{typ: i8, shape: []int{1, 3, 3, 1}, q: q}, wantErr: "like the input"},
		{name: "value not scalar", ins: []tt{x, pads, {typ: i8, shape: []int{2}, q: q, data: tfbuild.I8(1, 2)}}, out: tt{typ: i8, shape: []int{1, 3, 3, 1}, q: q}, wantErr: "single value"},
	})
}

// TestPadRandom compares 5-D int16 padding with a per-element re-derivation.
func TestPadRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for iter := 0; iter < 20; iter++ {
		rank := 1 + rng.Intn(5)
		in, out := make([]int, rank), make([]int, rank)
		var pads []int32
		for d := range in {
			in[d] = 1 + rng.Intn(3)
			l, r := rng.Intn(3), rng.Intn(3)
			pads = append(pads, int32(l), int32(r))
			out[d] = in[d] + l + r
		}
		x := make([]int16, numElements(in))
		for i := range x {
			x[i] = int16(rng.Intn(65536) - 32768)
		}
		want := make([]int16, numElements(out))
		for o := range want {
			c := unflatten(o, out)
			inside, i := true, 0
			for d := range c {
				k := c[d] - int(pads[2*d])
				if k < 0 || k >= in[d] {
					inside = false
					break
				}
				i = i*in[d] + k
			}
			want[o] = 77
			if inside {
				want[o] = x[i]
			}
		}
		q := tfbuild.Q(1, 0)
		got, _, err := runOneOp(tflite.BuiltinOperatorPADV2, nil, []tt{
			{typ: tflite.TensorTypeINT16, shape: in, q: q, feed: tfbuild.I16(x...)},
			constI32([]int{rank, 2}, pads...),
			{typ: tflite.TensorTypeINT16, shape: []int{}, q: q, data: tfbuild.I16(77)}},
			tt{typ: tflite.TensorTypeINT16, shape: out, q: q})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, tfbuild.I16(want...)) {
			t.Fatalf("in %v pads %v: got %v, want %v", in, pads, AsInt16(alignedCopy(got)), want)
		}
	}
}
