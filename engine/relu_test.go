package engine

import (
	"math"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestRelu(t *testing.T) {
	i8, f := tflite.TensorTypeINT8, tflite.TensorTypeFLOAT32
	runOpCases(t, tflite.BuiltinOperatorRELU, []opCase{
		// Same quantization: max(x, zero point).
		{name: "int8 identity",
			ins:  []tt{q8([]int{4}, 0.5, -10, -128, -11, -10, 127)},
			out:  tt{typ: i8, shape: []int{4}, q: tfbuild.Q(0.5, -10)},
			want: tfbuild.I8(-10, -10, -10, 127)},
		// s_in/s_out = 2 (M = 2^30, shift 2): (x + 10)·2 − 128, saturated.
		{name: "int8 requantized",
			ins:  []tt{q8([]int{4}, 0.5, -10, -20, -10, 40, 60)},
			out:  tt{typ: i8, shape: []int{4}, q: tfbuild.Q(0.25, -128)},
			want: tfbuild.I8(-128, -128, -28, 12)},
		{name: "int16",
			ins:  []tt{q16([]int{3}, 1, 0, -5, 3, 20000)},
			out:  tt{typ: tflite.TensorTypeINT16, shape: []int{3}, q: tfbuild.Q(0.5, 0)},
			want: tfbuild.I16(0, 6, 32767)},
		{name: "uint8",
			ins:  []tt{{typ: tflite.TensorTypeUINT8, shape: []int{3}, q: tfbuild.Q(1, 128), feed: []byte{0, 128, 200}}},
			out:  tt{typ: tflite.TensorTypeUINT8, shape: []int{3}, q: tfbuild.Q(1, 128)},
			want: []byte{128, 128, 200}},
		{name: "float",
			ins:  []tt{f32t([]int{3}, -1, 0.5, 7)},
			out:  tt{typ: f, shape: []int{3}},
			want: tfbuild.F32(0, 0.5, 7)},
		{name: "int16 zero point",
			ins:     []tt{q16([]int{1}, 1, 3, 0)},
			out:     tt{typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(1, 0)},
			wantErr: "zero point 0"},
		{name: "types",
			ins:     []tt{q8([]int{1}, 1, 0, 0)},
			out:     tt{typ: f, shape: []int{1}},
			wantErr: "not supported"},
	})
	runOpCases(t, tflite.BuiltinOperatorRELU6, []opCase{
		// [zero point, zero point + round(6/0.5)] = [-10, 2].
		{name: "int8",
			ins:  []tt{q8([]int{4}, 0.5, -10, -128, -5, 2, 3)},
			out:  tt{typ: i8, shape: []int{4}, q: tfbuild.Q(0.5, -10)},
			want: tfbuild.I8(-10, -5, 2, 2)},
		// 6/0.01 = 600 saturates at 127.
		{name: "int8 six past the range",
			ins:  []tt{q8([]int{2}, 0.01, 0, -1, 127)},
			out:  tt{typ: i8, shape: []int{2}, q: tfbuild.Q(0.01, 0)},
			want: tfbuild.I8(0, 127)},
		{name: "int16",
			ins:  []tt{q16([]int{3}, 1.0/1024, 0, -5, 6000, 7000)},
			out:  tt{typ: tflite.TensorTypeINT16, shape: []int{3}, q: tfbuild.Q(1.0/1024, 0)},
			want: tfbuild.I16(0, 6000, 6144)},
		{name: "float keeps NaN",
			ins:  []tt{f32t([]int{4}, -1, 0.5, 7, float32(math.NaN()))},
			out:  tt{typ: f, shape: []int{4}},
			want: tfbuild.F32(0, 0.5, 6, float32(math.NaN()))},
		{name: "requantizing",
			ins:     []tt{q8([]int{1}, 0.5, 0, 0)},
			out:     tt{typ: i8, shape: []int{1}, q: tfbuild.Q(0.25, 0)},
			wantErr: "quantized like the input"},
	})
	// RELU over every int8 against the big-int oracle.
	inQ, outQ := tfbuild.Q(0.37, 17), tfbuild.Q(0.11, -100)
	got, _, err := runOneOp(tflite.BuiltinOperatorRELU, nil, []tt{q8([]int{256}, 0.37, 17, allInt8()...)},
		tt{typ: i8, shape: []int{256}, q: outQ})
	if err != nil {
		t.Fatal(err)
	}
	m, shift := refQuantizeMultiplier(float64(inQ.Scale[0]) / float64(outQ.Scale[0]))
	for i, g := range decodeInts(Int8, got) {
		want := refClamp(int64(refMBQM(int32(i-128-17), m, shift))-100, -100, 127)
		if g != want {
			t.Fatalf("relu(%d) = %d, want %d", i-128, g, want)
		}
	}
}

func leakyOpts(alpha float32) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsLeakyReluOptions, Value: &tflite.LeakyReluOptionsT{Alpha: alpha}}
}

func TestLeakyRelu(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	runOpCases(t, tflite.BuiltinOperatorLEAKY_RELU, []opCase{
		// Alpha 0.5 on equal scales: x ≥ 0 kept, x < 0 halved (SRDHM ties
		// toward +∞, then rounding shift): −3 → −1.5 → −1.
		{name: "int8 hand", opts: leakyOpts(0.5),
			ins:  []tt{q8([]int{5}, 1, 0, 5, 0, -3, -4, -128)},
			out:  tt{typ: i8, shape: []int{5}, q: tfbuild.Q(1, 0)},
			want: tfbuild.I8(5, 0, -1, -2, -64)},
		{name: "float", opts: leakyOpts(0.5),
			ins:  []tt{f32t([]int{3}, -2, 3, 0)},
			out:  tt{typ: tflite.TensorTypeFLOAT32, shape: []int{3}},
			want: tfbuild.F32(-1, 3, 0)},
		// uint8 around zero point 128: −8 → −4, 0 → 0, 12 → 12.
		{name: "uint8", opts: leakyOpts(0.5),
			ins:  []tt{{typ: tflite.TensorTypeUINT8, shape: []int{3}, q: tfbuild.Q(1, 128), feed: []byte{120, 128, 140}}},
			out:  tt{typ: tflite.TensorTypeUINT8, shape: []int{3}, q: tfbuild.Q(1, 128)},
			want: []byte{124, 128, 140}},
		{name: "shape", opts: leakyOpts(0.5),
			ins:     []tt{q8([]int{2}, 1, 0, 1, 2)},
			out:     tt{typ: i8, shape: []int{2, 1}, q: tfbuild.Q(1, 0)},
			wantErr: "computes [2]"},
	})
	// Every int8 and sampled int16 against the big-int oracle, with the
	// multipliers computed in float32 as TFLite Micro does.
	for _, c := range []struct {
		typ           DType
		si, so, alpha float32
		zi, zo        int64
	}{
		{Int8, 0.1, 0.05, 0.3, -5, 20},
		{Int8, 0.02, 0.07, -0.2, 127, -128},
		{Int16, 0.0017488234, 0.0017488234, 0.3, 0, 0},
		{Int16, 0.0058368747, 0.0046422905, 0.3, 0, 0},
	} {
		var xs []int64
		if c.typ == Int8 {
			for _, v := range allInt8() {
				xs = append(xs, int64(v))
			}
		} else {
			for _, v := range everyInt16() {
				xs = append(xs, int64(v))
			}
		}
		got, _, err := runOneOp(tflite.BuiltinOperatorLEAKY_RELU, leakyOpts(c.alpha),
			[]tt{{typ: ttype(c.typ), shape: []int{len(xs)}, q: tfbuild.Q(c.si, c.zi), feed: encodeInts(c.typ, xs)}},
			tt{typ: ttype(c.typ), shape: []int{len(xs)}, q: tfbuild.Q(c.so, c.zo)})
		if err != nil {
			t.Fatal(err)
		}
		mi, si := refQuantizeMultiplier(float64(c.si / c.so))
		ma, sa := refQuantizeMultiplier(float64(float32(c.si*c.alpha) / c.so))
		lo, hi := qrange(c.typ)
		for i, g := range decodeInts(c.typ, got) {
			d := int32(xs[i] - c.zi)
			v := refMBQM(d, mi, si)
			if d < 0 {
				v = refMBQM(d, ma, sa)
			}
			if want := refClamp(int64(v)+c.zo, int64(lo), int64(hi)); g != want {
				t.Fatalf("%+v: leaky_relu(%d) = %d, want %d", c, xs[i], g, want)
			}
		}
	}
}

func TestHardSwish(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	runOpCases(t, tflite.BuiltinOperatorHARD_SWISH, []opCase{
		{name: "int8 zero", ins: []tt{q8([]int{1}, 0.05, 3, 3)},
			out:  tt{typ: i8, shape: []int{1}, q: tfbuild.Q(0.03, -7)},
			want: tfbuild.I8(-7)},
		{name: "float",
			ins:  []tt{f32t([]int{4}, -4, 4, 1, -1)},
			out:  tt{typ: tflite.TensorTypeFLOAT32, shape: []int{4}},
			want: tfbuild.F32(float32(math.Copysign(0, -1)), 4, float32(4)/6, float32(-2)/6)}, // −4·0/6 = −0
		{name: "int16",
			ins:     []tt{q16([]int{1}, 1, 0, 0)},
			out:     tt{typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(1, 0)},
			wantErr: "not supported"},
		{name: "output multiplier needs a left shift",
			ins:     []tt{q8([]int{1}, 1, 0, 0)},
			out:     tt{typ: i8, shape: []int{1}, q: tfbuild.Q(1.0/1024, 0)},
			wantErr: "left shift"},
	})
	hswish := func(x float64) float64 { return x * math.Min(6, math.Max(0, x+3)) / 6 }
	for _, c := range []struct {
		si, so float32
		zi, zo int64
	}{
		{0.05, 0.04, 0, -20}, // input range ±6.4
		{0.1, 0.05, -128, -128},
		{0.02, 0.01, 10, 0},
		{0.5, 0.3, 0, -128}, // reluish multiplier > 1: left shifts
	} {
		checkUnary(t, tflite.BuiltinOperatorHARD_SWISH, nil, Int8, tfbuild.Q(c.si, c.zi), tfbuild.Q(c.so, c.zo), hswish, 1)
	}
}
