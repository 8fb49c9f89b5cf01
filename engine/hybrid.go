package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/fixedpoint"
)

// Hybrid (dynamic-range) kernels: float32 activations, int8 weights. TFLite
// quantizes each batch row of the float input on the fly to int8
// (tensor_utils::BatchQuantizeFloats), multiplies it with the int8 weights
// in integers, and scales the integer dot product back to float32 with
// input scale × weight scale. This file holds what the hybrid kernels
// share: the two on-the-fly quantizations and the float activation.

// HybridTrace records, for a hybrid op, how its float input was quantized
// on the fly: per batch row, the scale and zero point, and the int8 values
// row after row.
type HybridTrace struct {
	RowScale     []float32 `json:"row_scale"`
	RowZeroPoint []int32   `json:"row_zero_point"`
	Quantized    []int8    `json:"quantized"`
	// State is, for the hybrid LSTM, the same record for the hidden state
	// quantized at each time step (rows step after step, like the input's;
	// a step whose state is all zero is skipped and has scale 0), and Cell
	// the float cell state before each step.
	State *HybridTrace `json:"state,omitempty"`
	Cell  []float32    `json:"cell,omitempty"`
}

// quantizeRow quantizes one input row into q like TFLite's
// tensor_utils::SymmetricQuantizeFloats (asymmetric false: zero point 0,
// scale = max(|min|, |max|)/127, values in [−127, 127]) or
// AsymmetricQuantizeFloats (asymmetric true: the range [min(0, min),
// max(0, max)] over 255 steps in double, the zero point nudged into
// [−128, 127]). A row of zeros (empty range) gets scale 1, zero point 0.
func quantizeRow(x []float32, q []int8, asymmetric bool) (scale float32, zp int32) {
	if len(x) == 0 {
		return 1, 0
	}
	mn, mx := x[0], x[0] // std::minmax_element
	for _, v := range x[1:] {
		if v < mn {
			mn = v
		}
		if !(v < mx) {
			mx = v
		}
	}
	if !asymmetric {
		a, b := float32(math.Abs(float64(mn))), float32(math.Abs(float64(mx)))
		rng := a
		if a < b {
			rng = b
		}
		if rng == 0 {
			clear(q)
			return 1, 0
		}
		inv := 127 / rng
		for i, v := range x {
			q[i] = int8(min(max(int32(roundf(float32(v*inv))), -127), 127))
		}
		return rng / 127, 0
	}
	rmin, rmax := float64(min(mn, 0)), float64(max(mx, 0))
	if mn >= 0 {
		rmin = 0
	}
	if mx <= 0 {
		rmax = 0
	}
	if rmin == rmax {
		clear(q)
		return 1, 0
	}
	s := (rmax - rmin) / 255
	fromMin, fromMax := -128-rmin/s, 127-rmax/s
	z := fromMax
	if 128+math.Abs(rmin/s) < 127+math.Abs(rmax/s) {
		z = fromMin
	}
	switch {
	case z <= -128:
		zp = -128
	case z >= 127:
		zp = 127
	default:
		zp = int32(math.Round(z))
	}
	scale = float32(s)
	inv := 1 / scale
	for i, v := range x {
		q[i] = int8(min(max(int32(roundf(float32(zp)+float32(v*inv))), -128), 127))
	}
	return scale, zp
}

// hybridActivation is TFLite's tensor_utils::ApplyActivationToVector for
// the fused activations: std::max(0, x) for RELU (NaN and −0 become 0),
// std::max(lo, std::min(x, hi)) for RELU6 and RELU_N1_TO_1.
func hybridActivation(act fixedpoint.Activation, x float32) float32 {
	lo, hi := float32(0), float32(6)
	switch act {
	case fixedpoint.ActRelu:
		if 0 < x {
			return x
		}
		return 0
	case fixedpoint.ActReluN1To1:
		lo, hi = -1, 1
	case fixedpoint.ActRelu6:
	default:
		return x
	}
	if hi < x {
		x = hi
	}
	if lo < x {
		return x
	}
	return lo
}

// hybridSteps explains the on-the-fly quantization of a row and the scaling
// of an integer dot product back to float32.
func hybridSteps(row []float32, asymmetric bool, filterScale float32, dot int32, bias *float32, act fixedpoint.Activation) ([]Step, float32) {
	q := make([]int8, len(row))
	s, zp := quantizeRow(row, q, asymmetric)
	var steps []Step
	if asymmetric {
		steps = append(steps, Step{"input scale", "AsymmetricQuantizeFloats: (max(0, max row) − min(0, min row)) / 255 in double, rounded to float32", float64(s)},
			Step{"input zero point", "nudged into [−128, 127]: q = round(zero point + x / scale), clamped", float64(zp)})
	} else {
		steps = append(steps, Step{"input scale", "SymmetricQuantizeFloats: max(|min row|, |max row|) / 127; q = round(x · 127/range), clamped to ±127", float64(s)})
	}
	sc := s * filterScale
	steps = append(steps, Step{"scale", fmt.Sprintf("input scale %.9g × filter scale %.9g, rounded to float32", s, filterScale), float64(sc)},
		Step{"dot", "Σ (q − input zero point)·filter in int32 (TFLite: dot − row sum × zero point)", float64(dot)})
	p := float32(float32(dot) * sc)
	steps = append(steps, Step{"to float", fmt.Sprintf("float32(%d) × %.9g, rounded to float32", dot, sc), float64(p)})
	v := p
	if bias != nil {
		v = *bias + p
		steps = append(steps, Step{"bias", fmt.Sprintf("bias %.9g + %.9g", *bias, p), float64(v)})
	}
	out := hybridActivation(act, v)
	steps = append(steps, Step{"activation", "TFLite's ApplyActivationToVector", float64(out)})
	return steps, out
}
