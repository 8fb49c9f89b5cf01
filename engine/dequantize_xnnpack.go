package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// DEQUANTIZE in the browser TFLite (tflite-xnnpack). The XNNPACK delegate
// treats a DEQUANTIZE of a constant FLOAT16 tensor, or of a constant int8
// tensor with quantization parameters (per tensor or per channel), as a
// "static unpack" node: in its Prepare it dequantizes the weights once
// (exactly like TFLite's kernel) and hands them to the consuming nodes as
// static float32 weights. It takes such a node when no op outside the
// delegate consumes its output; TFLite then never writes the output tensor
// (reading it gives whatever the arena held). Other int8/uint8 DEQUANTIZEs
// are XNNPACK Convert nodes, exact like the reference.

func init() {
	registerXNNPack(tflite.BuiltinOperatorDEQUANTIZE, xnnpackDequantize)
}

func xnnpackDequantize(c *prepCtx) (kernel, error) {
	if !xnnStaticUnpack(c.m, c.op) {
		if in := opTensor(c.m, c.op, 0); in != nil && (in.Type == Float16 || in.Quant.PerChannel()) {
			return nil, fmt.Errorf("the XNNPACK delegate dequantizes %v per-channel or float16 tensors only when they are constant", in.Type)
		}
		return xnnExactNode(true)(c) // XNNPACK converts exactly like the reference
	}
	out := c.op.Outputs[0]
	for _, op := range c.m.Ops {
		for _, t := range op.Inputs {
			if t != out || op == c.op {
				continue
			}
			if d := ops[op.code]; d.xnnpack == nil {
				return nil, fmt.Errorf("op %d (%s), which the XNNPACK delegate does not take, reads the dequantized weights", op.Index, op.Builtin)
			} else if _, err := d.xnnpack(&prepCtx{m: c.m, op: op, rounding: c.rounding}); err != nil {
				return nil, fmt.Errorf("op %d (%s), which the XNNPACK delegate leaves to TFLite (%v), reads the dequantized weights", op.Index, op.Builtin, err)
			}
		}
	}
	return prepareOp(c.m, c.op, c.rounding)
}

// xnnStaticUnpack reports whether op is a DEQUANTIZE the XNNPACK delegate
// can fold into static float32 weights: a constant FLOAT16 input, or a
// constant int8 input with quantization parameters, to float32.
func xnnStaticUnpack(m *Model, op *Op) bool {
	if op.code != tflite.BuiltinOperatorDEQUANTIZE || len(op.Inputs) != 1 || len(op.Outputs) != 1 {
		return false
	}
	in := opTensor(m, op, 0)
	return in != nil && in.Const && m.Tensors[op.Outputs[0]].Type == Float32 &&
		(in.Type == Float16 || (in.Type == Int8 && in.Quant != nil && len(in.Quant.Scale) > 0))
}

// xnnStatic reports whether the XNNPACK delegate sees t as static weights:
// a constant, or the output of a DEQUANTIZE it folds (xnnStaticUnpack).
func xnnStatic(m *Model, t *Tensor) bool {
	if t.Const {
		return true
	}
	for _, op := range m.Ops {
		if len(op.Outputs) == 1 && op.Outputs[0] == t.Index {
			return xnnStaticUnpack(m, op)
		}
	}
	return false
}

// XNNPackUnwritten reports, per tensor, whether the browser TFLite leaves
// it unwritten: the output of a DEQUANTIZE the XNNPACK delegate folds into
// static weights. Its value is the engine's; TFLite's buffer holds garbage.
func (m *Model) XNNPackUnwritten() []bool {
	pl := m.plans[XNNPack]
	un := make([]bool, len(m.Tensors))
	for _, op := range m.Ops {
		if pl.delegated[op.Index] && xnnStaticUnpack(m, op) {
			un[op.Outputs[0]] = true
		}
	}
	return un
}
