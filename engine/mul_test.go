package engine

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func mulOpts(act tflite.ActivationFunctionType) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsMulOptions, Value: &tflite.MulOptionsT{FusedActivationFunction: act}}
}

func TestMul(t *testing.T) {
	none := mulOpts(actNone)
	i8 := tflite.TensorTypeINT8
	runOpCases(t, tflite.BuiltinOperatorMUL, []opCase{
		// Real multiplier 1 (M = 2^30, shift 1) is exact: x1·x2, saturated.
		{name: "int8 unit scales saturate", opts: none,
			ins:  []tt{q8([]int{4}, 1, 0, 10, 12, -12, 0), q8([]int{4}, 1, 0, 12, 12, 12, 5)},
			out:  tt{typ: i8, shape: []int{4}, q: tfbuild.Q(1, 0)},
			want: tfbuild.I8(120, 127, -128, 0)},
		{name: "int8 zero points", opts: none,
			ins:  []tt{q8([]int{3}, 1, -128, -120, -127, -118), q8([]int{3}, 1, 127, 120, 125, 127)},
			out:  tt{typ: i8, shape: []int{3}, q: tfbuild.Q(1, 127)},
			want: tfbuild.I8(71, 125, 127)},
		// Output scale 2: M = 2^30, shift 0, so only SRDHM rounds: ties go
		// toward +∞ (1.5 → 2, −1.5 → −1).
		{name: "int8 SRDHM ties", opts: none,
			ins:  []tt{q8([]int{2}, 1, 0, 3, -3), q8([]int{2}, 1, 0, 1, 1)},
			out:  tt{typ: i8, shape: []int{2}, q: tfbuild.Q(2, 0)},
			want: tfbuild.I8(2, -1)},
		// Output scale 4: SRDHM then a rounding shift: 5/4 rounds twice to 2.
		{name: "int8 double rounding", opts: none,
			ins:  []tt{q8([]int{4}, 1, 0, 6, -6, 5, -5), q8([]int{4}, 1, 0, 1, 1, 1, 1)},
			out:  tt{typ: i8, shape: []int{4}, q: tfbuild.Q(4, 0)},
			want: tfbuild.I8(2, -2, 2, -1)},
		{name: "int8 broadcast relu", opts: mulOpts(actRelu),
			ins:  []tt{q8([]int{2, 2}, 1, 0, 1, -2, 3, -4), q8([]int{2, 1}, 1, 0, 2, -3)},
			out:  tt{typ: i8, shape: []int{2, 2}, q: tfbuild.Q(1, 0)},
			want: tfbuild.I8(2, 0, 0, 12)},
		{name: "int16", opts: none,
			ins:  []tt{q16([]int{3}, 1, 0, 100, 200, -200), q16([]int{3}, 1, 0, 100, 200, 200)},
			out:  tt{typ: tflite.TensorTypeINT16, shape: []int{3}, q: tfbuild.Q(1, 0)},
			want: tfbuild.I16(10000, 32767, -32768)},
		{name: "float relu", opts: mulOpts(actRelu),
			ins:  []tt{f32t([]int{2}, 1.5, -2), f32t([]int{2}, 2, 3)},
			out:  tt{typ: tflite.TensorTypeFLOAT32, shape: []int{2}},
			want: tfbuild.F32(3, 0)},
		{name: "int32 wraps", opts: none,
			ins: []tt{{typ: tflite.TensorTypeINT32, shape: []int{2}, feed: tfbuild.I32(3, 65536)},
				{typ: tflite.TensorTypeINT32, shape: []int{2}, feed: tfbuild.I32(4, 65536)}},
			out:  tt{typ: tflite.TensorTypeINT32, shape: []int{2}},
			want: tfbuild.I32(12, 0)},

		{name: "int16 zero point", opts: none,
			ins:     []tt{q16([]int{1}, 1, 1, 1), q16([]int{1}, 1, 0, 1)},
			out:     tt{typ: tflite.TensorTypeINT16, shape: []int{1}, q: tfbuild.Q(1, 0)},
			wantErr: "zero point 0"},
		{name: "mixed types", opts: none,
			ins:     []tt{q8([]int{1}, 1, 0, 1), f32t([]int{1}, 1)},
			out:     tt{typ: i8, shape: []int{1}, q: tfbuild.Q(1, 0)},
			wantErr: "not supported"},
		{name: "shapes do not broadcast", opts: none,
			ins:     []tt{q8([]int{2}, 1, 0, 1, 2), q8([]int{3}, 1, 0, 1, 2, 3)},
			out:     tt{typ: i8, shape: []int{3}, q: tfbuild.Q(1, 0)},
			wantErr: "do not broadcast"},
	})
}

func TestMulRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	shapes := [][2][]int{{{2, 3, 4}, {2, 3, 4}}, {{2, 3, 4}, {3, 1}}, {{5}, {1}}}
	for trial := 0; trial < 45; trial++ {
		typ := []DType{Int8, Uint8, Int16}[trial%3]
		sh := shapes[trial%len(shapes)]
		s1 := float32(math.Ldexp(1+rng.Float64(), -rng.IntN(8)))
		s2 := float32(math.Ldexp(1+rng.Float64(), -rng.IntN(8)))
		so := float32(float64(s1) * float64(s2) * math.Ldexp(1+rng.Float64(), rng.IntN(12)))
		zps := randInts(rng, typ, 3)
		if typ == Int16 {
			zps = []int64{0, 0, 0}
		}
		bc, err := newBroadcast(sh[0], sh[1])
		if err != nil {
			t.Fatal(err)
		}
		x1, x2 := randInts(rng, typ, numElements(sh[0])), randInts(rng, typ, numElements(sh[1]))
		gotB, res, err := runOneOp(tflite.BuiltinOperatorMUL, mulOpts(actNone), []tt{
			{typ: ttype(typ), shape: sh[0], q: tfbuild.Q(s1, zps[0]), feed: encodeInts(typ, x1)},
			{typ: ttype(typ), shape: sh[1], q: tfbuild.Q(s2, zps[1]), feed: encodeInts(typ, x2)}},
			tt{typ: ttype(typ), shape: bc.out, q: tfbuild.Q(so, zps[2])})
		if err != nil {
			t.Fatal(err)
		}
		m, shift := refQuantizeMultiplier(float64(s1) * float64(s2) / float64(so))
		lo, hi := qrange(typ)
		got := decodeInts(typ, gotB)
		for o := range got {
			i1, i2 := bcIndex(sh[0], sh[1], bc.out, o)
			p := int32((x1[i1] - zps[0]) * (x2[i2] - zps[1]))
			want := refClamp(int64(refMBQM(p, m, shift))+zps[2], int64(lo), int64(hi))
			if got[o] != want {
				t.Fatalf("trial %d (%v): element %d: got %d, want %d", trial, typ, o, got[o], want)
			}
			if o == len(got)/2 {
				e, err := res.Explain(0, o)
				if err != nil {
					t.Fatal(err)
				}
				if e.Value != want || e.Steps[4].Value != float64(p) {
					t.Fatalf("trial %d: explanation %d with product %v, want %d and %d", trial, e.Value, e.Steps[4].Value, want, p)
				}
			}
		}
	}
}
