package engine

import "github.com/int8scope/int8scope/engine/tflite"

// DEPTHWISE_CONV_2D in the browser TFLite (tflite-xnnpack): the XNNPACK
// delegate takes int8 and uint8 depthwise convolutions with a constant
// filter and bias and requantizes in float32 (XNNPackOutput); the rest run
// TFLite's builtin kernel, which rounds twice like the reference.

func init() { registerXNNPack(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, xnnpackDepthwiseConv2D) }

// xnnpackDepthwiseConv2D is the delegate's node: the reference kernel's
// accumulation with XNNPACK's output stage and padding.
func xnnpackDepthwiseConv2D(c *prepCtx) (kernel, error) {
	o, _ := c.op.Options.(*tflite.DepthwiseConv2DOptionsT)
	if o == nil {
		o = &tflite.DepthwiseConv2DOptionsT{}
	}
	xo, allPadding, err := xnnConvOutput(c, o.FusedActivationFunction, 3, o.Padding, o.StrideH, o.StrideW, o.DilationHFactor, o.DilationWFactor)
	if err != nil {
		return nil, err
	}
	k, err := prepareDepthwiseConv2D(c)
	if err != nil {
		return nil, err
	}
	p := k.(*DepthwiseConv2DParams)
	p.Output, p.AllPadding = xo, allPadding
	return p, nil
}
