package fixedpoint

import "math"

// Constants of TFLite's log_x_for_x_greater_than_or_equal_to_1_impl
// (internal/common.h), Q0.31.
const (
	ln2Q0          = 1488522236 // ln 2
	sqrtSqrtHalfQ0 = 1805811301 // 0.5^(1/4)
	oneQuarterQ0   = 536870912  // 1/4
	logAlphaN      = 117049297  // 11/240 · 2^(1/4)
	logAlphaD      = 127690142  // 1/20 · 2^(1/4)
	logAlphaI      = 1057819769 // 2/2^(1/4) − 2^(1/4)
	logAlphaF      = 638450708  // 1/4 · 2^(1/4)
)

// saturatingAdd32 and saturatingSub32 are TFLite's SaturatingAddNonGemmlowp
// and SaturatingSub for int32: the exact result clamped to int32.
func saturatingAdd32(a, b int32) int32 {
	return int32(max(min(int64(a)+int64(b), math.MaxInt32), math.MinInt32))
}

func saturatingSub32(a, b int32) int32 {
	return int32(max(min(int64(a)-int64(b), math.MaxInt32), math.MinInt32))
}

// LogXForXGreaterThanOrEqualTo1 mirrors TFLite's
// log_x_for_x_greater_than_or_equal_to_1<outputIntegerBits>(x) for x in
// Q(inputIntegerBits): ln x in Q(outputIntegerBits). x = 2^z·r with r
// normalised into [√½, 1) two ways (z_a from x's headroom, z_b from
// x·√½'s), the pair with the smaller r kept; then
//
//	ln x = z·ln 2 + num/(1 + denom − 1)
//
// with q = 2·(r − ½^(1/4)), p = (r + ½^(1/4))/2 rounded,
// num = q·r + q·q²·α_n, denom − 1 = p·(α_i + q + α_d·q²) + α_f·q, and the
// reciprocal by gemmlowp's one_over_one_plus_x_for_x_in_0_1. The sum is
// accumulated in Q(outputIntegerBits+1), products rounding as
// SaturatingRoundingDoublingHighMul, sums wrapping like gemmlowp's
// FixedPoint operators.
func LogXForXGreaterThanOrEqualTo1(x int32, outputIntegerBits, inputIntegerBits int) int32 {
	accumBits := outputIntegerBits + 1
	shiftedQuarter := Rescale(oneQuarterQ0, 0, accumBits)

	za := x
	zaHeadroomPlus1 := CountLeadingZeros32(uint32(za))
	raTmp := saturatingRoundingMultiplyByPOT(za, zaHeadroomPlus1-1)
	raRaw := saturatingRoundingMultiplyByPOT(mul(raTmp, halfSqrt2), 1)
	zaPow2Adj := saturatingAdd32(
		saturatingRoundingMultiplyByPOT(int32(inputIntegerBits-zaHeadroomPlus1), 31-accumBits), shiftedQuarter)

	zb := mul(za, halfSqrt2)
	zbHeadroom := CountLeadingZeros32(uint32(zb)) - 1
	rbRaw := saturatingRoundingMultiplyByPOT(za, zbHeadroom)
	zbPow2Adj := saturatingSub32(
		saturatingRoundingMultiplyByPOT(int32(inputIntegerBits-zbHeadroom), 31-accumBits), shiftedQuarter)

	r := min(raRaw, rbRaw)
	zPow2Adj := max(zaPow2Adj, zbPow2Adj)

	p := roundingHalfSum(r, sqrtSqrtHalfQ0)
	q := r - sqrtSqrtHalfQ0
	q += q

	commonSq := mul(q, q)
	num := mul(q, r) + mul(mul(q, commonSq), logAlphaN)
	denomMinusOne := mul(p, logAlphaI+q+mul(logAlphaD, commonSq)) + mul(logAlphaF, q)
	recipDenom := oneOverOnePlusX(denomMinusOne)

	numScaled := Rescale(num, 0, accumBits)
	return Rescale(mul(zPow2Adj, ln2Q0)+mul(numScaled, recipDenom), accumBits, outputIntegerBits)
}
