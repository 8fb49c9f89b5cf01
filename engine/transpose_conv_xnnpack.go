package engine

import "github.com/int8scope/int8scope/engine/tflite"

// TRANSPOSE_CONV in the browser TFLite (tflite-xnnpack): the XNNPACK
// delegate takes int8 and uint8 transpose convolutions with a per-tensor
// constant filter and requantizes in float32 (XNNPackOutput); the rest run
// TFLite's builtin kernel, which rounds twice like the reference.

func init() { registerXNNPack(tflite.BuiltinOperatorTRANSPOSE_CONV, xnnpackTransposeConv) }

// xnnpackTransposeConv is the delegate's node: the reference kernel's
// accumulation with XNNPACK's output stage. Inputs: output shape, filter,
// input, optional bias.
func xnnpackTransposeConv(c *prepCtx) (kernel, error) {
	xo, err := xnnGemmOutput(c.in(2), c.in(1), c.in(3), c.out(0), 0, false, tflite.ActivationFunctionTypeNONE)
	if err != nil {
		return nil, err
	}
	k, err := prepareTransposeConv(c)
	if err != nil {
		return nil, err
	}
	k.(*TransposeConvParams).Output = xo
	return k, nil
}
