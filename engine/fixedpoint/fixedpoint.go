// Package fixedpoint implements TFLite's integer fixed-point helpers,
// bit-exact with TFLite's reference kernels, so that quantized kernels built
// on it reproduce TFLite's outputs exactly.
//
// A fixed-point value is a plain int32 holding the raw integer of gemmlowp's
// FixedPoint<int32_t, m>: a Qm.(31-m) number covering [-2^m, 2^m). Where the
// format matters, the number of integer bits m is passed explicitly. Q0.31
// (m = 0) covers [-1, 1) and is the result format of the transcendental
// functions.
//
// Each function names the upstream function it mirrors. The sources are:
//
//   - gemmlowp fixedpoint/fixedpoint.h: SaturatingRoundingDoublingHighMul,
//     RoundingDivideByPOT, saturatingRoundingMultiplyByPOT, Rescale,
//     expOnInterval, ExpOnNegativeValues, oneOverOnePlusX, Logistic, Tanh.
//   - tensorflow/lite/kernels/internal/common.h and common.cc: the
//     MultiplyByQuantizedMultiplier family, CountLeadingZeros32,
//     GetReciprocal, GetInvSqrtQuantizedMultiplierExp,
//     lutPopulateInt16 and GenericInt16TableLookup (LUTPopulate, LUTLookup).
//   - tensorflow/lite/kernels/internal/quantization_util.cc: the
//     QuantizeMultiplier family, CalculateInputRadius and
//     PreprocessSoftmaxScaling.
//   - tensorflow/lite/kernels/kernel_util.cc and kernel_util.h:
//     ActivationRangeQuantized and ActivationRangeFloat
//     (CalculateActivationRangeQuantized, CalculateActivationRange<float>).
//   - tensorflow/lite/kernels/internal/reference/integer_ops/logistic.h and
//     tanh.h: LogisticInt16 and TanhInt16; reference/softmax.h and TFLite's
//     softmax Prepare: SoftmaxInt16LUTs.
//
// The default TFLite build (TFLITE_SINGLE_ROUNDING=0, "double rounding") is
// mirrored unless a name ends in SingleRounding. As in the C++ code,
// documented preconditions are not checked unless TFLite checks them with
// TFLITE_CHECK (those panic here), and integer overflow wraps where the C++
// code relies on wrapping.
package fixedpoint

import (
	"math"
	"math/bits"
)

// SaturatingRoundingDoublingHighMul mirrors gemmlowp's
// SaturatingRoundingDoublingHighMul (ARM VQRDMULH): the Q0.31 product
// floor((a*b + 2^30) / 2^31), that is a*b/2^31 rounded to nearest with ties
// toward +Inf. The one overflowing case, MinInt32*MinInt32, saturates to
// MaxInt32.
func SaturatingRoundingDoublingHighMul(a, b int32) int32 {
	if a == math.MinInt32 && b == math.MinInt32 {
		return math.MaxInt32
	}
	ab := int64(a) * int64(b)
	nudge := int64(1 << 30)
	if ab < 0 {
		nudge = 1 - 1<<30
	}
	return int32((ab + nudge) / (1 << 31)) // Go's / truncates, like C++
}

// mul is the fixed-point product of gemmlowp's FixedPoint operator*: the
// integer bits of the operands add up.
func mul(a, b int32) int32 { return SaturatingRoundingDoublingHighMul(a, b) }

// RoundingDivideByPOT mirrors gemmlowp's RoundingDivideByPOT, a rounding
// arithmetic right shift: x / 2^exponent rounded to nearest with ties away
// from zero. exponent must be in [0, 31].
func RoundingDivideByPOT(x int32, exponent int) int32 {
	mask := int32(int64(1)<<exponent - 1)
	remainder := x & mask
	threshold := mask >> 1
	if x < 0 {
		threshold++
	}
	q := x >> exponent
	if remainder > threshold {
		q++
	}
	return q
}

// saturatingRoundingMultiplyByPOT mirrors gemmlowp's
// saturatingRoundingMultiplyByPOT<exponent> (and TFLite's
// SaturatingRoundingMultiplyByPOTParam for exponent >= 0): x * 2^exponent,
// saturating to [MinInt32, MaxInt32] for exponent > 0 and rounding like
// RoundingDivideByPOT for exponent < 0. exponent must be in [-31, 31].
func saturatingRoundingMultiplyByPOT(x int32, exponent int) int32 {
	switch {
	case exponent == 0:
		return x
	case exponent < 0:
		return RoundingDivideByPOT(x, -exponent)
	}
	threshold := int32(1)<<(31-exponent) - 1
	switch {
	case x > threshold:
		return math.MaxInt32
	case x < -threshold:
		return math.MinInt32
	}
	return x << exponent
}

// Rescale mirrors gemmlowp's Rescale<dstIntegerBits>: it converts x from
// Q(srcIntegerBits) to Q(dstIntegerBits), i.e.
// saturatingRoundingMultiplyByPOT(x, srcIntegerBits-dstIntegerBits).
func Rescale(x int32, srcIntegerBits, dstIntegerBits int) int32 {
	return saturatingRoundingMultiplyByPOT(x, srcIntegerBits-dstIntegerBits)
}

// CountLeadingZeros32 mirrors TFLite's CountLeadingZeros<uint32_t>: the number
// of leading zero bits of x, 32 for x == 0.
func CountLeadingZeros32(x uint32) int { return bits.LeadingZeros32(x) }

// MultiplyByQuantizedMultiplier mirrors TFLite's default (double-rounding)
// MultiplyByQuantizedMultiplier(int32_t, int32_t, int) in common.cc: it
// approximates x * m * 2^(shift-31) as
//
//	RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x * 2^max(shift, 0), m), max(-shift, 0))
//
// The left shift wraps on overflow, as in TFLite.
func MultiplyByQuantizedMultiplier(x, m int32, shift int) int32 {
	left, right := 0, 0
	if shift > 0 {
		left = shift
	} else {
		right = -shift
	}
	return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x<<left, m), right)
}

// MultiplyByQuantizedMultiplierSingleRounding mirrors the TFLITE_SINGLE_ROUNDING
// MultiplyByQuantizedMultiplier(int32_t, int32_t, int) in common.cc: a single
// rounding, half toward +Inf,
//
//	(int64(x)*m + 2^(30-shift)) >> (31-shift)
//
// truncated to int32. It requires m >= 0 and shift in [-31, 30] (TFLite's
// DCHECKs, not checked here).
func MultiplyByQuantizedMultiplierSingleRounding(x, m int32, shift int) int32 {
	total := 31 - shift
	return int32((int64(x)*int64(m) + int64(1)<<(total-1)) >> total)
}

// MultiplyByQuantizedMultiplier64 mirrors TFLite's
// MultiplyByQuantizedMultiplier(int64_t, int32_t, int) in common.cc, used by
// the 16x8 convolution and fully connected kernels. The multiplier is first
// reduced to 16 bits, r = (m + 2^15) >> 16 (0x7FFF if m >= 0x7FFF0000), then
//
//	(x*r + 2^(14-shift)) >> (15-shift)
//
// is truncated to int32. It requires m >= 0, shift in [-31, 7] and
// -2^47 <= x < 2^47. TFLite computes the same in both rounding modes. Callers
// validate the shift (TFLite only DCHECKs it); beyond 14 it is treated as 14
// so that bad input never panics.
func MultiplyByQuantizedMultiplier64(x int64, m int32, shift int) int32 {
	reduced := int64(0x7FFF)
	if m < 0x7FFF0000 {
		reduced = int64((m + 1<<15) >> 16)
	}
	total := 15 - min(shift, 14)
	return int32((x*reduced + int64(1)<<(total-1)) >> total)
}

// MultiplyByQuantizedMultiplier64SingleRounding is the TFLITE_SINGLE_ROUNDING
// build's MultiplyByQuantizedMultiplier(int64_t, int32_t, int), which TFLite
// implements identically to the default build's: it returns
// MultiplyByQuantizedMultiplier64(x, m, shift).
func MultiplyByQuantizedMultiplier64SingleRounding(x int64, m int32, shift int) int32 {
	return MultiplyByQuantizedMultiplier64(x, m, shift)
}

// MultiplyByQuantizedMultiplierSmallerThanOneExp mirrors TFLite's
// double-rounding MultiplyByQuantizedMultiplierSmallerThanOneExp (common.h):
// RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, m), -leftShift),
// for leftShift <= 0.
func MultiplyByQuantizedMultiplierSmallerThanOneExp(x, m int32, leftShift int) int32 {
	return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, m), -leftShift)
}

// MultiplyByQuantizedMultiplierGreaterThanOne mirrors TFLite's double-rounding
// MultiplyByQuantizedMultiplierGreaterThanOne (common.h):
// SaturatingRoundingDoublingHighMul(x * 2^leftShift, m), for leftShift >= 0.
// The left shift wraps on overflow, as in TFLite.
func MultiplyByQuantizedMultiplierGreaterThanOne(x, m int32, leftShift int) int32 {
	return SaturatingRoundingDoublingHighMul(x<<leftShift, m)
}
