// Package quant holds the arithmetic of TFLite's post-training integer
// quantization: how the converter turns calibrated float ranges and float
// weights into scales, zero points and int8/int32 values, and how TFLite's
// reference kernels turn a real multiplier into a fixed-point one.
//
// Each function follows the TensorFlow Lite function named in its comment
// (tensorflow/lite/tools/optimize/quantization_utils.cc,
// tensorflow/lite/kernels/internal/quantization_util.cc and
// tensorflow/lite/kernels/internal/common.h), including whether a step is done
// in float32 or float64, because that decides the last bit of a scale.
package quant

import (
	"fmt"
	"math"
)

// Int8 limits of TFLite's activation and weight ranges.
const (
	Int8Min = -128
	Int8Max = 127
	// WeightMax is the largest magnitude of a symmetric ("narrow range")
	// int8 weight: weights live in [-127, 127].
	WeightMax = 127
)

// round is C's std::round on a float (or double): halfway cases away from zero.
// A float32 converts to float64 exactly, so rounding the float64 is the same.
func round32(x float32) float32 { return float32(math.Round(float64(x))) }

// Asymmetric holds the quantization parameters of an activation tensor.
type Asymmetric struct {
	Min, Max  float32 // the range after nudging it to contain 0
	Scale     float32
	ZeroPoint int64
}

// AsymmetricParams is GetAsymmetricQuantizationParams: the range is widened to
// contain 0, scale = (max-min)/(qmax-qmin) in float32, and the zero point is
// round(qmin - min/scale) (half away from zero), clamped to [qmin, qmax].
func AsymmetricParams(min, max float32, qmin, qmax int) Asymmetric {
	qminF := float32(qmin)
	qmaxF := float32(qmax)
	min = float32(math.Min(float64(min), 0))
	max = float32(math.Max(float64(max), 0))
	scale := (max - min) / (qmaxF - qminF)
	zpFromMin := qminF
	if scale != 0 {
		zpFromMin = qminF - min/scale
	}
	var zp int64
	switch {
	case zpFromMin < qminF:
		zp = int64(qmin)
	case zpFromMin > qmaxF:
		zp = int64(qmax)
	default:
		zp = int64(round32(zpFromMin))
	}
	return Asymmetric{Min: min, Max: max, Scale: scale, ZeroPoint: zp}
}

// ActivationParams is QuantizeActivation for int8 activations.
func ActivationParams(min, max float32) Asymmetric {
	return AsymmetricParams(min, max, Int8Min, Int8Max)
}

// SymmetricPerTensor is tensor_utils::SymmetricQuantizeFloats on a whole
// tensor (used for FULLY_CONNECTED weights): range = max(|min|, |max|),
// scale = range/127, q = round(w * (127/range)) clamped to [-127, 127], all in
// float32. An all-zero tensor gets scale 1 and zero values, as in TFLite.
func SymmetricPerTensor(w []float32) (q []int8, scale float32) {
	q = make([]int8, len(w))
	if len(w) == 0 {
		return q, 1
	}
	lo, hi := w[0], w[0]
	for _, v := range w[1:] {
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	rng := float32(math.Max(math.Abs(float64(lo)), math.Abs(float64(hi))))
	if rng == 0 {
		return q, 1
	}
	scale = rng / WeightMax
	inv := WeightMax / rng
	for i, v := range w {
		q[i] = clampWeight(round32(v * inv))
	}
	return q, scale
}

func clampWeight(v float32) int8 {
	if v > WeightMax {
		return WeightMax
	}
	if v < -WeightMax {
		return -WeightMax
	}
	return int8(v)
}

// SymmetricPerChannel is SymmetricQuantizeTensorPerChannel on a 4-D tensor in
// row-major order with the given shape: one scale per index of axis
// (CONV_2D filters [out,h,w,in] use axis 0, DEPTHWISE_CONV_2D [1,h,w,out] axis
// 3). half_range = max(|min|,|max|) of the channel, scale = half_range/127,
// q = round(w * (127/half_range)), all float32; a zero channel gets scale 0.
// If maxAbs is not nil it replaces the measured half range of each channel
// (see AdjustPerChannelForBias).
func SymmetricPerChannel(w []float32, shape [4]int, axis int, maxAbs []float32) (q []int8, scales []float32, err error) {
	if axis < 0 || axis > 3 {
		return nil, nil, fmt.Errorf("quant: channel axis %d out of range", axis)
	}
	n := shape[0] * shape[1] * shape[2] * shape[3]
	if n != len(w) {
		return nil, nil, fmt.Errorf("quant: shape %v has %d elements, data has %d", shape, n, len(w))
	}
	nch := shape[axis]
	half := maxAbs
	if half == nil {
		half = ChannelMaxAbs(w, shape, axis)
	} else if len(half) != nch {
		return nil, nil, fmt.Errorf("quant: %d channel ranges for %d channels", len(half), nch)
	}
	scales = make([]float32, nch)
	inv := make([]float32, nch)
	for c := range nch {
		scales[c] = half[c] / WeightMax
		if half[c] != 0 {
			inv[c] = WeightMax / half[c]
		}
	}
	q = make([]int8, n)
	stride := 1
	for d := axis + 1; d < 4; d++ {
		stride *= shape[d]
	}
	for i, v := range w {
		c := (i / stride) % nch
		q[i] = clampWeight(round32(v * inv[c]))
	}
	return q, scales, nil
}

// ChannelMaxAbs returns max(|min|, |max|) of each index of axis.
func ChannelMaxAbs(w []float32, shape [4]int, axis int) []float32 {
	nch := shape[axis]
	lo := make([]float32, nch)
	hi := make([]float32, nch)
	seen := make([]bool, nch)
	stride := 1
	for d := axis + 1; d < 4; d++ {
		stride *= shape[d]
	}
	for i, v := range w {
		c := (i / stride) % nch
		if !seen[c] {
			lo[c], hi[c], seen[c] = v, v, true
			continue
		}
		lo[c] = min(lo[c], v)
		hi[c] = max(hi[c], v)
	}
	out := make([]float32, nch)
	for c := range nch {
		out[c] = float32(math.Max(math.Abs(float64(lo[c])), math.Abs(float64(hi[c]))))
	}
	return out
}

// AdjustPerChannelForBias is the per-channel branch of
// AdjustWeightsForBiasScale: where a bias would not fit in the middle half of
// int32 at scale inputScale*weightScale, the channel's weight range is widened
// so that it does. It returns the (possibly changed) half ranges.
func AdjustPerChannelForBias(half []float32, bias []float32, inputScale float32) []float32 {
	const kScale = float64(math.MaxInt32)
	out := append([]float32(nil), half...)
	for i := range out {
		ws := out[i] / WeightMax
		if math.Abs(float64(bias[i])) >= 0.5*float64(inputScale)*float64(ws)*kScale {
			out[i] = float32(2.0 * math.Abs(float64(bias[i])) / kScale * float64(WeightMax/inputScale))
		}
	}
	return out
}

// Bias quantizes a bias vector to int32 with per-element scales
// inputScale*weightScales[i] (one weight scale for per-tensor weights), as
// SymmetricPerChannelBiasQuantize / SymmetricPerLayerBiasQuantize do: the scale
// product is float32, its inverse is computed in float64 and stored as float32,
// q = round(b * inv) clamped to [-(2^31-1), 2^31-1].
func Bias(b []float32, inputScale float32, weightScales []float32) (q []int32, scales []float32, err error) {
	if len(weightScales) != 1 && len(weightScales) != len(b) {
		return nil, nil, fmt.Errorf("quant: %d weight scales for %d biases", len(weightScales), len(b))
	}
	scales = make([]float32, len(weightScales))
	for i, ws := range weightScales {
		scales[i] = inputScale * ws
	}
	q = make([]int32, len(b))
	for i, v := range b {
		s := scales[0]
		if len(scales) > 1 {
			s = scales[i]
		}
		var inv float32
		if s != 0 {
			inv = float32(1.0 / float64(s))
		}
		r := float64(round32(v * inv))
		q[i] = int32(max(-math.MaxInt32, min(math.MaxInt32, r)))
	}
	return q, scales, nil
}

// QuantizeMultiplier is TFLite's QuantizeMultiplier: real = q * 2^shift with
// q in [0.5, 1) stored as a Q31 fixed-point int32 (round half away from zero).
func QuantizeMultiplier(real float64) (multiplier int32, shift int) {
	if real == 0 {
		return 0, 0
	}
	frac, exp := math.Frexp(real)
	qFixed := int64(math.Round(frac * (1 << 31)))
	if qFixed == 1<<31 {
		qFixed /= 2
		exp++
	}
	if exp < -31 {
		exp = 0
		qFixed = 0
	}
	if exp > 30 {
		exp = 30
		qFixed = math.MaxInt32
	}
	return int32(qFixed), exp
}

// SaturatingRoundingDoublingHighMul is gemmlowp's: round(a*b / 2^31) with
// ties away from zero, saturating the one overflow case.
func SaturatingRoundingDoublingHighMul(a, b int32) int32 {
	if a == b && a == math.MinInt32 {
		return math.MaxInt32
	}
	ab := int64(a) * int64(b)
	nudge := int64(1 << 30)
	if ab < 0 {
		nudge = 1 - (1 << 30)
	}
	return int32((ab + nudge) / (1 << 31))
}

// RoundingDivideByPOT is gemmlowp's: x / 2^exponent rounded to nearest, ties
// away from zero.
func RoundingDivideByPOT(x int32, exponent int) int32 {
	mask := int32(1)<<exponent - 1
	remainder := x & mask
	threshold := mask >> 1
	if x < 0 {
		threshold++
	}
	r := x >> exponent
	if remainder > threshold {
		r++
	}
	return r
}

// MultiplyByQuantizedMultiplier is TFLite's reference requantization (double
// rounding): SaturatingRoundingDoublingHighMul then RoundingDivideByPOT.
func MultiplyByQuantizedMultiplier(x int32, multiplier int32, shift int) int32 {
	left, right := 0, 0
	if shift > 0 {
		left = shift
	} else {
		right = -shift
	}
	return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x*(1<<left), multiplier), right)
}

// QuantizeValue is the QUANTIZE op's reference arithmetic (AffineQuantize):
// round(x / scale) + zeroPoint clamped to int8, the division in float32.
func QuantizeValue(x, scale float32, zeroPoint int32) int8 {
	v := int64(round32(x/scale)) + int64(zeroPoint)
	return int8(max(Int8Min, min(Int8Max, v)))
}
