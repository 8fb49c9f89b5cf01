package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// AbsParams are ABS's prepared parameters for int8 and int16.
//
// Mirrors TFLite's elementwise.cc (GenericPrepare, AbsEvalQuantized) and
// TFLite Micro's elementwise.cc. With v = |x − InputZeroPoint|:
//
//	out = clamp(v + OutputZeroPoint)                                         if s_in = s_out
//	out = clamp(MultiplyByQuantizedMultiplier(v, Requant) + OutputZeroPoint) otherwise
//
// with the real multiplier s_in/s_out computed in float32. int16 needs zero
// points 0. float32 is fabsf(x) (FloatUnaryParams); the XNNPACK delegate
// takes float32 ABS (exact) and not the integer ones.
type AbsParams struct {
	InputZeroPoint  int32   `json:"input_zero_point"`
	OutputZeroPoint int32   `json:"output_zero_point"`
	NeedsRescale    bool    `json:"needs_rescale"`
	Requant         Requant `json:"requant,omitzero"` // s_in/s_out, when NeedsRescale

	typ     DType
	in, out int
}

func init() {
	register(tflite.BuiltinOperatorABS, prepareAbs)
	registerXNNPack(tflite.BuiltinOperatorABS, xnnFloatNode)
}

func prepareAbs(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	if in.Type == Float32 {
		return prepareFloatUnary(c, "fabsf(x)", func(x float32) float32 { return float32(math.Abs(float64(x))) })
	}
	if in.Type != out.Type || (in.Type != Int8 && in.Type != Int16) {
		return nil, c.unsupportedTypes()
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	for _, t := range []*Tensor{in, out} {
		if err := c.needQuant("input/output", t); err != nil {
			return nil, err
		}
	}
	if in.Type == Int16 && (in.ZeroPoint() != 0 || out.ZeroPoint() != 0) {
		return nil, c.errorf("int16 input and output need zero point 0")
	}
	si, so := float32(in.Scale()), float32(out.Scale())
	p := &AbsParams{InputZeroPoint: in.ZeroPoint(), OutputZeroPoint: out.ZeroPoint(), NeedsRescale: si != so,
		typ: in.Type, in: in.Index, out: out.Index}
	if p.NeedsRescale {
		p.Requant = c.requant(float64(si / so))
	}
	return p, nil
}

func (p *AbsParams) value(x int32) (v, out int32) {
	v = x - p.InputZeroPoint
	if v < 0 {
		v = -v
	}
	out = v
	if p.NeedsRescale {
		out = p.Requant.apply(v)
	}
	lo, hi := qrange(p.typ)
	return v, clamp(out+p.OutputZeroPoint, lo, hi)
}

func (p *AbsParams) eval(r *run, op *Op) error {
	unaryInts(r, p.typ, p.in, p.out, func(x int32) int32 { _, o := p.value(x); return o })
	return nil
}

func (p *AbsParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	x := int32(res.intAt(p.in, index))
	v, o := p.value(x)
	steps := []Step{
		{"input", fmt.Sprintf("x = input[%d]", index), float64(x)},
		{"abs", fmt.Sprintf("|%d − input zero point %d|", x, p.InputZeroPoint), float64(v)},
	}
	s := v
	if p.NeedsRescale {
		var rs []Step
		rs, s = scaleSteps("abs", v, p.Requant)
		steps = append(steps, rs...)
	}
	lo, hi := qrange(p.typ)
	steps = append(steps, zeroPointClampSteps(s, p.OutputZeroPoint, lo, hi)...)
	return &Explanation{Steps: steps, Value: int64(o)}, nil
}
