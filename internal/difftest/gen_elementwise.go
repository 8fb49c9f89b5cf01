package difftest

import (
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generators for elementwise ops: ADD, SUB, MUL (with broadcasting) and the
// unary activations and quantization ops.

func init() {
	register("ADD", func(g *gen) error { return genBinary(g, tflite.BuiltinOperatorADD) })
	register("SUB", func(g *gen) error { return genBinary(g, tflite.BuiltinOperatorSUB) })
	register("MUL", func(g *gen) error { return genBinary(g, tflite.BuiltinOperatorMUL) })
	register("LOGISTIC", func(g *gen) error { return genFixedOut(g, tflite.BuiltinOperatorLOGISTIC, 1.0/256, -128) })
	register("TANH", func(g *gen) error { return genFixedOut(g, tflite.BuiltinOperatorTANH, 1.0/128, 0) })
	register("SOFTMAX", genSoftmax)
	register("LEAKY_RELU", genLeakyRelu)
	register("HARD_SWISH", genHardSwish)
	register("RELU", func(g *gen) error { return genRelu(g, tflite.BuiltinOperatorRELU) })
	register("RELU6", func(g *gen) error { return genRelu(g, tflite.BuiltinOperatorRELU6) })
	register("QUANTIZE", genQuantize)
	register("DEQUANTIZE", genDequantize)
}

// shape draws a shape of rank lo..hi with at most maxElems elements.
func (g *gen) shape(lo, hi, maxElems int) []int {
	for {
		r := g.intn(lo, hi)
		s := make([]int, r)
		for i := range s {
			s[i] = g.intn(1, 7)
		}
		if prod(s) <= maxElems {
			return s
		}
	}
}

// broadcastOf draws a shape that broadcasts against s: s itself, or s with
// leading dimensions dropped and some dimensions set to 1.
func (g *gen) broadcastOf(s []int) []int {
	if g.chance(0.4) {
		return append([]int{}, s...)
	}
	b := append([]int{}, s[g.intn(0, len(s)-1):]...)
	for i := range b {
		if g.chance(0.5) {
			b[i] = 1
		}
	}
	return b
}

func broadcastShape(a, b []int) []int {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range out {
		da, db := 1, 1
		if j := i - (n - len(a)); j >= 0 {
			da = a[j]
		}
		if j := i - (n - len(b)); j >= 0 {
			db = b[j]
		}
		out[i] = max(da, db)
	}
	return out
}

func genBinary(g *gen, code tflite.BuiltinOperator) error {
	sa := g.shape(1, 4, 300)
	sb := g.broadcastOf(sa)
	if g.chance(0.5) {
		sa, sb = sb, sa
	}
	s1, s2 := g.scale(1.0/256, 1.0/4), g.scale(1.0/256, 1.0/4)
	var so float32
	if code == tflite.BuiltinOperatorMUL {
		so = g.scaleNear(float64(s1)*float64(s2)*128*64/64, 2)
	} else {
		so = g.scaleNear(float64(max(s1, s2))*2, 1.5)
	}
	if g.chance(0.05) { // outside XNNPACK's accepted scale ratios: TFLite's builtin kernel
		so = pick(g, s1*512, s1/2048)
		g.note("extreme-output-scale")
	}
	x := g.input("a", sa, q(s1, g.zp()))
	var y int
	if g.chance(0.2) {
		y = g.b.Tensor("b", tflite.TensorTypeINT8, sb, q(s2, g.zp()), g.i8(prod(sb)))
		g.note("constant-b")
	} else {
		y = g.input("b", sb, q(s2, g.zp()))
	}
	act := g.act()
	out := g.i8t("out", broadcastShape(sa, sb), q(so, g.zp()))
	g.note("%v %v × %v act %v", code, sa, sb, act)
	g.b.Op(code, 2, binaryOptions(code, act), []int{x, y}, []int{out})
	g.finish(out)
	return nil
}

// binaryOptions are the options of ADD, SUB or MUL with a fused activation.
func binaryOptions(code tflite.BuiltinOperator, act tflite.ActivationFunctionType) *tflite.BuiltinOptionsT {
	switch code {
	case tflite.BuiltinOperatorADD:
		return opts(tflite.BuiltinOptionsAddOptions, &tflite.AddOptionsT{FusedActivationFunction: act})
	case tflite.BuiltinOperatorSUB:
		return opts(tflite.BuiltinOptionsSubOptions, &tflite.SubOptionsT{FusedActivationFunction: act})
	default:
		return opts(tflite.BuiltinOptionsMulOptions, &tflite.MulOptionsT{FusedActivationFunction: act})
	}
}

// genFixedOut is a unary op whose int8 output quantization TFLite fixes
// (LOGISTIC, TANH).
func genFixedOut(g *gen, code tflite.BuiltinOperator, outScale float32, outZP int64) error {
	s := g.shape(1, 4, 300)
	x := g.input("x", s, q(g.scale(1.0/128, 1.0/4), g.zp()))
	y := g.i8t("y", s, q(outScale, outZP))
	g.note("%v %v", code, s)
	g.b.Op(code, 2, nil, []int{x}, []int{y})
	g.finish(y)
	return nil
}

func genSoftmax(g *gen) error {
	s := g.shape(1, 4, 300)
	beta := float32(1)
	if g.chance(0.3) {
		beta = float32(0.25 + 2*g.rng.Float64())
	}
	x := g.input("x", s, q(g.scale(1.0/64, 1.0/2), g.zp()))
	y := g.i8t("y", s, q(1.0/256, -128))
	g.note("SOFTMAX %v beta %v", s, beta)
	g.b.Op(tflite.BuiltinOperatorSOFTMAX, 2, opts(tflite.BuiltinOptionsSoftmaxOptions, &tflite.SoftmaxOptionsT{Beta: beta}), []int{x}, []int{y})
	g.finish(y)
	return nil
}

func genLeakyRelu(g *gen) error {
	s := g.shape(1, 4, 300)
	sIn := g.scale(1.0/128, 1.0/4)
	sOut := sIn
	if g.chance(0.6) {
		sOut = g.scaleNear(float64(sIn), 1)
	}
	alpha := pick(g, float32(0.01), float32(0.1), float32(0.2), float32(0.3), float32(g.rng.Float64()))
	x := g.input("x", s, q(sIn, g.zp()))
	y := g.i8t("y", s, q(sOut, g.zp()))
	g.note("LEAKY_RELU %v alpha %v", s, alpha)
	g.b.Op(tflite.BuiltinOperatorLEAKY_RELU, 2, opts(tflite.BuiltinOptionsLeakyReluOptions, &tflite.LeakyReluOptionsT{Alpha: alpha}), []int{x}, []int{y})
	g.finish(y)
	return nil
}

func genHardSwish(g *gen) error {
	s := g.shape(1, 4, 300)
	sIn := g.scale(1.0/64, 1.0/8)
	x := g.input("x", s, q(sIn, g.zp()))
	y := g.i8t("y", s, q(g.scaleNear(float64(sIn), 1), g.zp()))
	g.note("HARD_SWISH %v", s)
	g.b.Op(tflite.BuiltinOperatorHARD_SWISH, 1, nil, []int{x}, []int{y})
	g.finish(y)
	return nil
}

func genRelu(g *gen, code tflite.BuiltinOperator) error {
	s := g.shape(1, 4, 300)
	sIn, zIn := g.scale(1.0/128, 1.0/4), g.zp()
	qOut := q(sIn, zIn)
	if code == tflite.BuiltinOperatorRELU && g.chance(0.5) {
		qOut = q(g.scaleNear(float64(sIn), 1), g.zp())
		g.note("requantizing")
	}
	x := g.input("x", s, q(sIn, zIn))
	y := g.i8t("y", s, qOut)
	g.note("%v %v", code, s)
	g.b.Op(code, 2, nil, []int{x}, []int{y})
	g.finish(y)
	return nil
}

func genQuantize(g *gen) error {
	s := g.shape(1, 4, 300)
	sOut, zOut := g.scale(1.0/128, 1.0/4), g.zp()
	var x int
	if g.chance(0.5) { // float → int8
		lim := float64(sOut) * 160
		x = g.inputF32("x", s, -lim, lim)
		g.note("QUANTIZE float32→int8 %v", s)
	} else { // int8 → int8: requantize
		x = g.input("x", s, q(g.scaleNear(float64(sOut), 2), g.zp()))
		g.note("QUANTIZE int8→int8 %v", s)
	}
	y := g.i8t("y", s, q(sOut, zOut))
	g.b.Op(tflite.BuiltinOperatorQUANTIZE, 2, nil, []int{x}, []int{y})
	g.finish(y)
	return nil
}

func genDequantize(g *gen) error {
	s := g.shape(1, 4, 300)
	x := g.input("x", s, q(g.scale(1.0/256, 4), g.zp()))
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, s, nil, nil)
	g.note("DEQUANTIZE %v", s)
	g.b.Op(tflite.BuiltinOperatorDEQUANTIZE, 2, nil, []int{x}, []int{y})
	g.finish(y)
	return nil
}

func init() {
	register("LOGISTIC_table", func(g *gen) error { return genTable(g, tflite.BuiltinOperatorLOGISTIC, 1.0/256, -128) }, "LOGISTIC")
	register("TANH_table", func(g *gen) error { return genTable(g, tflite.BuiltinOperatorTANH, 1.0/128, 0) }, "TANH")
}

// genTable feeds every int8 value once to a table-driven op, so each case
// checks a whole lookup table (float32 exp/tanh rounding included).
func genTable(g *gen, code tflite.BuiltinOperator, outScale float32, outZP int64) error {
	x := g.b.Tensor("x", tflite.TensorTypeINT8, []int{1, 256}, q(g.scale(1.0/256, 1.0/2), g.zp()), nil)
	in := make([]byte, 256)
	for i := range in {
		in[i] = byte(int8(i - 128))
	}
	g.inputs, g.inputData = append(g.inputs, x), append(g.inputData, in)
	y := g.i8t("y", []int{1, 256}, q(outScale, outZP))
	g.note("%v over all 256 inputs", code)
	g.b.Op(code, 2, nil, []int{x}, []int{y})
	g.finish(y)
	return nil
}
