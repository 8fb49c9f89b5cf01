package engine

import (
	"math"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// HardSwishParams are HARD_SWISH's prepared parameters.
//
// Mirrors TFLite Micro's hard_swish_common.cc (HardSwishPrepare) and the
// reference kernel reference/hard_swish.h, x·relu6(x + 3)/6 in 16-bit
// fixed point. For d = x − InputZeroPoint, h = d·2^7 (the "hires" input
// scale s_in/128):
//
//	o = SRDHM16(h, OutputMultiplier)                           // h on the output scale, before the shift
//	u = h scaled by ReluishMultiplier·2^ReluishExponent         // x/3 in Q0.15, saturated to [-1, 1]
//	u = (u + 2^15) >> 1                                         // (x/3 + 1)/2 = relu6(x + 3)/6 in [0, 1]
//	out = clamp(RoundingDivideByPOT(SaturatingDoublingHighMul(u, o), −OutputExponent) + OutputZeroPoint)
//
// The multipliers are (s_in/128)/s_out and (s_in/128)/(3/32768), computed in
// float32, quantized and reduced to 16 bits. Float is x·min(6, max(0, x+3))/6.
type HardSwishParams struct {
	InputZeroPoint    int32 `json:"input_zero_point"`
	OutputZeroPoint   int32 `json:"output_zero_point"`
	OutputMultiplier  int16 `json:"output_multiplier_int16"`
	OutputExponent    int   `json:"output_multiplier_exponent"`
	ReluishMultiplier int16 `json:"reluish_multiplier_int16"`
	ReluishExponent   int   `json:"reluish_multiplier_exponent"`

	in, out int
	typ     DType
}

func init() { register(tflite.BuiltinOperatorHARD_SWISH, prepareHardSwish) }

func prepareHardSwish(c *prepCtx) (kernel, error) {
	in, out, quantized, err := c.elementwise(Int8, Uint8)
	if err != nil {
		return nil, err
	}
	p := &HardSwishParams{in: in.Index, out: out.Index, typ: in.Type}
	if !quantized {
		return p, nil
	}
	p.InputZeroPoint, p.OutputZeroPoint = in.ZeroPoint(), out.ZeroPoint()
	hires := float32(1.0/128) * float32(in.Scale())
	var m int32
	m, p.OutputExponent = fixedpoint.QuantizeMultiplier(float64(hires / float32(out.Scale())))
	p.OutputMultiplier = downScaleMultiplier(m)
	if p.OutputExponent > 0 {
		return nil, c.errorf("output multiplier (s_in/128)/s_out = %v needs a left shift; TFLite requires a right shift", hires/float32(out.Scale()))
	}
	m, p.ReluishExponent = fixedpoint.QuantizeMultiplier(float64(hires / (3.0 / 32768)))
	p.ReluishMultiplier = downScaleMultiplier(m)
	return p, nil
}

// downScaleMultiplier is TFLite's DownScaleInt32ToInt16Multiplier: a Q0.31
// multiplier rounded to Q0.15.
func downScaleMultiplier(m int32) int16 {
	if m >= math.MaxInt32-1<<15 {
		return math.MaxInt16
	}
	return int16((m + 1<<15) >> 16)
}

func (p *HardSwishParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Float32:
		in, out := r.f32(p.in), r.f32(p.out)
		for i, x := range in {
			out[i] = float32(x*clampF(x+3, 0, 6)) / 6
		}
	case Int8:
		hardSwish(p, r.i8(p.in), r.i8(p.out))
	case Uint8:
		hardSwish(p, r.u8(p.in), r.u8(p.out))
	}
	return nil
}

func hardSwish[T int8 | uint8](p *HardSwishParams, in, out []T) {
	lo, hi := qrange(p.typ)
	for i, x := range in {
		h := int16(int32(x)-p.InputZeroPoint) * (1 << 7) // wraps to int16 as in TFLite
		o := fixedpoint.SaturatingRoundingDoublingHighMul16(h, p.OutputMultiplier)
		u := h
		if p.ReluishExponent > 0 {
			u = fixedpoint.SaturatingLeftShift16(u, p.ReluishExponent-1)
		}
		u = fixedpoint.SaturatingRoundingDoublingHighMul16(u, p.ReluishMultiplier)
		if p.ReluishExponent > 0 {
			u = fixedpoint.SaturatingLeftShift16(u, 1)
		}
		if p.ReluishExponent < 0 {
			u = fixedpoint.RoundingDivideByPOT16(u, -p.ReluishExponent)
		}
		u = int16((int32(u) + 1<<15) >> 1)
		v := fixedpoint.RoundingDivideByPOT16(fixedpoint.SaturatingDoublingHighMul16(u, o), -p.OutputExponent)
		out[i] = T(clamp(int32(v+int16(p.OutputZeroPoint)), lo, hi))
	}
}
