package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func meanOpts(keep bool) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsReducerOptions, Value: &tflite.ReducerOptionsT{KeepDims: keep}}
}

func TestMeanHand(t *testing.T) {
	axis := func(a ...int32) tt { return constI32([]int{len(a)}, a...) }
	cases := []opCase{
		{name: "float keep dims", opts: meanOpts(true), ins: []tt{f32t([]int{1, 2, 2, 1}, 1, 2, 3, 4), axis(1, 2)},
			out: f32t([]int{1, 1, 1, 1}), want: tfbuild.F32(2.5)},
		{name: "float negative and duplicate axes", opts: meanOpts(false), ins: []tt{f32t([]int{2, 3}, 1, 2, 3, 4, 5, 6), axis(-1, 1)},
			out: f32t([]int{2}), want: tfbuild.F32(2, 5)},
		{name: "float all axes", opts: meanOpts(false), ins: []tt{f32t([]int{2, 2}, 1, 2, 3, 5), axis(0, 1)},
			out: f32t([]int{}), want: tfbuild.F32(2.75)},
		// Same scale and zero point: the int32 sum divided by n, truncating: −7/2 = −3.
		{name: "int8 same quantization truncates", opts: meanOpts(false), ins: []tt{q8([]int{1, 2}, 0.5, 3, -3, -4), axis(1)},
			out: q8([]int{1}, 0.5, 3), want: tfbuild.I8(-3)},
		// (3.5·2 − 1·2) = 5 → round 5, + (−2) = 3
		{name: "int8 rescaled", opts: meanOpts(false), ins: []tt{q8([]int{1, 2}, 0.5, 1, 3, 4), axis(1)},
			out: q8([]int{1}, 0.25, -2), want: tfbuild.I8(3)},
		// mean 1.5 → round half away from zero 2, + 1
		{name: "int8 tie", opts: meanOpts(false), ins: []tt{q8([]int{1, 2}, 0.5, 0, 1, 2), axis(1)},
			out: q8([]int{1}, 0.5, 1), want: tfbuild.I8(3)},
		{name: "int8 negative tie", opts: meanOpts(false), ins: []tt{q8([]int{1, 2}, 0.5, 0, -1, -2), axis(1)},
			out: q8([]int{1}, 0.5, 1), want: tfbuild.I8(-1)},
		{name: "int8 saturates", opts: meanOpts(true), ins: []tt{q8([]int{1, 2}, 1, 0, 100, 90), axis(-1)},
			out: q8([]int{1, 1}, 0.01, 0), want: tfbuild.I8(127)},
		{name: "int8 saturates low", opts: meanOpts(true), ins: []tt{q8([]int{1, 2}, 1, 0, -100, -90), axis(-1)},
			out: q8([]int{1, 1}, 0.01, 0), want: tfbuild.I8(-128)},
		{name: "int16 rescaled", opts: meanOpts(false), ins: []tt{q16([]int{2, 2}, 1, 0, 1000, 2001, -5, -6), axis(1)},
			out: q16([]int{2}, 2, 0), want: tfbuild.I16(750, -3)}, // 1500.5/2 = 750.25 → 750; −5.5/2 = −2.75 → −3
		{name: "int16 same quantization", opts: meanOpts(false), ins: []tt{q16([]int{1, 3}, 1, 0, 32767, 32767, 32767), axis(1)},
			out: q16([]int{1}, 1, 0), want: tfbuild.I16(32767)},
		// errors
		{name: "axis range", opts: meanOpts(false), ins: []tt{f32t([]int{2}, 1, 2), axis(1)}, out: f32t([]int{}), wantErr: "axis 1 is out of range"},
		{name: "axis type", opts: meanOpts(false), ins: []tt{f32t([]int{2}, 1, 2), {typ: tflite.TensorTypeINT64, shape: []int{1}, data: tfbuild.I64(0)}},
			out: f32t([]int{}), wantErr: "want int32"},
		{name: "axis not constant", opts: meanOpts(false), ins: []tt{f32t([]int{2}, 1, 2), {typ: tflite.TensorTypeINT32, shape: []int{1}, feed: tfbuild.I32(0)}},
			out: f32t([]int{}), wantErr: "not constant"},
		{name: "output shape", opts: meanOpts(true), ins: []tt{f32t([]int{2, 2}, 1, 2, 3, 4), axis(1)},
			out: f32t([]int{2}), wantErr: "but the op computes [2 1]"},
		// uint8, same quantization: (1 + 2)/2 truncates to 1.
		{name: "uint8", opts: meanOpts(false), ins: []tt{{typ: tflite.TensorTypeUINT8, shape: []int{2}, q: tfbuild.Q(1, 0), feed: []byte{1, 2}}, axis(0)},
			out: tt{typ: tflite.TensorTypeUINT8, shape: []int{}, q: tfbuild.Q(1, 0)}, want: []byte{1}},
		// uint8 rescaled: reals 1 and 3.5 (scale 0.5, zero point 128) average
		// 2.25 = 9 steps of 0.25, plus zero point 10.
		{name: "uint8 rescaled", opts: meanOpts(false), ins: []tt{{typ: tflite.TensorTypeUINT8, shape: []int{2}, q: tfbuild.Q(0.5, 128), feed: []byte{130, 135}}, axis(0)},
			out: tt{typ: tflite.TensorTypeUINT8, shape: []int{}, q: tfbuild.Q(0.25, 10)}, want: []byte{19}},
		{name: "types differ", opts: meanOpts(false), ins: []tt{q8([]int{2}, 1, 0, 1, 2), axis(0)},
			out: q16([]int{}, 1, 0), wantErr: "are not supported"},
	}
	runOpCases(t, tflite.BuiltinOperatorMEAN, cases)
}

// TestMeanRandom compares quantized MEAN with a direct re-derivation of
// the reference (sums in int64, the float32 steps spelled out).
func TestMeanRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for i := range 300 {
		typ := []DType{Int8, Int16}[rng.IntN(2)]
		rank := 1 + rng.IntN(4)
		shape := make([]int, rank)
		for d := range shape {
			shape[d] = 1 + rng.IntN(4)
		}
		var axes []int32
		reduced := make([]bool, rank)
		for d := range rank {
			if rng.IntN(2) == 0 {
				axes = append(axes, int32(d-rank*rng.IntN(2))) // sometimes negative
				reduced[d] = true
			}
		}
		if axes == nil { // an empty axis tensor has no buffer, so it would not be constant
			axes, reduced[0] = []int32{0}, true
		}
		keep := rng.IntN(2) == 0
		var outShape []int
		count := 1
		for d, n := range shape {
			switch {
			case !reduced[d]:
				outShape = append(outShape, n)
			case keep:
				outShape = append(outShape, 1)
			}
			if reduced[d] {
				count *= n
			}
		}
		if outShape == nil {
			outShape = []int{}
		}
		sIn, sOut := float32(0.01+rng.Float32()), float32(0.01+rng.Float32())
		var zIn, zOut int64
		if typ == Int8 {
			zIn, zOut = int64(rng.IntN(256)-128), int64(rng.IntN(256)-128)
		}
		if rng.IntN(3) == 0 {
			sOut, zOut = sIn, zIn
		}
		x := randInts(rng, typ, numElements(shape))
		// Sum every input into its output position.
		sums := make([]int64, numElements(outShape))
		idx := make([]int, rank)
		for k := range x {
			rem := k
			for d := rank - 1; d >= 0; d-- {
				idx[d] = rem % shape[d]
				rem /= shape[d]
			}
			o := 0
			for d := range rank {
				if !reduced[d] {
					o = o*shape[d] + idx[d]
				}
			}
			sums[o] += x[k]
		}
		lo, hi := qrange(typ)
		want := make([]int64, len(sums))
		for o, s := range sums {
			if sIn == sOut && zIn == zOut {
				want[o] = s / int64(count) // truncating, like C
				continue
			}
			scale := sIn / sOut
			bias := float32(-zIn) * scale
			mean := float32(s) / float32(count)
			v := float32(math.Round(float64(float32(mean*scale)+bias))) + float32(zOut)
			want[o] = int64(min(max(v, float32(lo)), float32(hi)))
		}
		in := tt{typ: ttype(typ), shape: shape, q: tfbuild.Q(sIn, zIn), feed: encodeInts(typ, x)}
		out := tt{typ: ttype(typ), shape: outShape, q: tfbuild.Q(sOut, zOut)}
		got, _, err := runOneOp(tflite.BuiltinOperatorMEAN, meanOpts(keep), []tt{in, constI32([]int{len(axes)}, axes...)}, out)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if g := decodeInts(typ, got); fmt.Sprint(g) != fmt.Sprint(want) {
			t.Fatalf("case %d (%v %v axes %v keep %v): got %v, want %v", i, typ, shape, axes, keep, g, want)
		}
	}
}
