package engine

import "fmt"

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
