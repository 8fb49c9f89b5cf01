package fixedpoint

import "math"

// LUTSizeInt16 is the length of an int16 lookup table (TFLite's
// LUTSize<int16_t>()): 512 interpolation segments indexed by the top 9 bits
// of the input, plus one entry for the slope of the last segment.
const LUTSizeInt16 = 513

// lutPopulateInt16 mirrors TFLite's LUTPopulate<int16_t> (detail::lutPopulateInt16
// in common.h): it tabulates transform over the input range of an int16
// tensor with the given quantization, for GenericInt16TableLookup. Each of
// the 512 segments stores the rounded sample at its start, corrected by half
// the rounding error of linear interpolation at its midpoint; the last entry
// is the sample at the input maximum. All arithmetic is done in F, as in
// TFLite: TFLite Micro instantiates it with float32, TFLite's softmax with
// float64. The result has LUTSizeInt16 entries.
func lutPopulateInt16[F float32 | float64](inputScale F, inputZeroPoint int32, outputScale F, outputZeroPoint int32, transform func(F) F) []int16 {
	// Products feeding a sum are wrapped in F(...) so that Go may not fuse
	// them into FMAs, which TFLite's x86 build does not use either.
	inputMin := F(inputScale * F(math.MinInt16-inputZeroPoint))
	inputMax := F(inputScale * F(math.MaxInt16-inputZeroPoint))
	outputMin := F(outputScale * F(math.MinInt16-outputZeroPoint))
	outputMax := F(outputScale * F(math.MaxInt16-outputZeroPoint))
	const steps = LUTSizeInt16 - 1
	step := (inputMax - inputMin) / steps
	halfStep := step / 2
	scalingInv := F(1<<16) / (outputMax - outputMin)
	at := func(i int) F { return inputMin + F(F(i)*step) }

	lut := make([]int16, LUTSizeInt16)
	for i := range steps {
		sample := roundF(F(transform(at(i)) * scalingInv))
		interp := roundF((F(transform(at(i+1))*scalingInv) + sample) / 2)
		midpoint := roundF(F(transform(at(i)+halfStep) * scalingInv))
		bias := roundF((interp - midpoint) / 2)
		lut[i] = clampInt16(sample - bias)
	}
	lut[steps] = clampInt16(roundF(F(transform(inputMax) * scalingInv)))
	return lut
}

// clampInt16 is TFLite's static_cast<int16_t>(std::min(std::max(v, -32768), 32767)).
func clampInt16[F float32 | float64](v F) int16 {
	if v < math.MinInt16 {
		v = math.MinInt16
	}
	if math.MaxInt16 < v {
		v = math.MaxInt16
	}
	return int16(cvtInt32(float64(v)))
}

// GenericInt16TableLookup mirrors TFLite's generic_int16_table_lookup (now
// LUTLookup(int16_t, const int16_t*)): it interpolates a LUTSizeInt16-entry
// table built by lutPopulateInt16 at value. The top 9 bits of value select
// the segment base = lut[256 + value>>7]; the low 7 bits interpolate towards
// the next entry: base + (slope*(value&0x7f) + 64) >> 7, with the slope
// wrapped to int16 as in TFLite.
func GenericInt16TableLookup(value int16, lut []int16) int16 {
	index := 256 + int(value>>7)
	slope := int32(lut[index+1] - lut[index])
	delta := (slope*int32(value&0x7f) + 64) >> 7
	return int16(int32(lut[index]) + delta)
}

// SoftmaxInt16LUTs builds the two tables of the int16 softmax
// (reference_ops::SoftmaxInt16) the way TFLite's softmax Prepare does with
// LUTPopulate<int16_t>: exp(x) for x in [-10, 0] and 1/(1+x) for x in [0, 1],
// both with outputs in [-1, 1]. Instantiate with float64 to match TFLite and
// with float32 to match TFLite Micro. exp is computed in float64; in the
// float32 case its float32 rounding may differ from the C library's expf in
// rare last-ulp cases.
func SoftmaxInt16LUTs[F float32 | float64]() (expLUT, oneOverOnePlusXLUT []int16) {
	const span = math.MaxInt16 - math.MinInt16
	expLUT = lutPopulateInt16(F(10)/F(span), math.MaxInt16, F(2)/F(span), 0,
		func(x F) F { return F(math.Exp(float64(x))) })
	oneOverOnePlusXLUT = lutPopulateInt16(F(1)/F(span), math.MinInt16, F(2)/F(span), 0,
		func(x F) F { return 1 / (1 + x) })
	return expLUT, oneOverOnePlusXLUT
}

// LogisticInt16 mirrors the int16 reference_integer_ops::Logistic
// (reference/integer_ops/logistic.h) for one element. The input is scaled to
// v = (x*inputMultiplier + round) >> inputLeftShift (inputMultiplier == 0
// means 3 << inputLeftShift with no shift, i.e. an input scale of
// 2^(inputLeftShift-12)); |v| indexes TFLite's 256-entry table of
// sigmoid(i/24) with 9 fractional bits of linear interpolation, saturating
// for |v| >= 255*2^9. The result is Q0.15.
func LogisticInt16(x int16, inputMultiplier int32, inputLeftShift int) int16 {
	v := scaleInt16Input(x, inputMultiplier, inputLeftShift)
	abs := absUint32(v)
	var r uint32
	if h := abs >> 9; h >= 255 {
		r = 0x7FFF << 10
	} else {
		a, b := uint32(sigmoidTable[h]), uint32(sigmoidTable[h+1])
		r = a<<9 + (abs&0x1ff)*(b-a)
	}
	if v >= 0 {
		r += 1 << 9
	} else {
		r = 1<<25 - r + 1<<9 - 1
	}
	return int16(r >> 10)
}

// TanhInt16 mirrors the int16 reference_integer_ops::Tanh
// (reference/integer_ops/tanh.h) for one element, using
// tanh(x) = 2*sigmoid(2x) - 1: the input is scaled as in LogisticInt16 and
// |v| indexes the sigmoid table with 8 fractional bits, saturating for
// |v| >= 255*2^8. The result is Q0.15.
func TanhInt16(x int16, inputMultiplier int32, inputLeftShift int) int16 {
	v := scaleInt16Input(x, inputMultiplier, inputLeftShift)
	abs := absUint32(v)
	var r int32
	if h := abs >> 8; h >= 255 {
		r = 0xFFFF << 8
	} else {
		a, b := uint32(sigmoidTable[h]), uint32(sigmoidTable[h+1])
		r = int32(a<<8 + (abs&0xff)*(b-a))
	}
	if v >= 0 {
		r = r - 1<<23 + 1<<7
	} else {
		r = -r + 1<<23 + 1<<7 - 1
	}
	return int16(r >> 8)
}

// scaleInt16Input is the input rescaling shared by the int16 logistic and
// tanh reference kernels.
func scaleInt16Input(x int16, m int32, shift int) int32 {
	if m == 0 { // power-of-two input scale
		m, shift = 3<<shift, 0
	}
	var round int32
	if shift > 0 {
		round = 1 << (shift - 1)
	}
	return (int32(x)*m + round) >> shift
}

// absUint32 is C's abs(v) converted to uint32 (MinInt32 maps to 2^31).
func absUint32(v int32) uint32 {
	if v < 0 {
		return uint32(-v)
	}
	return uint32(v)
}

// sigmoidTable is TFLite's sigmoid_table_uint16 (common.h): sigmoid(i/24) in
// 0.16 format, shared by the int16 logistic and tanh kernels. The values are
// TFLite's, not recomputed: several differ by one from round(2^16*sigmoid(i/24)).
// SigmoidTableUint16 returns TFLite's 256-entry table sigmoid_table_uint16
// (sigmoid(i/24) in Q0.16) that the int16 LOGISTIC and TANH kernels read.
func SigmoidTableUint16() [256]uint16 { return sigmoidTable }

var sigmoidTable = [256]uint16{
	32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
	40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
	47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
	53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
	57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
	60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
	62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
	63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
	64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
	64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
	65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
	65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
	65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
	65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
	65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
	65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
	65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
	65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
	65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
	65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
	65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
	65534, 65534, 65534, 65535,
}
