package difftest

import (
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generators for what the engine used to refuse: uint8 L2_NORMALIZATION,
// int8 REDUCE_PROD over a size-1 axis among longer ones.

func init() {
	register("L2_NORMALIZATION_uint8", genL2NormUint8, "L2_NORMALIZATION")
	register("REDUCE_PROD_size1", genReduceProdSize1, "REDUCE_PROD")
}

// genL2NormUint8: uint8 rows (some at the zero point, some long) into
// output scale 1/128, zero point 128, as TFLite requires.
func genL2NormUint8(g *gen) error {
	s := g.l2NormShape()
	depth := s[len(s)-1]
	zIn := g.zpU8()
	x := g.typedInput("x", tflite.TensorTypeUINT8, s, q(g.scale(1.0/256, 4), zIn))
	d := g.inputData[len(g.inputData)-1]
	for r := 0; r < len(d); r += depth { // rows at the zero point: Σv² = 0
		if g.chance(0.1) {
			for i := r; i < r+depth; i++ {
				d[i] = byte(zIn)
			}
		}
	}
	y := g.b.Tensor("y", tflite.TensorTypeUINT8, s, tfbuild.Q(1.0/128, 128), nil)
	g.note("L2_NORMALIZATION uint8 %v", s)
	g.b.Op(tflite.BuiltinOperatorL2_NORMALIZATION, 1, opts(tflite.BuiltinOptionsL2NormOptions, &tflite.L2NormOptionsT{}), []int{x}, []int{y})
	g.finish(y)
	return nil
}

// genReduceProdSize1: int8 REDUCE_PROD whose reduced axes include one of
// size 1 among longer ones (all of size 1 is refused: TFLite's output
// there is not the same twice).
func genReduceProdSize1(g *gen) error {
	for {
		s := g.shape(2, 4, 200)
		s[g.rng.Intn(len(s))] = 1
		axes, keep, os := g.reduceAxes(s)
		count, one := 1, false
		for d := range s {
			for _, a := range axes {
				if (int(a)+len(s))%len(s) == d {
					count *= s[d]
					one = one || s[d] == 1
					break
				}
			}
		}
		if !one || count == 1 {
			continue
		}
		sIn, zIn := g.scale(1.0/64, 1.0/2), g.zp()
		x := g.input("x", s, q(sIn, zIn))
		y := g.i8t("y", os, q(g.scale(1.0/128, 4), g.zp()))
		g.note("REDUCE_PROD int8 %v axes %v keep_dims %v (a size-1 axis among %d values)", s, axes, keep, count)
		g.b.Op(tflite.BuiltinOperatorREDUCE_PROD, 1, opts(tflite.BuiltinOptionsReducerOptions, &tflite.ReducerOptionsT{KeepDims: keep}),
			[]int{x, g.constI32("axes", axes...)}, []int{y})
		g.finish(y)
		return nil
	}
}
