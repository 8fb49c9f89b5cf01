package fixedpoint

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// Independent references, in exact big-integer arithmetic.

// floorDiv2 returns floor(n / 2^k).
func floorDiv2(n *big.Int, k uint) *big.Int { return new(big.Int).Rsh(n, k) }

// roundHalfUp returns n / 2^k rounded to nearest, ties toward +Inf.
func roundHalfUp(n *big.Int, k uint) *big.Int {
	if k == 0 {
		return new(big.Int).Set(n)
	}
	return floorDiv2(new(big.Int).Add(n, new(big.Int).Lsh(big.NewInt(1), k-1)), k)
}

// roundHalfAway returns n / 2^k rounded to nearest, ties away from zero.
func roundHalfAway(n *big.Int, k uint) *big.Int {
	r := roundHalfUp(new(big.Int).Abs(n), k)
	if n.Sign() < 0 {
		r.Neg(r)
	}
	return r
}

func refSRDHM(a, b int32) int32 {
	if a == math.MinInt32 && b == math.MinInt32 {
		return math.MaxInt32
	}
	return int32(roundHalfUp(new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(int64(b))), 31).Int64())
}

func refRDBPOT(x int32, e int) int32 {
	return int32(roundHalfAway(big.NewInt(int64(x)), uint(e)).Int64())
}

func refMBQM(x, m int32, shift int) int32 {
	left, right := max(shift, 0), max(-shift, 0)
	shifted := int32(uint32(x) << left) // TFLite's wrapping x * (1 << left)
	return refRDBPOT(refSRDHM(shifted, m), right)
}

func refSingleRounding(x, m int32, shift int) int32 {
	p := new(big.Int).Mul(big.NewInt(int64(x)), big.NewInt(int64(m)))
	return int32(roundHalfUp(p, uint(31-shift)).Int64())
}

func ref64(x int64, m int32, shift int) int32 {
	reduced := int64(0x7FFF)
	if m < 0x7FFF0000 {
		reduced = roundHalfUp(big.NewInt(int64(m)), 16).Int64()
	}
	p := new(big.Int).Mul(big.NewInt(x), big.NewInt(reduced))
	return int32(roundHalfUp(p, uint(15-shift)).Int64())
}

func newRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// randInt32 draws values with a random magnitude, so that small, large and
// extreme values all occur.
func randInt32(r *rand.Rand) int32 {
	switch r.IntN(8) {
	case 0:
		return []int32{0, 1, -1, math.MaxInt32, math.MinInt32, 1 << 30, -1 << 30}[r.IntN(7)]
	}
	return int32(r.Uint32()) >> r.IntN(32)
}

func TestSaturatingRoundingDoublingHighMul(t *testing.T) {
	tests := []struct {
		name string
		a, b int32
		want int32
	}{
		{"MinInt32*MinInt32 saturates", math.MinInt32, math.MinInt32, math.MaxInt32},
		{"MinInt32*MaxInt32", math.MinInt32, math.MaxInt32, -math.MaxInt32},
		{"MaxInt32*MaxInt32", math.MaxInt32, math.MaxInt32, math.MaxInt32 - 1},
		{"half*half", 1 << 30, 1 << 30, 1 << 29},
		{"zero", 0, math.MinInt32, 0},
		{"positive tie rounds up", 1, 1 << 30, 1},
		{"negative tie rounds toward +Inf", -1, 1 << 30, 0},
		{"-1.5 rounds to -1", -3, 1 << 30, -1},
		{"hello_world accumulator", -572, 1561796795, -416},
	}
	for _, tt := range tests {
		if got := SaturatingRoundingDoublingHighMul(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: SRDHM(%d, %d) = %d, want %d", tt.name, tt.a, tt.b, got, tt.want)
		}
	}
	r := newRand()
	for range 100000 {
		a, b := randInt32(r), randInt32(r)
		if got, want := SaturatingRoundingDoublingHighMul(a, b), refSRDHM(a, b); got != want {
			t.Fatalf("SRDHM(%d, %d) = %d, want %d", a, b, got, want)
		}
	}
}

func TestRoundingDivideByPOT(t *testing.T) {
	tests := []struct {
		name     string
		x        int32
		exponent int
		want     int32
	}{
		{"5/2 tie away from zero", 5, 1, 3},
		{"-5/2 tie away from zero", -5, 1, -3},
		{"-6/4 tie away from zero", -6, 2, -2},
		{"6/4 tie away from zero", 6, 2, 2},
		{"-1/2 tie", -1, 1, -1},
		{"-5/4 rounds to -1", -5, 2, -1},
		{"-7/4 rounds to -2", -7, 2, -2},
		{"exponent 0", -7, 0, -7},
		{"-416/64 (hello_world)", -416, 6, -7},
		{"MaxInt32/2^31", math.MaxInt32, 31, 1},
		{"MinInt32/2^31", math.MinInt32, 31, -1},
		{"-2^30/2^31 tie", -1 << 30, 31, -1},
		{"small/2^31", 1<<30 - 1, 31, 0},
	}
	for _, tt := range tests {
		if got := RoundingDivideByPOT(tt.x, tt.exponent); got != tt.want {
			t.Errorf("%s: RoundingDivideByPOT(%d, %d) = %d, want %d", tt.name, tt.x, tt.exponent, got, tt.want)
		}
	}
	r := newRand()
	for range 100000 {
		x, e := randInt32(r), r.IntN(32)
		if got, want := RoundingDivideByPOT(x, e), refRDBPOT(x, e); got != want {
			t.Fatalf("RoundingDivideByPOT(%d, %d) = %d, want %d", x, e, got, want)
		}
	}
}

func TestSaturatingRoundingMultiplyByPOT(t *testing.T) {
	tests := []struct {
		name     string
		x        int32
		exponent int
		want     int32
	}{
		{"in range", 1 << 29, 1, 1 << 30},
		{"positive saturates", 1 << 30, 1, math.MaxInt32},
		{"negative saturates", -1 << 30, 1, math.MinInt32},
		{"negative in range", -(1 << 30) + 1, 1, -(1 << 31) + 2},
		{"exponent 31", 1, 31, math.MaxInt32},
		{"exponent 31 zero", 0, 31, 0},
		{"exponent 0", -5, 0, -5},
		{"negative exponent rounds", -5, -1, -3},
		{"negative exponent rounds up", 5, -1, 3},
	}
	for _, tt := range tests {
		if got := saturatingRoundingMultiplyByPOT(tt.x, tt.exponent); got != tt.want {
			t.Errorf("%s: saturatingRoundingMultiplyByPOT(%d, %d) = %d, want %d", tt.name, tt.x, tt.exponent, got, tt.want)
		}
	}
	if got := Rescale(1<<26, 5, 0); got != math.MaxInt32 { // 1.0 in Q5.26 to Q0.31
		t.Errorf("Rescale(1.0, 5, 0) = %d, want MaxInt32", got)
	}
	if got := Rescale(1<<30, 0, 2); got != 1<<28 { // 0.5 in Q0.31 to Q2.29
		t.Errorf("Rescale(0.5, 0, 2) = %d, want %d", got, 1<<28)
	}
}

func TestCountLeadingZeros32(t *testing.T) {
	for _, tt := range []struct {
		x    uint32
		want int
	}{{0, 32}, {1, 31}, {1 << 31, 0}, {0x00FF0000, 8}} {
		if got := CountLeadingZeros32(tt.x); got != tt.want {
			t.Errorf("CountLeadingZeros32(%#x) = %d, want %d", tt.x, got, tt.want)
		}
	}
}

func TestQuantizeMultiplier(t *testing.T) {
	tests := []struct {
		name      string
		real      float64
		wantM     int32
		wantShift int
	}{
		{"zero", 0, 0, 0},
		{"0.5", 0.5, 1 << 30, 0},
		{"1.0", 1.0, 1 << 30, 1},
		{"0.75", 0.75, 3 << 29, 0},
		{"3.0", 3.0, 3 << 29, 2},
		{"-0.5", -0.5, -1 << 30, 0},
		{"q rounds up to 2^31", 0.99999999999, 1 << 30, 1},
		{"2^-32 keeps shift -31", math.Ldexp(1, -32), 1 << 30, -31},
		{"2^-33 flushes to zero", math.Ldexp(1, -33), 0, 0},
		{"tiny flushes to zero", 1e-12, 0, 0},
		{"hello_world multiplier", math.Ldexp(1561796795, -37), 1561796795, -6},
		{"round half away from zero", math.Ldexp(2*1561796795+1, -32), 1561796796, 0},
	}
	for _, tt := range tests {
		m, s := QuantizeMultiplier(tt.real)
		if m != tt.wantM || s != tt.wantShift {
			t.Errorf("%s: QuantizeMultiplier(%v) = (%d, %d), want (%d, %d)", tt.name, tt.real, m, s, tt.wantM, tt.wantShift)
		}
	}

	// Properties: the multiplier is normalized and within half a unit of the
	// real value.
	r := newRand()
	for range 10000 {
		real := math.Ldexp(r.Float64()+0.5, r.IntN(60)-30)
		m, s := QuantizeMultiplier(real)
		if m < 1<<30 {
			t.Fatalf("QuantizeMultiplier(%v) = (%d, %d): not normalized", real, m, s)
		}
		if err := math.Abs(math.Ldexp(float64(m), s-31) - real); err > math.Ldexp(1, s-32) {
			t.Fatalf("QuantizeMultiplier(%v) = (%d, %d): error %v", real, m, s, err)
		}
	}
}

func expectPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: did not panic", name)
		}
	}()
	f()
}

func TestQuantizeMultiplierVariants(t *testing.T) {
	if m, s := QuantizeMultiplierSmallerThanOneExp(0.25); m != 1<<30 || s != -1 {
		t.Errorf("QuantizeMultiplierSmallerThanOneExp(0.25) = (%d, %d), want (%d, -1)", m, s, 1<<30)
	}
	if m, s := quantizeMultiplierGreaterThanOne(3); m != 3<<29 || s != 2 {
		t.Errorf("quantizeMultiplierGreaterThanOne(3) = (%d, %d), want (%d, 2)", m, s, 3<<29)
	}
	expectPanic(t, "SmallerThanOneExp(1)", func() { QuantizeMultiplierSmallerThanOneExp(1) })
	expectPanic(t, "SmallerThanOneExp(0)", func() { QuantizeMultiplierSmallerThanOneExp(0) })
	expectPanic(t, "SmallerThanOneExp rounding to shift 1", func() { QuantizeMultiplierSmallerThanOneExp(0.99999999999) })
	expectPanic(t, "GreaterThanOne(0.5)", func() { quantizeMultiplierGreaterThanOne(0.5) })
	expectPanic(t, "QuantizeMultiplier(NaN)", func() { QuantizeMultiplier(math.NaN()) })
	expectPanic(t, "QuantizeMultiplier(+Inf)", func() { QuantizeMultiplier(math.Inf(1)) })
}

func TestMultiplyByQuantizedMultiplier(t *testing.T) {
	tests := []struct {
		name       string
		x, m       int32
		shift      int
		wantDouble int32
		wantSingle int32
	}{
		// SRDHM gives -416 and -416/64 = -6.5 rounds away to -7, while the
		// single rounding of -6.49999... gives -6.
		{"hello_world", -572, 1561796795, -6, -7, -6},
		{"hello_world positive", 572, 1561796795, -6, 7, 6},
		{"left shift", 100, 1 << 30, 2, 200, 200},
		{"identity", 12345, math.MaxInt32, 0, 12345, 12345},
		{"-0.75 (double: -1.5 then -0.5)", -3, 1 << 30, -1, -1, -1},
		{"0.25 double rounds up twice", 1, 1 << 30, -1, 1, 0},
		{"-0.375", -3, 1 << 30, -2, 0, 0},
		{"zero multiplier", 1000, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		if got := MultiplyByQuantizedMultiplier(tt.x, tt.m, tt.shift); got != tt.wantDouble {
			t.Errorf("%s: MultiplyByQuantizedMultiplier(%d, %d, %d) = %d, want %d", tt.name, tt.x, tt.m, tt.shift, got, tt.wantDouble)
		}
		if got := MultiplyByQuantizedMultiplierSingleRounding(tt.x, tt.m, tt.shift); got != tt.wantSingle {
			t.Errorf("%s: MultiplyByQuantizedMultiplierSingleRounding(%d, %d, %d) = %d, want %d", tt.name, tt.x, tt.m, tt.shift, got, tt.wantSingle)
		}
	}

	r := newRand()
	for range 100000 {
		x, m, shift := randInt32(r), int32(r.Uint32()>>1), r.IntN(40)-31
		if got, want := MultiplyByQuantizedMultiplier(x, m, shift), refMBQM(x, m, shift); got != want {
			t.Fatalf("MultiplyByQuantizedMultiplier(%d, %d, %d) = %d, want %d", x, m, shift, got, want)
		}
		// Keep the single-rounding result inside int32, as TFLite DCHECKs.
		x >>= max(shift, 0)
		if got, want := MultiplyByQuantizedMultiplierSingleRounding(x, m, shift), refSingleRounding(x, m, shift); got != want {
			t.Fatalf("MultiplyByQuantizedMultiplierSingleRounding(%d, %d, %d) = %d, want %d", x, m, shift, got, want)
		}
	}
}

func TestMultiplyByQuantizedMultiplier64(t *testing.T) {
	tests := []struct {
		name  string
		x     int64
		m     int32
		shift int
		want  int32
	}{
		{"half of 2^40 >> 10", 1 << 40, 1 << 30, -10, 1 << 29},
		{"multiplier saturates to 0x7FFF", 1 << 20, math.MaxInt32, 0, 0x7FFF << 5},
		{"-0.75 rounds to -1", -3, 1 << 30, -1, -1},
		{"-1.5 tie rounds toward +Inf", -3, 1 << 30, 0, -1},
		{"hello_world", -572, 1561796795, -6, -6},
		{"shift beyond TFLite's domain is capped, not a panic", 3, 1 << 30, 30, 24576},
	}
	for _, tt := range tests {
		if got := MultiplyByQuantizedMultiplier64(tt.x, tt.m, tt.shift); got != tt.want {
			t.Errorf("%s: MultiplyByQuantizedMultiplier64(%d, %d, %d) = %d, want %d", tt.name, tt.x, tt.m, tt.shift, got, tt.want)
		}
		if got := MultiplyByQuantizedMultiplier64SingleRounding(tt.x, tt.m, tt.shift); got != tt.want {
			t.Errorf("%s: MultiplyByQuantizedMultiplier64SingleRounding = %d, want %d", tt.name, got, tt.want)
		}
	}
	r := newRand()
	for range 100000 {
		shift := r.IntN(39) - 31
		x := r.Int64N(1<<48) - 1<<47
		x >>= r.IntN(48) // vary magnitude
		x >>= max(shift+17, 0)
		m := int32(r.Uint32() >> 1)
		if got, want := MultiplyByQuantizedMultiplier64(x, m, shift), ref64(x, m, shift); got != want {
			t.Fatalf("MultiplyByQuantizedMultiplier64(%d, %d, %d) = %d, want %d", x, m, shift, got, want)
		}
	}
}

func TestMultiplyByQuantizedMultiplierOneSided(t *testing.T) {
	if got, want := MultiplyByQuantizedMultiplierSmallerThanOneExp(-572, 1561796795, -6), int32(-7); got != want {
		t.Errorf("MultiplyByQuantizedMultiplierSmallerThanOneExp(-572, ...) = %d, want %d", got, want)
	}
	if got, want := MultiplyByQuantizedMultiplierGreaterThanOne(-5, 1<<30, 3), int32(-20); got != want {
		t.Errorf("MultiplyByQuantizedMultiplierGreaterThanOne(-5, 0.5, 3) = %d, want %d", got, want)
	}
	r := newRand()
	for range 10000 {
		x, m := randInt32(r), int32(r.Uint32()>>1)
		s := r.IntN(32)
		if got, want := MultiplyByQuantizedMultiplierSmallerThanOneExp(x, m, -s), refMBQM(x, m, -s); got != want {
			t.Fatalf("SmallerThanOneExp(%d, %d, %d) = %d, want %d", x, m, -s, got, want)
		}
		if got, want := MultiplyByQuantizedMultiplierGreaterThanOne(x, m, s), refMBQM(x, m, s); got != want {
			t.Fatalf("GreaterThanOne(%d, %d, %d) = %d, want %d", x, m, s, got, want)
		}
	}
}

func TestCalculateInputRadius(t *testing.T) {
	tests := []struct {
		name                       string
		integerBits, shift, signed int
		want                       int32
	}{
		{"int8 logistic (TFLM)", 4, 24, 31, 120},        // 15 * 2^27 / 2^24
		{"int8 softmax", 5, 20, 31, 1984},               // 31 * 2^26 / 2^20
		{"16-bit default", 4, 3, 15, 3840},              // 15 * 2^11 / 2^3
		{"fraction floors", 4, 14, 15, 1},               // 1.875
		{"negative shift multiplies", 4, -1, 15, 61440}, // 15 * 2^11 * 2
		{"saturates", 4, -10, 31, math.MaxInt32},
	}
	for _, tt := range tests {
		if got := CalculateInputRadius(tt.integerBits, tt.shift, tt.signed); got != tt.want {
			t.Errorf("%s: CalculateInputRadius(%d, %d, %d) = %d, want %d", tt.name, tt.integerBits, tt.shift, tt.signed, got, tt.want)
		}
	}
}

func TestPreprocessSoftmaxScaling(t *testing.T) {
	tests := []struct {
		name        string
		beta, scale float64
		wantM       int32
		wantShift   int
	}{
		{"scale 1/256", 1, 1.0 / 256, 1 << 30, 19}, // 2^18 = 0.5 * 2^19
		{"beta 2 scale 0.1", 2, 0.1, 1717986918, 24},
		{"capped at 2^31-1", 1, 1000, math.MaxInt32, 31},
	}
	for _, tt := range tests {
		m, s := PreprocessSoftmaxScaling(tt.beta, tt.scale, 5)
		if m != tt.wantM || s != tt.wantShift {
			t.Errorf("%s: PreprocessSoftmaxScaling(%v, %v, 5) = (%d, %d), want (%d, %d)", tt.name, tt.beta, tt.scale, m, s, tt.wantM, tt.wantShift)
		}
	}
}

func TestActivationRangeQuantized(t *testing.T) {
	tests := []struct {
		name           string
		act            Activation
		scale          float64
		zp, qmin, qmax int32
		lo, hi         int32
		wantErr        bool
	}{
		{"none int8", ActNone, 0.1, -128, -128, 127, -128, 127, false},
		{"relu int8 zp -128", ActRelu, 0.1, -128, -128, 127, -128, 127, false},
		{"relu zp 10", ActRelu, 0.1, 10, -128, 127, 10, 127, false},
		{"relu6 int8", ActRelu6, 0.1, -128, -128, 127, -128, -68, false},
		{"relu_n1_to_1 clamps lo", ActReluN1To1, 0.1, -128, -128, 127, -128, -118, false},
		{"relu_n1_to_1 symmetric", ActReluN1To1, 0.05, 0, -128, 127, -20, 20, false},
		{"ties round away from zero", ActReluN1To1, 2, 0, -128, 127, -1, 1, false}, // ±0.5
		{"relu6 tie", ActRelu6, 4, 0, -128, 127, 0, 2, false},                      // 1.5
		{"relu6 int16", ActRelu6, 1.0 / 4096, 0, -32768, 32767, 0, 24576, false},
		{"tanh ignored", ActTanh, 0.1, 3, -128, 127, -128, 127, false},
		{"sign bit ignored", ActSignBit, 0.1, 3, -128, 127, -128, 127, false},
		{"relu tiny scale ok", ActRelu, 1e-12, -128, -128, 127, -128, 127, false},
		{"relu6 tiny scale overflows", ActRelu6, 1e-12, -128, -128, 127, 0, 0, true},
		{"relu_n1_to_1 tiny scale overflows", ActReluN1To1, 1e-12, -128, -128, 127, 0, 0, true},
		{"relu zero scale", ActRelu, 0, 0, -128, 127, 0, 0, true},
	}
	for _, tt := range tests {
		lo, hi, err := ActivationRangeQuantized(tt.act, tt.scale, tt.zp, tt.qmin, tt.qmax)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v, want error %v", tt.name, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && (lo != tt.lo || hi != tt.hi) {
			t.Errorf("%s: ActivationRangeQuantized = [%d, %d], want [%d, %d]", tt.name, lo, hi, tt.lo, tt.hi)
		}
	}
}

func TestActivationRangeFloat(t *testing.T) {
	tests := []struct {
		act    Activation
		lo, hi float32
	}{
		{ActNone, -math.MaxFloat32, math.MaxFloat32},
		{ActRelu, 0, math.MaxFloat32},
		{ActReluN1To1, -1, 1},
		{ActRelu6, 0, 6},
		{ActTanh, -math.MaxFloat32, math.MaxFloat32},
	}
	for _, tt := range tests {
		if lo, hi := ActivationRangeFloat(tt.act); lo != tt.lo || hi != tt.hi {
			t.Errorf("ActivationRangeFloat(%d) = [%v, %v], want [%v, %v]", tt.act, lo, hi, tt.lo, tt.hi)
		}
	}
}

// q31 converts a Q0.31 raw value to float64.
func q31(x int32) float64 { return math.Ldexp(float64(x), -31) }

// checkClose reports whether got (Q0.31) is within tol of want.
func checkClose(t *testing.T, name string, in float64, got int32, want, tol float64) {
	t.Helper()
	if d := math.Abs(q31(got) - want); d > tol {
		t.Errorf("%s(%v) = %v (raw %d), want %v ± %g (off by %g)", name, in, q31(got), got, want, tol, d)
	}
}

// expTol is the accuracy of gemmlowp's exp: its degree-4 Taylor polynomial
// on [-1/4, 0) is off by up to exp(-1/8)*(1/8)^5/5! ≈ 2.2e-7 (about 470
// Q0.31 units), which every exp-based function inherits.
const expTol = 2.5e-7

func TestExpOnInterval(t *testing.T) {
	// At a = -1/8 the Taylor variable is 0, so the result is exactly the
	// exp(-1/8) constant.
	if got := expOnInterval(-1 << 28); got != 1895147668 {
		t.Errorf("expOnInterval(-1/8) = %d, want 1895147668", got)
	}
	for a := int32(-1 << 29); a < 0; a += 1 << 17 {
		checkClose(t, "expOnInterval", q31(a), expOnInterval(a), math.Exp(q31(a)), expTol)
	}
}

func TestExpOnNegativeValues(t *testing.T) {
	tests := []struct {
		name        string
		a           int32
		integerBits int
		want        int32
	}{
		{"exp(0) Q0", 0, 0, math.MaxInt32},
		{"exp(0) Q5", 0, 5, math.MaxInt32},
		{"exp(-1/8) Q0 is the interval constant", -1 << 28, 0, 1895147668},
		{"exp(-1/8) Q5", -1 << 23, 5, 1895147668},
		// -3/8 = (-1/8) - 1/4: the barrel shifter multiplies by exp(-1/4).
		{"exp(-3/8) Q5", -3 << 23, 5, refSRDHM(1895147668, 1672461947)},
		// -1/8 - 1/4 - 1/2 - 1 - 2 - 4 - 8 - 16 uses every multiplier.
		{"exp(-31.875) Q5", -(31<<26 + 7<<23), 5, func() int32 {
			r := int32(1895147668)
			for _, m := range []int32{1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242} {
				r = refSRDHM(r, m)
			}
			return r
		}()},
		{"below -32 clamps to 0", -33 << 24, 7, 0},
	}
	for _, tt := range tests {
		if got := ExpOnNegativeValues(tt.a, tt.integerBits); got != tt.want {
			t.Errorf("%s: ExpOnNegativeValues(%d, %d) = %d, want %d", tt.name, tt.a, tt.integerBits, got, tt.want)
		}
	}
	for _, k := range []int{0, 1, 3, 4, 5, 6, 12} {
		fb := 31 - k
		lo := max(-float64(int64(1)<<k), -40)
		for x := lo; x < 0; x += 1.0 / 1024 {
			a := int32(math.Ldexp(x, fb))
			in := math.Ldexp(float64(a), -fb)
			checkClose(t, "ExpOnNegativeValues", in, ExpOnNegativeValues(a, k), math.Exp(in), expTol)
		}
	}
}

func TestOneOverOnePlusX(t *testing.T) {
	for a := int32(0); a >= 0; a += 1 << 20 {
		checkClose(t, "oneOverOnePlusX", q31(a), oneOverOnePlusX(a), 1/(1+q31(a)), 4e-9)
	}
}

func TestLogisticTanh(t *testing.T) {
	if got := Logistic(0, 4); got != 1<<30 {
		t.Errorf("Logistic(0) = %d, want 2^30", got)
	}
	if got := Tanh(0, 4); got != 0 {
		t.Errorf("Tanh(0) = %d, want 0", got)
	}
	for _, k := range []int{0, 2, 4, 5} {
		fb := 31 - k
		for x := -float64(int64(1) << k); x < float64(int64(1)<<k); x += 1.0 / 256 {
			a := int32(max(math.Ldexp(x, fb), math.MinInt32+1))
			in := math.Ldexp(float64(a), -fb)
			l, th := Logistic(a, k), Tanh(a, k)
			checkClose(t, "Logistic", in, l, 1/(1+math.Exp(-in)), 1e-7)
			checkClose(t, "Tanh", in, th, math.Tanh(in), 2e-7)
			// By construction, logistic(-a) = 1 - logistic(a) and tanh is odd.
			if l2 := Logistic(-a, k); a != 0 && l+l2 != math.MaxInt32 {
				t.Errorf("Logistic(%d) + Logistic(%d) = %d, want MaxInt32", a, -a, l+l2)
			}
			if th2 := Tanh(-a, k); th2 != -th {
				t.Errorf("Tanh(%d) = %d, Tanh(%d) = %d: not odd", a, th, -a, th2)
			}
		}
	}
}

func TestGetReciprocal(t *testing.T) {
	const digits = 12 // the accumulator format of the int8 softmax, Q12.19
	tests := []struct {
		name     string
		x        int32
		wantBits int
	}{
		{"one", 1 << 19, 0},
		{"three", 3 << 19, 1},
		{"1.25", 5 << 17, 0},
		{"1000.5", 2001 << 18, 9},
		{"just below one", 1<<19 - 1, -1},
	}
	for _, tt := range tests {
		rec, bits := GetReciprocal(tt.x, digits)
		if bits != tt.wantBits {
			t.Errorf("%s: GetReciprocal(%d) bits = %d, want %d", tt.name, tt.x, bits, tt.wantBits)
		}
		x := math.Ldexp(float64(tt.x), digits-31)
		checkClose(t, "GetReciprocal "+tt.name, x, rec, math.Ldexp(1/x, bits), 4e-9)
	}
}

func TestGetInvSqrtQuantizedMultiplierExp(t *testing.T) {
	for _, in := range []int32{0, 1} {
		if m, s := GetInvSqrtQuantizedMultiplierExp(in, -1); m != math.MaxInt32 || s != 0 {
			t.Errorf("GetInvSqrtQuantizedMultiplierExp(%d) = (%d, %d), want (MaxInt32, 0)", in, m, s)
		}
	}
	for _, in := range []int32{2, 3, 4, 100, 12345, 1 << 20, 1<<29 - 1, 1 << 29, 987654321, math.MaxInt32} {
		m, s := GetInvSqrtQuantizedMultiplierExp(in, -1)
		got := math.Ldexp(float64(m), s-31)
		if want := 1 / math.Sqrt(float64(in)); math.Abs(got-want) > want*2e-6 { // 5 Newton steps
			t.Errorf("GetInvSqrtQuantizedMultiplierExp(%d) = (%d, %d) = %g, want %g", in, m, s, got, want)
		}
		if m2, s2 := GetInvSqrtQuantizedMultiplierExp(in, 1); m2 != m || s2 != -s {
			t.Errorf("GetInvSqrtQuantizedMultiplierExp(%d, 1) = (%d, %d), want (%d, %d)", in, m2, s2, m, -s)
		}
	}
}

func TestGenericInt16TableLookup(t *testing.T) {
	lut := make([]int16, LUTSizeInt16)
	lut[0], lut[1] = -32768, 32767 // slope wraps to -1 in int16
	lut[255], lut[256], lut[257] = 0, 100, 228
	tests := []struct {
		name  string
		value int16
		want  int16
	}{
		{"segment base", 0, 100},
		{"half segment, slope 128", 64, 164}, // (128*64 + 64) >> 7 = 64
		{"end of previous segment", -1, 99},  // 0 + (100*127 + 64) >> 7
		{"start of previous segment", -128, 0},
		{"first entry", -32768, -32768},
		{"wrapped slope", -32768 + 127, 32767}, // -32768 + ((-127 + 64) >> 7) wraps
	}
	for _, tt := range tests {
		if got := GenericInt16TableLookup(tt.value, lut); got != tt.want {
			t.Errorf("%s: GenericInt16TableLookup(%d) = %d, want %d", tt.name, tt.value, got, tt.want)
		}
	}
}

func TestSoftmaxInt16LUTs(t *testing.T) {
	exp64, rec64 := SoftmaxInt16LUTs[float64]()
	exp32, rec32 := SoftmaxInt16LUTs[float32]()
	for _, lut := range [][]int16{exp64, rec64, exp32, rec32} {
		if len(lut) != LUTSizeInt16 {
			t.Fatalf("len = %d, want %d", len(lut), LUTSizeInt16)
		}
	}
	// exp(0) and 1/(1+0) are 1.0, saturated to 32767 in Q0.15; 1/(1+1) is 0.5.
	if exp64[512] != 32767 || rec64[0] != 32767 || rec64[512] != 16384 {
		t.Errorf("end points: exp[512] = %d, rec[0] = %d, rec[512] = %d; want 32767, 32767, 16384", exp64[512], rec64[0], rec64[512])
	}
	for i := range LUTSizeInt16 {
		if d := int(exp64[i]) - int(exp32[i]); d < -1 || d > 1 {
			t.Errorf("exp LUT[%d]: float64 %d, float32 %d", i, exp64[i], exp32[i])
		}
		if d := int(rec64[i]) - int(rec32[i]); d < -1 || d > 1 {
			t.Errorf("1/(1+x) LUT[%d]: float64 %d, float32 %d", i, rec64[i], rec32[i])
		}
	}
	// Interpolated lookups follow the functions to within 2 LSBs. LUTPopulate
	// spreads the 65535 input steps over 512*128 = 65536 lookup positions, so
	// position v stands for x = (v+32768)/65536 of the input range.
	for v := math.MinInt16; v <= math.MaxInt16; v++ {
		x := float64(v+32768) / 65536
		if got, want := float64(GenericInt16TableLookup(int16(v), exp64)), math.Exp(10*x-10)*32768; math.Abs(got-want) > 2 {
			t.Errorf("exp lookup at %v = %v, want %v", 10*x-10, got, want)
		}
		if got, want := float64(GenericInt16TableLookup(int16(v), rec64)), 32768/(1+x); math.Abs(got-want) > 2 {
			t.Errorf("1/(1+x) lookup at %v = %v, want %v", x, got, want)
		}
	}
}

func TestSigmoidTable(t *testing.T) {
	// Guards the transcription of TFLite's table: it tracks
	// 2^16*sigmoid(i/24) closely and has TFLite's checksums.
	sum, weighted := 0, 0
	for i, v := range sigmoidTable {
		if want := 65536 / (1 + math.Exp(-float64(i)/24)); math.Abs(float64(v)-want) > 2 {
			t.Errorf("sigmoidTable[%d] = %d, want ≈ %.1f", i, v, want)
		}
		if i > 0 && v < sigmoidTable[i-1] {
			t.Errorf("sigmoidTable not monotonic at %d", i)
		}
		sum += int(v)
		weighted += i * int(v)
	}
	if sum != 15670629 || weighted != 2108062945 {
		t.Errorf("sigmoidTable checksums = %d, %d; want 15670629, 2108062945", sum, weighted)
	}
}

func TestLogisticTanhInt16(t *testing.T) {
	tests := []struct {
		name    string
		x       int16
		m       int32
		shift   int
		logWant int16
		tanWant int16
	}{
		// Q3.12 input (m = 0, shift 0): v = 3x.
		{"zero", 0, 0, 0, 16384, 0},
		// v = 1536 = 3*2^9 hits table entry 3 exactly: (34813*2^9 + 2^9) >> 10.
		// For tanh v = 6*2^8 hits entry 6: (36843*2^8 - 2^23 + 2^7) >> 8.
		{"on a table entry", 512, 0, 0, 17407, 4075},
		{"negative on a table entry", -512, 0, 0, 15361, -4075},
		// shift 2 with m = 0 scales by 12: far beyond the table.
		{"positive saturation", 32767, 0, 2, 32767, 32767},
		{"negative saturation", -32768, 0, 2, 1, -32767},
	}
	for _, tt := range tests {
		if got := LogisticInt16(tt.x, tt.m, tt.shift); got != tt.logWant {
			t.Errorf("%s: LogisticInt16(%d, %d, %d) = %d, want %d", tt.name, tt.x, tt.m, tt.shift, got, tt.logWant)
		}
		if got := TanhInt16(tt.x, tt.m, tt.shift); got != tt.tanWant {
			t.Errorf("%s: TanhInt16(%d, %d, %d) = %d, want %d", tt.name, tt.x, tt.m, tt.shift, got, tt.tanWant)
		}
	}
	// Q3.12 input follows the functions to within 2 LSBs, and an explicit
	// multiplier with a shift matches the power-of-two shortcut.
	for x := math.MinInt16; x <= math.MaxInt16; x++ {
		in := float64(x) / 4096
		l, th := LogisticInt16(int16(x), 0, 0), TanhInt16(int16(x), 0, 0)
		if want := 32768 / (1 + math.Exp(-in)); math.Abs(float64(l)-want) > 1.5 {
			t.Fatalf("LogisticInt16(%d) = %d, want ≈ %.2f", x, l, want)
		}
		if want := 32768 * math.Tanh(in); math.Abs(float64(th)-want) > 2 {
			t.Fatalf("TanhInt16(%d) = %d, want ≈ %.2f", x, th, want)
		}
		if l2 := LogisticInt16(int16(x), 3<<10, 10); l2 != l {
			t.Fatalf("LogisticInt16(%d, 3<<10, 10) = %d, want %d", x, l2, l)
		}
	}
}
