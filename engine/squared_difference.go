package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// SquaredDifferenceParams are SQUARED_DIFFERENCE's prepared parameters.
//
// Mirrors TFLite's squared_difference.cc and TFLite Micro's
// squared_difference.cc. float32 and int32: (x − y)·(x − y). int8, like
// quantized ADD with LeftShift = 7 and 2·max(s1, s2) as the common scale:
//
//	a   = MultiplyByQuantizedMultiplierSmallerThanOneExp((x + Input1Offset)·2^7, Input1Multiplier, Input1Shift)   (s1/(2·max))
//	b   = likewise for y
//	out = clamp(MultiplyByQuantizedMultiplierSmallerThanOneExp((a − b)², OutputMultiplier, OutputShift) + OutputOffset, −128, 127)
//
// with the output multiplier (2·max)²/(2^14·s_out). These helpers round
// twice in every TFLite build. The XNNPACK delegate takes float32
// SQUARED_DIFFERENCE (exact).
type SquaredDifferenceParams struct {
	Input1Offset     int32 `json:"input1_offset,omitempty"`
	Input2Offset     int32 `json:"input2_offset,omitempty"`
	OutputOffset     int32 `json:"output_offset,omitempty"`
	LeftShift        int   `json:"left_shift,omitempty"`
	Input1Multiplier int32 `json:"input1_multiplier,omitempty"`
	Input1Shift      int   `json:"input1_shift,omitempty"`
	Input2Multiplier int32 `json:"input2_multiplier,omitempty"`
	Input2Shift      int   `json:"input2_shift,omitempty"`
	OutputMultiplier int32 `json:"output_multiplier,omitempty"`
	OutputShift      int   `json:"output_shift,omitempty"`
	Type             DType `json:"type"`
	Broadcast        bool  `json:"broadcast,omitempty"`

	in1, in2, out int
	bc            *broadcast
}

func init() {
	register(tflite.BuiltinOperatorSQUARED_DIFFERENCE, prepareSquaredDifference)
	registerXNNPack(tflite.BuiltinOperatorSQUARED_DIFFERENCE, xnnFloatNode)
}

func prepareSquaredDifference(c *prepCtx) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	in1, in2, out := c.in(0), c.in(1), c.out(0)
	if in1.Type != out.Type || in2.Type != out.Type {
		return nil, c.unsupportedTypes()
	}
	bc, err := c.broadcast4D(in1, in2, out)
	if err != nil {
		return nil, err
	}
	p := &SquaredDifferenceParams{Type: out.Type, Broadcast: !bc.same, in1: in1.Index, in2: in2.Index, out: out.Index, bc: bc}
	switch out.Type {
	case Float32, Int32:
		return p, nil
	case Int8:
	default:
		return nil, c.unsupportedTypes()
	}
	for _, t := range []*Tensor{in1, in2, out} {
		if err := c.needQuant("input/output", t); err != nil {
			return nil, err
		}
	}
	p.Input1Offset, p.Input2Offset, p.OutputOffset = -in1.ZeroPoint(), -in2.ZeroPoint(), out.ZeroPoint()
	p.LeftShift = 7
	s1, s2, so := float32(in1.Scale()), float32(in2.Scale()), float32(out.Scale())
	twiceMax := 2 * float64(max(s1, s2))
	p.Input1Multiplier, p.Input1Shift = fixedpoint.QuantizeMultiplierSmallerThanOneExp(float64(s1) / twiceMax)
	p.Input2Multiplier, p.Input2Shift = fixedpoint.QuantizeMultiplierSmallerThanOneExp(float64(s2) / twiceMax)
	p.OutputMultiplier, p.OutputShift = fixedpoint.QuantizeMultiplierSmallerThanOneExp(twiceMax * twiceMax / float64(float32(int32(1)<<(2*p.LeftShift))*so))
	if p.OutputShift > 0 {
		return nil, c.errorf("output scale %g is too small for TFLite's quantized SQUARED_DIFFERENCE (real multiplier above 1)", so)
	}
	return p, nil
}

// quantized returns the scaled inputs, their squared difference and the
// output of one int8 element.
func (p *SquaredDifferenceParams) quantized(x, y int32) (a, b, sq, out int32) {
	a = fixedpoint.MultiplyByQuantizedMultiplierSmallerThanOneExp((x+p.Input1Offset)<<p.LeftShift, p.Input1Multiplier, p.Input1Shift)
	b = fixedpoint.MultiplyByQuantizedMultiplierSmallerThanOneExp((y+p.Input2Offset)<<p.LeftShift, p.Input2Multiplier, p.Input2Shift)
	sq = (a - b) * (a - b)
	out = clamp(fixedpoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(sq, p.OutputMultiplier, p.OutputShift)+p.OutputOffset, -128, 127)
	return
}

func (p *SquaredDifferenceParams) eval(r *run, op *Op) error {
	switch p.Type {
	case Float32:
		p.bc.binaryFloats(r, p.in1, p.in2, p.out, func(x, y float32) float32 { d := x - y; return d * d })
	case Int32:
		p.bc.binaryInts(r, Int32, p.in1, p.in2, p.out, func(x, y int32) int32 { d := x - y; return d * d })
	default:
		binaryVec(p.bc, r.i8(p.in1), r.i8(p.in2), r.i8(p.out), func(out, a, b []int8) {
			a, b = a[:len(out)], b[:len(out)]
			for i := range out {
				_, _, _, v := p.quantized(int32(a[i]), int32(b[i]))
				out[i] = int8(v)
			}
		})
	}
	return nil
}

func (p *SquaredDifferenceParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if p.Type == Float32 {
		return explainFloatBinary(res, p.bc, p.in1, p.in2, index, "d = x − y; d·d", func(x, y float32) float32 { d := x - y; return d * d }), nil
	}
	i1, i2 := p.bc.index(index)
	x, y := int32(res.intAt(p.in1, i1)), int32(res.intAt(p.in2, i2))
	if p.Type == Int32 {
		v := (x - y) * (x - y)
		return &Explanation{Steps: []Step{{"input1", fmt.Sprintf("input1[%d]", i1), float64(x)}, {"input2", fmt.Sprintf("input2[%d]", i2), float64(y)},
			{"square", fmt.Sprintf("(%d − %d)² in int32 (wraps)", x, y), float64(v)}}, Value: int64(v), Arithmetic: "int32"}, nil
	}
	a, b, sq, o := p.quantized(x, y)
	steps := []Step{
		{"input1", fmt.Sprintf("input1[%d]", i1), float64(x)},
		{"input2", fmt.Sprintf("input2[%d]", i2), float64(y)},
		{"scaled input1", fmt.Sprintf("RoundingDivideByPOT(SRDHM((%d + %d)·2^%d, %d), %d)", x, p.Input1Offset, p.LeftShift, p.Input1Multiplier, -p.Input1Shift), float64(a)},
		{"scaled input2", fmt.Sprintf("RoundingDivideByPOT(SRDHM((%d + %d)·2^%d, %d), %d)", y, p.Input2Offset, p.LeftShift, p.Input2Multiplier, -p.Input2Shift), float64(b)},
		{"square", fmt.Sprintf("(%d − %d)²", a, b), float64(sq)},
	}
	v := fixedpoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(sq, p.OutputMultiplier, p.OutputShift)
	steps = append(steps, Step{"scale", fmt.Sprintf("RoundingDivideByPOT(SRDHM(%d, %d), %d)", sq, p.OutputMultiplier, -p.OutputShift), float64(v)})
	steps = append(steps, zeroPointClampSteps(v, p.OutputOffset, -128, 127)...)
	return &Explanation{Steps: steps, Value: int64(o), Arithmetic: "TFLite quantized SQUARED_DIFFERENCE (double rounding in every build)"}, nil
}
