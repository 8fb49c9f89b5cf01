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

func init() {
	f32, i8, u8, i16, i32 := tflite.TensorTypeFLOAT32, tflite.TensorTypeINT8, tflite.TensorTypeUINT8, tflite.TensorTypeINT16, tflite.TensorTypeINT32
	for _, b := range []struct {
		name string
		code tflite.BuiltinOperator
		typ  tflite.TensorType
	}{
		{"DIV_float", tflite.BuiltinOperatorDIV, f32}, {"DIV_int32", tflite.BuiltinOperatorDIV, i32}, {"DIV_uint8", tflite.BuiltinOperatorDIV, u8},
		{"FLOOR_DIV_float", tflite.BuiltinOperatorFLOOR_DIV, f32}, {"FLOOR_DIV_int32", tflite.BuiltinOperatorFLOOR_DIV, i32},
		{"FLOOR_MOD_float", tflite.BuiltinOperatorFLOOR_MOD, f32}, {"FLOOR_MOD_int32", tflite.BuiltinOperatorFLOOR_MOD, i32},
		{"MAXIMUM", tflite.BuiltinOperatorMAXIMUM, i8}, {"MAXIMUM_float", tflite.BuiltinOperatorMAXIMUM, f32},
		{"MAXIMUM_uint8", tflite.BuiltinOperatorMAXIMUM, u8}, {"MAXIMUM_int16", tflite.BuiltinOperatorMAXIMUM, i16},
		{"MAXIMUM_int32", tflite.BuiltinOperatorMAXIMUM, i32},
		{"MINIMUM", tflite.BuiltinOperatorMINIMUM, i8}, {"MINIMUM_float", tflite.BuiltinOperatorMINIMUM, f32},
		{"MINIMUM_uint8", tflite.BuiltinOperatorMINIMUM, u8}, {"MINIMUM_int16", tflite.BuiltinOperatorMINIMUM, i16},
		{"MINIMUM_int32", tflite.BuiltinOperatorMINIMUM, i32},
		{"SQUARED_DIFFERENCE", tflite.BuiltinOperatorSQUARED_DIFFERENCE, i8},
		{"SQUARED_DIFFERENCE_float", tflite.BuiltinOperatorSQUARED_DIFFERENCE, f32},
		{"SQUARED_DIFFERENCE_int32", tflite.BuiltinOperatorSQUARED_DIFFERENCE, i32},
	} {
		register(b.name, func(g *gen) error { return genMathBinary(g, b.code, b.typ) }, b.code.String())
	}
}

// tflmOnly are generators for types TFLite Micro has and the browser
// TFLite refuses; TestTFLMMath runs them.
var tflmOnly = map[string]func(*gen) error{
	"DIV_int8": func(g *gen) error { return genMathBinary(g, tflite.BuiltinOperatorDIV, tflite.TensorTypeINT8) },
}

// quantOf draws a quantization for a tensor of type typ (nil for float32
// and int32).
func (g *gen) quantOf(typ tflite.TensorType, lo, hi float64) *tfbuild.Quant {
	switch typ {
	case tflite.TensorTypeINT8:
		return q(g.scale(lo, hi), g.zp())
	case tflite.TensorTypeUINT8:
		return q(g.scale(lo, hi), g.zp()+128)
	case tflite.TensorTypeINT16:
		return q(g.scale(lo/256, hi/256), 0)
	}
	return nil
}

func genMathBinary(g *gen, code tflite.BuiltinOperator, typ tflite.TensorType) error {
	sa := g.shape(1, 4, 300)
	sb := g.broadcastOf(sa)
	if g.chance(0.5) {
		sa, sb = sb, sa
	}
	q1, q2 := g.quantOf(typ, 1.0/256, 1.0/4), g.quantOf(typ, 1.0/256, 1.0/4)
	qo := q1
	if q1 != nil {
		switch code {
		case tflite.BuiltinOperatorDIV:
			qo = g.quantOf(typ, float64(q1.Scale[0])/float64(q2.Scale[0])/64, float64(q1.Scale[0])/float64(q2.Scale[0])*4)
			if typ == tflite.TensorTypeINT8 {
				// TFLite Micro aborts when RoundingDivideByPOT's exponent
				// passes 31 (small dividends): real multiplier ≥ 1 and
				// |dividend| ≥ 64 keep most elements inside.
				qo = g.quantOf(typ, float64(q1.Scale[0])/float64(q2.Scale[0])/64, float64(q1.Scale[0])/float64(q2.Scale[0]))
			}
		case tflite.BuiltinOperatorSQUARED_DIFFERENCE:
			m := float64(max(q1.Scale[0], q2.Scale[0]))
			qo = g.quantOf(typ, m*m, m*m*256)
		case tflite.BuiltinOperatorMAXIMUM, tflite.BuiltinOperatorMINIMUM:
			if g.chance(0.5) {
				q2 = q1
			}
			qo = q1
		}
	}
	divides := code == tflite.BuiltinOperatorDIV || code == tflite.BuiltinOperatorFLOOR_DIV || code == tflite.BuiltinOperatorFLOOR_MOD
	operand := func(name string, s []int, qq *tfbuild.Quant) int {
		if typ == tflite.TensorTypeFLOAT32 {
			t := g.b.Tensor(name, typ, s, nil, nil)
			v := g.floats(prod(s), -100, 100)
			if divides && name == "b" {
				for i := range v {
					if v[i] == 0 {
						v[i] = 0.5
					}
				}
			}
			g.inputs, g.inputData = append(g.inputs, t), append(g.inputData, tfbuild.F32(v...))
			return t
		}
		t := g.typed(name, typ, s, qq)
		if divides && name == "b" { // no zero divisors: TFLite refuses them (or divides by zero)
			d := g.inputData[len(g.inputData)-1]
			var zp int64
			if qq != nil {
				zp = qq.ZeroPoint[0]
			}
			switch typ {
			case tflite.TensorTypeINT32:
				v := make([]int32, len(d)/4)
				for i := range v {
					v[i] = int32(uint32(d[4*i]) | uint32(d[4*i+1])<<8 | uint32(d[4*i+2])<<16 | uint32(d[4*i+3])<<24)
					if v[i] == 0 || v[i] == -1 {
						v[i] = 7
					}
				}
				copy(d, tfbuild.I32(v...))
			case tflite.TensorTypeUINT8:
				for i := range d {
					if int64(d[i]) == zp {
						d[i]++
					}
				}
			case tflite.TensorTypeINT8:
				for i := range d {
					if int64(int8(d[i])) == zp {
						d[i]++
					}
				}
			}
		}
		return t
	}
	x := operand("a", sa, q1)
	if code == tflite.BuiltinOperatorDIV && typ == tflite.TensorTypeINT8 {
		d, zp := g.inputData[len(g.inputData)-1], q1.ZeroPoint[0]
		for i := range d {
			if v := int64(int8(d[i])) - zp; v > -64 && v < 64 {
				if zp > 0 {
					d[i] = byte(int8(zp - 64 - int64(g.intn(0, int(zp+64)))))
				} else {
					d[i] = byte(int8(zp + 64 + int64(g.intn(0, int(63-64-zp+64)))))
				}
			}
		}
	}
	y := operand("b", sb, q2)
	out := g.b.Tensor("out", typ, broadcastShape(sa, sb), qo, nil)
	var o *tflite.BuiltinOptionsT
	act := tflite.ActivationFunctionTypeNONE
	if code == tflite.BuiltinOperatorDIV {
		act = g.act()
		o = opts(tflite.BuiltinOptionsDivOptions, &tflite.DivOptionsT{FusedActivationFunction: act})
	}
	g.note("%v %v %v × %v act %v", code, typ, sa, sb, act)
	g.b.Op(code, 1, o, []int{x, y}, []int{out})
	g.finish(out)
	return nil
}

func init() {
	for _, s := range []struct {
		name string
		typ  tflite.TensorType
	}{
		{"SUM", tflite.TensorTypeINT8}, {"SUM_float", tflite.TensorTypeFLOAT32}, {"SUM_uint8", tflite.TensorTypeUINT8},
		{"SUM_int16", tflite.TensorTypeINT16}, {"SUM_int32", tflite.TensorTypeINT32},
	} {
		register(s.name, func(g *gen) error { return genSum(g, tflite.BuiltinOperatorSUM, s.typ) }, "SUM")
	}
}

func genSum(g *gen, code tflite.BuiltinOperator, typ tflite.TensorType) error {
	s := g.shape(1, 4, 300)
	var axes []int32
	for d := range s {
		if g.chance(0.5) {
			ax := int32(d)
			if g.chance(0.3) {
				ax -= int32(len(s))
			}
			axes = append(axes, ax)
		}
	}
	if len(axes) == 0 {
		axes = []int32{int32(len(s) - 1)}
	}
	keep := g.chance(0.5)
	var outShape []int
	n := 1
	for d, v := range s {
		red := false
		for _, a := range axes {
			if int(a) == d || int(a)+len(s) == d {
				red = true
			}
		}
		switch {
		case !red:
			outShape = append(outShape, v)
		case keep:
			outShape = append(outShape, 1)
			n *= v
		default:
			n *= v
		}
		_ = n
	}
	if outShape == nil {
		outShape = []int{}
	}
	qi := g.quantOf(typ, 1.0/256, 1.0/4)
	qo := qi
	if qi != nil && typ != tflite.TensorTypeINT16 && g.chance(0.7) { // the browser TFLite refuses int16 SUM with a new scale
		qo = g.quantOf(typ, float64(qi.Scale[0])*float64(n)/4, float64(qi.Scale[0])*float64(n)*2)
	}
	var x int
	if typ == tflite.TensorTypeFLOAT32 {
		x = g.b.Tensor("x", typ, s, nil, nil)
		g.inputs, g.inputData = append(g.inputs, x), append(g.inputData, tfbuild.F32(g.floats(prod(s), -100, 100)...))
	} else {
		x = g.typed("x", typ, s, qi)
	}
	ax := g.constI32("axes", axes...)
	y := g.b.Tensor("y", typ, outShape, qo, nil)
	g.note("%v %v %v axes %v keep_dims %v", code, typ, s, axes, keep)
	g.b.Op(code, 1, opts(tflite.BuiltinOptionsReducerOptions, &tflite.ReducerOptionsT{KeepDims: keep}), []int{x, ax}, []int{y})
	g.finish(y)
	return nil
}
