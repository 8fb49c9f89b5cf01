package difftest

import (
	"math"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generators for L2_NORMALIZATION (int8, float), REDUCE_PROD (int8,
// float, int32) and GELU (int8, uint8, float), one per op and type as in
// gen_math.go.

func init() {
	register("L2_NORMALIZATION", func(g *gen) error { return genL2Norm(g, tflite.TensorTypeINT8) })
	register("L2_NORMALIZATION_float", func(g *gen) error { return genL2Norm(g, tflite.TensorTypeFLOAT32) }, "L2_NORMALIZATION")
	register("REDUCE_PROD_float", func(g *gen) error { return genReduceProd(g, tflite.TensorTypeFLOAT32) }, "REDUCE_PROD")
	register("REDUCE_PROD_int32", func(g *gen) error { return genReduceProd(g, tflite.TensorTypeINT32) }, "REDUCE_PROD")
	register("REDUCE_PROD", func(g *gen) error { return genReduceProd(g, tflite.TensorTypeINT8) })
	register("GELU", func(g *gen) error { return genGelu(g, tflite.TensorTypeINT8) })
	register("GELU_uint8", func(g *gen) error { return genGelu(g, tflite.TensorTypeUINT8) }, "GELU")
	register("GELU_float", func(g *gen) error { return genGelu(g, tflite.TensorTypeFLOAT32) }, "GELU")
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

// reduceAxes draws the axes of a reduction over shape s (some negative,
// some repeated) and keep_dims, and returns the output shape.
func (g *gen) reduceAxes(s []int) (axes []int32, keep bool, out []int) {
	reduced := make([]bool, len(s))
	for d := range s {
		if g.chance(0.5) || (d == len(s)-1 && len(axes) == 0) {
			reduced[d] = true
			axes = append(axes, int32(d-pick(g, 0, 0, len(s))))
		}
	}
	if g.chance(0.2) {
		axes = append(axes, axes[0])
	}
	g.rng.Shuffle(len(axes), func(i, j int) { axes[i], axes[j] = axes[j], axes[i] })
	keep = g.chance(0.5)
	out = []int{}
	for d, n := range s {
		switch {
		case !reduced[d]:
			out = append(out, n)
		case keep:
			out = append(out, 1)
		}
	}
	return axes, keep, out
}

// genReduceProd multiplies float32 values of magnitude near 1 (so that
// products stay finite and every rounding shows), with some 0, −0, ±Inf
// and NaN, int32 values that are small or large (wrapping), or int8 values
// whose real values are often near ±1.
func genReduceProd(g *gen, typ tflite.TensorType) error {
	s := g.shape(1, 4, 200)
	axes, keep, os := g.reduceAxes(s)
	n := prod(s)
	var d []byte
	if typ == tflite.TensorTypeFLOAT32 {
		v := g.floats(n, 0.5, 2)
		for i := range v {
			if g.chance(0.5) {
				v[i] = -v[i]
			}
			if g.chance(0.01) {
				v[i] = pick(g, float32(math.Inf(1)), float32(math.NaN()), float32(1e30), float32(1e-30))
			}
		}
		d = tfbuild.F32(v...)
	} else if typ == tflite.TensorTypeINT8 {
		for _, a := range axes { // the engine refuses int8 reductions over a dimension of 1 (the output shape stays)
			if d := (int(a) + len(s)) % len(s); s[d] == 1 {
				s[d] = 2
			}
		}
		sIn, zIn := g.scale(1.0/64, 1.0/2), g.zp()
		x := g.input("x", s, q(sIn, zIn))
		if g.chance(0.7) { // real values in about [−2, 2]
			d, r := g.inputData[len(g.inputData)-1], int(2/sIn)
			for i := range d {
				d[i] = byte(int8(max(-128, min(127, int(zIn)+g.intn(-r, r)))))
			}
		}
		y := g.i8t("y", os, q(g.scale(1.0/128, 4), g.zp()))
		g.note("REDUCE_PROD int8 %v axes %v keep_dims %v", s, axes, keep)
		g.b.Op(tflite.BuiltinOperatorREDUCE_PROD, 1, opts(tflite.BuiltinOptionsReducerOptions, &tflite.ReducerOptionsT{KeepDims: keep}),
			[]int{x, g.constI32("axes", axes...)}, []int{y})
		g.finish(y)
		return nil
	} else {
		v := make([]int32, n)
		for i := range v {
			v[i] = int32(g.intn(-4, 4))
			if g.chance(0.1) {
				v[i] = int32(g.rng.Uint32())
			}
		}
		d = tfbuild.I32(v...)
	}
	x := g.b.Tensor("x", typ, s, nil, nil)
	g.inputs, g.inputData = append(g.inputs, x), append(g.inputData, d)
	y := g.b.Tensor("y", typ, os, nil, nil)
	g.note("REDUCE_PROD %v %v axes %v keep_dims %v", typ, s, axes, keep)
	g.b.Op(tflite.BuiltinOperatorREDUCE_PROD, 1, opts(tflite.BuiltinOptionsReducerOptions, &tflite.ReducerOptionsT{KeepDims: keep}),
		[]int{x, g.constI32("axes", axes...)}, []int{y})
	g.finish(y)
	return nil
}

// genGelu is GELU, exact or approximate: float32 inputs in [−8, 8), or a
// whole 256-value table of int8 or uint8 inputs with random quantization.
func genGelu(g *gen, typ tflite.TensorType) error {
	approx := g.chance(0.5)
	o := opts(tflite.BuiltinOptionsGeluOptions, &tflite.GeluOptionsT{Approximate: approx})
	var x, y int
	if typ == tflite.TensorTypeFLOAT32 {
		s := g.shape(1, 4, 300)
		x = g.b.Tensor("x", typ, s, nil, nil)
		g.inputs, g.inputData = append(g.inputs, x), append(g.inputData, tfbuild.F32(g.floats(prod(s), -8, 8)...))
		y = g.b.Tensor("y", typ, s, nil, nil)
	} else {
		zIn, zOut := g.zp(), g.zp()
		if typ == tflite.TensorTypeUINT8 {
			zIn, zOut = zIn+128, zOut+128
		}
		s := []int{256}
		x = g.b.Tensor("x", typ, s, q(g.scale(1.0/64, 1.0/4), zIn), nil)
		all := make([]byte, 256)
		for i := range all {
			all[i] = byte(i)
		}
		g.inputs, g.inputData = append(g.inputs, x), append(g.inputData, all)
		y = g.b.Tensor("y", typ, s, q(g.scale(1.0/128, 1.0/16), zOut), nil)
	}
	g.note("GELU %v approximate %v", typ, approx)
	g.b.Op(tflite.BuiltinOperatorGELU, 1, o, []int{x}, []int{y})
	g.finish(y)
	return nil
}
