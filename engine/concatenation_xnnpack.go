package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// CONCATENATION in the browser TFLite (tflite-xnnpack): the XNNPACK
// delegate takes float32, int8 and uint8 CONCATENATION of 2 to 4 inputs
// (xnn_define_concatenate2/3/4) and copies the bytes. It does not compare
// the inputs' quantization with the output's, so a uint8 input quantized
// unlike the output, which TFLite's kernel rescales
// (ConcatenationWithScaling), is copied unscaled. int8 inputs must be
// quantized like the output anyway (TFLite's Prepare), so for int8 the copy
// is exact.

func init() { registerXNNPack(tflite.BuiltinOperatorCONCATENATION, xnnpackConcatenation) }

// xnnpackConcatenation is the delegate's node: the reference kernel with
// every input copied.
func xnnpackConcatenation(c *prepCtx) (kernel, error) {
	if n := len(c.op.Inputs); n < 2 || n > 4 {
		return nil, fmt.Errorf("the XNNPACK delegate takes CONCATENATION of 2 to 4 inputs, not %d", n)
	}
	if c.out(0).Type == Float32 {
		return xnnFloatNode(c) // a copy, in float32 too
	}
	k, err := xnnExactNode(false)(c)
	if err != nil {
		return nil, err
	}
	p := k.(*ConcatenationParams)
	rescaled := false
	for i := range p.Rescale {
		rescaled = rescaled || !p.Rescale[i].Copy
		p.Rescale[i] = ConcatenationRescale{Copy: true}
	}
	if rescaled {
		p.Note = "XNNPACK's concatenation copies the bytes: inputs quantized unlike the output are not rescaled (TFLite's kernel would rescale them)"
	}
	return p, nil
}
