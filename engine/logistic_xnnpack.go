package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// LOGISTIC in the browser TFLite (tflite-xnnpack): the XNNPACK delegate takes
// int8 LOGISTIC as a lookup table built in float32 (xnnLUT); TFLite's builtin
// "generic optimized" kernel, which runs the rest, uses its own float32 table
// (builtinLUT, shared with TANH).

func init() {
	registerXNNPack(tflite.BuiltinOperatorLOGISTIC, xnnLogisticNode)
	registerBuiltin(tflite.BuiltinOperatorLOGISTIC, func(c *prepCtx) (kernel, error) {
		return builtinLUT(c, func(x float32) float32 { return 1 / (1 + cExpf(-x)) })
	})
}

// xnnLUT is an int8 → int8 op that XNNPACK computes with a 256-entry lookup
// table built in float32 when the operator is created.
type xnnLUT struct {
	Table   [256]int8 `json:"table"` // indexed by input + 128
	in, out int
}

func (k *xnnLUT) eval(r *run, op *Op) error {
	in, out := r.i8(k.in), r.i8(k.out)
	for i, x := range in {
		out[i] = k.Table[int(x)+128]
	}
	return nil
}

// xnnSigmoid is XNNPACK's float32 sigmoid for the lookup table
// (calculate_sigmoid): 1/(1 + e^−x) for negative x, 1 − 1/(1 + e^x) for the
// others. The two forms round differently; the oracle picks this one.
func xnnSigmoid(x float32) float32 {
	if math.Signbit(float64(x)) {
		return 1 / (1 + cExpf(-x))
	}
	return 1 - 1/(1+cExpf(x))
}

func xnnLogisticNode(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	in, out := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
	if in == nil || in.Type != Int8 || out.Type != Int8 {
		return nil, fmt.Errorf("the XNNPACK delegate takes only int8 (and float32) LOGISTIC")
	}
	if float32(out.Scale()) != 1.0/256 || out.ZeroPoint() != -128 {
		return nil, &xnnFatal{"XNNPACK's int8 sigmoid needs output scale 1/256 and zero point -128"}
	}
	k := &xnnLUT{in: in.Index, out: out.Index}
	s, zp := float32(in.Scale()), in.ZeroPoint()
	inv := 1 / float32(out.Scale())
	for i := -128; i < 128; i++ {
		x := float32(int32(i)-zp) * s
		y := xnnSigmoid(x)
		q := int32(math.RoundToEven(float64(y*inv))) + out.ZeroPoint()
		k.Table[i+128] = int8(clamp(q, -128, 127))
	}
	return k, nil
}

// builtinLUT is TFLite's PopulateLookupTable for an int8 → int8 op: for
// every input value v,
//
//	table[v] = clamp(roundf(f(s_in·(v − zp_in)) · (1/s_out)) + zp_out)
//
// in float32, with f the float function.
func builtinLUT(c *prepCtx, f func(float32) float32) (kernel, error) {
	m, op := c.m, c.op
	in, out := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
	if in == nil || in.Type != Int8 || out.Type != Int8 {
		return nil, nil
	}
	k := &xnnLUT{in: in.Index, out: out.Index}
	s, zp := float32(in.Scale()), in.ZeroPoint()
	inv := 1 / float32(out.Scale())
	for v := int32(-128); v < 128; v++ {
		y := roundf(f(s*float32(v-zp)) * inv)
		q := int32(max(min(y, 1<<20), -1<<20)) + out.ZeroPoint()
		k.Table[v+128] = int8(clamp(q, -128, 127))
	}
	return k, nil
}

func (k *xnnLUT) explain(res *Result, op *Op, index int) (*Explanation, error) {
	x := int32(AsInt8(res.Tensors[k.in])[index])
	v := int64(k.Table[x+128])
	return &Explanation{Steps: []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(x)},
		{"table", fmt.Sprintf("table[%d], built in float32 when the model was loaded: clamp(round(f(s_in·(x − zp_in))/s_out) + zp_out)", x), float64(v)},
	}, Value: v, Arithmetic: "256-entry lookup table computed in float32"}, nil
}
