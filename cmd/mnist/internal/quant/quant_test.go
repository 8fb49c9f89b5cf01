package quant

import (
	"math"
	"testing"
)

func TestAsymmetricParams(t *testing.T) {
	cases := []struct {
		name     string
		min, max float32
		scale    float32
		zp       int64
	}{
		// [0, 1]: the MNIST input. zero point = -128 - 0/scale.
		{"unit input", 0, 1, 1.0 / 255, -128},
		// min > 0 is nudged to 0.
		{"positive range", 0.5, 2, 2.0 / 255, -128},
		// max < 0 is nudged to 0: zero point -128 + 255 = 127.
		{"negative range", -3, -1, 3.0 / 255, 127},
		// -128 - (-1)/(2/255) = -0.5 (exactly, in float32): std::round
		// goes away from zero, to -1 (round-half-even would give 0).
		{"symmetric", -1, 1, 2.0 / 255, -1},
		// -128 + 10/(15.5/255) = 36.516… → 37.
		{"asymmetric", -10, 5.5, 15.5 / 255, 37},
		// Both 0: scale 0 and zero point qmin.
		{"empty", 0, 0, 0, -128},
	}
	for _, c := range cases {
		got := ActivationParams(c.min, c.max)
		if got.Scale != c.scale || got.ZeroPoint != c.zp {
			t.Errorf("%s: [%v, %v] → scale %v zp %d, want scale %v zp %d", c.name, c.min, c.max, got.Scale, got.ZeroPoint, c.scale, c.zp)
		}
		if got.Min > 0 || got.Max < 0 {
			t.Errorf("%s: nudged range [%v, %v] does not contain 0", c.name, got.Min, got.Max)
		}
	}
}

func TestSymmetricPerTensor(t *testing.T) {
	// range 1.27 → scale 0.01, inverse 100: 0.5 → 50, -1.27 → -127, 0.3 → 30.
	q, scale := SymmetricPerTensor([]float32{0.5, -1.27, 0.3})
	if scale != float32(1.27)/127 {
		t.Errorf("scale %v, want %v", scale, float32(1.27)/127)
	}
	if want := []int8{50, -127, 30}; string(i8(q)) != string(i8(want)) {
		t.Errorf("q %v, want %v", q, want)
	}
	q, scale = SymmetricPerTensor([]float32{0, 0})
	if scale != 1 || q[0] != 0 || q[1] != 0 {
		t.Errorf("zero tensor: scale %v q %v, want 1 and zeros", scale, q)
	}
}

func i8(q []int8) []byte {
	b := make([]byte, len(q))
	for i, v := range q {
		b[i] = byte(v)
	}
	return b
}

func TestSymmetricPerChannel(t *testing.T) {
	// Channel 0 holds {1, -2}: scale 2/127, 1 × 63.5 = 63.5 rounds away
	// from zero to 64. Channel 1 holds {0.5, 0.25}: scale 0.5/127,
	// 0.25 × 254 = 63.5 → 64.
	cases := []struct {
		name  string
		w     []float32
		shape [4]int
		axis  int
		want  []int8
	}{
		{"conv axis 0", []float32{1, -2, 0.5, 0.25}, [4]int{2, 1, 1, 2}, 0, []int8{64, -127, 127, 64}},
		{"depthwise axis 3", []float32{1, 0.5, -2, 0.25}, [4]int{1, 1, 2, 2}, 3, []int8{64, 127, -127, 64}},
	}
	for _, c := range cases {
		q, scales, err := SymmetricPerChannel(c.w, c.shape, c.axis, nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(i8(q)) != string(i8(c.want)) {
			t.Errorf("%s: q %v, want %v", c.name, q, c.want)
		}
		if scales[0] != 2.0/127 || scales[1] != float32(0.5)/127 {
			t.Errorf("%s: scales %v, want [2/127 0.5/127]", c.name, scales)
		}
	}
	if _, _, err := SymmetricPerChannel([]float32{1}, [4]int{1, 1, 1, 2}, 0, nil); err == nil {
		t.Error("shape mismatch accepted")
	}
	// A zero channel gets scale 0 and zero values.
	q, scales, _ := SymmetricPerChannel([]float32{0, 0, 1, -1}, [4]int{2, 1, 1, 2}, 0, nil)
	if scales[0] != 0 || q[0] != 0 || q[2] != 127 || q[3] != -127 {
		t.Errorf("zero channel: scales %v q %v", scales, q)
	}
}

func TestBias(t *testing.T) {
	// scales 0.5×0.01 = 0.005 and 0.5×0.02 = 0.01: 0.1/0.005 = 20, -0.2/0.01 = -20.
	q, scales, err := Bias([]float32{0.1, -0.2}, 0.5, []float32{0.01, 0.02})
	if err != nil {
		t.Fatal(err)
	}
	if q[0] != 20 || q[1] != -20 || scales[0] != float32(0.5)*0.01 || scales[1] != float32(0.5)*0.02 {
		t.Errorf("q %v scales %v", q, scales)
	}
	// Per tensor: one scale for every element; saturation at ±(2^31-1).
	q, _, _ = Bias([]float32{1e10, -1e10, 3}, 1, []float32{1})
	if q[0] != math.MaxInt32 || q[1] != -math.MaxInt32 || q[2] != 3 {
		t.Errorf("per tensor: %v", q)
	}
	if _, _, err := Bias([]float32{1, 2, 3}, 1, []float32{1, 2}); err == nil {
		t.Error("2 scales for 3 biases accepted")
	}
}

func TestAdjustPerChannelForBias(t *testing.T) {
	half := []float32{1, 1}
	// input scale 1e-6, weight scale 1/127: the bias limit is
	// 0.5 × 1e-6 × (1/127) × (2^31-1) ≈ 8.45; 100 exceeds it.
	got := AdjustPerChannelForBias(half, []float32{1, 100}, 1e-6)
	if got[0] != 1 {
		t.Errorf("small bias changed the range: %v", got[0])
	}
	want := float32(2.0 * 100 / float64(math.MaxInt32) * float64(float32(127)/float32(1e-6)))
	if got[1] != want || got[1] <= 1 {
		t.Errorf("adjusted range %v, want %v", got[1], want)
	}
}

func TestQuantizeMultiplier(t *testing.T) {
	cases := []struct {
		real  float64
		mult  int32
		shift int
	}{
		{0, 0, 0},
		{0.5, 1 << 30, 0},
		{1, 1 << 30, 1},
		{0.75, 3 << 29, 0},
		{0.1, 1717986918, -3},              // 0.8 × 2^31 = 1717986918.4
		{1 - math.Pow(2, -40), 1 << 30, 1}, // rounds up to 2^31: halved, shift+1
		{math.Pow(2, -40), 0, 0},           // shift below -31 flushes to 0
	}
	for _, c := range cases {
		m, s := QuantizeMultiplier(c.real)
		if m != c.mult || s != c.shift {
			t.Errorf("QuantizeMultiplier(%v) = %d, %d; want %d, %d", c.real, m, s, c.mult, c.shift)
		}
	}
}

func TestMultiplyByQuantizedMultiplier(t *testing.T) {
	cases := []struct {
		x, mult int32
		shift   int
		want    int32
	}{
		// shared/README.md: hello_world_int8, input -124, first layer:
		// SRDHM gives -416, -416/64 = -6.5 rounds away from zero to -7.
		{-572, 1561796795, -6, -7},
		{416 * 2, 1 << 30, -6, 7}, // 416/64 = 6.5 → 7
		{100, 1 << 30, 0, 50},
		{3, 1 << 30, 0, 2},   // SRDHM: 1.5 → 2
		{-3, 1 << 30, 0, -1}, // SRDHM: -1.5 → -1 (gemmlowp's nudge)
		{5, 1 << 30, 2, 10},  // left shift 2 then × 0.5
	}
	for _, c := range cases {
		if got := MultiplyByQuantizedMultiplier(c.x, c.mult, c.shift); got != c.want {
			t.Errorf("MBQM(%d, %d, %d) = %d, want %d", c.x, c.mult, c.shift, got, c.want)
		}
	}
	if got := SaturatingRoundingDoublingHighMul(math.MinInt32, math.MinInt32); got != math.MaxInt32 {
		t.Errorf("SRDHM overflow case = %d", got)
	}
	for _, c := range []struct {
		x    int32
		exp  int
		want int32
	}{{-416, 6, -7}, {416, 6, 7}, {-415, 6, -6}, {-417, 6, -7}, {7, 0, 7}} {
		if got := RoundingDivideByPOT(c.x, c.exp); got != c.want {
			t.Errorf("RoundingDivideByPOT(%d, %d) = %d, want %d", c.x, c.exp, got, c.want)
		}
	}
}

func TestQuantizeValue(t *testing.T) {
	s := float32(1.0 / 255)
	for _, c := range []struct {
		x    float32
		want int8
	}{{0, -128}, {1, 127}, {2, 127}, {-1, -128}, {0.2, -77}} {
		// 0.2 × 255 = 51 → 51 - 128 = -77.
		if got := QuantizeValue(c.x, s, -128); got != c.want {
			t.Errorf("QuantizeValue(%v) = %d, want %d", c.x, got, c.want)
		}
	}
}
