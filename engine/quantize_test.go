package engine

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func TestQuantize(t *testing.T) {
	i8, u8, i16, i32 := tflite.TensorTypeINT8, tflite.TensorTypeUINT8, tflite.TensorTypeINT16, tflite.TensorTypeINT32
	runOpCases(t, tflite.BuiltinOperatorQUANTIZE, []opCase{
		// x/0.5 rounded half away from zero, − 1.
		{name: "float to int8",
			ins:  []tt{f32t([]int{6}, 0.25, -0.25, 1, 0.75, 100, -100)},
			out:  tt{typ: i8, shape: []int{6}, q: tfbuild.Q(0.5, -1)},
			want: tfbuild.I8(0, -2, 1, 1, 127, -128)},
		// static_cast<int32_t> of an out-of-range float gives INT_MIN on x86.
		{name: "float overflow as on x86",
			ins:  []tt{f32t([]int{2}, 1e10, -1e10)},
			out:  tt{typ: i8, shape: []int{2}, q: tfbuild.Q(1, 0)},
			want: tfbuild.I8(-128, -128)},
		{name: "float to uint8",
			ins:  []tt{f32t([]int{3}, 0, 1.5, -1)},
			out:  tt{typ: u8, shape: []int{3}, q: tfbuild.Q(0.01, 128)},
			want: []byte{128, 255, 28}},
		{name: "float to int16",
			ins:  []tt{f32t([]int{3}, 0.5, -3, 3)},
			out:  tt{typ: i16, shape: []int{3}, q: tfbuild.Q(1.0/10000, 0)},
			want: tfbuild.I16(5000, -30000, 30000)},
		// s_in/s_out = 1/2: only SRDHM rounds, ties toward +∞.
		{name: "int8 to int8 halves",
			ins:  []tt{q8([]int{5}, 1, 0, 3, -3, 5, -5, 127)},
			out:  tt{typ: i8, shape: []int{5}, q: tfbuild.Q(2, -1)},
			want: tfbuild.I8(1, -2, 2, -3, 63)},
		{name: "int8 to int8 doubles and saturates",
			ins:  []tt{q8([]int{3}, 2, 10, 10, 80, -128)},
			out:  tt{typ: i8, shape: []int{3}, q: tfbuild.Q(1, 0)},
			want: tfbuild.I8(0, 127, -128)},
		{name: "int8 to uint8 shift by 128",
			ins:  []tt{q8([]int{3}, 0.1, -128, -128, 0, 127)},
			out:  tt{typ: u8, shape: []int{3}, q: tfbuild.Q(0.1, 0)},
			want: []byte{0, 128, 255}},
		{name: "uint8 to int8",
			ins:  []tt{{typ: u8, shape: []int{3}, q: tfbuild.Q(0.1, 128), feed: []byte{0, 128, 255}}},
			out:  tt{typ: i8, shape: []int{3}, q: tfbuild.Q(0.1, 0)},
			want: tfbuild.I8(-128, 0, 127)},
		{name: "int16 to int32",
			ins:  []tt{q16([]int{3}, 1.0/4096, 0, -32768, 1, 32767)},
			out:  tt{typ: i32, shape: []int{3}, q: tfbuild.Q(1.0/(1<<24), 0)},
			want: tfbuild.I32(-32768<<12, 1<<12, 32767<<12)},
		// Multiplier 2^16 is applied as x·2^17 (then halved by SRDHM), which
		// wraps in 32 bits as in TFLite.
		{name: "int16 to int32 wraps like TFLite",
			ins:  []tt{q16([]int{3}, 1, 0, -32768, 1, 32767)},
			out:  tt{typ: i32, shape: []int{3}, q: tfbuild.Q(1.0/65536, 0)},
			want: tfbuild.I32(0, 1<<16, -1<<16)},
		{name: "int32 to int16",
			ins:  []tt{{typ: i32, shape: []int{3}, q: tfbuild.Q(1.0/4, 0), feed: tfbuild.I32(6, -6, 1<<20)}},
			out:  tt{typ: i16, shape: []int{3}, q: tfbuild.Q(1, 0)},
			want: tfbuild.I16(2, -2, 32767)}, // ±1.5 round away from zero
		{name: "int16 to int8",
			ins:  []tt{q16([]int{2}, 1.0/256, 0, 256, -32768)},
			out:  tt{typ: i8, shape: []int{2}, q: tfbuild.Q(1.0/64, 0)},
			want: tfbuild.I8(64, -128)},

		{name: "float to int32",
			ins:     []tt{f32t([]int{1}, 1)},
			out:     tt{typ: i32, shape: []int{1}, q: tfbuild.Q(1, 0)},
			wantErr: "not supported"},
		{name: "uint8 to int16",
			ins:     []tt{{typ: u8, shape: []int{1}, q: tfbuild.Q(1, 0), feed: []byte{1}}},
			out:     tt{typ: i16, shape: []int{1}, q: tfbuild.Q(1, 0)},
			wantErr: "not supported"},
		{name: "per-channel output",
			ins:     []tt{f32t([]int{2}, 1, 2)},
			out:     tt{typ: i8, shape: []int{2}, q: &tfbuild.Quant{Scale: []float32{1, 2}, ZeroPoint: []int64{0, 0}}},
			wantErr: "per-channel"},
		{name: "shape",
			ins:     []tt{f32t([]int{2}, 1, 2)},
			out:     tt{typ: i8, shape: []int{1, 2}, q: tfbuild.Q(1, 0)},
			wantErr: "computes [2]"},
		{name: "no output quantization",
			ins:     []tt{f32t([]int{1}, 1)},
			out:     tt{typ: i8, shape: []int{1}},
			wantErr: "no quantization"},
	})
}

// TestQuantizeRandom checks requantization against the big-int oracle and
// float quantization against round(x/scale) computed in float64 (equal
// here, since x/scale is exact in float32 for these values).
func TestQuantizeRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pairs := [][2]DType{{Int8, Int8}, {Int8, Uint8}, {Uint8, Int8}, {Int8, Int16}, {Int8, Int32},
		{Int16, Int8}, {Int16, Int16}, {Int16, Int32}, {Int32, Int8}, {Int32, Int16}}
	for trial, pr := range append(pairs, pairs...) {
		si := float32(math.Ldexp(1+rng.Float64(), -rng.IntN(12)))
		so := float32(float64(si) * math.Ldexp(1+rng.Float64(), rng.IntN(9)-4))
		zi, zo := randInts(rng, pr[0], 1)[0], randInts(rng, pr[1], 1)[0]
		if pr[0] == Int32 {
			zi = 0
		}
		if pr[1] == Int32 {
			zo = 0
		}
		x := randInts(rng, pr[0], 64)
		if pr[0] == Int32 {
			for i := range x {
				x[i] >>= 10
			}
		}
		gotB, res, err := runOneOp(tflite.BuiltinOperatorQUANTIZE, nil,
			[]tt{{typ: ttype(pr[0]), shape: []int{64}, q: tfbuild.Q(si, zi), feed: encodeInts(pr[0], x)}},
			tt{typ: ttype(pr[1]), shape: []int{64}, q: tfbuild.Q(so, zo)})
		if err != nil {
			t.Fatal(err)
		}
		m, shift := refQuantizeMultiplier(float64(si) / float64(so))
		lo, hi := qrange(pr[1])
		got := decodeInts(pr[1], gotB)
		for i := range got {
			want := refClamp(int64(refMBQM(int32(x[i]-zi), m, shift))+zo, int64(lo), int64(hi))
			if got[i] != want {
				t.Fatalf("trial %d %v→%v: element %d (%d): got %d, want %d", trial, pr[0], pr[1], i, x[i], got[i], want)
			}
		}
		e, err := res.Explain(0, 7)
		if err != nil {
			t.Fatal(err)
		}
		if e.Value != got[7] {
			t.Fatalf("trial %d: explanation %d, output %d", trial, e.Value, got[7])
		}
	}
	// Float inputs on the grid k/8 with scale 1/4: x/scale = k/2 exactly.
	var x []float32
	for k := -600; k <= 600; k += 7 {
		x = append(x, float32(k)/8)
	}
	gotB, res, err := runOneOp(tflite.BuiltinOperatorQUANTIZE, nil, []tt{f32t([]int{len(x)}, x...)},
		tt{typ: tflite.TensorTypeINT8, shape: []int{len(x)}, q: tfbuild.Q(0.25, 3)})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range decodeInts(Int8, gotB) {
		want := refClamp(int64(math.Round(float64(x[i])*4))+3, -128, 127)
		if v != want {
			t.Fatalf("float %v: got %d, want %d", x[i], v, want)
		}
	}
	e, err := res.Explain(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if e.Value != -128 || e.Steps[0].Value != -75 || e.Steps[2].Value != -300 {
		t.Fatalf("explanation of quantize(-75): %+v", e)
	}
}

func TestDequantize(t *testing.T) {
	f := tflite.TensorTypeFLOAT32
	runOpCases(t, tflite.BuiltinOperatorDEQUANTIZE, []opCase{
		{name: "int8",
			ins:  []tt{q8([]int{3}, 0.5, -1, -128, 0, 127)},
			out:  tt{typ: f, shape: []int{3}},
			want: tfbuild.F32(-63.5, 0.5, 64)},
		{name: "uint8",
			ins:  []tt{{typ: tflite.TensorTypeUINT8, shape: []int{2}, q: tfbuild.Q(0.25, 128), feed: []byte{0, 255}}},
			out:  tt{typ: f, shape: []int{2}},
			want: tfbuild.F32(-32, 31.75)},
		// float32 product: 0.1f·3 is 0.3f·(1+ε), not the double 0.3.
		{name: "int16 float32 product",
			ins:  []tt{q16([]int{2}, 0.1, 0, 3, -32768)},
			out:  tt{typ: f, shape: []int{2}},
			want: tfbuild.F32(float32(0.1)*3, float32(0.1)*-32768)},

		{name: "int8 output",
			ins:     []tt{q8([]int{1}, 1, 0, 1)},
			out:     tt{typ: tflite.TensorTypeINT8, shape: []int{1}, q: tfbuild.Q(1, 0)},
			wantErr: "not supported"},
		// PerChannelDequantize: (q − zp[c])·scale[c] along the quantized
		// dimension (weight-only models).
		{name: "per-channel axis 0",
			ins:  []tt{{typ: tflite.TensorTypeINT8, shape: []int{2, 3}, q: &tfbuild.Quant{Scale: []float32{0.5, 2}, ZeroPoint: []int64{1, -3}}, feed: tfbuild.I8(1, 3, -1, 0, -3, 5)}},
			out:  tt{typ: f, shape: []int{2, 3}},
			want: tfbuild.F32(0, 1, -1, 6, 0, 16)},
		{name: "per-channel axis 1",
			ins:  []tt{{typ: tflite.TensorTypeINT8, shape: []int{2, 2}, q: &tfbuild.Quant{Scale: []float32{1, 0.25}, ZeroPoint: []int64{0, 0}, Axis: 1}, feed: tfbuild.I8(4, 4, 8, 8)}},
			out:  tt{typ: f, shape: []int{2, 2}},
			want: tfbuild.F32(4, 1, 8, 2)},
		{name: "per-channel uint8",
			ins:     []tt{{typ: tflite.TensorTypeUINT8, shape: []int{2}, q: &tfbuild.Quant{Scale: []float32{1, 2}, ZeroPoint: []int64{0, 0}}, feed: []byte{1, 2}}},
			out:     tt{typ: f, shape: []int{2}},
			wantErr: "per-channel"},
		// float16 → float32 is exact: 1, −2, the largest half, the
		// smallest subnormal 2^−24.
		{name: "float16",
			ins:  []tt{{typ: tflite.TensorTypeFLOAT16, shape: []int{4}, feed: []byte{0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00}}},
			out:  tt{typ: f, shape: []int{4}},
			want: tfbuild.F32(1, -2, 65504, 1.0/(1<<24))},
		{name: "shape",
			ins:     []tt{q8([]int{2}, 1, 0, 1, 2)},
			out:     tt{typ: f, shape: []int{3}},
			wantErr: "computes [2]"},
	})
}

// TestRoundHalfAway checks truncHalfAway, QUANTIZE's rounding in
// WebAssembly, and roundHalfAwayF32 against math.Round bit for bit
// (truncHalfAway also held for all 2^32 float32 values when written).
func TestRoundHalfAway(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
	}
	// roundHalfAwayF32: float32 values around every power of two (where
	// x ± 0.5 stops or starts being exact), ties, and random bit patterns.
	var fs []float32
	for e := -149; e <= 127; e++ {
		p := float32(math.Ldexp(1, e))
		for _, v := range []float32{p, math.Nextafter32(p, 0), math.Nextafter32(p, 2*p+1), p * 1.5} {
			fs = append(fs, v, -v)
		}
	}
	for i := int32(-1 << 12); i <= 1<<12; i++ {
		fs = append(fs, float32(i)/2, float32(i)/2+1<<22, float32(i)/2+1<<23)
	}
	for range 1 << 20 {
		fs = append(fs, math.Float32frombits(rng.Uint32()))
	}
	fs = append(fs, 0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 0.49999997, -0.49999997)
	for _, x := range fs {
		want := math.Round(float64(x))
		if got := truncHalfAway(x); !same(got, want) {
			t.Fatalf("truncHalfAway(%v) = %v, math.Round gives %v", x, got, want)
		}
		if got := roundHalfAwayF32(x); !same(got, want) {
			t.Fatalf("roundHalfAwayF32(%v) = %v, math.Round gives %v", x, got, want)
		}
	}
}
