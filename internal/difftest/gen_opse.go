package difftest

import (
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generators for L2_NORMALIZATION (int8, float), one per op and type as in
// gen_math.go.

func init() {
	register("L2_NORMALIZATION", func(g *gen) error { return genL2Norm(g, tflite.TensorTypeINT8) })
	register("L2_NORMALIZATION_float", func(g *gen) error { return genL2Norm(g, tflite.TensorTypeFLOAT32) }, "L2_NORMALIZATION")
}

// l2NormShape draws a shape of rank 1 to 4 whose last dimension (the
// normalized one) is sometimes long.
func (g *gen) l2NormShape() []int {
	s := g.shape(0, 3, 40)
	return append(s, pick(g, 1, 2, g.intn(1, 8), g.intn(1, 64)))
}

func genL2Norm(g *gen, typ tflite.TensorType) error {
	s := g.l2NormShape()
	depth := s[len(s)-1]
	var x, y int
	if typ == tflite.TensorTypeFLOAT32 {
		v := g.floats(prod(s), -10, 10)
		for r := 0; r < len(v); r += depth { // rows whose norm is below 1e-6, or 0
			if g.chance(0.15) {
				tiny := pick(g, float32(0), float32(1e-9), float32(3e-7))
				for i := r; i < r+depth; i++ {
					v[i] *= tiny
				}
			}
		}
		x = g.b.Tensor("x", typ, s, nil, nil)
		g.inputs, g.inputData = append(g.inputs, x), append(g.inputData, tfbuild.F32(v...))
		y = g.b.Tensor("y", typ, s, nil, nil)
	} else {
		zIn := g.zp()
		x = g.input("x", s, q(g.scale(1.0/256, 4), zIn))
		d := g.inputData[len(g.inputData)-1]
		for r := 0; r < len(d); r += depth { // rows at the zero point: Σv² = 0
			if g.chance(0.1) {
				for i := r; i < r+depth; i++ {
					d[i] = byte(int8(zIn))
				}
			}
		}
		y = g.i8t("y", s, q(1.0/128, 0))
	}
	g.note("L2_NORMALIZATION %v %v", typ, s)
	g.b.Op(tflite.BuiltinOperatorL2_NORMALIZATION, 1, opts(tflite.BuiltinOptionsL2NormOptions, &tflite.L2NormOptionsT{}), []int{x}, []int{y})
	g.finish(y)
	return nil
}
