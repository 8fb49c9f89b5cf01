package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// PRELU in the browser TFLite (tflite-xnnpack). The XNNPACK delegate takes
// float32 PRELU whose slope (alpha) is constant with every dimension but the
// last equal to 1 (VisitPreluNode, f32-prelu): x·slope where x is negative,
// the same IEEE products as TFLite's kernel. int8 and uint8 run TFLite's
// builtin kernel (activations.cc PreluPrepare/PreluEval), which is the
// reference kernel except that it computes the real multipliers s_in/s_out
// and s_in·s_alpha/s_out in float32 (TFLite Micro: double).

func init() {
	registerXNNPack(tflite.BuiltinOperatorPRELU, xnnPreluNode)
	registerBuiltin(tflite.BuiltinOperatorPRELU, builtinPrelu)
}

func xnnPreluNode(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	if len(op.Inputs) != 2 {
		return nil, fmt.Errorf("the XNNPACK delegate takes PRELU with two inputs")
	}
	in, slope := opTensor(m, op, 0), opTensor(m, op, 1)
	if in == nil || slope == nil || in.Type != Float32 || slope.Type != Float32 || m.Tensors[op.Outputs[0]].Type != Float32 {
		return nil, fmt.Errorf("the XNNPACK delegate takes PRELU only in float32")
	}
	if len(in.Shape) < 1 || len(in.Shape) > 6 {
		return nil, fmt.Errorf("the XNNPACK delegate takes PRELU inputs of rank 1 to 6, not %d", len(in.Shape))
	}
	if !slope.Const {
		return nil, fmt.Errorf("the slope (alpha) is not constant (XNNPACK needs a static slope)")
	}
	if len(slope.Shape) < 1 {
		return nil, fmt.Errorf("the XNNPACK delegate needs a slope of rank ≥ 1")
	}
	for _, d := range slope.Shape[:len(slope.Shape)-1] {
		if d != 1 {
			return nil, fmt.Errorf("slope shape %v: the XNNPACK delegate needs 1 in every dimension but the channels", slope.Shape)
		}
	}
	if ch := in.Shape[len(in.Shape)-1]; slope.Shape[len(slope.Shape)-1] != ch {
		// XNNPACK of mid 2022 takes it and reads ch slopes from the
		// shorter buffer (the oracle shows garbage): delegated, but
		// running it is refused.
		return &xnnPreluPastSlope{Reason: fmt.Sprintf("XNNPACK reads %d slopes from a slope of shape %v", ch, slope.Shape),
			slope: slope.Shape, channels: ch}, nil
	}
	return preparePrelu(c) // float32: the same products as XNNPACK's f32-prelu
}

// builtinPrelu is TFLite's builtin PRELU for int8 and uint8: the reference
// kernel with real multipliers computed in float32.
func builtinPrelu(c *prepCtx) (kernel, error) {
	k, err := preparePrelu(c)
	p, ok := k.(*PreluParams)
	if err != nil || !ok || p.Type == Float32 {
		return nil, nil
	}
	m := c.m
	si, sa, so := float32(m.Tensors[p.in].Scale()), float32(m.Tensors[p.alpha].Scale()), float32(m.Tensors[p.out].Scale())
	q := *p
	prod := si * sa
	q.Identity, q.AlphaRequant = c.requant(float64(si/so)), c.requant(float64(prod/so))
	q.Note = "TFLite's activations.cc computes the real multipliers s_in/s_out and s_in·s_alpha/s_out in float32 (TFLite Micro: double)"
	return &q, nil
}

// xnnPreluPastSlope is a float32 PRELU that the XNNPACK delegate of mid 2022
// takes although its slope has fewer elements than the input has channels:
// XNNPACK's f32-prelu then reads past the slope, so the browser TFLite's
// result is undefined and the engine refuses to run it.
type xnnPreluPastSlope struct {
	Reason   string `json:"reason"`
	slope    []int
	channels int
}

func (k *xnnPreluPastSlope) eval(r *run, op *Op) error {
	return fmt.Errorf("op %d (PRELU): the XNNPACK delegate takes this float32 PRELU but reads %d slopes from a slope of shape %v (past its end), so the browser TFLite's result is undefined; run it under the reference profile",
		op.Index, k.channels, k.slope)
}
