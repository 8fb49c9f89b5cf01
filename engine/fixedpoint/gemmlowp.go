package fixedpoint

import (
	"math"
	"math/bits"
)

// Fixed-point constants of gemmlowp and TFLite (GEMMLOWP_CHECKED_FIXEDPOINT_CONSTANT).
const (
	oneQ0         = math.MaxInt32 // 1.0 in Q0.31 (saturated), FixedPoint<int32_t, 0>::One()
	oneQ2         = 1 << 29       // 1.0 in Q2.29
	expMinusEight = 1895147668    // exp(-1/8) in Q0.31
	oneThird      = 715827883     // 1/3 in Q0.31
	c48Over17     = 1515870810    // 48/17 in Q2.29
	cNeg32Over17  = -1010580540   // -32/17 in Q2.29
	halfSqrt2     = 1518500250    // sqrt(2)/2 in Q0.31
)

// expBarrel[i] is exp(-2^(i-2)) in Q0.31, for the barrel shifter of
// gemmlowp's exp_on_negative_values.
var expBarrel = [...]int32{1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242}

// expOnInterval mirrors gemmlowp's
// exp_on_interval_between_negative_one_quarter_and_0_excl: exp(a) for a
// Q0.31 value a in [-1/4, 0), as a Q0.31 result. With x = a + 1/8 it
// evaluates the Taylor expansion around -1/8,
//
//	exp(-1/8) * (1 + x + x^2/2 + x^3/6 + x^4/24)
//
// as exp(-1/8) + exp(-1/8)*(x + ((x^4/4 + x^3)/3 + x^2)/2) in Q0.31
// arithmetic, rounding as gemmlowp does.
func expOnInterval(a int32) int32 {
	x := a + 1<<28 // a + 1/8
	x2 := mul(x, x)
	x3 := mul(x2, x)
	x4 := mul(x2, x2)
	x4Over4 := RoundingDivideByPOT(x4, 2)
	poly := RoundingDivideByPOT(mul(x4Over4+x3, oneThird)+x2, 1)
	return expMinusEight + mul(expMinusEight, x+poly)
}

// ExpOnNegativeValues mirrors gemmlowp's exp_on_negative_values: exp(a) for
// a <= 0 in Q(integerBits), integerBits in [0, 29], as a Q0.31 result.
// a is split into (a mod 1/4) - 1/4, evaluated by expOnInterval, and a
// remainder whose set bits 2^-2 ... 2^4 multiply the result by
// exp(-2^k). Inputs below -32 give 0 (for integerBits > 5) and a == 0 gives
// MaxInt32.
func ExpOnNegativeValues(a int32, integerBits int) int32 {
	fracBits := 31 - integerBits
	quarter := int32(1) << (fracBits - 2)
	aModQuarterMinusQuarter := a&(quarter-1) - quarter
	result := expOnInterval(Rescale(aModQuarterMinusQuarter, integerBits, 0))
	remainder := aModQuarterMinusQuarter - a
	for i, m := range expBarrel {
		if k := i - 2; integerBits > k && remainder&(1<<(fracBits+k)) != 0 {
			result = mul(result, m)
		}
	}
	if integerBits > 5 && a < -(1<<(36-integerBits)) { // a < -32
		result = 0
	}
	if a == 0 {
		result = oneQ0
	}
	return result
}

// roundingHalfSum mirrors gemmlowp's RoundingHalfSum (ARM VRHADD): (a+b)/2
// rounded to nearest, ties away from zero.
func roundingHalfSum(a, b int32) int32 {
	sum := int64(a) + int64(b)
	if sum >= 0 {
		return int32((sum + 1) / 2)
	}
	return int32((sum - 1) / 2)
}

// reciprocalQ2 returns 1/d in Q2.29 for a Q0.31 d in [1/2, 1), by the three
// Newton-Raphson iterations of gemmlowp's one_over_one_plus_x_for_x_in_0_1.
func reciprocalQ2(d int32) int32 {
	x := c48Over17 + mul(d, cNeg32Over17)
	for range 3 {
		x += Rescale(mul(x, oneQ2-mul(d, x)), 4, 2)
	}
	return x
}

// oneOverOnePlusX mirrors gemmlowp's one_over_one_plus_x_for_x_in_0_1:
// 1/(1+a) for a Q0.31 a in [0, 1), as a Q0.31 result. It computes
// 1/((1+a)/2) by Newton-Raphson in Q2.29 and halves it.
func oneOverOnePlusX(a int32) int32 {
	return Rescale(reciprocalQ2(roundingHalfSum(a, oneQ0)), 1, 0)
}

// oneMinusXOverOnePlusX mirrors gemmlowp's
// one_minus_x_over_one_plus_x_for_x_in_0_1: (1-a)/(1+a) in Q0.31.
func oneMinusXOverOnePlusX(a int32) int32 {
	return Rescale(reciprocalQ2(roundingHalfSum(a, oneQ0))-oneQ2, 2, 0)
}

// Logistic mirrors gemmlowp's logistic: 1/(1+exp(-a)) for a in
// Q(integerBits), integerBits in [0, 29], as a Q0.31 result. For a > 0 it is
// oneOverOnePlusX(ExpOnNegativeValues(-a)); for a < 0 it is MaxInt32 minus
// the value at -a; Logistic(0) is exactly 2^30.
func Logistic(a int32, integerBits int) int32 {
	if a == 0 {
		return 1 << 30
	}
	abs := -a
	if a > 0 {
		abs = a
	}
	r := oneOverOnePlusX(ExpOnNegativeValues(-abs, integerBits))
	if a > 0 {
		return r
	}
	return oneQ0 - r
}

// Tanh mirrors gemmlowp's tanh: tanh(a) for a in Q(integerBits),
// integerBits in [0, 28], as a Q0.31 result. It evaluates
// (1 - exp(-2|a|)) / (1 + exp(-2|a|)) with ExpOnNegativeValues on -|a| read
// as Q(integerBits+1), and restores the sign; Tanh(0) is 0.
func Tanh(a int32, integerBits int) int32 {
	if a == 0 {
		return 0
	}
	n := a
	if a > 0 {
		n = -a
	}
	t := oneMinusXOverOnePlusX(ExpOnNegativeValues(n, integerBits+1))
	if a < 0 {
		return -t
	}
	return t
}

// GetReciprocal mirrors TFLite's GetReciprocal (common.h), used by the
// quantized softmax: for x > 0 in Q(xIntegerDigits) it returns a Q0.31
// reciprocal and numBitsOverUnit such that
// 1/x ≈ reciprocal * 2^-31 * 2^-numBitsOverUnit. x is normalized to
// 1 + s with s in [0, 1) and reciprocal = oneOverOnePlusX(s).
func GetReciprocal(x int32, xIntegerDigits int) (reciprocal int32, numBitsOverUnit int) {
	headroomPlusOne := bits.LeadingZeros32(uint32(x))
	numBitsOverUnit = xIntegerDigits - headroomPlusOne
	shiftedSumMinusOne := int32(uint32(x)<<headroomPlusOne - 1<<31)
	return oneOverOnePlusX(shiftedSumMinusOne), numBitsOverUnit
}

// GetInvSqrtQuantizedMultiplierExp mirrors TFLite's
// GetInvSqrtQuantizedMultiplierExp (common.h), used by L2 normalization:
// 1/sqrt(input) ≈ multiplier * 2^(-31-s) with a Q0.31 multiplier and a right
// shift s >= 0, returned as shift = s*reverseShift (TFLite passes
// kReverseShift = -1 to get a left shift). The input is normalized into
// [2^27, 2^29) by an even shift and 1/sqrt is found by five Newton-Raphson
// steps in Q3.28, starting from 1. input must be >= 0; 0 and 1 give
// (MaxInt32, 0).
func GetInvSqrtQuantizedMultiplierExp(input int32, reverseShift int) (multiplier int32, shift int) {
	if input <= 1 {
		return math.MaxInt32, 0
	}
	shift = 11
	for input >= 1<<29 {
		input /= 4
		shift++
	}
	pairs := (bits.LeadingZeros32(uint32(input))-1)/2 - 1
	shift -= pairs
	input <<= 2 * pairs

	const (
		oneQ3       = 1 << 28       // 1.0 in Q3.28
		threeHalves = 1<<28 + 1<<27 // 1.5 in Q3.28
	)
	halfInput := RoundingDivideByPOT(input>>1, 1) // input/2 in Q3.28
	x := int32(oneQ3)
	for range 5 {
		x3 := Rescale(mul(mul(x, x), x), 9, 3)
		x = Rescale(mul(threeHalves, x)-mul(halfInput, x3), 6, 3)
	}
	x = mul(x, halfSqrt2)
	if shift < 0 {
		x <<= -shift
		shift = 0
	}
	return x, shift * reverseShift
}
