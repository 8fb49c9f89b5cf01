package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// LEAKY_RELU in the browser TFLite (tflite-xnnpack): the XNNPACK delegate
// takes int8 and uint8 LEAKY_RELU (qs8-vlrelu, qu8-vlrelu: xnnLeakyRelu);
// the rest run TFLite's builtin kernel, which rounds like the reference.

func init() {
	registerXNNPack(tflite.BuiltinOperatorLEAKY_RELU, xnnLeakyReluNode)
}

// xnnLeakyRelu is LEAKY_RELU under XNNPACK (qs8-vlrelu): Q8 fixed-point
// multipliers for each side, rounded half up:
//
//	d   = x − InputZeroPoint
//	out = clamp(((d·(d ≥ 0 ? PositiveMultiplier : NegativeMultiplier) + 128) >> 8) + OutputZeroPoint)
//
// PositiveMultiplier = round_half_even(256·s_in/s_out) and
// NegativeMultiplier = round_half_even(256·(s_in/s_out)·alpha), in float32.
type xnnLeakyRelu struct {
	PositiveMultiplier int32 `json:"positive_multiplier"`
	NegativeMultiplier int32 `json:"negative_multiplier"`
	InputZeroPoint     int32 `json:"input_zero_point"`
	OutputZeroPoint    int32 `json:"output_zero_point"`
	in, out            int
	typ                DType
}

func xnnLeakyReluNode(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	in, out := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
	if in != nil && in.Type == Float32 {
		return xnnFloatNode(c) // f32-vlrelu: x or x·alpha, exact
	}
	if in == nil || (in.Type != Int8 && in.Type != Uint8) || out.Type != in.Type {
		return nil, fmt.Errorf("the XNNPACK delegate takes only float32, int8 and uint8 LEAKY_RELU")
	}
	var alpha float32
	if o, ok := op.Options.(*tflite.LeakyReluOptionsT); ok {
		alpha = o.Alpha
	}
	pos := float32(in.Scale()) / float32(out.Scale())
	if pos < 1.0/256 || pos > 128 {
		return nil, fmt.Errorf("unsupported positive input-to-output scale %g in LEAKY_RELU", pos)
	}
	neg := pos * alpha
	if neg < -0x1.FFFCp+6 || neg > 128 || float32(math.Abs(float64(neg))) < 1.0/256 {
		return nil, fmt.Errorf("unsupported negative input-to-output scale %g in LEAKY_RELU", neg)
	}
	return &xnnLeakyRelu{
		PositiveMultiplier: int32(math.RoundToEven(float64(256 * pos))),
		NegativeMultiplier: int32(math.RoundToEven(float64(256 * neg))),
		InputZeroPoint:     in.ZeroPoint(), OutputZeroPoint: out.ZeroPoint(), in: in.Index, out: out.Index, typ: out.Type}, nil
}

func (k *xnnLeakyRelu) eval(r *run, op *Op) error {
	out := r.vals[k.out] // int8 or uint8: the low byte
	for i := range out {
		out[i] = byte(k.value(int32(intValue(k.typ, r.vals[k.in], i))))
	}
	return nil
}

// value is one output: the side's Q8 multiplier, rounded half up.
func (k *xnnLeakyRelu) value(x int32) int32 {
	d := x - k.InputZeroPoint
	m := k.NegativeMultiplier
	if d >= 0 {
		m = k.PositiveMultiplier
	}
	lo, hi := qrange(k.typ)
	return clamp(((d*m+128)>>8)+k.OutputZeroPoint, lo, hi)
}

func (k *xnnLeakyRelu) explain(res *Result, op *Op, index int) (*Explanation, error) {
	x := int32(res.intAt(k.in, index))
	d := x - k.InputZeroPoint
	m, side := k.NegativeMultiplier, "negative"
	if d >= 0 {
		m, side = k.PositiveMultiplier, "positive"
	}
	v := (d*m + 128) >> 8
	steps := []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(x)},
		{"offset", fmt.Sprintf("%d − input zero point %d", x, k.InputZeroPoint), float64(d)},
		{"scale", fmt.Sprintf("(%d·%d + 128) >> 8 (%s Q8 multiplier, rounds half up)", d, m, side), float64(v)},
	}
	lo, hi := qrange(k.typ)
	steps = append(steps, zeroPointClampSteps(v, k.OutputZeroPoint, lo, hi)...)
	return &Explanation{Steps: steps, Value: int64(k.value(x)), Arithmetic: "XNNPACK qs8/qu8 leaky ReLU: Q8 fixed-point multipliers per sign, round half up"}, nil
}
