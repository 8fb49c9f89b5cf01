package engine

import "github.com/int8scope/int8scope/engine/tflite"

// SUM in the browser TFLite (tflite-xnnpack): the XNNPACK delegate does not
// take it; TFLite's builtin kernel (reduce.cc EvalSum) rescales only 8-bit
// sums whose input and output quantization differ and otherwise adds the
// stored values in the element type (int16 always), where TFLite Micro
// rescales every int8 and int16 SUM.

func init() {
	registerBuiltin(tflite.BuiltinOperatorSUM, func(c *prepCtx) (kernel, error) {
		k, err := prepareSum(c, true)
		if err != nil {
			return nil, nil
		}
		return k, nil
	})
}
