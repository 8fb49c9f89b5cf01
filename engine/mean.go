package engine

import (
	"math/bits"

	"github.com/int8scope/int8scope/engine/tflite"
)

// MeanParams are MEAN's prepared parameters.
//
// Mirrors TFLite Micro's reduce_common.cc (PrepareMeanOrSumHelper,
// EvalMeanHelper). The input's values are summed over the axes into one
// int32 (or float32) sum s per output element, n values each, in row-major
// input order (reference_ops::ReduceSumImpl). A float MEAN is s / n. TFLite
// Micro sends every int8 and int16 MEAN through
// reference_ops::QuantizedMeanOrSum (reference/reduce.h):
//
//	M, shift = QuantizeMultiplier(s_input/s_output)          (Requant)
//	k        = min(⌊log2 n⌋, 32, 31 + shift)
//	M'       = (M·2^k) / n   (int64, truncating); shift' = shift − k   (MeanRequant)
//	out      = clamp(MultiplyByQuantizedMultiplier(s − zp_in·n, M', shift') + zp_out, type range)
//
// with the profile's MultiplyByQuantizedMultiplier (double rounding, or
// single under tflite-single-rounding).
//
// The browser TFLite (tflite-xnnpack, when neither XNNPACK nor the 4-D
// optimized kernel takes the op) runs its older reduce.cc instead, see
// meanTFLite: with the same scale and zero point, out = s / n (int32
// division, truncating); otherwise, in float32,
// out = clamp(round(s/n · Scale + Bias) + zp_out) with Scale = s_input/s_output
// and Bias = −zp_in·Scale.
type MeanParams struct {
	reduction // the axes, resolved, and n = Count values per output element

	InputZeroPoint  int32 `json:"input_zero_point,omitempty"`
	OutputZeroPoint int32 `json:"output_zero_point,omitempty"`
	// Requant is s_input/s_output; MeanRequant has 1/n folded in, as
	// QuantizedMeanOrSum does.
	Requant     Requant `json:"requant"`
	MeanRequant Requant `json:"mean_requant"`

	// The browser TFLite's builtin kernel (meanTFLite).
	SameQuant bool    `json:"tflite_same_quantization,omitempty"` // integer division path
	Scale     float32 `json:"tflite_scale,omitempty"`             // s_input/s_output, float32
	Bias      float32 `json:"tflite_bias,omitempty"`              // −InputZeroPoint·Scale, float32

	in, out int
	typ     DType
}

func init() { register(tflite.BuiltinOperatorMEAN, prepareMean) }

func prepareMean(c *prepCtx) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	in, axis, out := c.in(0), c.in(1), c.out(0)
	rd, err := prepareReduction(c, in, axis, out)
	if err != nil {
		return nil, err
	}
	p := &MeanParams{reduction: *rd, in: in.Index, out: out.Index, typ: in.Type}
	if in.Type != out.Type {
		return nil, c.unsupportedTypes()
	}
	switch in.Type {
	case Float32:
	case Int8, Int16, Uint8: // uint8: TFLite's reference kernel (TFLite Micro has no uint8)
		for _, t := range []*Tensor{in, out} {
			if err := c.needQuant("input/output", t); err != nil {
				return nil, err
			}
		}
		p.InputZeroPoint, p.OutputZeroPoint = in.ZeroPoint(), out.ZeroPoint()
		sIn, sOut := in.Quant.Scale[0], out.Quant.Scale[0]
		p.Requant = c.requant(float64(sIn) / float64(sOut))
		p.MeanRequant = meanRequant(p.Requant, p.Count)
		if p.MeanRequant.Rounding == RoundSingle && p.MeanRequant.Shift > 30 {
			return nil, c.errorf("requantization multiplier %g is too large for TFLite's single-rounding MultiplyByQuantizedMultiplier (shift %d > 30)", p.MeanRequant.Real, p.MeanRequant.Shift)
		}
		p.SameQuant = p.InputZeroPoint == p.OutputZeroPoint && sIn == sOut
		if !p.SameQuant {
			p.Scale = sIn / sOut
			p.Bias = float32(-p.InputZeroPoint) * p.Scale
		}
	default:
		return nil, c.unsupportedTypes()
	}
	return p, nil
}

// meanRequant folds 1/n into q as QuantizedMeanOrSum does: a left shift by
// k = min(⌊log2 n⌋, 32, 31 + shift) before an integer division by n keeps
// precision, and the shift drops by k.
func meanRequant(q Requant, n int) Requant {
	if n <= 0 {
		return q
	}
	k := bits.Len64(uint64(n)) - 1
	k = max(min(k, 32, 31+q.Shift), 0)
	return Requant{Real: q.Real / float64(n), Multiplier: int32((int64(q.Multiplier) << k) / int64(n)), Shift: q.Shift - k, Rounding: q.Rounding}
}

func (p *MeanParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Float32:
		p.evalFloat(r)
	case Int8:
		meanInt(p, r.i8(p.in), r.i8(p.out))
	case Int16:
		meanInt(p, r.i16(p.in), r.i16(p.out))
	case Uint8:
		meanInt(p, r.u8(p.in), r.u8(p.out))
	}
	return nil
}

func (p *MeanParams) evalFloat(r *run) {
	in, out := r.f32(p.in), r.f32(p.out)
	sumInto(&p.reduction, in, out)
	if p.Count > 0 {
		for o, s := range out {
			out[o] = s / float32(p.Count)
		}
	}
}

// meanInt is reference_ops::QuantizedMeanOrSum (compute_sum false).
func meanInt[T int8 | int16 | uint8](p *MeanParams, in, out []T) {
	sums := sums32(&p.reduction, in, len(out))
	clear(out)
	if p.Count == 0 {
		return
	}
	lo, hi := qrange(p.typ)
	off := int64(p.InputZeroPoint) * int64(p.Count)
	for o, s := range sums {
		out[o] = T(clamp(p.MeanRequant.apply(int32(int64(s)-off))+p.OutputZeroPoint, lo, hi))
	}
}
