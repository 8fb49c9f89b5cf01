package difftest

import (
	"github.com/int8scope/int8scope/engine/tflite"
)

func init() {
	register("ELU_float", genEluFloat, "ELU")
}

// genEluFloat is float32 ELU. Half the cases draw from [−3, 0), where the
// polynomials of expm1 (glibc's for TFLite Micro, XNNPACK's rr2-p6 for the
// browser) round differently most often; the rest span [−20, 4), past
// XNNPACK's saturation at −17.33 and into the identity half.
func genEluFloat(g *gen) error {
	lo, hi := -20.0, 4.0
	if g.chance(0.5) {
		lo, hi = -3, 0
	}
	return genFloatUnary(g, tflite.BuiltinOperatorELU, lo, hi)
}

func init() {
	register("LOG_SOFTMAX", genLogSoftmax)
	// LOG_SOFTMAX_uint8 is genLogSoftmax's models as uint8 (asUint8: the
	// output's zero point 127 becomes 255, as TFLite requires of uint8).
	register("LOG_SOFTMAX_uint8", func(g *gen) error { return asUint8(g, genLogSoftmax) }, "LOG_SOFTMAX")
	tflmLacks["LOG_SOFTMAX_uint8"] = noUint8
}

// genLogSoftmax is int8 LOG_SOFTMAX (output scale 16/256, zero point 127,
// as TFLite requires), rows of 1 to 300 values; input scales from 1/256 to
// 2, so that rows range from near-uniform to one dominant value. Half the
// cases take scales in [1/16, 1/2], where many log probabilities land near
// the output's floor of −16: there the browser's float table and the
// fixed-point reference (its cut-off at diff_min) part ways.
func genLogSoftmax(g *gen) error {
	s := g.shape(1, 4, 300)
	lo, hi := 1.0/256, 2.0
	if g.chance(0.5) {
		lo, hi = 1.0/16, 0.5
	}
	x := g.input("x", s, q(g.scale(lo, hi), g.zp()))
	y := g.i8t("y", s, q(16.0/256, 127))
	g.note("LOG_SOFTMAX int8 %v", s)
	g.b.Op(tflite.BuiltinOperatorLOG_SOFTMAX, 1, nil, []int{x}, []int{y})
	g.finish(y)
	return nil
}
