package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// xnnFloatNode is the XNNPACK delegate's node for a float32 op whose
// result XNNPACK computes bit for bit like TFLite's kernel (exact IEEE
// operations: abs, neg, sqrt, x·x, (a−b)², a/b, max, min): the delegate takes
// the op when every input and the output are float32, and the reference
// kernel computes it.
func xnnFloatNode(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	for i := range op.Inputs {
		if t := opTensor(m, op, i); t != nil && t.Type != Float32 {
			return nil, fmt.Errorf("the XNNPACK delegate takes %s only in float32 (input %d is %v)", op.Builtin, i, t.Type)
		}
	}
	if t := m.Tensors[op.Outputs[0]]; t.Type != Float32 {
		return nil, fmt.Errorf("the XNNPACK delegate takes %s only in float32 (output is %v)", op.Builtin, t.Type)
	}
	return prepareOp(m, op, c.rounding)
}

// xnnFloatActivationNode is xnnFloatNode for an op with a fused activation
// (ADD, SUB, MUL): the delegate takes it only when the activation is a clamp
// it has (none, RELU, RELU_N1_TO_1, RELU6).
func xnnFloatActivationNode(c *prepCtx, act tflite.ActivationFunctionType) (kernel, error) {
	if _, _, err := xnnFloatActivation(act); err != nil {
		return nil, err
	}
	return xnnFloatNode(c)
}

// xnnCopyNode is the delegate's node for an op that moves values
// (TRANSPOSE, PAD): float32 with constant other inputs as the reference
// kernel, int8 and uint8 as xnnExactNode.
func xnnCopyNode(c *prepCtx) (kernel, error) {
	in, out := c.in(0), c.out(0)
	if in == nil || in.Type != Float32 || out.Type != Float32 {
		return xnnExactNode(false)(c)
	}
	for i := 1; i < len(c.op.Inputs); i++ {
		if t := c.in(i); t != nil && !t.Const {
			return nil, fmt.Errorf("input %d is not constant", i)
		}
	}
	return prepareOp(c.m, c.op, c.rounding)
}
