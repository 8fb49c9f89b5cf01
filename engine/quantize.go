package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// QuantizeParams are QUANTIZE's prepared parameters.
//
// Mirrors TFLite Micro's quantize_common.cc (PrepareQuantizeReference,
// EvalQuantizeReference) and the reference kernels reference/quantize.h
// (AffineQuantize) and reference/requantize.h (Requantize). A float32 input
// is quantized as
//
//	out = clamp(int32(round(x / Scale)) + OutputZeroPoint, Min, Max)
//
// with the division and the rounding (half away from zero) in float32. An
// integer input is requantized with the real multiplier s_in/s_out:
//
//	out = clamp(MultiplyByQuantizedMultiplier(x − InputZeroPoint, Requant) + OutputZeroPoint, Min, Max)
type QuantizeParams struct {
	Scale           float32 `json:"scale,omitempty"` // output scale, float input
	InputZeroPoint  int32   `json:"input_zero_point"`
	OutputZeroPoint int32   `json:"output_zero_point"`
	Requant         Requant `json:"requant,omitzero"` // s_in/s_out, integer input
	Min             int32   `json:"min"`              // the output type's range
	Max             int32   `json:"max"`

	in, out         int
	inType, outType DType
}

func init() { register(tflite.BuiltinOperatorQUANTIZE, prepareQuantize) }

// quantizeTypes are the conversions TFLite Micro's QUANTIZE implements,
// and TFLite's uint8 ones (quantize.cc: float32 → uint8 by AffineQuantize,
// uint8 → uint8 by Requantize, which TFLite Micro lacks).
var quantizeTypes = map[DType][]DType{
	Float32: {Int8, Uint8, Int16},
	Int8:    {Int8, Uint8, Int16, Int32},
	Uint8:   {Int8, Uint8},
	Int16:   {Int8, Int16, Int32},
	Int32:   {Int8, Int16},
}

func prepareQuantize(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	ok := false
	for _, t := range quantizeTypes[in.Type] {
		ok = ok || t == out.Type
	}
	if !ok {
		return nil, c.unsupportedTypes()
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	if err := c.needQuant("output", out); err != nil {
		return nil, err
	}
	if out.Quant.PerChannel() {
		return nil, c.errorf("output tensor %d has per-channel quantization; TFLite Micro's QUANTIZE needs one scale", out.Index)
	}
	p := &QuantizeParams{in: in.Index, out: out.Index, inType: in.Type, outType: out.Type, OutputZeroPoint: out.ZeroPoint()}
	p.Min, p.Max = qrange(out.Type)
	if in.Type == Float32 {
		p.Scale = float32(out.Scale())
		return p, nil
	}
	if err := c.needQuant("input", in); err != nil {
		return nil, err
	}
	if in.Quant.PerChannel() {
		return nil, c.errorf("input tensor %d has per-channel quantization; QUANTIZE needs one scale", in.Index)
	}
	p.InputZeroPoint = in.ZeroPoint()
	p.Requant = c.requant(in.Scale() / out.Scale())
	return p, nil
}

func (p *QuantizeParams) eval(r *run, op *Op) error {
	if p.inType == Float32 {
		in := r.f32(p.in)
		switch p.outType {
		case Int8:
			quantizeFloats(p, in, r.i8(p.out))
		case Uint8:
			quantizeFloats(p, in, r.u8(p.out))
		case Int16:
			quantizeFloats(p, in, r.i16(p.out))
		}
		return nil
	}
	switch p.inType {
	case Int8:
		requantizeBytes(r, p, r.i8(p.in))
	case Uint8:
		requantizeBytes(r, p, r.u8(p.in))
	case Int16:
		requantizeFrom(r, p, r.i16(p.in))
	case Int32:
		requantizeFrom(r, p, r.i32(p.in))
	}
	return nil
}

// quantize is AffineQuantize for one value: the division and TfLiteRound in
// float32, then static_cast<int32_t> as on x86.
func (p *QuantizeParams) quantize(x float32) int32 {
	return clamp(f32ToInt32(float32(roundHalfAwayF32(x/p.Scale)))+p.OutputZeroPoint, p.Min, p.Max)
}

// truncHalfAway is math.Round (half away from zero, TfLiteRound's
// std::round) of a float32 value, as trunc(x ± 0.5) in float64: x ± 0.5 is
// exact for every float32 x of magnitude at least 2^−29 (the bits from
// 2^−1 down to x's last one fit in 53), and for smaller ones rounds to a
// value that still truncates to ±0. In Go's WebAssembly output it is one
// f64.trunc without a branch (a taken branch costs a dispatch there) where
// math.Round is a call of bit twiddling; natively math.Round is faster
// (quantize_native.go, quantize_wasm.go). TestRoundHalfAway checks it against
// math.Round.
func truncHalfAway(x float32) float64 {
	f := float64(x)
	return math.Trunc(f + math.Copysign(0.5, f))
}

func (p *QuantizeParams) requantize(x int32) int32 {
	return clamp(p.Requant.apply(x-p.InputZeroPoint)+p.OutputZeroPoint, p.Min, p.Max)
}

func requantizeFrom[T integer](r *run, p *QuantizeParams, in []T) {
	switch p.outType {
	case Int8:
		requantizeInts(p, in, r.i8(p.out))
	case Uint8:
		requantizeInts(p, in, r.u8(p.out))
	case Int16:
		requantizeInts(p, in, r.i16(p.out))
	case Int32:
		requantizeInts(p, in, r.i32(p.out))
	}
}

// requantizeBytes is requantize for every element of an int8 or uint8
// input, through a table of its 256 values (mapBytes).
func requantizeBytes[T int8 | uint8](r *run, p *QuantizeParams, in []T) {
	switch p.outType {
	case Int8:
		mapBytes(in, r.i8(p.out), p.requantize)
	case Uint8:
		mapBytes(in, r.u8(p.out), p.requantize)
	case Int16:
		mapBytes(in, r.i16(p.out), p.requantize)
	case Int32:
		mapBytes(in, r.i32(p.out), p.requantize)
	}
}

// requantizeInts is requantize of every element of an int16 or int32
// input, through quantMul (the same integers as Requant.apply, with its
// shifts prepared once) where quantMul covers the multiplier.
func requantizeInts[T, U integer](p *QuantizeParams, in []T, out []U) {
	q := p.Requant
	if q.Multiplier < 0 || q.Rounding == RoundSingle && (q.Shift > 30 || q.Shift < -31) {
		for i, x := range in {
			out[i] = U(p.requantize(int32(x)))
		}
		return
	}
	m := newQuantMul(q)
	out = out[:len(in)]
	zIn, zOut, lo, hi := p.InputZeroPoint, p.OutputZeroPoint, p.Min, p.Max
	// The rounding chosen once, and min/max for the clamp: no branch per
	// element (in Go's WebAssembly output a taken branch goes through its
	// block dispatcher, which cost more than the arithmetic here).
	if m.single {
		for i, x := range in {
			out[i] = U(min(max(m.apply(int32(x)-zIn)+zOut, lo), hi))
		}
		return
	}
	for i, x := range in {
		out[i] = U(min(max(m.double(int32(x)-zIn)+zOut, lo), hi))
	}
}

// f32ToInt32 is C++'s static_cast<int32_t> of a float on x86-64
// (CVTTSS2SI): truncation, with NaN and out-of-range values giving MinInt32.
func f32ToInt32(f float32) int32 {
	if !(f >= -(1<<31) && f < 1<<31) {
		return math.MinInt32
	}
	return int32(f)
}

func (p *QuantizeParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	e := &Explanation{}
	if p.inType == Float32 {
		x := AsFloat32(res.Tensors[p.in])[index]
		d := x / p.Scale
		rd := float32(math.Round(float64(d)))
		v := f32ToInt32(rd)
		e.Steps = []Step{
			{"input", fmt.Sprintf("input[%d] (float32)", index), float64(x)},
			{"divide", fmt.Sprintf("%v / scale %v in float32", x, p.Scale), float64(d)},
			{"round", fmt.Sprintf("round(%v), half away from zero", d), float64(v)},
		}
		e.Arithmetic = "float32 division and rounding (AffineQuantize)"
		e.Steps = append(e.Steps, zeroPointClampSteps(v, p.OutputZeroPoint, p.Min, p.Max)...)
		e.Value = int64(p.quantize(x))
		return e, nil
	}
	x := int32(Values(p.inType, res.Tensors[p.in])[index])
	v := x - p.InputZeroPoint
	e.Steps = []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(x)},
		{"input offset", fmt.Sprintf("%d − input zero point %d", x, p.InputZeroPoint), float64(v)},
	}
	s, sv := scaleSteps("input", v, p.Requant)
	e.Steps = append(e.Steps, s...)
	e.Steps = append(e.Steps, zeroPointClampSteps(sv, p.OutputZeroPoint, p.Min, p.Max)...)
	e.Value = int64(p.requantize(x))
	return e, nil
}

// quantizeFloatsRow is quantize (TFLite's AffineQuantize: x / scale in
// float32, TfLiteRound, static_cast<int32_t> as on x86, + zero point,
// clamp) of every element, with one rarely taken branch per element: for
// |x/scale| < 2^31 the rounding and the conversion are
// int32(f ± 0.5) of f = float64(x/scale) (exact in float64, see
// truncHalfAway; Go's conversion truncates, and the rounded value needs
// no float32 rounding: below 2^23 it is a small integer, above it x/scale
// already is one), and the clamp is min/max; NaN, ±Inf and values past the
// int32 range take f32ToInt32's MinInt32. TestQuantizeFloatsRow checks it
// against quantize.
func quantizeFloatsRow[T integer](p *QuantizeParams, in []float32, out []T) {
	out = out[:len(in)]
	scale, zp, lo, hi := p.Scale, p.OutputZeroPoint, p.Min, p.Max
	for i, x := range in {
		q := x / scale
		if !(q >= -(1<<31) && q < 1<<31) {
			out[i] = T(clamp(math.MinInt32+zp, lo, hi)) // (wrapping, as quantize's sum)
			continue
		}
		f := float64(q)
		out[i] = T(min(max(int32(f+math.Copysign(0.5, f))+zp, lo), hi))
	}
}

// quantizeFloats4 is quantizeFloatsRow with no branch per element, for Go's
// WebAssembly output, where a loop's back edge goes through the function's
// block dispatcher: four elements an iteration, the rounding of each
// f = float64(x/scale) as trunc(f ± 0.5) (exact, see truncHalfAway), that
// integer-valued float turned into an int32 by adding 1.5·2^52 and taking
// the low 32 bits of the sum (exact below 2^51, so for |x/scale| < 2^31),
// and the clamp as min/max. Whether any x/scale is NaN, ±Inf or of
// magnitude at least 2^31 (where static_cast<int32_t> gives MinInt32) is
// gathered from the float32 bits into one flag; if so, the row is done again
// by quantizeFloatsRow. (x/scale = −2^31 goes there too, and gives the same
// MinInt32.) Measured in Node on the MNIST input (784 values): 3.5 µs
// against quantizeFloatsRow's 6–7. TestQuantizeFloats4 checks it against
// quantize.
func quantizeFloats4[T integer](p *QuantizeParams, in []float32, out []T) {
	out = out[:len(in)]
	scale, zp, lo, hi := p.Scale, p.OutputZeroPoint, p.Min, p.Max
	var bad uint32 // bit 31 set: some |x/scale| ≥ 2^31, or NaN
	i := 0
	for ; i+4 <= len(in); i += 4 {
		x, o := in[i:i+4:i+4], out[i:i+4:i+4]
		q0, q1, q2, q3 := x[0]/scale, x[1]/scale, x[2]/scale, x[3]/scale
		bad |= quantizeOutside(q0) | quantizeOutside(q1) | quantizeOutside(q2) | quantizeOutside(q3)
		o[0] = T(min(max(roundToInt32(q0)+zp, lo), hi))
		o[1] = T(min(max(roundToInt32(q1)+zp, lo), hi))
		o[2] = T(min(max(roundToInt32(q2)+zp, lo), hi))
		o[3] = T(min(max(roundToInt32(q3)+zp, lo), hi))
	}
	for ; i < len(in); i++ {
		q := in[i] / scale
		bad |= quantizeOutside(q)
		out[i] = T(min(max(roundToInt32(q)+zp, lo), hi))
	}
	if bad&(1<<31) != 0 {
		quantizeFloatsRow(p, in, out)
	}
}

// quantizeOutside has bit 31 set when |q| ≥ 2^31 (float32 bits 0x4f000000)
// or q is ±Inf or NaN: the magnitude's bits plus 0x80000000 − 0x4f000000.
func quantizeOutside(q float32) uint32 {
	return math.Float32bits(q)&0x7fffffff + (0x80000000 - 0x4f000000)
}

// roundToInt32 is int32(math.Round(q)) for |q| < 2^31: trunc(q ± 0.5) in
// float64, converted by the 1.5·2^52 bias (quantizeFloats4).
func roundToInt32(q float32) int32 {
	f := float64(q)
	return int32(math.Float64bits(math.Trunc(f+math.Copysign(0.5, f)) + 0x1.8p52))
}
