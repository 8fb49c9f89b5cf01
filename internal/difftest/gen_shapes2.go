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
