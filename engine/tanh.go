package engine

import "github.com/int8scope/int8scope/engine/tflite"

// TanhParams are TANH's prepared parameters, derived like LOGISTIC's (see
// LogisticParams).
//
// Mirrors TFLite Micro's tanh.cc and the reference kernels
// reference/integer_ops/tanh.h and reference/tanh.h:
//
//   - int8: d = x − InputZeroPoint saturates to ∓128/127 beyond
//     ±InputRangeRadius; otherwise d is scaled to Q4.27 by
//     MultiplyByQuantizedMultiplier(d, InputMultiplier, InputLeftShift),
//     gemmlowp's fixed-point tanh gives a Q0.31 result r, and
//     out = clamp(RoundingDivideByPOT(r, 24), −128, 127) (output scale 1/128,
//     zero point 0).
//   - int16: the input is scaled as for LOGISTIC and tanh(x) = 2·sigmoid(2x) − 1
//     is read from the same 256-entry sigmoid table; the output is Q0.15.
//     A power-of-two input scale of 2^-12 or 2^-11 needs no multiplier.
//   - float32: tanh(x) in float32.
//
// uint8 (output scale 1/128, zero point 128) is TFLite's lookup table, see
// prepareSigmoidUint8.
type TanhParams struct {
	LogisticParams
}

func init() { register(tflite.BuiltinOperatorTANH, prepareTanh) }

func prepareTanh(c *prepCtx) (kernel, error) {
	if k, err := prepareSigmoidUint8(c, cTanhf, 1.0/128, 128); k != nil || err != nil {
		return k, err
	}
	p, err := prepareSigmoid(c, true)
	if err != nil {
		return nil, err
	}
	return &TanhParams{*p}, nil
}
