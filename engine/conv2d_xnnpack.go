package engine

import "github.com/int8scope/int8scope/engine/tflite"

// CONV_2D in the browser TFLite (tflite-xnnpack): the XNNPACK delegate
// takes int8 and uint8 convolutions with a constant filter and bias and
// requantizes in float32 (XNNPackOutput); TFLite's builtin kernel, which
// runs the rest, multiplies through ruy (int8) or gemmlowp (uint8).

func init() {
	registerXNNPack(tflite.BuiltinOperatorCONV_2D, xnnpackConv2D)
	registerBuiltin(tflite.BuiltinOperatorCONV_2D, func(c *prepCtx) (kernel, error) {
		k, err := prepareConv2D(ruyRounding(c))
		if p, ok := k.(*Conv2DParams); ok && err == nil && p.typ == Float32 {
			return &builtinConvFloat{p}, nil
		}
		return k, err
	})
}

// xnnpackConv2D is the delegate's node: the reference kernel's accumulation
// with XNNPACK's output stage and padding.
func xnnpackConv2D(c *prepCtx) (kernel, error) {
	o, _ := c.op.Options.(*tflite.Conv2DOptionsT)
	if o == nil {
		o = &tflite.Conv2DOptionsT{}
	}
	if in := c.in(0); in != nil && in.Type == Float32 {
		return xnnpackConv2DFloat(c, o) // conv2d_xnnpack_float.go
	}
	xo, allPadding, err := xnnConvOutput(c, o.FusedActivationFunction, 0, o.Padding, o.StrideH, o.StrideW, o.DilationHFactor, o.DilationWFactor)
	if err != nil {
		return nil, err
	}
	k, err := prepareConv2D(c)
	if err != nil {
		return nil, err
	}
	p := k.(*Conv2DParams)
	p.Output, p.AllPadding = xo, allPadding
	return p, nil
}
