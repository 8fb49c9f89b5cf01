package engine

// Accelerated output stages: the WebAssembly build's SIMD module can turn
// rows of int32 accumulators into int8 (or uint8) outputs for the output
// stages of requantize.go, bit for bit as their requantizeInt8 does. The
// pure-Go requantizeInt8 is the fallback and the reference.

// RequantFixedS8 is FixedPointOutput.requantizeInt8 over rows: for the n =
// len(acc) accumulators, in rows of channels values, out[i] =
// clamp(MultiplyByQuantizedMultiplier(acc[i] + add[c], M_c, shift_c) + zp,
// lo, hi) with c = i mod channels (add nil: no addition; acc unchanged). par holds 4·channels int32 (fixedParams): the
// multipliers M_c, then A_c, B_c and D_c; single selects single rounding
// ((acc·M + 2^(A−1)) >> A, A = 31 − shift, or 0 for none) over double
// (RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc·A, M), right)
// with A = 2^left wrapping, B = 2^(31−right) as uint32, D = 2^right − 1).
type RequantFixedS8 func(acc []int32, channels int, add, par []int32, single bool, zp, lo, hi int32, out []int8)

// RequantFP32S8 is XNNPackOutput.requantizeInt8 over rows: out[i] =
// round_half_even(clamp(float32(acc[i] + add[c])·scales[c], lo − zp, hi −
// zp)) + zp, c = i mod channels (add as in RequantFixedS8), scales one per
// channel or one for all.
type RequantFP32S8 func(acc []int32, channels int, add []int32, scales []float32, zp, lo, hi int32, out []int8)

var (
	requantFixedS8 RequantFixedS8
	requantFP32S8  RequantFP32S8
)

// SetRequant makes DEPTHWISE_CONV_2D's int8 and uint8 output stages run on
// fixed and fp32 (the WebAssembly build's SIMD module), and CONV_2D's where
// no GEMMRequant kernel runs them (SetGEMMRequant); nil restores the
// pure-Go requantizeInt8, the reference they are tested against. Call it
// before running models, not while they run.
func SetRequant(fixed RequantFixedS8, fp32 RequantFP32S8) {
	requantFixedS8, requantFP32S8 = fixed, fp32
}

// fixedParams lays out qm for RequantFixedS8: M, A, B, D (see there).
func fixedParams(qm []quantMul) []int32 {
	n := len(qm)
	par := make([]int32, 4*n)
	for c, q := range qm {
		par[c] = int32(q.m)
		if q.single {
			par[n+c] = int32(q.total)
			continue
		}
		par[n+c] = int32(uint32(uint64(1) << q.left)) // left ≤ 32: 2^32 wraps to 0
		par[2*n+c] = int32(uint32(1) << (31 - q.right))
		par[3*n+c] = int32(int64(1)<<q.right - 1) // the mask 2^right − 1
	}
	return par
}

// requantizeRows is o.requantizeInt8 for each row of channels values of
// acc, each first plus add[c] (add nil: none; acc may change), into out,
// by an accelerated kernel when SetRequant installed one for o's kind.
func requantizeRows(o outputStage, acc, add []int32, channels int, out []int8) {
	if len(acc) == 0 {
		return
	}
	if add != nil {
		add = add[:channels]
	}
	switch o := o.(type) {
	case *FixedPointOutput:
		if requantFixedS8 != nil && len(o.qm) == channels {
			requantFixedS8(acc, channels, add, o.par, o.qm[0].single, o.ZeroPoint, o.Min, o.Max, out[:len(acc)])
			return
		}
	case *XNNPackOutput:
		if requantFP32S8 != nil && (len(o.Scales) == 1 || len(o.Scales) == channels) {
			requantFP32S8(acc, channels, add, o.Scales, o.ZeroPoint, o.Min, o.Max, out[:len(acc)])
			return
		}
	}
	for i := 0; i < len(acc); i += channels {
		row := acc[i : i+channels]
		for c, v := range add {
			row[c] += v
		}
		o.requantizeInt8(row, out[i:i+channels])
	}
}
