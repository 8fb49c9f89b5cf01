package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

func init() {
	registerXNNPack(tflite.BuiltinOperatorSPLIT, xnnEvenSplit)
}

// xnnEvenSplit is the XNNPACK delegate's SPLIT node (xnn_define_even_split2/3/4):
// float32, int8 and uint8 inputs cut into 2, 3 or 4 outputs. It copies the
// bytes like TFLite's kernel (whatever the outputs' quantization), so the
// reference kernel computes it.
func xnnEvenSplit(c *prepCtx) (kernel, error) {
	if err := xnnCopyTypes(c, c.in(1)); err != nil {
		return nil, err
	}
	if n := len(c.op.Outputs); n < 2 || n > 4 {
		return nil, fmt.Errorf("the XNNPACK delegate splits into 2, 3 or 4 outputs, not %d", n)
	}
	return prepareOp(c.m, c.op, c.rounding)
}

// xnnCopyTypes accepts the element types XNNPACK's copying nodes have:
// float32, int8 and uint8.
func xnnCopyTypes(c *prepCtx, in *Tensor) error {
	if in == nil {
		return fmt.Errorf("the input is missing")
	}
	switch in.Type {
	case Float32, Int8, Uint8:
		return nil
	}
	return fmt.Errorf("the XNNPACK delegate takes %s only for float32, int8 and uint8, not %v", c.op.Builtin, in.Type)
}
