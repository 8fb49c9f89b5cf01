package difftest

import (
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generators for PRELU (int8, uint8, float32), ELU (int8) and LOG_SOFTMAX
// (float32).

func init() {
	for _, typ := range []tflite.TensorType{tflite.TensorTypeINT8, tflite.TensorTypeUINT8, tflite.TensorTypeFLOAT32} {
		name := "PRELU"
		if typ != tflite.TensorTypeINT8 {
			name += "_" + typeName(typ)
		}
		register(name, func(g *gen) error { return genPrelu(g, typ) }, "PRELU")
	}
	tflmLacks["PRELU_uint8"] = noUint8
}

// genPrelu is PRELU with an alpha that is per channel (the usual Keras
// PReLU with shared axes) or broadcasts in any other way, constant or a
// second input.
func genPrelu(g *gen, typ tflite.TensorType) error {
	s := g.shape(1, 4, 300)
	var as []int
	if g.chance(0.6) {
		as = make([]int, g.intn(1, len(s)))
		for i := range as {
			as[i] = 1
		}
		as[len(as)-1] = s[len(s)-1]
	} else {
		as = g.broadcastOf(s)
	}
	constant := g.chance(0.7)
	if typ == tflite.TensorTypeFLOAT32 && constant && prod(as) == 1 {
		// XNNPACK would read past a one-element slope (the engine refuses
		// to run that under tflite-xnnpack; see engine/prelu_xnnpack.go).
		as[len(as)-1] = s[len(s)-1]
	}
	var qi, qa, qo *tfbuild.Quant
	if typ != tflite.TensorTypeFLOAT32 {
		qi, qa = g.quantOf(typ, 1.0/256, 1.0/4), g.quantOf(typ, 1.0/512, 1.0/64)
		qo = qi
		if g.chance(0.7) {
			qo = g.quantOf(typ, float64(qi.Scale[0])/2, float64(qi.Scale[0])*2)
		}
	}
	var x, a int
	if typ == tflite.TensorTypeFLOAT32 {
		x = g.b.Tensor("x", typ, s, nil, nil)
		g.inputs, g.inputData = append(g.inputs, x), append(g.inputData, tfbuild.F32(g.floats(prod(s), -4, 4)...))
	} else {
		x = g.typed("x", typ, s, qi)
	}
	switch {
	case !constant && typ == tflite.TensorTypeFLOAT32:
		a = g.b.Tensor("alpha", typ, as, nil, nil)
		g.inputs, g.inputData = append(g.inputs, a), append(g.inputData, tfbuild.F32(g.floats(prod(as), -1, 1)...))
	case !constant:
		a = g.typed("alpha", typ, as, qa)
	case typ == tflite.TensorTypeFLOAT32:
		a = g.b.Tensor("alpha", typ, as, nil, tfbuild.F32(g.floats(prod(as), -1, 1)...))
	default:
		a = g.b.Tensor("alpha", typ, as, qa, g.i8(prod(as)))
	}
	y := g.b.Tensor("y", typ, s, qo, nil)
	g.note("PRELU %v %v alpha %v constant=%v", typ, s, as, constant)
	g.b.Op(tflite.BuiltinOperatorPRELU, 1, nil, []int{x, a}, []int{y})
	g.finish(y)
	return nil
}

func init() {
	register("ELU", genElu)
}

// genElu is int8 ELU; a third of the cases have s_out = 2·s_in, so that
// the table's positive half lands on ties (x.5): TFLite rounds them away
// from zero, XNNPACK's table to even.
func genElu(g *gen) error {
	if g.chance(0.67) {
		return genQuantUnary(g, tflite.BuiltinOperatorELU, tflite.TensorTypeINT8)
	}
	s := g.shape(1, 4, 300)
	sIn := g.scale(1.0/64, 1.0/2)
	x := g.input("x", s, q(sIn, g.zp()))
	y := g.i8t("y", s, q(2*sIn, g.zp()))
	g.note("ELU int8 %v s_out = 2·s_in (ties)", s)
	g.b.Op(tflite.BuiltinOperatorELU, 1, nil, []int{x}, []int{y})
	g.finish(y)
	return nil
}

func init() {
	register("LOG_SOFTMAX_float", func(g *gen) error { return genFloatUnary(g, tflite.BuiltinOperatorLOG_SOFTMAX, -20, 20) }, "LOG_SOFTMAX")
}
