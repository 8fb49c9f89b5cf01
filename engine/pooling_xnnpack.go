package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// MAX_POOL_2D in the browser TFLite (tflite-xnnpack): the XNNPACK delegate
// takes float32, int8 and uint8 max pooling, whose result equals the reference's; the delegate
// refuses some windows, and an empty output range makes it fail.

func init() {
	registerXNNPack(tflite.BuiltinOperatorMAX_POOL_2D, xnnMaxPoolNode)
}

// xnnMaxPoolNode: MAX_POOL_2D, exact, but the delegate refuses strides
// larger than the window and 1×1 windows with a stride, and an empty
// output range makes XNNPACK fail.
func xnnMaxPoolNode(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	in, out := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
	float := in != nil && in.Type == Float32 && out.Type == Float32
	if in == nil || (in.Type != Int8 && in.Type != Uint8 && !float) || out.Type != in.Type {
		return nil, fmt.Errorf("the XNNPACK delegate takes only float32, int8 and uint8 MAX_POOL_2D")
	}
	o, _ := op.Options.(*tflite.Pool2DOptionsT)
	if o == nil {
		return nil, fmt.Errorf("no Pool2DOptions")
	}
	if o.FilterHeight == 1 && o.FilterWidth == 1 && (o.StrideH != 1 || o.StrideW != 1) {
		return nil, fmt.Errorf("unsupported pooling with 1x1 filter and %dx%d stride", o.StrideH, o.StrideW)
	}
	if o.StrideH > o.FilterHeight || o.StrideW > o.FilterWidth {
		return nil, fmt.Errorf("unsupported stride %dx%d exceeding filter %dx%d", o.StrideH, o.StrideW, o.FilterHeight, o.FilterWidth)
	}
	if float { // f32-maxpool: exact; the activation clamps with min and max
		if _, _, err := xnnFloatActivation(o.FusedActivationFunction); err != nil {
			return nil, err
		}
		return prepareOp(m, op, c.rounding)
	}
	lo, hi, err := xnnActivation(o.FusedActivationFunction, out)
	if err != nil {
		return nil, err
	}
	if lo >= hi {
		return nil, &xnnFatal{fmt.Sprintf("output range [%d, %d] is empty (XNNPACK needs min < max)", lo, hi)}
	}
	return prepareOp(m, op, c.rounding)
}
