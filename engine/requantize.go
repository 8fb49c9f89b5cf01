package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/fixedpoint"
)

// outputStage is how an op turns each accumulator into its output integer
// under one profile: the requantization of output channel ch, the output
// zero point and the activation clamp. A kernel is handed the stage its
// profile prepared (FixedPointOutput for TFLite's kernels, XNNPackOutput for
// the XNNPACK delegate's) and never asks which one it has.
type outputStage interface {
	// requantize is the output integer for an int32 accumulator.
	requantize(acc int32, ch int) int32
	// requantize64 is the same for the int64 accumulators of 16x8 ops.
	requantize64(acc int64, ch int) int32
	// requantizeInt8 requantizes the accumulators of output channels 0,
	// 1, … into an int8 row: one call per output pixel in the hot loops.
	requantizeInt8(acc []int32, out []int8)
	// steps derives requantize (requantize64 when wide) step by step,
	// returning the steps, the output integer and the exact value
	// acc·real multiplier + zero point.
	steps(acc int64, ch int, wide bool) ([]Step, int32, float64)
	// arithmetic names the requantization for explanations.
	arithmetic() string
}

// FixedPointOutput is TFLite's integer output stage:
//
//	out = clamp(MultiplyByQuantizedMultiplier(acc, M_c, shift_c) + ZeroPoint, Min, Max)
//
// with each Requant's rounding (double in the reference kernels and TFLite
// Micro, single under TFLITE_SINGLE_ROUNDING and in ruy).
type FixedPointOutput struct {
	// Requant holds one multiplier per output channel (per-channel
	// weights) or a single one: s_input·s_filter[c]/s_output.
	Requant   []Requant  `json:"requant"`
	ZeroPoint int32      `json:"output_offset"`
	Min       int32      `json:"act_min"`
	Max       int32      `json:"act_max"`
	rq        []Requant  // Requant broadcast to every output channel
	qm        []quantMul // rq prepared for inner loops
	par       []int32    // qm as RequantFixedS8's parameters (requant_accel.go)
}

// newFixedPointOutput prepares the output stage for channels output
// channels from one Requant per channel, or one for all.
func newFixedPointOutput(requant []Requant, channels int, zp, lo, hi int32) *FixedPointOutput {
	o := &FixedPointOutput{Requant: requant, ZeroPoint: zp, Min: lo, Max: hi, rq: requant}
	if len(requant) == 1 && channels > 1 {
		o.rq = make([]Requant, channels)
		for i := range o.rq {
			o.rq[i] = requant[0]
		}
	}
	o.qm = make([]quantMul, len(o.rq))
	for i, q := range o.rq {
		o.qm[i] = newQuantMul(q)
	}
	o.par = fixedParams(o.qm)
	return o
}

func (o *FixedPointOutput) requantize(acc int32, ch int) int32 {
	return clamp(o.qm[ch].apply(acc)+o.ZeroPoint, o.Min, o.Max)
}

func (o *FixedPointOutput) requantizeInt8(acc []int32, out []int8) {
	if len(acc) == 0 {
		return
	}
	qm := o.qm[:len(acc)]
	out = out[:len(acc)]
	zp, lo, hi := o.ZeroPoint, o.Min, o.Max
	if qm[0].single { // one rounding for all channels (prepCtx.requant)
		for c, a := range acc {
			q := &qm[c]
			out[c] = int8(min(max(int32((int64(a)*q.m+q.round)>>(q.total&63))+zp, lo), hi))
		}
		return
	}
	// Four channels per step: Go's WebAssembly output pays a dispatch per
	// loop iteration (2.4 ns an element here against 3.0 one at a time).
	c := 0
	for ; c+4 <= len(acc); c += 4 {
		a, o, q := acc[c:c+4:c+4], out[c:c+4:c+4], qm[c:c+4:c+4]
		o[0] = int8(min(max(q[0].double(a[0])+zp, lo), hi))
		o[1] = int8(min(max(q[1].double(a[1])+zp, lo), hi))
		o[2] = int8(min(max(q[2].double(a[2])+zp, lo), hi))
		o[3] = int8(min(max(q[3].double(a[3])+zp, lo), hi))
	}
	for ; c < len(acc); c++ {
		out[c] = int8(min(max(qm[c].double(acc[c])+zp, lo), hi))
	}
}

func (o *FixedPointOutput) requantize64(acc int64, ch int) int32 {
	return clamp(o.rq[ch].apply64(acc)+o.ZeroPoint, o.Min, o.Max)
}

func (o *FixedPointOutput) arithmetic() string { return roundingArithmetic(o.Requant[0].Rounding) }

func (o *FixedPointOutput) steps(acc int64, ch int, wide bool) ([]Step, int32, float64) {
	q := o.rq[ch]
	exact := float64(acc)*q.Real + float64(o.ZeroPoint)
	var s []Step
	var scaled int32
	if wide {
		scaled = q.apply64(acc)
		s = []Step{{"scale", fmt.Sprintf("MultiplyByQuantizedMultiplier(int64 %d, M=%d, shift=%d)", acc, q.Multiplier, q.Shift), float64(scaled)}}
	} else {
		s, scaled = scaleSteps("", int32(acc), q)
	}
	s = append(s, zeroPointClampSteps(scaled, o.ZeroPoint, o.Min, o.Max)...)
	return s, clamp(scaled+o.ZeroPoint, o.Min, o.Max), exact
}

// roundingArithmetic describes a rounding of MultiplyByQuantizedMultiplier.
func roundingArithmetic(r Rounding) string {
	if r == RoundSingle {
		return "single rounding: (acc·M + 2^(30−shift)) >> (31−shift)"
	}
	return "double rounding: RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc·2^left, M), right)"
}

// scaleSteps derives q.apply(x) step by step; what prefixes the step names
// ("" for an op's one requantization).
func scaleSteps(what string, x int32, q Requant) ([]Step, int32) {
	name := func(n string) string {
		if what == "" {
			return n
		}
		return what + " " + n
	}
	if q.Rounding == RoundSingle {
		v := q.apply(x)
		n := name("scaled")
		if what == "" {
			n = "scale"
		}
		return []Step{{n, fmt.Sprintf("(%d·%d + 2^%d) >> %d  (real multiplier %.9g)",
			x, q.Multiplier, 30-q.Shift, 31-q.Shift, q.Real), float64(v)}}, v
	}
	var s []Step
	if left := max(q.Shift, 0); left > 0 {
		y := x << left
		s = append(s, Step{name("left shift"), fmt.Sprintf("%d · 2^%d", x, left), float64(y)})
		x = y
	}
	hm := fixedpoint.SaturatingRoundingDoublingHighMul(x, q.Multiplier)
	s = append(s, Step{name("SRDHM"), fmt.Sprintf("round(%d · %d / 2^31)  (real multiplier %.9g)", x, q.Multiplier, q.Real), float64(hm)})
	right := max(-q.Shift, 0)
	v := fixedpoint.RoundingDivideByPOT(hm, right)
	s = append(s, Step{name("shift"), fmt.Sprintf("RoundingDivideByPOT(%d, %d): %d / 2^%d rounded half away from zero", hm, right, hm, right), float64(v)})
	return s, v
}

// zeroPointClampSteps are the last two steps of most quantized kernels.
func zeroPointClampSteps(v, zp, lo, hi int32) []Step {
	z := v + zp
	return []Step{
		{"zero point", fmt.Sprintf("%d + output zero point %d", v, zp), float64(z)},
		{"clamp", fmt.Sprintf("clamp(%d, %d, %d)", z, lo, hi), float64(clamp(z, lo, hi))},
	}
}

// explainAccumulator completes the explanation of a dot-product op's output
// element from its sum of products and bias: the accumulator, then the
// output stage's steps.
func explainAccumulator(e *Explanation, o outputStage, sum, bias int64, ch int, wide bool) {
	acc := sum + bias
	s := []Step{
		{"sum", "Σ (input + input_offset)·(filter + filter_offset)", float64(sum)},
		{"bias", fmt.Sprintf("acc = %d + bias %d", sum, bias), float64(acc)},
	}
	rs, v, exact := o.steps(acc, ch, wide)
	e.Steps, e.Value, e.Exact = append(s, rs...), int64(v), &exact
	if e.Arithmetic == "" {
		e.Arithmetic = o.arithmetic()
	}
}

// quantMul is a Requant prepared for inner loops: the profile's
// MultiplyByQuantizedMultiplier with its shifts precomputed, small enough to
// inline. It computes the same integers as fixedpoint's functions for the
// non-negative multipliers QuantizeMultiplier produces.
type quantMul struct {
	m           int64
	left, right uint8 // double rounding: x·2^left, then ÷2^right
	half, neg   int64 // 2^right / 2, and 1 when right > 0: RoundingDivideByPOT's rounding terms
	total       uint8 // single rounding: (x·m + round) >> total
	round       int64 // 2^(total−1)
	single      bool
}

func newQuantMul(q Requant) quantMul {
	// Shifts of 32 or more clear an int32, as in fixedpoint; QuantizeMultiplier
	// gives shifts ≥ −31. The single rounding is TFLite's for shifts ≤ 30.
	right := uint8(min(max(-q.Shift, 0), 31))
	qm := quantMul{m: int64(q.Multiplier), left: uint8(min(max(q.Shift, 0), 32)), right: right,
		half: int64(1) << right >> 1, single: q.Rounding == RoundSingle} // as Requant.apply decides
	if right > 0 {
		qm.neg = 1
	}
	if q.Shift >= -31 && q.Shift <= 30 {
		qm.total, qm.round = uint8(31-q.Shift), int64(1)<<(30-q.Shift)
	}
	return qm
}

// apply is MultiplyByQuantizedMultiplier with the Requant's rounding.
func (q *quantMul) apply(x int32) int32 {
	if q.single {
		return int32((int64(x)*q.m + q.round) >> (q.total & 63))
	}
	return q.double(x)
}

// double is SaturatingRoundingDoublingHighMul (which never saturates for
// m ≥ 0) followed by RoundingDivideByPOT, each as one rounding shift:
//
//   - SRDHM's (ab + nudge) / 2^31, truncated, with nudge 2^30 (ab ≥ 0) or
//     1 − 2^30 (ab < 0), is floor((ab + 2^30) / 2^31) for every ab: for
//     ab < 0 the numerator N is negative and trunc(N / 2^31) =
//     floor((N + 2^31 − 1) / 2^31), and N + 2^31 − 1 = ab + 2^30.
//   - RoundingDivideByPOT(v, r), v / 2^r rounded half away from zero, is
//     floor((v + 2^(r−1) − [v < 0]) / 2^r) for r > 0 (and v for r = 0):
//     with v = q·2^r + rem, it adds one exactly when rem ≥ 2^(r−1) for
//     v ≥ 0 and rem > 2^(r−1) for v < 0, gemmlowp's thresholds.
//
// Both in int64, where nothing overflows: fewer operations and no
// branches, which Go's WebAssembly output pays for in every output
// element (TestQuantMul checks it against package fixedpoint).
func (q *quantMul) double(x int32) int32 {
	// The masks change no value (left ≤ 32, right ≤ 31) but spare the
	// compiler the checks for shifts past the width.
	ab := int64(int32(int64(x)<<(q.left&63))) * q.m
	v := (ab + 1<<30) >> 31
	return int32((v + q.half - v>>63&q.neg) >> (q.right & 31))
}
