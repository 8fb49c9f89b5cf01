package engine

import (
	"math"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// allInt8 is every int8 value in order.
func allInt8() []int8 {
	v := make([]int8, 256)
	for i := range v {
		v[i] = int8(i - 128)
	}
	return v
}

// everyInt16 is every 7th int16 value and both ends.
func everyInt16() []int16 {
	var v []int16
	for x := -32768; x <= 32767; x += 7 {
		v = append(v, int16(x))
	}
	return append(v, 32767)
}

// checkUnary runs a one-input op on every int8 (or sampled int16) value and
// checks each output against f, the real function, within tol output steps.
func checkUnary(t *testing.T, code tflite.BuiltinOperator, opts *tflite.BuiltinOptionsT, typ DType, inQ, outQ *tfbuild.Quant, f func(float64) float64, tol float64) {
	t.Helper()
	var xs []int64
	if typ == Int8 {
		for _, v := range allInt8() {
			xs = append(xs, int64(v))
		}
	} else {
		for _, v := range everyInt16() {
			xs = append(xs, int64(v))
		}
	}
	n := len(xs)
	got, _, err := runOneOp(code, opts, []tt{{typ: ttype(typ), shape: []int{n}, q: inQ, feed: encodeInts(typ, xs)}},
		tt{typ: ttype(typ), shape: []int{n}, q: outQ})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := qrange(typ)
	for i, g := range decodeInts(typ, got) {
		x := float64(inQ.Scale[0]) * float64(xs[i]-inQ.ZeroPoint[0])
		want := refClamp(int64(math.Round(f(x)/float64(outQ.Scale[0])))+outQ.ZeroPoint[0], int64(lo), int64(hi))
		if math.Abs(float64(g-want)) > tol {
			t.Fatalf("%v %v: input %d (%v): got %d, want %d ± %v", code, typ, xs[i], x, g, want, tol)
		}
	}
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func TestLogistic(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	outQ := tfbuild.Q(1.0/256, -128)
	runOpCases(t, tflite.BuiltinOperatorLOGISTIC, []opCase{
		// Scale 1: radius 7, so |d| >= 7 saturates; logistic(0) = 2^30 is
		// 128/256.
		{name: "int8 hand",
			ins:  []tt{q8([]int{6}, 1, 0, 0, 7, -7, 6, -6, -128)},
			out:  tt{typ: i8, shape: []int{6}, q: outQ},
			want: tfbuild.I8(0, 127, -128, 127, -127, -128)},
		{name: "int16 zero", ins: []tt{q16([]int{1}, 1.0/4096, 0, 0)},
			out:  tt{typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(1.0/32768, 0)},
			want: tfbuild.I16(16384)},
		{name: "float",
			ins:  []tt{f32t([]int{4}, 0, 20, -10, 1)},
			out:  tt{typ: tflite.TensorTypeFLOAT32, shape: []int{4}},
			want: tfbuild.F32(0.5, 1, float32(math.Exp(-10)), 1/(1+float32(math.Exp(-1))))},

		{name: "int8 output scale",
			ins:     []tt{q8([]int{1}, 1, 0, 0)},
			out:     tt{typ: i8, shape: []int{1}, q: tfbuild.Q(1.0/128, -128)},
			wantErr: "scale 0.00390625"},
		{name: "int16 zero point",
			ins:     []tt{q16([]int{1}, 1.0/4096, 1, 0)},
			out:     tt{typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(1.0/32768, 0)},
			wantErr: "zero point 0"},
		{name: "int16 output scale",
			ins:     []tt{q16([]int{1}, 1.0/4096, 0, 0)},
			out:     tt{typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(1.0/30000, 0)},
			wantErr: "2^-15"},
		{name: "types",
			ins:     []tt{q8([]int{1}, 1, 0, 0)},
			out:     tt{typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(1.0/32768, 0)},
			wantErr: "not supported"},
	})
	for _, s := range []float32{1.0 / 16, 0.1, 0.5, 0.003} {
		checkUnary(t, tflite.BuiltinOperatorLOGISTIC, nil, Int8, tfbuild.Q(s, -3), outQ, sigmoid, 1)
	}
	for _, s := range []float32{1.0 / 4096, 1.0 / 5000, 0.001, 1.0 / 32768} {
		checkUnary(t, tflite.BuiltinOperatorLOGISTIC, nil, Int16, tfbuild.Q(s, 0), tfbuild.Q(1.0/32768, 0), sigmoid, 2)
	}
}

func TestTanh(t *testing.T) {
	i8 := tflite.TensorTypeINT8
	outQ := tfbuild.Q(1.0/128, 0)
	runOpCases(t, tflite.BuiltinOperatorTANH, []opCase{
		{name: "int8 hand",
			ins:  []tt{q8([]int{4}, 1, 0, 0, 7, -7, -128)},
			out:  tt{typ: i8, shape: []int{4}, q: outQ},
			want: tfbuild.I8(0, 127, -128, -128)},
		{name: "float",
			ins:  []tt{f32t([]int{2}, 0, 0.5)},
			out:  tt{typ: tflite.TensorTypeFLOAT32, shape: []int{2}},
			want: tfbuild.F32(0, float32(math.Tanh(0.5)))},
		{name: "int8 output zero point",
			ins:     []tt{q8([]int{1}, 1, 0, 0)},
			out:     tt{typ: i8, shape: []int{1}, q: tfbuild.Q(1.0/128, -128)},
			wantErr: "zero point 0"},
	})
	for _, s := range []float32{1.0 / 16, 0.1, 0.02} {
		checkUnary(t, tflite.BuiltinOperatorTANH, nil, Int8, tfbuild.Q(s, 5), outQ, math.Tanh, 1)
	}
	// 2^-12 and 2^-11 take the power-of-two path, the others a multiplier.
	for _, s := range []float32{1.0 / 4096, 1.0 / 2048, 1.0 / 5000, 0.0007} {
		checkUnary(t, tflite.BuiltinOperatorTANH, nil, Int16, tfbuild.Q(s, 0), tfbuild.Q(1.0/32768, 0), math.Tanh, 3)
	}
}

func TestSigmoidParams(t *testing.T) {
	for _, c := range []struct {
		tanh     bool
		scale    float32
		m, shift int
	}{
		{false, 1.0 / 4096, 0, 0}, // power of two: no multiplier
		{true, 1.0 / 2048, 0, 1},
		// Otherwise 3·4096·scale doubles until it passes 32767/2:
		// 6 → 24576 in 12 steps, 1.5 → 24576 in 14.
		{false, 1.0 / 2048, 24576, 12},
		{true, 1.0 / 8192, 24576, 14},
	} {
		code := tflite.BuiltinOperatorLOGISTIC
		if c.tanh {
			code = tflite.BuiltinOperatorTANH
		}
		m, err := Load(oneOp(code, nil, []tt{q16([]int{1}, c.scale, 0, 0)},
			tt{typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(1.0/32768, 0)}))
		if err != nil {
			t.Fatal(err)
		}
		var p *LogisticParams
		switch k := m.Ops[0].Params.(type) {
		case *LogisticParams:
			p = k
		case *TanhParams:
			p = &k.LogisticParams
		}
		if p.InputMultiplier != int32(c.m) || p.InputLeftShift != c.shift {
			t.Errorf("tanh=%v scale %v: multiplier %d shift %d, want %d %d", c.tanh, c.scale, p.InputMultiplier, p.InputLeftShift, c.m, c.shift)
		}
	}
}
