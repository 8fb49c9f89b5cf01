package engine

import "github.com/int8scope/int8scope/engine/tflite"

// SVDF in the browser TFLite (tflite-xnnpack): builtin (the delegate has
// no SVDF). Its float32 kernel (reference_ops::EvalFloatSVDF with the
// portable tensor_utils) sums a unit's rank filters first and then adds
// that sum to the bias (ReductionSumVector); TFLite Micro adds each filter
// to the bias in turn. int8 and hybrid SVDF: as prepared.

func init() {
	registerBuiltin(tflite.BuiltinOperatorSVDF, func(c *prepCtx) (kernel, error) {
		k, err := prepareSVDF(c)
		if p, ok := k.(*SVDFParams); ok && err == nil && p.typ == Float32 {
			p.RankSumFirst = true
		}
		return k, err
	})
}
