package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// SoftmaxParams are SOFTMAX's prepared parameters.
//
// Mirrors TFLite Micro's softmax_common.cc (SoftmaxPrepare,
// CalculateSoftmaxParams) and the reference kernels reference/softmax.h,
// along the last dimension:
//
//   - int8 → int8 or int16, uint8 → uint8 (Softmax<InputT, OutputT>): for each input x with
//     d = x − max(row) ≥ DiffMin, the difference is scaled to Q5.26,
//     s = MultiplyByQuantizedMultiplierGreaterThanOne(d, InputMultiplier, InputLeftShift),
//     e = exp(s) in Q0.31 (gemmlowp's exp_on_negative_values), summed in
//     Q12.19; the sum's reciprocal 1/Σ (GetReciprocal) scales each e:
//     out = RoundingDivideByPOT(reciprocal·e, nbits + 31 − 8·sizeof(out)) + min(out type),
//     and elements with d < DiffMin give min(out type).
//   - int16 → int16 (SoftmaxInt16): exp and 1/(1+x) by 513-entry
//     interpolated lookup tables, as TFLite Micro builds them in float32.
//   - float32: exp((x − max)·beta) / Σ, in float32.
type SoftmaxParams struct {
	Beta            float32 `json:"beta"`
	InputMultiplier int32   `json:"input_multiplier,omitempty"`
	InputLeftShift  int     `json:"input_left_shift,omitempty"`
	DiffMin         int32   `json:"diff_min,omitempty"` // int8 input: −CalculateInputRadius(5, InputLeftShift)
	Depth           int     `json:"depth"`              // size of the last dimension
	Rows            int     `json:"rows"`

	in, out         int
	inType, outType DType
	expLUT, recLUT  []int16 // int16 input
}

func init() { register(tflite.BuiltinOperatorSOFTMAX, prepareSoftmax) }

// kScaledDiffIntegerBits and kAccumulationIntegerBits of reference/softmax.h.
const (
	softmaxDiffBits = 5
	softmaxAccBits  = 12
)

func prepareSoftmax(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	if len(in.Shape) < 1 {
		return nil, c.errorf("input tensor %d is a scalar; SOFTMAX needs at least one dimension", in.Index)
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	var beta float32
	if o, ok := c.op.Options.(*tflite.SoftmaxOptionsT); ok {
		beta = o.Beta
	}
	p := &SoftmaxParams{Beta: beta, in: in.Index, out: out.Index, inType: in.Type, outType: out.Type}
	p.Depth = in.Shape[len(in.Shape)-1]
	if p.Depth > 0 {
		p.Rows = in.NumElements() / p.Depth
	}
	switch {
	case in.Type == Float32 && out.Type == Float32:
		return p, nil
	case in.Type == Int8 && (out.Type == Int8 || out.Type == Int16),
		in.Type == Int16 && out.Type == Int16, in.Type == Uint8 && out.Type == Uint8:
	default:
		return nil, c.unsupportedTypes()
	}
	for _, t := range []*Tensor{in, out} {
		if err := c.needQuant("input/output", t); err != nil {
			return nil, err
		}
	}
	os := float32(out.Scale())
	switch {
	case in.Type == Int16:
		if out.ZeroPoint() != 0 || math.Abs(float64(os-1.0/32768)) > 0.001/32768 {
			return nil, c.errorf("int16 output needs zero point 0 and scale 1/32768, has %d and %v", out.ZeroPoint(), os)
		}
	case out.Type == Int16:
		if out.ZeroPoint() != -32768 || math.Abs(float64(os-1.0/65536)) > 0.001/65536 {
			return nil, c.errorf("int16 output of an int8 input needs zero point -32768 and scale 1/65536, has %d and %v", out.ZeroPoint(), os)
		}
	case out.Type == Uint8: // TFLite's softmax.cc: zero point 0, scale within 0.1 % of 1/256
		if out.ZeroPoint() != 0 || math.Abs(float64(os-1.0/256)) > 0.001/256 {
			return nil, c.errorf("uint8 output needs zero point 0 and scale 1/256, has %d and %v", out.ZeroPoint(), os)
		}
	default:
		if out.ZeroPoint() != -128 || os != 1.0/256 {
			return nil, c.errorf("int8 output needs zero point -128 and scale 1/256, has %d and %v", out.ZeroPoint(), os)
		}
	}
	if in.Type == Int16 {
		// Input differences are rescaled so that [-65535, 0] covers [-10, 0].
		real := float64(float32(in.Scale())) * float64(beta) / (10.0 / 65535.0)
		if math.IsNaN(real) || math.IsInf(real, 0) {
			return nil, c.errorf("input scale %v · beta %v is not finite", in.Scale(), beta)
		}
		p.InputMultiplier, p.InputLeftShift = fixedpoint.QuantizeMultiplier(real)
		p.expLUT, p.recLUT = fixedpoint.SoftmaxInt16LUTs[float32]()
		return p, nil
	}
	real := math.Min(float64(beta)*in.Scale()*(1<<(31-softmaxDiffBits)), 1<<31-1)
	if !(real > 1) {
		return nil, c.errorf("beta %v · input scale %v · 2^26 = %v must be greater than 1 (TFLite's PreprocessSoftmaxScaling)", beta, in.Scale(), real)
	}
	p.InputMultiplier, p.InputLeftShift = fixedpoint.PreprocessSoftmaxScaling(float64(beta), in.Scale(), softmaxDiffBits)
	p.DiffMin = -fixedpoint.CalculateInputRadius(softmaxDiffBits, p.InputLeftShift, 31)
	return p, nil
}

func (p *SoftmaxParams) eval(r *run, op *Op) error {
	switch {
	case p.inType == Float32:
		p.float(r.f32(p.in), r.f32(p.out))
	case p.inType == Int16:
		return p.int16(r.i16(p.in), r.i16(p.out))
	case p.inType == Uint8:
		return softmax8(p, r.u8(p.in), r.u8(p.out), 0, math.MaxUint8, 8)
	case p.outType == Int16:
		return softmax8(p, r.i8(p.in), r.i16(p.out), math.MinInt16, math.MaxInt16, 16)
	default:
		return softmax8(p, r.i8(p.in), r.i8(p.out), math.MinInt8, math.MaxInt8, 8)
	}
	return nil
}

func (p *SoftmaxParams) float(in, out []float32) {
	for row := 0; row < p.Rows; row++ {
		x, y := in[row*p.Depth:(row+1)*p.Depth], out[row*p.Depth:(row+1)*p.Depth]
		m := float32(-math.MaxFloat32)
		for _, v := range x {
			if m < v { // std::max
				m = v
			}
		}
		var sum float32
		for i, v := range x {
			y[i] = float32(math.Exp(float64((v - m) * p.Beta)))
			sum += y[i]
		}
		for i := range y {
			y[i] /= sum
		}
	}
}

// softmax8 is reference_ops::Softmax for int8 (or uint8) input and an
// output of bits bits whose type's range is [lo, hi].
func softmax8[X int8 | uint8, T int8 | uint8 | int16](p *SoftmaxParams, in []X, out []T, lo, hi int32, bits int) error {
	scaledExp := func(d int32) int32 {
		s := Requant{Multiplier: p.InputMultiplier, Shift: p.InputLeftShift}.apply(d)
		return fixedpoint.ExpOnNegativeValues(s, softmaxDiffBits)
	}
	for row := 0; row < p.Rows; row++ {
		x, y := in[row*p.Depth:(row+1)*p.Depth], out[row*p.Depth:(row+1)*p.Depth]
		m := int32(math.MinInt32)
		for _, v := range x {
			m = max(m, int32(v))
		}
		var sum int32 // Q12.19, wrapping like gemmlowp's operator+
		for _, v := range x {
			if d := int32(v) - m; d >= p.DiffMin {
				sum += fixedpoint.Rescale(scaledExp(d), 0, softmaxAccBits)
			}
		}
		recip, nbits := fixedpoint.GetReciprocal(sum, softmaxAccBits)
		exponent := nbits + 31 - bits
		if exponent < 0 || exponent > 31 {
			return fmt.Errorf("row %d: exponent %d is outside [0, 31] (TFLite's TFLITE_CHECK fails)", row, exponent)
		}
		for i, v := range x {
			if d := int32(v) - m; d >= p.DiffMin {
				e := fixedpoint.SaturatingRoundingDoublingHighMul(recip, scaledExp(d))
				y[i] = T(clamp(fixedpoint.RoundingDivideByPOT(e, exponent)+lo, lo, hi))
			} else {
				y[i] = T(lo)
			}
		}
	}
	return nil
}

// int16 is reference_ops::SoftmaxInt16.
func (p *SoftmaxParams) int16(in, out []int16) error {
	for row := 0; row < p.Rows; row++ {
		x, y := in[row*p.Depth:(row+1)*p.Depth], out[row*p.Depth:(row+1)*p.Depth]
		m := int16(math.MinInt16)
		for _, v := range x {
			m = max(m, v)
		}
		var sum int32 // Q16.15
		for i, v := range x {
			// Scale the difference so that [-65535, 0] is [-10, 0], then
			// recenter to [-32768, 32767] for the exp table.
			d := Requant{Multiplier: p.InputMultiplier, Shift: p.InputLeftShift}.apply(int32(v) - int32(m))
			y[i] = fixedpoint.GenericInt16TableLookup(int16(clamp(d+32767, math.MinInt16, math.MaxInt16)), p.expLUT)
			sum += int32(y[i])
		}
		headroom := fixedpoint.CountLeadingZeros32(uint32(sum))
		if headroom < 1 || headroom > 30 {
			return fmt.Errorf("row %d: sum of exponentials %d is out of the range TFLite's SoftmaxInt16 handles", row, sum)
		}
		shifted := int32((int64(sum)<<(headroom-1) + 1<<13) >> 14)
		// 1/(1+x) with x = sum − 1 recentered from [0, 65535] to [-32768, 32767].
		sym := int16(clamp(shifted-(1<<15+1<<16), math.MinInt16, math.MaxInt16))
		recip := int64(fixedpoint.GenericInt16TableLookup(sym, p.recLUT))
		right := 31 - headroom
		for i := range y {
			v := int32((int64(y[i])*recip + int64(1)<<(right-1)) >> right)
			y[i] = int16(clamp(v, 0, math.MaxInt16))
		}
	}
	return nil
}
