package difftest

import (
	"math"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generators for the elementwise math and reduction ops (DIV, FLOOR_DIV,
// FLOOR_MOD, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, PRELU, ABS, NEG, SQUARE,
// SQRT, RSQRT, EXP, LOG, SIN, COS, SUM, ...), one per op and type: NAME is
// int8 where TFLite has it, NAME_float, NAME_int32, NAME_uint8, NAME_int16
// the other types.

func init() {
	for _, u := range []struct {
		name   string
		code   tflite.BuiltinOperator
		lo, hi float64
	}{
		{"SIN_float", tflite.BuiltinOperatorSIN, -20, 20},
		{"COS_float", tflite.BuiltinOperatorCOS, -20, 20},
		{"EXP_float", tflite.BuiltinOperatorEXP, -30, 30},
		{"LOG_float", tflite.BuiltinOperatorLOG, 0, 100},
		{"SQRT_float", tflite.BuiltinOperatorSQRT, 0, 100},
		{"RSQRT_float", tflite.BuiltinOperatorRSQRT, 0, 100},
		{"SQUARE_float", tflite.BuiltinOperatorSQUARE, -100, 100},
		{"NEG_float", tflite.BuiltinOperatorNEG, -100, 100},
		{"ABS_float", tflite.BuiltinOperatorABS, -100, 100},
	} {
		register(u.name, func(g *gen) error { return genFloatUnary(g, u.code, u.lo, u.hi) }, u.code.String())
	}
	register("NEG_int32", func(g *gen) error { return genIntUnary(g, tflite.BuiltinOperatorNEG) }, "NEG")
	register("ABS", func(g *gen) error { return genQuantUnary(g, tflite.BuiltinOperatorABS, tflite.TensorTypeINT8) })
	register("ABS_int16", func(g *gen) error { return genQuantUnary(g, tflite.BuiltinOperatorABS, tflite.TensorTypeINT16) }, "ABS")
	register("RSQRT", func(g *gen) error { return genQuantUnary(g, tflite.BuiltinOperatorRSQRT, tflite.TensorTypeINT8) })
}

// typed adds a subgraph input of any type with random data.
func (g *gen) typed(name string, typ tflite.TensorType, shape []int, qq *tfbuild.Quant) int {
	t := g.b.Tensor(name, typ, shape, qq, nil)
	g.inputs = append(g.inputs, t)
	n := prod(shape)
	var d []byte
	switch typ {
	case tflite.TensorTypeINT8, tflite.TensorTypeUINT8:
		d = g.i8(n)
	case tflite.TensorTypeINT16:
		v := make([]int16, n)
		for i := range v {
			v[i] = int16(g.intn(-32768, 32767))
			if g.chance(0.05) {
				v[i] = pick(g, int16(-32768), int16(32767), int16(0))
			}
		}
		d = tfbuild.I16(v...)
	case tflite.TensorTypeINT32:
		v := make([]int32, n)
		for i := range v {
			v[i] = int32(g.intn(-1000, 1000))
			if g.chance(0.1) {
				v[i] = int32(g.rng.Uint32())
			}
		}
		d = tfbuild.I32(v...)
	}
	g.inputData = append(g.inputData, d)
	return t
}

// floats draws n float32 values in [lo, hi), some of them special (0, −0,
// the bounds, integers).
func (g *gen) floats(n int, lo, hi float64) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(lo + g.rng.Float64()*(hi-lo))
		if g.chance(0.05) {
			v[i] = pick(g, float32(0), float32(math.Copysign(0, -1)), float32(lo), float32(math.Round(float64(v[i]))))
		}
	}
	return v
}

func genFloatUnary(g *gen, code tflite.BuiltinOperator, lo, hi float64) error {
	s := g.shape(1, 4, 300)
	x := g.b.Tensor("x", tflite.TensorTypeFLOAT32, s, nil, nil)
	g.inputs, g.inputData = append(g.inputs, x), append(g.inputData, tfbuild.F32(g.floats(prod(s), lo, hi)...))
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, s, nil, nil)
	g.note("%v float32 %v in [%g, %g)", code, s, lo, hi)
	g.b.Op(code, 1, nil, []int{x}, []int{y})
	g.finish(y)
	return nil
}

func genIntUnary(g *gen, code tflite.BuiltinOperator) error {
	s := g.shape(1, 4, 300)
	x := g.typed("x", tflite.TensorTypeINT32, s, nil)
	y := g.b.Tensor("y", tflite.TensorTypeINT32, s, nil, nil)
	g.note("%v int32 %v", code, s)
	g.b.Op(code, 1, nil, []int{x}, []int{y})
	g.finish(y)
	return nil
}

// genQuantUnary is a quantized unary op with its own output quantization.
func genQuantUnary(g *gen, code tflite.BuiltinOperator, typ tflite.TensorType) error {
	s := g.shape(1, 4, 300)
	sIn := g.scale(1.0/256, 1.0/2)
	zIn, zOut := g.zp(), g.zp()
	if typ == tflite.TensorTypeINT16 {
		zIn, zOut = 0, 0
	}
	sOut := sIn
	switch {
	case code == tflite.BuiltinOperatorRSQRT:
		zIn = int64(g.intn(-128, 0))
		sOut = g.scale(1.0/256, 1.0/4)
	case g.chance(0.7):
		sOut = g.scaleNear(float64(sIn), 2)
	}
	x := g.typed("x", typ, s, q(sIn, zIn))
	if code == tflite.BuiltinOperatorRSQRT { // TFLite refuses inputs below the zero point
		d := g.inputData[len(g.inputData)-1]
		for i := range d {
			if int64(int8(d[i])) < zIn {
				d[i] = byte(int8(zIn + int64(g.intn(0, int(127-zIn)))))
			}
		}
	}
	y := g.b.Tensor("y", typ, s, q(sOut, zOut), nil)
	g.note("%v %v %v", code, typ, s)
	g.b.Op(code, 1, nil, []int{x}, []int{y})
	g.finish(y)
	return nil
}
