package fixedpoint

import "math"

// gemmlowp's fixed-point arithmetic on int16 raw values
// (FixedPoint<int16_t, IntegerBits>), the int16 twins of this package's
// int32 functions: additions wrap, products are
// SaturatingRoundingDoublingHighMul16, rounding divisions
// RoundingDivideByPOT16. TFLite's HARD_SWISH and its builtin integer LSTM
// (lstm_eval.cc) compute with them.

// SaturatingRoundingDoublingHighMul16 mirrors gemmlowp's int16
// SaturatingRoundingDoublingHighMul: round(a·b / 2^15), ties away from zero,
// with MinInt16·MinInt16 saturating to MaxInt16.
func SaturatingRoundingDoublingHighMul16(a, b int16) int16 {
	if a == math.MinInt16 && b == math.MinInt16 {
		return math.MaxInt16
	}
	ab := int32(a) * int32(b)
	nudge := int32(1 << 14)
	if ab < 0 {
		nudge = 1 - 1<<14
	}
	return int16((ab + nudge) / (1 << 15))
}

// SaturatingDoublingHighMul16 mirrors TFLite's SaturatingDoublingHighMul
// (reference/hard_swish.h): a·b / 2^15 truncated toward zero, with
// MinInt16·MinInt16 saturating to MaxInt16.
func SaturatingDoublingHighMul16(a, b int16) int16 {
	if a == math.MinInt16 && b == math.MinInt16 {
		return math.MaxInt16
	}
	return int16(int32(a) * int32(b) / (1 << 15))
}

// RoundingDivideByPOT16 mirrors gemmlowp's RoundingDivideByPOT on int16:
// x / 2^exponent rounded to nearest, ties away from zero, exponent in
// [0, 15]. As in gemmlowp the mask 2^exponent − 1 is an int16.
func RoundingDivideByPOT16(x int16, exponent int) int16 {
	mask := int16(int64(1)<<exponent - 1)
	threshold := mask >> 1
	if x < 0 {
		threshold++
	}
	q := x >> exponent
	if x&mask > threshold {
		q++
	}
	return q
}

// SaturatingLeftShift16 mirrors TFLite's SaturatingLeftShift
// (reference/hard_swish.h): v·2^amount clamped to int16.
func SaturatingLeftShift16(v int16, amount int) int16 {
	return int16(min(max(int64(v)*(1<<amount), math.MinInt16), math.MaxInt16))
}

// saturatingRoundingMultiplyByPOT16 mirrors gemmlowp's
// saturatingRoundingMultiplyByPOT<exponent> on int16: x·2^exponent,
// saturating for exponent > 0, RoundingDivideByPOT16 for exponent < 0.
func saturatingRoundingMultiplyByPOT16(x int16, exponent int) int16 {
	switch {
	case exponent < 0:
		return RoundingDivideByPOT16(x, -exponent)
	case exponent == 0:
		return x
	}
	threshold := int16(int32(1)<<(15-exponent) - 1)
	switch {
	case x > threshold:
		return math.MaxInt16
	case x < -threshold:
		return math.MinInt16
	}
	return x << exponent
}

// const16 is gemmlowp's RescaleConstantInitializer for int16: an int32
// Q constant rounding-shifted to 16 bits.
func const16(v int32) int16 { return int16(RoundingDivideByPOT(v, 16)) }

// satAdd16 is gemmlowp's SaturatingAdd on int16.
func satAdd16(a, b int16) int16 {
	return int16(min(max(int32(a)+int32(b), math.MinInt16), math.MaxInt16))
}

// roundingHalfSum16 is gemmlowp's RoundingHalfSum on int16: (a+b)/2
// rounded to nearest, ties away from zero.
func roundingHalfSum16(a, b int16) int16 {
	s := int32(a) + int32(b)
	sign := int32(1)
	if s < 0 {
		sign = -1
	}
	return int16((s + sign) / 2)
}

// expOnInterval16 is expOnInterval on int16: exp(a) for a Q0.15 a in
// [-1/4, 0), the Taylor expansion around -1/8.
func expOnInterval16(a int16) int16 {
	constTerm, third := const16(expMinusEight), const16(oneThird)
	x := a + 1<<12
	x2 := SaturatingRoundingDoublingHighMul16(x, x)
	x3 := SaturatingRoundingDoublingHighMul16(x2, x)
	x4 := SaturatingRoundingDoublingHighMul16(x2, x2)
	x4over4 := saturatingRoundingMultiplyByPOT16(x4, -2)
	t := saturatingRoundingMultiplyByPOT16(SaturatingRoundingDoublingHighMul16(x4over4+x3, third)+x2, -1)
	return satAdd16(constTerm, SaturatingRoundingDoublingHighMul16(constTerm, x+t))
}

// expOnNegativeValues16 is ExpOnNegativeValues on int16: exp(a) for a ≤ 0
// in Q(integerBits), as a Q0.15 result.
func expOnNegativeValues16(a int16, integerBits int) int16 {
	frac := 15 - integerBits
	quarter := int16(1) << (frac - 2)
	amq := a&(quarter-1) - quarter
	result := expOnInterval16(saturatingRoundingMultiplyByPOT16(amq, integerBits))
	remainder := amq - a
	for i, m := range expBarrel {
		if k := i - 2; integerBits > k && remainder&(int16(1)<<(frac+k)) != 0 {
			result = SaturatingRoundingDoublingHighMul16(result, const16(m))
		}
	}
	if integerBits > 5 && a < const16(-(int32(1)<<(36-integerBits))) {
		result = 0
	}
	if a == 0 {
		result = math.MaxInt16
	}
	return result
}

// reciprocalQ2x16 is reciprocalQ2 on int16: for a Q0.15 d, the three
// Newton-Raphson iterations of one_over_one_plus_x_for_x_in_0_1 (and its tanh
// twin) on half = (d + 1)/2, giving 1/half in Q2.13.
func reciprocalQ2x16(d int16) int16 {
	half := roundingHalfSum16(d, math.MaxInt16)
	x := const16(c48Over17) + SaturatingRoundingDoublingHighMul16(half, const16(cNeg32Over17))
	for range 3 {
		x += saturatingRoundingMultiplyByPOT16(SaturatingRoundingDoublingHighMul16(x, 1<<13-SaturatingRoundingDoublingHighMul16(half, x)), 2)
	}
	return x
}

// Logistic16 mirrors gemmlowp's logistic on FixedPoint<int16_t,
// integerBits>: 1/(1+exp(-a)) as a Q0.15 result; Logistic16(0) is 2^14.
func Logistic16(a int16, integerBits int) int16 {
	if a == 0 {
		return const16(1 << 30)
	}
	abs := -a
	if a > 0 {
		abs = a
	}
	pos := saturatingRoundingMultiplyByPOT16(reciprocalQ2x16(expOnNegativeValues16(-abs, integerBits)), 1)
	if a > 0 {
		return pos
	}
	return math.MaxInt16 - pos
}

// Tanh16 mirrors gemmlowp's tanh on FixedPoint<int16_t, integerBits>:
// (1 − exp(−2|a|))/(1 + exp(−2|a|)) with the sign of a, as a Q0.15 result.
func Tanh16(a int16, integerBits int) int16 {
	if a == 0 {
		return 0
	}
	n := -a
	if a < 0 {
		n = a
	}
	t := saturatingRoundingMultiplyByPOT16(reciprocalQ2x16(expOnNegativeValues16(n, integerBits+1))-1<<13, 2)
	if a < 0 {
		return -t
	}
	return t
}
