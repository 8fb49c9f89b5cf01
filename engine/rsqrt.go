package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// RsqrtParams are RSQRT's prepared parameters for int8.
//
// Mirrors TFLite's elementwise.cc (SetRsqrtOutputMultiplier,
// RsqrtEvalQuantizedInt8) and TFLite Micro's elementwise.cc. For
// v = x − InputZeroPoint (an input below the zero point is an error, as in
// TFLite: "Rsqrt is only defined for positive values"):
//
//	v = 0:  out = 127
//	(m, s) = GetInvSqrtQuantizedMultiplierExp(v)        1/√v ≈ m·2^(s−31)
//	data   = MultiplyByQuantizedMultiplier(1, m, s + 20) ≈ 2^20/√v
//	out    = clamp(MultiplyByQuantizedMultiplier(data, Requant.Multiplier, Requant.Shift − 20) + OutputZeroPoint)
//
// with the real multiplier 1/(sqrtf(s_in)·s_out). float32 is 1/sqrtf(x)
// (FloatUnaryParams).
type RsqrtParams struct {
	InputZeroPoint  int32   `json:"input_zero_point"`
	OutputZeroPoint int32   `json:"output_zero_point"`
	Requant         Requant `json:"requant"` // 1/(√s_in·s_out)

	in, out int
}

// rsqrtShift keeps 2^20/√v an integer (TFLite's kShift).
const rsqrtShift = 20

func init() { register(tflite.BuiltinOperatorRSQRT, prepareRsqrt) }

func prepareRsqrt(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	if in.Type == Float32 {
		return prepareFloatUnary(c, "1/sqrtf(x)", func(x float32) float32 { return 1 / cSqrtf(x) })
	}
	if in.Type != Int8 || out.Type != Int8 {
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
	sq := float32(math.Sqrt(float64(float32(in.Scale()))))
	real := 1 / float64(sq*float32(out.Scale()))
	return &RsqrtParams{InputZeroPoint: in.ZeroPoint(), OutputZeroPoint: out.ZeroPoint(), Requant: c.requant(real),
		in: in.Index, out: out.Index}, nil
}

// invSqrt returns TFLite's fixed-point 1/√v as a Requant applied to 1
// (multiplier m, shift s + 20), and data = 2^20/√v.
func (p *RsqrtParams) invSqrt(v int32) (Requant, int32) {
	m, s := fixedpoint.GetInvSqrtQuantizedMultiplierExp(v, -1)
	q := Requant{Multiplier: m, Shift: s + rsqrtShift, Rounding: p.Requant.Rounding}
	return q, q.apply(1)
}

func (p *RsqrtParams) value(x int32) (int32, error) {
	v := x - p.InputZeroPoint
	switch {
	case v < 0:
		return 0, fmt.Errorf("input %d is below the zero point %d: TFLite's RSQRT is only defined for positive values", x, p.InputZeroPoint)
	case v == 0:
		return 127, nil
	}
	_, data := p.invSqrt(v)
	q := p.Requant
	q.Shift -= rsqrtShift
	return clamp(q.apply(data)+p.OutputZeroPoint, -128, 127), nil
}

func (p *RsqrtParams) eval(r *run, op *Op) error {
	in, out := r.i8(p.in), r.i8(p.out)
	for i, x := range in {
		v, err := p.value(int32(x))
		if err != nil {
			return fmt.Errorf("op %d (RSQRT) element %d: %w", op.Index, i, err)
		}
		out[i] = int8(v)
	}
	return nil
}

func (p *RsqrtParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	x := int32(AsInt8(res.Tensors[p.in])[index])
	o, err := p.value(x)
	if err != nil {
		return nil, err
	}
	v := x - p.InputZeroPoint
	steps := []Step{
		{"input", fmt.Sprintf("x = input[%d]", index), float64(x)},
		{"offset", fmt.Sprintf("v = %d − input zero point %d", x, p.InputZeroPoint), float64(v)},
	}
	if v == 0 {
		steps = append(steps, Step{"zero", "v = 0: TFLite returns the int8 maximum", 127})
		return &Explanation{Steps: steps, Value: 127}, nil
	}
	q, data := p.invSqrt(v)
	steps = append(steps,
		Step{"1/√v", fmt.Sprintf("GetInvSqrtQuantizedMultiplierExp(%d): %d·2^(%d−31) ≈ %.9g", v, q.Multiplier, q.Shift-rsqrtShift, 1/math.Sqrt(float64(v))), float64(q.Multiplier)},
		Step{"2^20/√v", fmt.Sprintf("MultiplyByQuantizedMultiplier(1, %d, %d)", q.Multiplier, q.Shift), float64(data)})
	rq := p.Requant
	rq.Shift -= rsqrtShift
	rq.Real /= 1 << rsqrtShift
	rs, s := scaleSteps("", data, rq)
	steps = append(steps, rs...)
	steps = append(steps, zeroPointClampSteps(s, p.OutputZeroPoint, -128, 127)...)
	return &Explanation{Steps: steps, Value: int64(o)}, nil
}
