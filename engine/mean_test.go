package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/fixedpoint"
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
		// The quantized cases below are reference values
		// (QuantizedMeanOrSum, double rounding); TestMeanProfiles has
		// the other profiles.
		// errors
		{name: "axis range", opts: meanOpts(false), ins: []tt{f32t([]int{2}, 1, 2), axis(1)}, out: f32t([]int{}), wantErr: "axis 1 is out of range"},
		{name: "axis type", opts: meanOpts(false), ins: []tt{f32t([]int{2}, 1, 2), {typ: tflite.TensorTypeINT64, shape: []int{1}, data: tfbuild.I64(0)}},
			out: f32t([]int{}), wantErr: "want int32"},
		// Axes fed at run time: the output is dynamic, prepared as it runs.
		{name: "axis not constant", opts: meanOpts(false), ins: []tt{f32t([]int{2}, 1, 2), {typ: tflite.TensorTypeINT32, shape: []int{1}, feed: tfbuild.I32(0)}},
			out: f32t([]int{}), want: tfbuild.F32(1.5)},
		{name: "output shape", opts: meanOpts(true), ins: []tt{f32t([]int{2, 2}, 1, 2, 3, 4), axis(1)},
			out: f32t([]int{2}), wantErr: "but the op computes [2 1]"},
		// uint8, same quantization: QuantizedMeanOrSum rounds (1 + 2)/2 = 1.5
		// to 2 (the browser TFLite's older kernel truncates to 1).
		{name: "uint8", opts: meanOpts(false), ins: []tt{{typ: tflite.TensorTypeUINT8, shape: []int{2}, q: tfbuild.Q(1, 0), feed: []byte{1, 2}}, axis(0)},
			out: tt{typ: tflite.TensorTypeUINT8, shape: []int{}, q: tfbuild.Q(1, 0)}, want: []byte{2}},
		// uint8 rescaled: reals 1 and 3.5 (scale 0.5, zero point 128) average
		// 2.25 = 9 steps of 0.25, plus zero point 10.
		{name: "uint8 rescaled", opts: meanOpts(false), ins: []tt{{typ: tflite.TensorTypeUINT8, shape: []int{2}, q: tfbuild.Q(0.5, 128), feed: []byte{130, 135}}, axis(0)},
			out: tt{typ: tflite.TensorTypeUINT8, shape: []int{}, q: tfbuild.Q(0.25, 10)}, want: []byte{19}},
		{name: "types differ", opts: meanOpts(false), ins: []tt{q8([]int{2}, 1, 0, 1, 2), axis(0)},
			out: q16([]int{}, 1, 0), wantErr: "are not supported"},
	}
	runOpCases(t, tflite.BuiltinOperatorMEAN, cases)
}

// TestMeanProfiles checks quantized MEAN under each profile with values
// derived by hand. reference and tflite-single-rounding are TFLite Micro's
// QuantizedMeanOrSum: M, shift = QuantizeMultiplier(s_in/s_out), then for
// n values k = min(⌊log2 n⌋, 32, 31 + shift), M' = ⌊M·2^k / n⌋,
// shift' = shift − k, out = MBQM(Σx − zp_in·n, M', shift') + zp_out.
// tflite-xnnpack (none of these is 4-D, so TFLite's reduce.cc runs its
// older kernel) divides the int32 sum by n when input and output share
// their quantization and otherwise rounds s/n·s_in/s_out − zp_in·s_in/s_out
// in float32.
func TestMeanProfiles(t *testing.T) {
	axis := func(a ...int32) tt { return constI32([]int{len(a)}, a...) }
	cases := []struct {
		name         string
		in           tt
		axes         tt
		out          tt
		ref, sr, xnn []int64
		keep         bool
	}{
		// M = 2^30, shift 1; n = 2: k = 1, M' = 2^30, shift' 0.
		// Σx − 3·2 = −13; SRDHM(−13, 2^30) = −6.5, a negative tie, → −6;
		// + 3 = −3. Single: (−13·2^30 + 2^30) >> 31 = −6 → −3.
		// TFLite: −7/2 = −3 (C division).
		{name: "int8 same quantization", in: q8([]int{1, 2}, 0.5, 3, -3, -4), axes: axis(1), out: q8([]int{1}, 0.5, 3),
			ref: []int64{-3}, sr: []int64{-3}, xnn: []int64{-3}},
		// s_in/s_out = 2: M = 2^30, shift 2; n = 2: M' = 2^30, shift' 1.
		// Σx − 1·2 = 5; 5·2 = 10, SRDHM(10, 2^30) = 5; − 2 = 3.
		{name: "int8 rescaled", in: q8([]int{1, 2}, 0.5, 1, 3, 4), axes: axis(1), out: q8([]int{1}, 0.25, -2),
			ref: []int64{3}, sr: []int64{3}, xnn: []int64{3}},
		// Σx = 3: SRDHM(3, 2^30) = 1.5 → 2; + 1 = 3 in every profile.
		{name: "int8 tie", in: q8([]int{1, 2}, 0.5, 0, 1, 2), axes: axis(1), out: q8([]int{1}, 0.5, 1),
			ref: []int64{3}, sr: []int64{3}, xnn: []int64{3}},
		// Σx = −3: SRDHM(−3, 2^30) = −1.5 → −1; + 1 = 0. Single:
		// (−3·2^30 + 2^30) >> 31 = −1 → 0. TFLite: round(−1.5) = −2 → −1.
		{name: "int8 negative tie", in: q8([]int{1, 2}, 0.5, 0, -1, -2), axes: axis(1), out: q8([]int{1}, 0.5, 1),
			ref: []int64{0}, sr: []int64{0}, xnn: []int64{-1}},
		// n = 3, same quantization: M' = ⌊2^31/3⌋ = 715827882, shift' 0.
		// Σx = 2: SRDHM(2, 715827882) = 0.67 → 1. TFLite: 2/3 = 0.
		{name: "int8 three values", in: q8([]int{1, 3}, 1, 0, 1, 1, 0), axes: axis(1), out: q8([]int{1}, 1, 0),
			ref: []int64{1}, sr: []int64{1}, xnn: []int64{0}},
		// s_in/s_out = 100 = 0.78125·2^7: M = 1677721600, shift 7; n = 2:
		// M' = M, shift' 6; 190·64·0.78125 = 9500 → 127 (and −128).
		{name: "int8 saturates", in: q8([]int{1, 2}, 1, 0, 100, 90), axes: axis(-1), out: q8([]int{1, 1}, 0.01, 0), keep: true,
			ref: []int64{127}, sr: []int64{127}, xnn: []int64{127}},
		{name: "int8 saturates low", in: q8([]int{1, 2}, 1, 0, -100, -90), axes: axis(-1), out: q8([]int{1, 1}, 0.01, 0), keep: true,
			ref: []int64{-128}, sr: []int64{-128}, xnn: []int64{-128}},
		// s_in/s_out = 0.5: M = 2^30, shift 0; n = 2: M' = 2^30, shift' −1.
		// Row 0: Σx = 3001 (exactly 750.25): SRDHM = 1500.5 → 1501, then
		// 1501/2 = 750.5 → 751: double rounding. Single: ⌊750.25 + 0.5⌋ =
		// 750. TFLite: 1500.5·0.5 = 750.25 → 750. Row 1: Σx = −11
		// (−2.75): SRDHM −5.5 → −5, −5/2 = −2.5 → −3; single ⌊−2.25⌋ = −3.
		{name: "int16 rescaled", in: q16([]int{2, 2}, 1, 0, 1000, 2001, -5, -6), axes: axis(1), out: q16([]int{2}, 2, 0),
			ref: []int64{751, -3}, sr: []int64{750, -3}, xnn: []int64{750, -3}},
		// n = 3: M' = 715827882; Σx = 98301: 98301·M'/2^31 = 32766.99997 → 32767.
		{name: "int16 same quantization", in: q16([]int{1, 3}, 1, 0, 32767, 32767, 32767), axes: axis(1), out: q16([]int{1}, 1, 0),
			ref: []int64{32767}, sr: []int64{32767}, xnn: []int64{32767}},
	}
	for _, tc := range cases {
		m, err := Load(oneOp(tflite.BuiltinOperatorMEAN, meanOpts(tc.keep), []tt{tc.in, tc.axes}, tc.out))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for _, pc := range []struct {
			p    Profile
			want []int64
		}{{Reference, tc.ref}, {SingleRounding, tc.sr}, {XNNPack, tc.xnn}} {
			res, err := m.Run([][]byte{tc.in.feed}, Options{Profile: pc.p})
			if err != nil {
				t.Fatalf("%s %s: %v", tc.name, pc.p, err)
			}
			if got := decodeInts(DType(tc.out.typ), res.Tensors[m.Outputs[0]]); fmt.Sprint(got) != fmt.Sprint(pc.want) {
				t.Errorf("%s under %s: got %v, want %v", tc.name, pc.p, got, pc.want)
			}
		}
	}
}

// TestMeanRequant pins the multiplier QuantizedMeanOrSum derives for n
// values, including the clamp of the shift at 31 + shift.
func TestMeanRequant(t *testing.T) {
	for _, tc := range []struct {
		real      float64
		n         int
		wantM     int32
		wantShift int
	}{
		{1, 2, 1 << 30, 0},               // M = 2^30, shift 1, k = 1
		{1, 3, 715827882, 0},             // ⌊2^31/3⌋
		{1, 49, 701219150, -4},           // k = 5: ⌊2^30·2^5/49⌋, shift 1 − 5
		{0.5, 1, 1 << 30, 0},             // k = 0: unchanged
		{0x1p-20, 1 << 13, 1 << 29, -31}, // shift −19: k = min(13, 12) = 12, ⌊2^42/2^13⌋ = 2^29
	} {
		q := meanRequant(newRequant(tc.real), tc.n)
		if q.Multiplier != tc.wantM || q.Shift != tc.wantShift {
			t.Errorf("meanRequant(%v, n=%d) = (%d, %d), want (%d, %d)", tc.real, tc.n, q.Multiplier, q.Shift, tc.wantM, tc.wantShift)
		}
	}
}

// TestMeanRandom compares quantized MEAN under each profile with a direct
// re-derivation (sums in int64; reference_ops::QuantizedMeanOrSum for
// reference and tflite-single-rounding, TFLite's older float32 kernel for
// tflite-xnnpack, whose 4-D cases XNNPACK or the optimized kernel take and
// are left out here).
func TestMeanRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for i := range 300 {
		typ := []DType{Int8, Int16}[rng.IntN(2)]
		rank := 1 + rng.IntN(4)
		shape := make([]int, rank)
		for d := range shape {
			shape[d] = 1 + rng.IntN(5)
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
		// QuantizedMeanOrSum's multiplier: 1/n folded in after a shift.
		m, shift := fixedpoint.QuantizeMultiplier(float64(sIn) / float64(sOut))
		k := 0
		for 1<<(k+1) <= count {
			k++
		}
		k = min(k, 32, 31+shift)
		mn, sn := int32((int64(m)<<k)/int64(count)), shift-k
		want := map[Profile][]int64{}
		for _, s := range sums {
			d := int32(s - zIn*int64(count))
			want[Reference] = append(want[Reference], int64(clamp(fixedpoint.MultiplyByQuantizedMultiplier(d, mn, sn)+int32(zOut), lo, hi)))
			want[SingleRounding] = append(want[SingleRounding], int64(clamp(fixedpoint.MultiplyByQuantizedMultiplierSingleRounding(d, mn, sn)+int32(zOut), lo, hi)))
			if sIn == sOut && zIn == zOut {
				want[XNNPack] = append(want[XNNPack], s/int64(count)) // truncating, like C
				continue
			}
			scale := sIn / sOut
			bias := float32(-zIn) * scale
			mean := float32(s) / float32(count)
			v := float32(math.Round(float64(float32(mean*scale)+bias))) + float32(zOut)
			want[XNNPack] = append(want[XNNPack], int64(min(max(v, float32(lo)), float32(hi))))
		}
		in := tt{typ: ttype(typ), shape: shape, q: tfbuild.Q(sIn, zIn), feed: encodeInts(typ, x)}
		out := tt{typ: ttype(typ), shape: outShape, q: tfbuild.Q(sOut, zOut)}
		model, err := Load(oneOp(tflite.BuiltinOperatorMEAN, meanOpts(keep), []tt{in, constI32([]int{len(axes)}, axes...)}, out))
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		for _, p := range Profiles() {
			if p == XNNPack && rank == 4 {
				continue
			}
			res, err := model.Run([][]byte{in.feed}, Options{Profile: p})
			if err != nil {
				t.Fatalf("case %d %s: %v", i, p, err)
			}
			if g := decodeInts(typ, res.Tensors[model.Outputs[0]]); fmt.Sprint(g) != fmt.Sprint(want[p]) {
				t.Fatalf("case %d %s (%v %v axes %v keep %v): got %v, want %v", i, p, typ, shape, axes, keep, g, want[p])
			}
		}
	}
}
