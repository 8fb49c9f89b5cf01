package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// PreluParams are PRELU's prepared parameters.
//
// Mirrors the reference kernel reference/prelu.h (BroadcastPrelu4DSlow,
// Prelu) and TFLite Micro's prelu_common.cc (CalculatePreluParams). The
// second input alpha broadcasts against the input (up to rank 4); the output
// has the input's shape. float32: x >= 0 ? x : x·alpha. int8 and uint8, for
// d = x − InputZeroPoint and a = alpha − AlphaZeroPoint:
//
//	d ≥ 0: out = clamp(MultiplyByQuantizedMultiplier(d, Identity) + OutputZeroPoint)
//	d < 0: out = clamp(MultiplyByQuantizedMultiplier(d·a, AlphaRequant) + OutputZeroPoint)
//
// to the output type's range, with the real multipliers s_in/s_out and
// s_in·s_alpha/s_out computed in double (TFLite Micro; TFLite's builtin
// kernel computes them in float32, see prelu_xnnpack.go).
type PreluParams struct {
	InputZeroPoint  int32   `json:"input_zero_point,omitempty"`
	AlphaZeroPoint  int32   `json:"alpha_zero_point,omitempty"`
	OutputZeroPoint int32   `json:"output_zero_point,omitempty"`
	Identity        Requant `json:"identity_multiplier,omitzero"` // s_in/s_out
	AlphaRequant    Requant `json:"alpha_multiplier,omitzero"`    // s_in·s_alpha/s_out
	Type            DType   `json:"type"`
	Broadcast       bool    `json:"broadcast,omitempty"`
	Note            string  `json:"note,omitempty"`

	in, alpha, out int
	bc             *broadcast
}

func init() { register(tflite.BuiltinOperatorPRELU, preparePrelu) }

func preparePrelu(c *prepCtx) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	in, alpha, out := c.in(0), c.in(1), c.out(0)
	if alpha.Type != in.Type || out.Type != in.Type {
		return nil, c.unsupportedTypes()
	}
	switch in.Type {
	case Float32, Int8, Uint8:
	default:
		return nil, c.unsupportedTypes()
	}
	bc, err := c.broadcast4D(in, alpha, out)
	if err != nil {
		return nil, err
	}
	if !equalInts(bc.out, in.Shape) {
		return nil, c.errorf("alpha of shape %v broadcasts the input of shape %v to %v; TFLite's PRELU keeps the input's shape", alpha.Shape, in.Shape, bc.out)
	}
	p := &PreluParams{Type: in.Type, Broadcast: !bc.same, in: in.Index, alpha: alpha.Index, out: out.Index, bc: bc}
	if in.Type == Float32 {
		return p, nil
	}
	for _, t := range []*Tensor{in, alpha, out} {
		if err := c.needQuant("input/alpha/output", t); err != nil {
			return nil, err
		}
	}
	p.InputZeroPoint, p.AlphaZeroPoint, p.OutputZeroPoint = in.ZeroPoint(), alpha.ZeroPoint(), out.ZeroPoint()
	si, sa, so := float64(float32(in.Scale())), float64(float32(alpha.Scale())), float64(float32(out.Scale()))
	p.Identity, p.AlphaRequant = c.requant(si/so), c.requant(si*sa/so)
	return p, nil
}

// preluFloat is TFLite's ApplyPrelu for float32.
func preluFloat(x, a float32) float32 {
	if x >= 0 {
		return x
	}
	return x * a
}

// value is one quantized output from input x and alpha a; it also returns
// the offset input, the product with alpha (d < 0) and the scaled value.
func (p *PreluParams) value(x, a int32) (d, prod, scaled, out int32) {
	d = x - p.InputZeroPoint
	if d >= 0 {
		prod = d
		scaled = p.Identity.apply(d)
	} else {
		prod = d * (a - p.AlphaZeroPoint)
		scaled = p.AlphaRequant.apply(prod)
	}
	lo, hi := qrange(p.Type)
	return d, prod, scaled, clamp(scaled+p.OutputZeroPoint, lo, hi)
}

func (p *PreluParams) eval(r *run, op *Op) error {
	if p.Type == Float32 {
		p.bc.binaryFloats(r, p.in, p.alpha, p.out, preluFloat)
		return nil
	}
	p.bc.binaryInts(r, p.Type, p.in, p.alpha, p.out, func(x, a int32) int32 { _, _, _, o := p.value(x, a); return o })
	return nil
}

func (p *PreluParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if p.Type == Float32 {
		return explainFloatBinary(res, p.bc, p.in, p.alpha, index, "x >= 0 ? x : x·alpha", preluFloat), nil
	}
	i1, i2 := p.bc.index(index)
	x, a := int32(res.intAt(p.in, i1)), int32(res.intAt(p.alpha, i2))
	d, prod, _, o := p.value(x, a)
	steps := []Step{
		{"input", fmt.Sprintf("x = input[%d]", i1), float64(x)},
		{"alpha", fmt.Sprintf("alpha[%d]", i2), float64(a)},
		{"offset", fmt.Sprintf("d = %d − input zero point %d", x, p.InputZeroPoint), float64(d)},
	}
	q := p.Identity
	if d < 0 {
		q = p.AlphaRequant
		steps = append(steps, Step{"times alpha", fmt.Sprintf("d < 0: %d·(%d − alpha zero point %d)", d, a, p.AlphaZeroPoint), float64(prod)})
	}
	rs, v := scaleSteps("", prod, q)
	steps = append(steps, rs...)
	lo, hi := qrange(p.Type)
	steps = append(steps, zeroPointClampSteps(v, p.OutputZeroPoint, lo, hi)...)
	return &Explanation{Steps: steps, Value: int64(o), Arithmetic: "TFLite quantized PRELU: " + roundingArithmetic(q.Rounding)}, nil
}

func (p *PreluParams) builtinNote() string { return p.Note }
