package engine

import (
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tflite"
)

// The XNNPack profile is proven against the real browser TFLite by
// internal/difftest (needs node). These tests pin its pieces without the
// oracle: hand-derived values and the recorded oracle outputs of
// hello_world_int8.

func TestXNNRequant(t *testing.T) {
	for _, c := range []struct {
		acc        int32
		scale      float32
		zp, lo, hi int32
		want       int32
		why        string
	}{
		{5, 0.5, 0, -128, 127, 2, "2.5 ties to even"},
		{7, 0.5, 0, -128, 127, 4, "3.5 ties to even"},
		{-5, 0.5, 0, -128, 127, -2, "-2.5 ties to even"},
		{-7, 0.5, 0, -128, 127, -4, "-3.5 ties to even"},
		{3, 0.25, 10, -128, 127, 11, "0.75 rounds up, then + zp"},
		{-1000, 1, -100, -128, 127, -128, "clamped low"},
		{1000, 1, 100, -128, 127, 127, "clamped high"},
		{5, 0.5, 3, 0, 4, 4, "2 + 3 = 5 clamped to the activation max 4"},
		{math.MaxInt32, 1, 0, -128, 127, 127, "float32(2^31−1) = 2^31, saturates"},
		{math.MinInt32, 1, 0, -128, 127, -128, "saturates low"},
		{16777217, 1.0 / 16777216, 0, -128, 127, 1, "float32(2^24+1) = 2^24: 1, not 1.0000001"},
	} {
		if got := xnnRequant(c.acc, c.scale, c.zp, c.lo, c.hi); got != c.want {
			t.Errorf("xnnRequant(%d, %g, %d, [%d, %d]) = %d, want %d (%s)", c.acc, c.scale, c.zp, c.lo, c.hi, got, c.want, c.why)
		}
	}
}

// f32 rounds x to float32 precision with math/big (round half to even), an
// independent model of one float32 operation.
func f32(x *big.Float) float32 {
	y, _ := new(big.Float).SetPrec(24).SetMode(big.ToNearestEven).Set(x).Float32()
	return y
}

// TestXNNScaleOrder checks that the requantization scale is computed as
// XNNPACK does, (s_in·s_w rounded to float32) / s_out rounded again, which
// differs from the double-precision quotient rounded once.
func TestXNNScaleOrder(t *testing.T) {
	found := 0
	for i := 1; i < 20000 && found < 5; i++ {
		a := float32(1.0/256) * (1 + float32(i%97)/97)
		b := float32(1.0/1024) * (1 + float32(i%89)/89)
		c := float32(1.0/64) * (1 + float32(i%83)/83)
		prod := f32(new(big.Float).Mul(big.NewFloat(float64(a)), big.NewFloat(float64(b))))
		want := f32(new(big.Float).Quo(big.NewFloat(float64(prod)), big.NewFloat(float64(c))))
		if got := xnnScale(a, b, c); got != want {
			t.Fatalf("xnnScale(%g, %g, %g) = %g, want %g", a, b, c, got, want)
		}
		once := float32(float64(a) * float64(b) / float64(c))
		if once != want {
			found++
		}
	}
	if found == 0 {
		t.Error("no case where the float32 order differs from the double quotient; the test no longer tells them apart")
	}
}

func TestXNNAddParams(t *testing.T) {
	// s_a/s_out = 0.5 and s_b/s_out = 0.25: the larger has exponent −1, so
	// shift = 20 − (−1) = 21 and the multipliers are 2^20 and 2^19.
	am, bm, shift, bias := xnnAddParams(0.5, 0.25, 3, -2)
	if am != 1<<20 || bm != 1<<19 || shift != 21 || bias != 1<<20-3<<20+2<<19 {
		t.Errorf("xnnAddParams(0.5, 0.25, 3, −2) = %d, %d, %d, %d", am, bm, shift, bias)
	}
	// SUB negates the second multiplier.
	if _, bm, _, _ := xnnAddParams(0.5, -0.25, 0, 0); bm != -(1 << 19) {
		t.Errorf("negative scale: b multiplier %d", bm)
	}
	// 0.3 · 2^21 = 629145.6 rounds to 629146.
	if am, _, shift, _ := xnnAddParams(0.3, 0.3, 0, 0); shift != 22 || am != 1258291 {
		t.Errorf("0.3: multiplier %d shift %d, want 1258291 (0.3·2^22 = 1258291.2) and 22", am, shift)
	}
	// (a − zp)·mult summed and shifted right rounds half up: a = 1, b = 0,
	// zps 0, multipliers 2^20 (0.5): 0.5 → 1; a = −1: −0.5 → 0.
	k := &xnnAddSub{ZeroPoint: 0, Min: -128, Max: 127}
	k.AMultiplier, k.BMultiplier, k.Shift, k.Bias = xnnAddParams(0.5, 0.5, 0, 0)
	for _, c := range []struct{ a, b, want int32 }{{1, 0, 1}, {-1, 0, 0}, {3, 0, 2}, {-3, 0, -1}, {100, 100, 100}} {
		if got := k.value(c.a, c.b); got != c.want {
			t.Errorf("add(%d, %d) at scale 0.5 = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestXNNQuantizeActivation(t *testing.T) {
	out := &Tensor{Type: Int8, Quant: &Quant{Scale: []float32{0.05}, ZeroPoint: []int64{-10}}}
	for _, c := range []struct {
		act    tflite.ActivationFunctionType
		lo, hi int32
	}{
		{tflite.ActivationFunctionTypeNONE, -128, 127},
		{tflite.ActivationFunctionTypeRELU, -10, 127},
		{tflite.ActivationFunctionTypeRELU6, -10, 110},       // 6/0.05 = 120 → −10 + 120
		{tflite.ActivationFunctionTypeRELU_N1_TO_1, -30, 10}, // ±1/0.05 = ±20
	} {
		lo, hi, err := xnnActivation(c.act, out)
		if err != nil || lo != c.lo || hi != c.hi {
			t.Errorf("%v: [%d, %d] %v, want [%d, %d]", c.act, lo, hi, err, c.lo, c.hi)
		}
	}
	// lrintf: 6/(6/255) + zp lands on x.5 → even.
	if got := xnnQuantize(0.5, 1, 0); got != 0 {
		t.Errorf("xnnQuantize(0.5, 1, 0) = %d, want 0 (ties to even)", got)
	}
	if got := xnnQuantize(1.5, 1, 0); got != 2 {
		t.Errorf("xnnQuantize(1.5, 1, 0) = %d, want 2", got)
	}
}

func TestXNNSamePaddingWraps(t *testing.T) {
	for _, c := range []struct {
		in, k, s, d int
		want        bool
	}{
		{4, 1, 2, 1, true},  // (2−1)·2 + 1 − 4 = −1
		{5, 1, 2, 1, false}, // (3−1)·2 + 1 − 5 = 0
		{6, 2, 3, 1, true},  // (2−1)·3 + 2 − 6 = −1
		{8, 3, 2, 1, false}, // 6 + 3 − 8 = 1
		{7, 2, 3, 2, false}, // (3−1)·3 + 3 − 7 = 2: dilation 2 widens the window to 3
		{9, 3, 1, 1, false}, // stride 1 never wraps
	} {
		if got := xnnSamePaddingWraps(c.in, c.k, c.s, c.d); got != c.want {
			t.Errorf("xnnSamePaddingWraps(in %d, k %d, s %d, d %d) = %v, want %v", c.in, c.k, c.s, c.d, got, c.want)
		}
	}
}

// TestXNNPackHelloWorld checks the numbers ../shared/README.md measured on
// hello_world_int8: reference and browser TFLite disagree on 23 of 256
// inputs, and inputs −124 and −116 give 15 and 38 in the browser.
// internal/difftest's TestHelloWorldXNNPack compares every input and every
// intermediate with the live oracle.
func TestXNNPackHelloWorld(t *testing.T) {
	m := corpusModel(t, "hello_world_int8.tflite")
	got := make([]byte, 0, 256)
	differ := 0
	for x := -128; x < 128; x++ {
		in := [][]byte{{byte(int8(x))}}
		res, err := m.Run(in, Options{Profile: XNNPack})
		if err != nil {
			t.Fatal(err)
		}
		v := res.Tensors[m.Outputs[0]][0]
		got = append(got, v)
		ref, _ := m.Run(in, Options{})
		if ref.Tensors[m.Outputs[0]][0] != v {
			differ++
		}
	}
	if got[-124+128] != 15 || got[-116+128] != 38 {
		t.Errorf("inputs −124, −116 give %d, %d; want 15, 38", int8(got[4]), int8(got[12]))
	}
	if differ != 23 {
		t.Errorf("reference and tflite-xnnpack differ on %d of 256 inputs, want 23", differ)
	}
}

// FuzzXNNPack runs what FuzzLoad loads under the XNNPack profile and
// explains element 0 of every op: nothing may panic.
func FuzzXNNPack(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) { fuzzRun(b, XNNPack) })
}

// TestXNNPackRefusesPersonDetect: the browser TFLite refuses
// person_detect ("quantized_dimension must be in range [0, 1). Was 3." for
// its per-channel biases; internal/difftest checks that against the oracle),
// so the tflite-xnnpack profile must refuse it too while reference runs it.
func TestXNNPackRefusesPersonDetect(t *testing.T) {
	m := corpusModel(t, "person_detect.tflite")
	in := [][]byte{make([]byte, m.Tensors[m.Inputs[0]].NumBytes())}
	if _, err := m.Run(in, Options{}); err != nil {
		t.Fatalf("reference: %v", err)
	}
	_, err := m.Run(in, Options{Profile: XNNPack})
	if err == nil || !strings.Contains(err.Error(), "quantized_dimension must be in range [0, 1). Was 3.") {
		t.Fatalf("tflite-xnnpack: err = %v, want the browser TFLite's refusal", err)
	}
}

// TestTraceNamesArithmetic: the trace says, per op, which kernel's
// arithmetic ran (issue: "the trace and the explanation say which
// arithmetic each op used").
func TestTraceNamesArithmetic(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "web", "static", "models", "mnist_dscnn_int8.tflite"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	in := [][]byte{make([]byte, m.Tensors[m.Inputs[0]].NumBytes())}
	want := map[Profile]map[string]string{
		Reference:      {"CONV_2D": "TFLite reference kernel (as TFLite Micro)", "AVERAGE_POOL_2D": "TFLite reference kernel (as TFLite Micro)"},
		SingleRounding: {"CONV_2D": "TFLite reference kernel, single rounding (TFLITE_SINGLE_ROUNDING)"},
		XNNPack:        {"CONV_2D": "XNNPACK delegate", "AVERAGE_POOL_2D": "TFLite builtin kernel: the XNNPACK delegate takes AVERAGE_POOL_2D only in float32"},
	}
	for p, ops := range want {
		res, err := m.Run(in, Options{Profile: p, Trace: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range res.Trace.Ops {
			if w, ok := ops[o.Builtin]; ok && o.Arithmetic != w {
				t.Errorf("%s op %d %s: arithmetic %q, want %q", p, o.Op, o.Builtin, o.Arithmetic, w)
			}
		}
	}
}
