package engine

import (
	"fmt"
	"math/bits"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// DivParams are DIV's prepared parameters.
//
// Mirrors TFLite's div.cc, TFLite Micro's div.cc and the reference kernel
// reference/div.h (DivElementwise, BroadcastDivSlow). Float32 and int32:
// out = clamp(x1 / x2) to the fused activation (int32 division truncates;
// a zero divisor is an error). int8 and uint8, with a = x1 + Input1Offset and
// b = x2 + Input2Offset (b = 0 is an error; if b < 0 both signs flip):
//
//	(inv, r) = GetReciprocal(b, 31)                  1/b ≈ inv·2^(−31−r)
//	h        = CountLeadingSignBits(a)
//	q        = SaturatingRoundingDoublingHighMul(a·2^h, inv)
//	out      = clamp(RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(q, Multiplier), r + h − Shift) + OutputOffset, ActMin, ActMax)
//
// with Multiplier·2^(Shift−31) = s1/(s2·s_out) computed in float32. Every
// TFLite build rounds this way (MultiplyByQuantizedMultiplierSmallerThanOneExp
// has no single-rounding form).
type DivParams struct {
	Input1Offset int32 `json:"input1_offset,omitempty"` // −input1 zero point
	Input2Offset int32 `json:"input2_offset,omitempty"` // −input2 zero point
	OutputOffset int32 `json:"output_offset,omitempty"` // output zero point
	Multiplier   int32 `json:"output_multiplier,omitempty"`
	Shift        int   `json:"output_shift,omitempty"`
	// RealMultiplier is s1/(s2·s_out).
	RealMultiplier float64 `json:"real_multiplier,omitempty"`
	ActMin         int32   `json:"act_min,omitempty"`
	ActMax         int32   `json:"act_max,omitempty"`
	FloatMin       float32 `json:"float_min,omitempty"`
	FloatMax       float32 `json:"float_max,omitempty"`
	Broadcast      bool    `json:"broadcast,omitempty"`
	// MaskedShift: a RoundingDivideByPOT exponent beyond 31 (small
	// dividends) is computed as TFLite's compiled code does without
	// assertions (roundingDivideByPOTShiftMasked): uint8, which only TFLite
	// has. For int8 such an element is an error, as TFLite Micro aborts on
	// it (gemmlowp's assertion exponent <= 31).
	MaskedShift bool `json:"masked_shift,omitempty"`

	typ           DType
	in1, in2, out int
	bc            *broadcast
}

func init() {
	register(tflite.BuiltinOperatorDIV, prepareDiv)
}

func prepareDiv(c *prepCtx) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	in1, in2, out := c.in(0), c.in(1), c.out(0)
	var act tflite.ActivationFunctionType
	if o, ok := c.op.Options.(*tflite.DivOptionsT); ok {
		act = o.FusedActivationFunction
	}
	a, err := c.activation(act)
	if err != nil {
		return nil, err
	}
	if in1.Type != out.Type || in2.Type != out.Type {
		return nil, c.unsupportedTypes()
	}
	bc, err := newBroadcast(in1.Shape, in2.Shape)
	if err != nil {
		return nil, c.errorf("%v", err)
	}
	if err := c.sameShape(out, bc.out); err != nil {
		return nil, err
	}
	p := &DivParams{typ: out.Type, in1: in1.Index, in2: in2.Index, out: out.Index, bc: bc, Broadcast: !bc.same}
	switch out.Type {
	case Float32:
		p.FloatMin, p.FloatMax = floatActivation(a)
	case Int32:
		p.ActMin, p.ActMax = int32ActivationRange(a)
	case Int8, Uint8:
		for _, t := range []*Tensor{in1, in2, out} {
			if err := c.needQuant("input/output", t); err != nil {
				return nil, err
			}
		}
		p.Input1Offset, p.Input2Offset, p.OutputOffset = -in1.ZeroPoint(), -in2.ZeroPoint(), out.ZeroPoint()
		p.MaskedShift = out.Type == Uint8
		p.RealMultiplier = float64(float32(in1.Scale()) / (float32(in2.Scale()) * float32(out.Scale())))
		p.Multiplier, p.Shift = fixedpoint.QuantizeMultiplier(p.RealMultiplier)
		if p.ActMin, p.ActMax, err = quantizedActivation(a, out); err != nil {
			return nil, c.errorf("%v", err)
		}
	default:
		return nil, c.unsupportedTypes()
	}
	return p, nil
}

// countLeadingSignBits is TFLite's CountLeadingSignBits: the number of
// redundant sign bits of x (GCC's __builtin_clrsb), so that x·2^result
// still fits; −32 has 26 (−32·2^26 = −2^31).
func countLeadingSignBits(x int32) int {
	switch {
	case x >= 0:
		return bits.LeadingZeros32(uint32(x)) - 1
	case x != -1<<31:
		return bits.LeadingZeros32(2*uint32(-x) - 1)
	}
	return 0
}

// roundingDivideByPOTShiftMasked is gemmlowp's RoundingDivideByPOT as
// TFLite's compiled code computes it for any exponent ≥ 0, also beyond 31
// where C leaves it undefined and DIV gets there (small dividends have a
// large headroom): the mask (1<<e) − 1 is formed in 64 bits and truncated
// to 32 (all ones for e in [32, 63]), and the machine shifts (WebAssembly's
// and x86's) take the count modulo the operand width.
func roundingDivideByPOTShiftMasked(x int32, e int) int32 {
	mask := int32(int64(1)<<(e&63) - 1)
	threshold := mask >> 1
	if x < 0 {
		threshold++
	}
	q := x >> (e & 31)
	if x&mask > threshold {
		q++
	}
	return q
}

// divSteps are the intermediate values of one quantized division.
type divSteps struct {
	a, b              int32 // offset inputs, after the sign flip
	inv               int32 // reciprocal of b
	recipShift        int
	headroom          int
	quotient          int32 // SRDHM(a·2^headroom, inv)
	totalShift        int
	scaled, unclamped int32
	out               int32
}

func (p *DivParams) quantized(x, y int32) (divSteps, error) {
	d := divSteps{a: x + p.Input1Offset, b: y + p.Input2Offset}
	if d.b == 0 {
		return d, fmt.Errorf("divisor %d equals its zero point: TFLite's quantized DIV divides by zero", y)
	}
	if d.b < 0 {
		d.a, d.b = -d.a, -d.b
	}
	d.inv, d.recipShift = fixedpoint.GetReciprocal(d.b, 31)
	d.headroom = countLeadingSignBits(d.a)
	d.quotient = fixedpoint.MultiplyByQuantizedMultiplierGreaterThanOne(d.a, d.inv, d.headroom)
	d.totalShift = p.Shift - d.recipShift - d.headroom
	if d.totalShift > 0 {
		return d, fmt.Errorf("the quotient %d/%d needs a left shift by %d, outside TFLite's quantized DIV (real multiplier %g too large)", d.a, d.b, d.totalShift, p.RealMultiplier)
	}
	if d.totalShift < -31 && !p.MaskedShift {
		return d, fmt.Errorf("the quotient %d/%d needs RoundingDivideByPOT by %d > 31, where TFLite Micro's gemmlowp asserts (exponent <= 31) and aborts", d.a, d.b, -d.totalShift)
	}
	if d.totalShift < -63 {
		return d, fmt.Errorf("the quotient %d/%d needs a right shift by %d, outside TFLite's quantized DIV (real multiplier %g too small)", d.a, d.b, -d.totalShift, p.RealMultiplier)
	}
	d.scaled = roundingDivideByPOTShiftMasked(fixedpoint.SaturatingRoundingDoublingHighMul(d.quotient, p.Multiplier), -d.totalShift)
	d.unclamped = d.scaled + p.OutputOffset
	d.out = clamp(d.unclamped, p.ActMin, p.ActMax)
	return d, nil
}

func (p *DivParams) eval(r *run, op *Op) error {
	var err error
	switch p.typ {
	case Float32:
		p.bc.binaryFloats(r, p.in1, p.in2, p.out, func(x, y float32) float32 { return clampF(x/y, p.FloatMin, p.FloatMax) })
	case Int32:
		p.bc.binaryInts(r, p.typ, p.in1, p.in2, p.out, func(x, y int32) int32 {
			switch {
			case y == 0:
				err = fmt.Errorf("op %d (DIV): int32 division by zero", op.Index)
				return 0
			case x == -1<<31 && y == -1:
				err = fmt.Errorf("op %d (DIV): int32 division %d / −1 overflows", op.Index, x)
				return 0
			}
			return clamp(x/y, p.ActMin, p.ActMax)
		})
	default:
		p.bc.binaryInts(r, p.typ, p.in1, p.in2, p.out, func(x, y int32) int32 {
			d, e := p.quantized(x, y)
			if e != nil && err == nil {
				err = fmt.Errorf("op %d (DIV): %w", op.Index, e)
			}
			return d.out
		})
	}
	return err
}

// wideShiftNote says what a RoundingDivideByPOT exponent beyond 31 does.
func wideShiftNote(e int) string {
	if e < 32 {
		return ""
	}
	return fmt.Sprintf("; exponent %d ≥ 32: the mask is all ones and the machine shifts by %d (TFLite's undefined behaviour as compiled)", e, e&31)
}

func (p *DivParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if p.typ == Float32 {
		return explainFloatBinary(res, p.bc, p.in1, p.in2, index, fmt.Sprintf("clamp(x / y, %g, %g)", p.FloatMin, p.FloatMax),
			func(x, y float32) float32 { return clampF(x/y, p.FloatMin, p.FloatMax) }), nil
	}
	i1, i2 := p.bc.index(index)
	x, y := int32(res.intAt(p.in1, i1)), int32(res.intAt(p.in2, i2))
	if p.typ == Int32 {
		if y == 0 || (x == -1<<31 && y == -1) {
			return nil, fmt.Errorf("op %d (DIV): %d / %d is undefined", op.Index, x, y)
		}
		v := clamp(x/y, p.ActMin, p.ActMax)
		return &Explanation{Steps: []Step{
			{"input1", fmt.Sprintf("input1[%d]", i1), float64(x)},
			{"input2", fmt.Sprintf("input2[%d]", i2), float64(y)},
			{"divide", fmt.Sprintf("clamp(%d / %d truncated, %d, %d)", x, y, p.ActMin, p.ActMax), float64(v)},
		}, Value: int64(v), Arithmetic: "int32 division"}, nil
	}
	d, err := p.quantized(x, y)
	if err != nil {
		return nil, err
	}
	inv := "GetReciprocal(b, 31)"
	steps := []Step{
		{"input1", fmt.Sprintf("input1[%d] + input1_offset %d", i1, p.Input1Offset), float64(x + p.Input1Offset)},
		{"input2", fmt.Sprintf("input2[%d] + input2_offset %d", i2, p.Input2Offset), float64(y + p.Input2Offset)},
	}
	if d.a != x+p.Input1Offset {
		steps = append(steps, Step{"signs", fmt.Sprintf("b < 0: a = %d, b = %d", d.a, d.b), float64(d.b)})
	}
	steps = append(steps,
		Step{"reciprocal", fmt.Sprintf("%s = %d, 1/b ≈ %d·2^(−31−%d)", inv, d.inv, d.inv, d.recipShift), float64(d.inv)},
		Step{"headroom", fmt.Sprintf("CountLeadingSignBits(%d)", d.a), float64(d.headroom)},
		Step{"quotient", fmt.Sprintf("SRDHM(%d·2^%d, %d)", d.a, d.headroom, d.inv), float64(d.quotient)},
		Step{"scale", fmt.Sprintf("RoundingDivideByPOT(SRDHM(%d, %d), %d)  (real multiplier %.9g, shift %d − %d − %d)%s",
			d.quotient, p.Multiplier, -d.totalShift, p.RealMultiplier, p.Shift, d.recipShift, d.headroom, wideShiftNote(-d.totalShift)), float64(d.scaled)})
	steps = append(steps, zeroPointClampSteps(d.scaled, p.OutputOffset, p.ActMin, p.ActMax)...)
	return &Explanation{Steps: steps, Value: int64(d.out), Arithmetic: "TFLite quantized DIV: fixed-point reciprocal, MultiplyByQuantizedMultiplierSmallerThanOneExp"}, nil
}
