package fixedpoint

import (
	"math"
	"math/big"
	"testing"
)

// Hand-derived values of the int16 primitives: a·b/2^15 and x/2^e worked
// out by hand, with their ties and saturations.

func TestSaturatingRoundingDoublingHighMul16(t *testing.T) {
	for _, c := range []struct{ a, b, want int16 }{
		{math.MinInt16, math.MinInt16, math.MaxInt16}, // 2^30/2^15 = 2^15 does not fit: saturates
		{16384, 16384, 8192},                          // 0.5·0.5 = 0.25
		{3, 16384, 2},                                 // 1.5 → 2
		{-3, 16384, -1},                               // −1.5 → −1: ties toward +∞
		{-3, -16384, 2},                               // 1.5 → 2
		{1, 16384, 1},                                 // 0.5 → 1
		{-1, 16384, 0},                                // −0.5 → 0
		{-1, 16385, -1},                               // −0.500030… → −1
		{32767, 32767, 32766},                         // 32766.00003
		{math.MinInt16, 32767, -32767},                // exact
		{math.MinInt16, 1, -1},                        // exact
		{0, math.MinInt16, 0},
	} {
		if got := SaturatingRoundingDoublingHighMul16(c.a, c.b); got != c.want {
			t.Errorf("SaturatingRoundingDoublingHighMul16(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestSaturatingDoublingHighMul16(t *testing.T) {
	for _, c := range []struct{ a, b, want int16 }{
		{math.MinInt16, math.MinInt16, math.MaxInt16},
		{3, 16384, 1},   // 1.5 truncated
		{-3, 16384, -1}, // −1.5 truncated toward zero
		{32767, 32767, 32766},
		{-1, 16385, 0}, // −0.5000305 truncated
		{math.MinInt16, 32767, -32767},
	} {
		if got := SaturatingDoublingHighMul16(c.a, c.b); got != c.want {
			t.Errorf("SaturatingDoublingHighMul16(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestRoundingDivideByPOT16(t *testing.T) {
	for _, c := range []struct {
		x    int16
		e    int
		want int16
	}{
		{5, 1, 3},   // 2.5 → 3
		{-5, 1, -3}, // −2.5 → −3: ties away from zero
		{6, 2, 2},   // 1.5 → 2
		{-6, 2, -2}, // −1.5 → −2
		{7, 2, 2},   // 1.75
		{-7, 2, -2},
		{-5, 2, -1}, // −1.25
		{123, 0, 123},
		{-123, 0, -123},
		{math.MaxInt16, 15, 1},  // 0.99997
		{math.MinInt16, 15, -1}, // exact
		{16384, 15, 1},          // 0.5 → 1
		{-16384, 15, -1},        // −0.5 → −1
		{-16383, 15, 0},         // −0.49997
		{math.MinInt16, 1, -16384},
	} {
		if got := RoundingDivideByPOT16(c.x, c.e); got != c.want {
			t.Errorf("RoundingDivideByPOT16(%d, %d) = %d, want %d", c.x, c.e, got, c.want)
		}
	}
}

func TestSaturatingLeftShift16(t *testing.T) {
	for _, c := range []struct {
		v    int16
		n    int
		want int16
	}{
		{100, 3, 800},
		{20000, 1, math.MaxInt16},
		{-20000, 1, math.MinInt16},
		{-16384, 1, math.MinInt16}, // exactly −32768 fits
		{16384, 1, math.MaxInt16},
		{-7, 0, -7},
	} {
		if got := SaturatingLeftShift16(c.v, c.n); got != c.want {
			t.Errorf("SaturatingLeftShift16(%d, %d) = %d, want %d", c.v, c.n, got, c.want)
		}
	}
}

func TestSaturatingRoundingMultiplyByPOT16(t *testing.T) {
	for _, c := range []struct {
		x    int16
		e    int
		want int16
	}{
		{16383, 1, 32766},
		{16384, 1, math.MaxInt16}, // above 2^14 − 1 saturates
		{-16383, 1, -32766},
		{-16384, 1, math.MinInt16}, // gemmlowp saturates below −(2^14 − 1) too
		{1000, 4, 16000},
		{5, -1, 3}, // rounding division: 2.5 → 3
		{-5, -1, -3},
		{-9, 0, -9},
	} {
		if got := saturatingRoundingMultiplyByPOT16(c.x, c.e); got != c.want {
			t.Errorf("saturatingRoundingMultiplyByPOT16(%d, %d) = %d, want %d", c.x, c.e, got, c.want)
		}
	}
}

// Independent references of gemmlowp's int16 logistic and tanh: every
// operation as exact big-integer rounding of its mathematical value
// (srdhm = round(a·b/2^15) ties toward +∞, saturating; rdbpot = round(x/2^e)
// ties away from zero; additions wrap to int16), following the steps of
// gemmlowp's fixedpoint.h.

func wrap16(v int64) int64 { return int64(int16(v)) }

func refSRDHM16(a, b int64) int64 {
	if a == math.MinInt16 && b == math.MinInt16 {
		return math.MaxInt16
	}
	return roundHalfUp(big.NewInt(a*b), 15).Int64()
}

func refRDBPOT16(x int64, e uint) int64 { return roundHalfAway(big.NewInt(x), e).Int64() }

func refSRMPOT16(x int64, e int) int64 {
	if e <= 0 {
		return refRDBPOT16(x, uint(-e))
	}
	return min(max(x<<e, math.MinInt16), math.MaxInt16)
}

// refConst16 is a Q0.31 constant as int16 (RescaleConstantInitializer).
func refConst16(v int64) int64 { return roundHalfAway(big.NewInt(v), 16).Int64() }

func refExpOnNegative16(a int64, k int) int64 {
	frac := 15 - k
	quarter := int64(1) << (frac - 2)
	amq := wrap16(a&(quarter-1) - quarter)
	// exp on [−1/4, 0): Taylor around −1/8.
	y := refSRMPOT16(amq, k)
	c := refConst16(1895147668) // exp(−1/8)
	x := wrap16(y + 1<<12)
	x2 := refSRDHM16(x, x)
	x3 := refSRDHM16(x2, x)
	x4 := refSRDHM16(x2, x2)
	poly := refRDBPOT16(wrap16(refSRDHM16(wrap16(refRDBPOT16(x4, 2)+x3), refConst16(715827883))+x2), 1)
	r := min(max(c+refSRDHM16(c, wrap16(x+poly)), math.MinInt16), math.MaxInt16)
	rem := wrap16(amq - a)
	for i, m := range []int64{1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242} {
		if e := i - 2; k > e && rem&(1<<(frac+e)) != 0 {
			r = refSRDHM16(r, refConst16(m))
		}
	}
	if k > 5 && a < refConst16(-(int64(1)<<(36-k))) {
		r = 0
	}
	if a == 0 {
		r = math.MaxInt16
	}
	return r
}

// refNewton16 is 1/((1+d)/2) in Q2.13 by three Newton–Raphson steps from
// 48/17 − 32/17·h.
func refNewton16(d int64) int64 {
	s := d + math.MaxInt16
	h := roundHalfAway(big.NewInt(s), 1).Int64()
	x := wrap16(refConst16(1515870810) + refSRDHM16(h, refConst16(-1010580540)))
	for range 3 {
		x = wrap16(x + refSRMPOT16(refSRDHM16(x, wrap16(1<<13-refSRDHM16(h, x))), 2))
	}
	return x
}

func refLogistic16(a int64, k int) int64 {
	if a == 0 {
		return refConst16(1 << 30)
	}
	pos := refSRMPOT16(refNewton16(refExpOnNegative16(-abs64(a), k)), 1)
	if a > 0 {
		return pos
	}
	return math.MaxInt16 - pos
}

func refTanh16(a int64, k int) int64 {
	if a == 0 {
		return 0
	}
	t := refSRMPOT16(wrap16(refNewton16(refExpOnNegative16(-abs64(a), k+1))-1<<13), 2)
	if a < 0 {
		return -t
	}
	return t
}

func abs64(a int64) int64 { return max(a, -a) }

// TestLogisticTanh16Exact compares Logistic16 and Tanh16 with the
// big-integer re-derivation on every int16 input, for the integer bits the
// builtin LSTM uses (3 for its gates, 15 + cell scale exponent for the cell).
func TestLogisticTanh16Exact(t *testing.T) {
	if got := Logistic16(0, 3); got != 16384 {
		t.Errorf("Logistic16(0, 3) = %d, want 16384 (0.5)", got)
	}
	if got := Tanh16(0, 3); got != 0 {
		t.Errorf("Tanh16(0, 3) = %d, want 0", got)
	}
	for _, k := range []int{0, 3, 4} {
		bad := 0
		for x := math.MinInt16; x <= math.MaxInt16; x++ {
			if got, want := int64(Logistic16(int16(x), k)), refLogistic16(int64(x), k); got != want {
				if bad++; bad <= 3 {
					t.Errorf("Logistic16(%d, %d) = %d, want %d", x, k, got, want)
				}
			}
			if got, want := int64(Tanh16(int16(x), k)), refTanh16(int64(x), k); got != want {
				if bad++; bad <= 3 {
					t.Errorf("Tanh16(%d, %d) = %d, want %d", x, k, got, want)
				}
			}
		}
		if bad > 0 {
			t.Errorf("Q%d: %d of 131072 values differ", k, bad)
		}
	}
}

// TestLogisticTanh16Accuracy checks the int16 fixed-point logistic and tanh
// against float math over every input: gemmlowp's approximations stay within
// 16 units of 2^-15 (logistic 6.4, tanh 11.8 measured).
func TestLogisticTanh16Accuracy(t *testing.T) {
	for _, k := range []int{3, 4, 5} {
		maxErrL, maxErrT := 0.0, 0.0
		for x := math.MinInt16; x <= math.MaxInt16; x++ {
			v := float64(x) / float64(int(1)<<(15-k))
			l := float64(Logistic16(int16(x), k)) / 32768
			th := float64(Tanh16(int16(x), k)) / 32768
			maxErrL = max(maxErrL, math.Abs(l-1/(1+math.Exp(-v))))
			maxErrT = max(maxErrT, math.Abs(th-math.Tanh(v)))
		}
		if maxErrL > 16.0/32768 || maxErrT > 16.0/32768 {
			t.Errorf("Q%d: max error logistic %g, tanh %g (units of 2^-15: %.1f, %.1f)", k, maxErrL, maxErrT, maxErrL*32768, maxErrT*32768)
		}
	}
}
