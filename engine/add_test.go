package engine

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func addOpts(act tflite.ActivationFunctionType) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsAddOptions, Value: &tflite.AddOptionsT{FusedActivationFunction: act}}
}

func subOpts(act tflite.ActivationFunctionType) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSubOptions, Value: &tflite.SubOptionsT{FusedActivationFunction: act}}
}

const (
	actNone  = tflite.ActivationFunctionTypeNONE
	actRelu  = tflite.ActivationFunctionTypeRELU
	actRelu6 = tflite.ActivationFunctionTypeRELU6
)

func TestAdd(t *testing.T) {
	none := addOpts(actNone)
	i8 := tflite.TensorTypeINT8
	runOpCases(t, tflite.BuiltinOperatorADD, []opCase{
		// With all scales 1 the pipeline is exact: x1 + x2, saturated.
		{name: "int8 unit scales saturate", opts: none,
			ins:  []tt{q8([]int{4}, 1, 0, 1, 100, -100, -128), q8([]int{4}, 1, 0, 2, 100, -100, 0)},
			out:  tt{typ: i8, shape: []int{4}, q: tfbuild.Q(1, 0)},
			want: tfbuild.I8(3, 127, -128, -128)},
		// Output scale 2: (x1 + x2)/2 rounded half away from zero, + 10.
		{name: "int8 ties away from zero", opts: none,
			ins:  []tt{q8([]int{5}, 1, 0, 1, -1, 0, 0, 5), q8([]int{5}, 1, 0, 2, -2, 1, -1, 0)},
			out:  tt{typ: i8, shape: []int{5}, q: tfbuild.Q(2, 10)},
			want: tfbuild.I8(12, 8, 11, 9, 13)},
		// (x1 + 128) + (x2 − 127).
		{name: "int8 zero points -128 and 127", opts: none,
			ins:  []tt{q8([]int{3}, 1, -128, -128, -100, 127), q8([]int{3}, 1, 127, 127, 100, 127)},
			out:  tt{typ: i8, shape: []int{3}, q: tfbuild.Q(1, 0)},
			want: tfbuild.I8(0, 1, 127)},
		// RELU6 on scale 0.5: [0, 12].
		{name: "int8 fused relu6", opts: addOpts(actRelu6),
			ins:  []tt{q8([]int{3}, 0.5, 0, -4, 5, 10), q8([]int{3}, 0.5, 0, 1, 5, 10)},
			out:  tt{typ: i8, shape: []int{3}, q: tfbuild.Q(0.5, 0)},
			want: tfbuild.I8(0, 10, 12)},
		{name: "int8 broadcast row", opts: none,
			ins:  []tt{q8([]int{2, 3}, 1, 0, 1, 2, 3, 4, 5, 6), q8([]int{3}, 1, 0, 10, 20, 30)},
			out:  tt{typ: i8, shape: []int{2, 3}, q: tfbuild.Q(1, 0)},
			want: tfbuild.I8(11, 22, 33, 14, 25, 36)},
		{name: "int8 broadcast both", opts: none,
			ins:  []tt{q8([]int{2, 1}, 1, 0, 1, 2), q8([]int{1, 3}, 1, 0, 10, 20, 30)},
			out:  tt{typ: i8, shape: []int{2, 3}, q: tfbuild.Q(1, 0)},
			want: tfbuild.I8(11, 21, 31, 12, 22, 32)},
		{name: "int8 scalar", opts: none,
			ins:  []tt{q8([]int{}, 1, 0, 7), q8([]int{2, 2}, 1, 0, 1, 2, 3, 4)},
			out:  tt{typ: i8, shape: []int{2, 2}, q: tfbuild.Q(1, 0)},
			want: tfbuild.I8(8, 9, 10, 11)},
		{name: "uint8", opts: none,
			ins: []tt{{typ: tflite.TensorTypeUINT8, shape: []int{3}, q: tfbuild.Q(1, 128), feed: []byte{128, 200, 255}},
				{typ: tflite.TensorTypeUINT8, shape: []int{3}, q: tfbuild.Q(1, 128), feed: []byte{128, 100, 255}}},
			out:  tt{typ: tflite.TensorTypeUINT8, shape: []int{3}, q: tfbuild.Q(1, 128)},
			want: []byte{128, 172, 255}},
		{name: "int16 left shift 15", opts: none,
			ins:  []tt{q16([]int{3}, 1, 0, 1, 30000, -30000), q16([]int{3}, 1, 0, -3, 30000, -30000)},
			out:  tt{typ: tflite.TensorTypeINT16, shape: []int{3}, q: tfbuild.Q(1, 0)},
			want: tfbuild.I16(-2, 32767, -32768)},
		{name: "float relu keeps -0", opts: addOpts(actRelu),
			ins:  []tt{f32t([]int{3}, 1.5, -2, float32(math.Copysign(0, -1))), f32t([]int{3}, 0.25, 1, float32(math.Copysign(0, -1)))},
			out:  tt{typ: tflite.TensorTypeFLOAT32, shape: []int{3}},
			want: tfbuild.F32(1.75, 0, float32(math.Copysign(0, -1)))},
		{name: "int32 wraps", opts: none,
			ins: []tt{{typ: tflite.TensorTypeINT32, shape: []int{2}, feed: tfbuild.I32(1, math.MaxInt32)},
				{typ: tflite.TensorTypeINT32, shape: []int{2}, feed: tfbuild.I32(2, 1)}},
			out:  tt{typ: tflite.TensorTypeINT32, shape: []int{2}},
			want: tfbuild.I32(3, math.MinInt32)},

		{name: "shapes do not broadcast", opts: none,
			ins:     []tt{q8([]int{2}, 1, 0, 1, 2), q8([]int{3}, 1, 0, 1, 2, 3)},
			out:     tt{typ: i8, shape: []int{3}, q: tfbuild.Q(1, 0)},
			wantErr: "do not broadcast"},
		{name: "wrong output shape", opts: none,
			ins:     []tt{q8([]int{2, 1}, 1, 0, 1, 2), q8([]int{3}, 1, 0, 1, 2, 3)},
			out:     tt{typ: i8, shape: []int{3, 2}, q: tfbuild.Q(1, 0)},
			wantErr: "computes [2 3]"},
		{name: "rank 7 broadcast", opts: none,
			ins:     []tt{q8([]int{1, 1, 1, 1, 1, 1, 2}, 1, 0, 1, 2), q8([]int{1}, 1, 0, 1)},
			out:     tt{typ: i8, shape: []int{1, 1, 1, 1, 1, 1, 2}, q: tfbuild.Q(1, 0)},
			wantErr: "up to rank 6"},
		{name: "mixed types", opts: none,
			ins:     []tt{q8([]int{1}, 1, 0, 1), q16([]int{1}, 1, 0, 1)},
			out:     tt{typ: i8, shape: []int{1}, q: tfbuild.Q(1, 0)},
			wantErr: "not supported"},
		{name: "output multiplier not below 1", opts: none,
			ins:     []tt{q8([]int{1}, 1, 0, 1), q8([]int{1}, 1, 0, 1)},
			out:     tt{typ: i8, shape: []int{1}, q: tfbuild.Q(1e-9, 0)},
			wantErr: "output multiplier"},
		{name: "no quantization", opts: none,
			ins:     []tt{{typ: i8, shape: []int{1}, feed: tfbuild.I8(1)}, q8([]int{1}, 1, 0, 1)},
			out:     tt{typ: i8, shape: []int{1}, q: tfbuild.Q(1, 0)},
			wantErr: "no quantization"},
		{name: "int32 with activation", opts: addOpts(actRelu),
			ins: []tt{{typ: tflite.TensorTypeINT32, shape: []int{1}, feed: tfbuild.I32(1)},
				{typ: tflite.TensorTypeINT32, shape: []int{1}, feed: tfbuild.I32(1)}},
			out:     tt{typ: tflite.TensorTypeINT32, shape: []int{1}},
			wantErr: "fused activation"},
	})
}

func TestSub(t *testing.T) {
	none := subOpts(actNone)
	i8 := tflite.TensorTypeINT8
	runOpCases(t, tflite.BuiltinOperatorSUB, []opCase{
		{name: "int8 unit scales saturate", opts: none,
			ins:  []tt{q8([]int{4}, 1, 0, 1, 100, -100, 0), q8([]int{4}, 1, 0, 2, -100, 100, -128)},
			out:  tt{typ: i8, shape: []int{4}, q: tfbuild.Q(1, 0)},
			want: tfbuild.I8(-1, 127, -128, 127)},
		// (x1 − x2)/2 rounded half away from zero, + 10.
		{name: "int8 ties away from zero", opts: none,
			ins:  []tt{q8([]int{4}, 1, 0, 3, -3, 1, 0), q8([]int{4}, 1, 0, 0, 0, 0, 1)},
			out:  tt{typ: i8, shape: []int{4}, q: tfbuild.Q(2, 10)},
			want: tfbuild.I8(12, 8, 11, 9)},
		{name: "int16 broadcast", opts: none,
			ins:  []tt{q16([]int{2, 2}, 1, 0, 10, 20, 30, 40), q16([]int{2}, 1, 0, 1, -32768)},
			out:  tt{typ: tflite.TensorTypeINT16, shape: []int{2, 2}, q: tfbuild.Q(1, 0)},
			want: tfbuild.I16(9, 32767, 29, 32767)},
		{name: "int32 relu", opts: subOpts(actRelu),
			ins: []tt{{typ: tflite.TensorTypeINT32, shape: []int{2}, feed: tfbuild.I32(5, 1)},
				{typ: tflite.TensorTypeINT32, shape: []int{2}, feed: tfbuild.I32(2, 3)}},
			out:  tt{typ: tflite.TensorTypeINT32, shape: []int{2}},
			want: tfbuild.I32(3, 0)},
		{name: "float relu6", opts: subOpts(actRelu6),
			ins:  []tt{f32t([]int{3}, 10, 1, 0), f32t([]int{3}, 1, 0.5, 1)},
			out:  tt{typ: tflite.TensorTypeFLOAT32, shape: []int{3}},
			want: tfbuild.F32(6, 0.5, 0)},
		{name: "float output", opts: none,
			ins:     []tt{f32t([]int{1}, 1), f32t([]int{1}, 1)},
			out:     tt{typ: i8, shape: []int{1}, q: tfbuild.Q(1, 0)},
			wantErr: "not supported"},
	})
}

// refAddSub re-derives one quantized ADD or SUB output from TFLite Micro's
// formulas (add: multipliers in double; sub: in float32).
func refAddSub(sub bool, typ DType, s1, s2, so float32, z1, z2, zo int32, x1, x2 int64) int64 {
	left := 20
	if typ == Int16 {
		left = 15
	}
	var r1, r2, ro float64
	if sub {
		tw := 2 * float32(math.Max(float64(s1), float64(s2)))
		r1, r2 = float64(s1/tw), float64(s2/tw)
		ro = float64(tw / (float32(math.Ldexp(1, left)) * so))
	} else {
		tw := 2 * math.Max(float64(s1), float64(s2))
		r1, r2 = float64(s1)/tw, float64(s2)/tw
		ro = tw / (math.Ldexp(1, left) * float64(so))
	}
	m1, sh1 := refQuantizeMultiplier(r1)
	m2, sh2 := refQuantizeMultiplier(r2)
	mo, sho := refQuantizeMultiplier(ro)
	a1 := refMBQM(int32(x1-int64(z1))<<left, m1, sh1)
	a2 := refMBQM(int32(x2-int64(z2))<<left, m2, sh2)
	sum := a1 + a2
	if sub {
		sum = a1 - a2
	}
	lo, hi := qrange(typ)
	return refClamp(int64(refMBQM(sum, mo, sho))+int64(zo), int64(lo), int64(hi))
}

// TestAddSubRandom compares random quantized ADDs and SUBs, broadcast or
// not, with refAddSub.
func TestAddSubRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := [][2][]int{{{2, 3, 4}, {2, 3, 4}}, {{2, 3, 4}, {4}}, {{3, 1}, {1, 2, 1, 5}}, {{1}, {7}}}
	for trial := 0; trial < 60; trial++ {
		sub := trial%2 == 1
		typ := []DType{Int8, Uint8, Int16}[trial%3]
		sh := shapes[trial%len(shapes)]
		s1 := float32(math.Ldexp(1+rng.Float64(), -rng.IntN(10)))
		s2 := float32(math.Ldexp(1+rng.Float64(), -rng.IntN(10)))
		so := float32(math.Max(float64(s1), float64(s2)) * (0.5 + 2*rng.Float64()))
		zps := randInts(rng, typ, 3)
		if typ == Int16 {
			zps = []int64{0, 0, 0}
		}
		bc, err := newBroadcast(sh[0], sh[1])
		if err != nil {
			t.Fatal(err)
		}
		x1 := randInts(rng, typ, numElements(sh[0]))
		x2 := randInts(rng, typ, numElements(sh[1]))
		in1 := tt{typ: ttype(typ), shape: sh[0], q: tfbuild.Q(s1, zps[0]), feed: encodeInts(typ, x1)}
		in2 := tt{typ: ttype(typ), shape: sh[1], q: tfbuild.Q(s2, zps[1]), feed: encodeInts(typ, x2)}
		out := tt{typ: ttype(typ), shape: bc.out, q: tfbuild.Q(so, zps[2])}
		code, opts := tflite.BuiltinOperatorADD, addOpts(actNone)
		if sub {
			code, opts = tflite.BuiltinOperatorSUB, subOpts(actNone)
		}
		gotB, res, err := runOneOp(code, opts, []tt{in1, in2}, out)
		if err != nil {
			t.Fatal(err)
		}
		got := decodeInts(typ, gotB)
		for o := range got {
			i1, i2 := bcIndex(sh[0], sh[1], bc.out, o)
			want := refAddSub(sub, typ, s1, s2, so, int32(zps[0]), int32(zps[1]), int32(zps[2]), x1[i1], x2[i2])
			if got[o] != want {
				t.Fatalf("trial %d (%v sub=%v %v %v): element %d: got %d, want %d", trial, typ, sub, sh[0], sh[1], o, got[o], want)
			}
		}
		// The explanation reaches the same integer.
		e, err := res.Explain(0, len(got)-1)
		if err != nil {
			t.Fatal(err)
		}
		if e.Value != got[len(got)-1] || e.Steps[len(e.Steps)-1].Value != float64(e.Value) {
			t.Fatalf("trial %d: explanation gives %d (last step %v), output is %d", trial, e.Value, e.Steps[len(e.Steps)-1], got[len(got)-1])
		}
	}
}

// bcIndex maps an output index to input indices by NumPy's rule, computed
// from coordinates independently of the engine's strides.
func bcIndex(a, b, out []int, o int) (int, int) {
	c := unflatten(o, out)
	flat := func(s []int) int {
		i := 0
		for d, n := range s {
			k := c[len(out)-len(s)+d]
			if n == 1 {
				k = 0
			}
			i = i*n + k
		}
		return i
	}
	return flat(a), flat(b)
}

func TestBroadcast(t *testing.T) {
	for _, c := range []struct {
		a, b, out []int
	}{
		{[]int{2, 3}, []int{2, 3}, []int{2, 3}},
		{[]int{2, 3}, []int{3}, []int{2, 3}},
		{[]int{3}, []int{2, 3}, []int{2, 3}},
		{[]int{2, 1, 4}, []int{3, 1}, []int{2, 3, 4}},
		{[]int{}, []int{2, 2}, []int{2, 2}},
		{[]int{1, 1}, []int{1}, []int{1, 1}},
		{[]int{2, 0}, []int{1}, []int{2, 0}},
		{[]int{1, 2, 1, 3, 1, 2}, []int{2, 1, 3, 1, 2, 1}, []int{2, 2, 3, 3, 2, 2}},
	} {
		bc, err := newBroadcast(c.a, c.b)
		if err != nil {
			t.Fatalf("%v %v: %v", c.a, c.b, err)
		}
		if !equalInts(bc.out, c.out) {
			t.Fatalf("%v %v: shape %v, want %v", c.a, c.b, bc.out, c.out)
		}
		n := 0
		bc.each(func(o, i1, i2 int) {
			w1, w2 := bcIndex(c.a, c.b, c.out, o)
			j1, j2 := bc.index(o)
			if o != n || i1 != w1 || i2 != w2 || j1 != w1 || j2 != w2 {
				t.Fatalf("%v %v: element %d (%d): got %d,%d and %d,%d, want %d,%d", c.a, c.b, o, n, i1, i2, j1, j2, w1, w2)
			}
			n++
		})
		if n != numElements(c.out) {
			t.Fatalf("%v %v: visited %d elements", c.a, c.b, n)
		}
	}
	if _, err := newBroadcast([]int{2, 3}, []int{2}); err == nil {
		t.Fatal("[2 3] and [2] broadcast")
	}
}

func TestAddExplain(t *testing.T) {
	// (x1 + 128) + (x2 − 127) in unit scales; element 1 reads x1 = -100, x2 = 100.
	_, res, err := runOneOp(tflite.BuiltinOperatorADD, addOpts(actNone),
		[]tt{q8([]int{2}, 1, -128, -128, -100), q8([]int{1, 2}, 1, 127, 127, 100)},
		tt{typ: tflite.TensorTypeINT8, shape: []int{1, 2}, q: tfbuild.Q(1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	e, err := res.Explain(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if e.Value != 1 || e.Real != 1 {
		t.Fatalf("value %d real %v, want 1", e.Value, e.Real)
	}
	want := map[string]float64{"input1": -100, "input1 offset": 28, "input1 left shift": 28 << 20,
		"input2": 100, "input2 offset": -27, "raw sum": 1 << 19, "clamp": 1}
	for _, s := range e.Steps {
		if w, ok := want[s.Name]; ok {
			if s.Value != w {
				t.Errorf("step %q = %v, want %v", s.Name, s.Value, w)
			}
			delete(want, s.Name)
		}
	}
	if len(want) > 0 {
		t.Errorf("steps missing: %v (have %v)", want, e.Steps)
	}
	// A float ADD is explained in float32: 1 + 0.1 rounds to 1.10000002.
	_, res, err = runOneOp(tflite.BuiltinOperatorADD, addOpts(actNone),
		[]tt{f32t([]int{1}, 1), f32t([]int{1}, 0.1)}, tt{typ: tflite.TensorTypeFLOAT32, shape: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	e, err = res.Explain(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if v := e.Steps[len(e.Steps)-1].Value; v != float64(float32(1.1)) || e.Real != v {
		t.Fatalf("float ADD explained as %v (real %v), want %v", v, e.Real, float32(1.1))
	}
}
