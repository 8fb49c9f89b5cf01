package difftest

import (
	"encoding/binary"
	"slices"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generators for the float32 paths of ops whose int8 generators live
// elsewhere: what float32 models (deeplabv3, MobileNet-style classifiers)
// run inside the XNNPACK delegate, and what TFLite's builtin kernels run
// when the delegate does not take the op.

// floatTwins are the int8 generators whose models asFloat turns into
// float32 ones (the ops without a float generator of their own).
var floatTwins = []string{"LOGISTIC", "LEAKY_RELU", "HARD_SWISH", "RELU", "RELU6", "MAX_POOL_2D", "MEAN", "ARG_MAX",
	"RESHAPE", "SQUEEZE", "EXPAND_DIMS", "PAD", "PADV2", "STRIDED_SLICE", "TRANSPOSE_CONV"}

func init() {
	register("DEPTHWISE_CONV_2D_float", genDepthwiseFloat, "DEPTHWISE_CONV_2D")
	register("ADD_float", func(g *gen) error { return genBinaryFloat(g, tflite.BuiltinOperatorADD) }, "ADD")
	register("SUB_float", func(g *gen) error { return genBinaryFloat(g, tflite.BuiltinOperatorSUB) }, "SUB")
	register("MUL_float", func(g *gen) error { return genBinaryFloat(g, tflite.BuiltinOperatorMUL) }, "MUL")
	register("CONCATENATION_float", genConcatFloat, "CONCATENATION")
	register("TANH_float", func(g *gen) error { return genFloatUnary(g, tflite.BuiltinOperatorTANH, -9, 9) }, "TANH")
	register("TRANSPOSE_float", genTransposeFloat, "TRANSPOSE")
	register("FULLY_CONNECTED_float_builtin", genFCFloatBuiltin, "FULLY_CONNECTED")
	register("CONV_2D_float_builtin", genConvFloatBuiltin, "CONV_2D")
	register("BATCH_MATMUL_hybrid", genBatchMatMulHybrid, "BATCH_MATMUL")
	register("SVDF_float", func(g *gen) error { return genSVDFFloat(g, false) }, "SVDF")
	register("SVDF_hybrid", func(g *gen) error { return genSVDFFloat(g, true) }, "SVDF")
	tflmLacks["SVDF_hybrid"] = "TFLite Micro has no hybrid SVDF"
	tflmLacks["LOGISTIC_float"] = "TFLite Micro's float LOGISTIC calls glibc's expf, which is not correctly rounded: its output differs " +
		"from the reference's by one ulp on 1 element in 200 cases (4,912 elements); not modelled"
	for _, base := range floatTwins {
		register(base+"_float", func(g *gen) error { return asFloat(g, generators[base]) }, base)
	}
	tflmLacks["BATCH_MATMUL_hybrid"] = "TFLite Micro's tflm_run has no hybrid BATCH_MATMUL; the reference follows TFLite's reference kernel (hand-derived test)"
	tflmLacks["TANH_float"] = "TFLite Micro's float TANH calls glibc's tanhf, which differs from the correctly rounded tanh the reference computes " +
		"by one ulp on about 5 % of elements (72 of 1,504 in 47 cases); not modelled"
}

// genDepthwiseFloat draws a float32 DEPTHWISE_CONV_2D: windows up to 5×5
// (XNNPACK's depthwise microkernels take 3, 4, 9 and 25 taps with a depth
// multiplier of 1; other windows and multipliers run its IGEMM), strides,
// dilations, both paddings; a filter that is a model input now and then
// (the delegate wants static weights, so TFLite's builtin kernel runs).
func genDepthwiseFloat(g *gen) error {
	g.noPoison = true
	batch, h, w, cin := g.intn(1, 2), g.intn(1, 10), g.intn(1, 10), g.intn(1, 12)
	dm := 1
	if g.chance(0.3) {
		dm = g.intn(2, 3)
	}
	cout := cin * dm
	wd := g.window(5, 3, 3)
	if g.chance(0.4) { // the microkernel tiles and their neighbours
		k := pick(g, [2]int{3, 3}, [2]int{5, 5}, [2]int{1, 3}, [2]int{3, 1}, [2]int{2, 2}, [2]int{1, 4}, [2]int{4, 1}, [2]int{1, 1})
		wd.kh, wd.kw = k[0], k[1]
	}
	oh, ow := outSize(wd.pad, h, wd.kh, wd.sh, wd.dh), outSize(wd.pad, w, wd.kw, wd.sw, wd.dw)
	if oh < 1 || ow < 1 {
		wd.pad = tflite.PaddingSAME
		oh, ow = outSize(wd.pad, h, wd.kh, wd.sh, wd.dh), outSize(wd.pad, w, wd.kw, wd.sw, wd.dw)
	}
	x := g.floatInput("x", []int{batch, h, w, cin}, -3, 3)
	fshape := []int{1, wd.kh, wd.kw, cout}
	var f int
	if g.chance(0.15) {
		f = g.floatInput("w", fshape, -1, 1)
		g.note("filter is an input")
	} else {
		f = g.floatConst("w", fshape, 0.5)
	}
	b := -1
	if g.chance(0.9) {
		b = g.floatConst("bias", []int{cout}, 1)
	} else {
		g.note("no bias")
	}
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, []int{batch, oh, ow, cout}, nil, nil)
	g.note("depthwise in [%d %d %d %d] multiplier %d", batch, h, w, cin, dm)
	g.convOp(x, f, b, y, wd, dm)
	g.finish(y)
	return nil
}

// genBinaryFloat draws a float32 ADD, SUB or MUL with broadcasting, a
// constant operand now and then, and a fused activation.
func genBinaryFloat(g *gen, code tflite.BuiltinOperator) error {
	g.noPoison = true
	sa := g.shape(1, 4, 300)
	sb := g.broadcastOf(sa)
	if g.chance(0.5) {
		sa, sb = sb, sa
	}
	x := g.floatInput("a", sa, -4, 4)
	var y int
	if g.chance(0.2) {
		y = g.b.Tensor("b", tflite.TensorTypeFLOAT32, sb, nil, tfbuild.F32(g.floats(prod(sb), -4, 4)...))
		g.note("constant-b")
	} else {
		y = g.floatInput("b", sb, -4, 4)
	}
	act := g.floatAct()
	out := g.b.Tensor("out", tflite.TensorTypeFLOAT32, broadcastShape(sa, sb), nil, nil)
	g.note("%v %v × %v act %v", code, sa, sb, act)
	g.b.Op(code, 2, binaryOptions(code, act), []int{x, y}, []int{out})
	g.finish(out)
	return nil
}

// genConcatFloat draws a float32 CONCATENATION of 1 to 5 inputs (the
// delegate takes 2 to 4).
func genConcatFloat(g *gen) error {
	g.noPoison = true
	s := g.shape(1, 4, 200)
	axis := g.intn(0, len(s)-1)
	n := g.intn(1, 5)
	var ins []int
	shapes, os := g.concatShapes(s, axis, n)
	for _, si := range shapes {
		ins = append(ins, g.floatInput("x", si, -2, 2))
	}
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, os, nil, nil)
	g.note("CONCATENATION %d inputs → %v axis %d", n, os, axis)
	g.b.Op(tflite.BuiltinOperatorCONCATENATION, 2, opts(tflite.BuiltinOptionsConcatenationOptions,
		&tflite.ConcatenationOptionsT{Axis: int32(axis)}), ins, []int{y})
	g.finish(y)
	return nil
}

// genTransposeFloat draws a float32 TRANSPOSE of rank 1 to 5 (the delegate
// takes it with a constant permutation).
func genTransposeFloat(g *gen) error {
	g.noPoison = true
	s := g.shape(1, 5, 300)
	perm := g.rng.Perm(len(s))
	os := make([]int, len(s))
	p32 := make([]int32, len(s))
	for i, p := range perm {
		os[i], p32[i] = s[p], int32(p)
	}
	x := g.floatInput("x", s, -2, 2)
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, os, nil, nil)
	g.note("TRANSPOSE float32 %v perm %v", s, perm)
	g.b.Op(tflite.BuiltinOperatorTRANSPOSE, 2, nil, []int{x, g.constI32("perm", p32...)}, []int{y})
	g.finish(y)
	return nil
}

// genFCFloatBuiltin draws a float32 FULLY_CONNECTED whose weights are a
// model input: the delegate wants static weights, so TFLite's builtin kernel
// runs it.
func genFCFloatBuiltin(g *gen) error {
	g.noPoison = true
	batch, depth, ch := g.intn(1, 4), g.intn(1, 64), g.intn(1, 24)
	if g.chance(0.3) { // Eigen's blocked product, not its GEMV
		batch, depth, ch = g.intn(4, 24), g.intn(8, 100), g.intn(4, 24)
	}
	x := g.floatInput("x", []int{batch, depth}, -2, 2)
	w := g.floatInput("w", []int{ch, depth}, -1, 1)
	b := -1
	if g.chance(0.8) {
		b = g.floatConst("bias", []int{ch}, 1)
	}
	act := g.floatAct()
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, []int{batch, ch}, nil, nil)
	g.note("float in [%d %d] w [%d %d] (an input) bias %v act %v", batch, depth, ch, depth, b >= 0, act)
	g.b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 1, opts(tflite.BuiltinOptionsFullyConnectedOptions,
		&tflite.FullyConnectedOptionsT{FusedActivationFunction: act}), []int{x, w, b}, []int{y})
	g.finish(y)
	return nil
}

// genConvFloatBuiltin draws a float32 CONV_2D whose filter is a model
// input, so that TFLite's builtin kernel runs it.
func genConvFloatBuiltin(g *gen) error {
	g.noPoison = true
	return g.floatConv("w", weightsInput)
}

// genBatchMatMulHybrid draws a hybrid BATCH_MATMUL: a float32 lhs of rank
// 2–4 (broadcast batch dimensions), constant int8 weights of rank 2–3
// (per tensor, now and then per channel), adj_x/adj_y, symmetric or
// asymmetric input quantization, rows of zeros.
func genBatchMatMulHybrid(g *gen) error {
	g.noPoison = true
	m, k, n := g.intn(1, 6), g.intn(1, 40), g.intn(1, 8)
	var lb, rb []int
	switch g.intn(0, 4) {
	case 1:
		lb = []int{g.intn(1, 3)}
	case 2:
		lb, rb = []int{g.intn(1, 3)}, []int{1}
	case 3:
		lb = []int{g.intn(1, 3), g.intn(1, 3)}
	case 4:
		b := g.intn(1, 3)
		lb, rb = []int{b}, []int{b}
	}
	adjX, adjY, asym := g.chance(0.3), g.chance(0.3), g.chance(0.5)
	if adjX && len(rb) > 0 && rb[0] == 1 { // TFLite would merge lhs dimensions across the transposition: refused
		rb = nil
	}
	ls := append(slices.Clone(lb), m, k)
	if adjX {
		ls = append(slices.Clone(lb), k, m)
	}
	rs := append(slices.Clone(rb), k, n)
	if adjY {
		rs = append(slices.Clone(rb), n, k)
	}
	x := g.floatInput("x", ls, -3, 3)
	wq := q(g.scale(1.0/512, 1.0/8), 0)
	if g.chance(0.1) {
		wq = &tfbuild.Quant{Axis: int32(len(rs) - 1)}
		for range rs[len(rs)-1] {
			wq.Scale, wq.ZeroPoint = append(wq.Scale, g.scale(1.0/512, 1.0/8)), append(wq.ZeroPoint, 0)
		}
		g.note("per-channel")
	}
	w := g.b.Tensor("w", tflite.TensorTypeINT8, rs, wq, g.weights(prod(rs)))
	bs := lb
	if len(rb) > len(bs) {
		bs = rb
	}
	os := append(slices.Clone(bs), m, n)
	if len(lb) == len(rb) {
		for i := range lb {
			os[i] = max(lb[i], rb[i])
		}
	}
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, os, nil, nil)
	g.note("hybrid BATCH_MATMUL %v × %v adj %v %v asymmetric %v", ls, rs, adjX, adjY, asym)
	g.b.Op(tflite.BuiltinOperatorBATCH_MATMUL, 4, opts(tflite.BuiltinOptionsBatchMatMulOptions,
		&tflite.BatchMatMulOptionsT{AdjX: adjX, AdjY: adjY, AsymmetricQuantizeInputs: asym}), []int{x, w}, []int{y})
	g.finish(y)
	return nil
}

// genSVDFFloat draws a float32 SVDF or, hybrid, one with int8
// weights_feature and weights_time (dynamic range): one step from the zero
// state (TestVariableTensorsPersist runs them ten steps in a row).
func genSVDFFloat(g *gen, hybrid bool) error {
	g.noPoison = true
	batch, inSize, units, rank, memory := g.intn(1, 3), g.intn(1, 24), g.intn(1, 8), g.intn(1, 3), g.intn(1, 8)
	filters := units * rank
	x := g.floatInput("x", []int{batch, inSize}, -2, 2)
	var wf, wt int
	if hybrid {
		wf = g.b.Tensor("weights_feature", tflite.TensorTypeINT8, []int{filters, inSize}, q(g.scale(1.0/512, 1.0/16), 0), g.weights(filters*inSize))
		wt = g.b.Tensor("weights_time", tflite.TensorTypeINT8, []int{filters, memory}, q(g.scale(1.0/512, 1.0/16), 0), g.weights(filters*memory))
	} else {
		wf, wt = g.floatConst("weights_feature", []int{filters, inSize}, 0.3), g.floatConst("weights_time", []int{filters, memory}, 0.5)
	}
	b := -1
	if g.chance(0.7) {
		b = g.floatConst("bias", []int{units}, 1)
	}
	state := g.b.Tensor("state", tflite.TensorTypeFLOAT32, []int{batch, filters * memory}, nil, nil)
	g.b.M.Subgraphs[0].Tensors[state].IsVariable = true
	act, asym := g.floatAct(), g.chance(0.5)
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, []int{batch, units}, nil, nil)
	g.note("SVDF hybrid %v batch %d input %d units %d rank %d memory %d bias %v act %v asymmetric %v", hybrid, batch, inSize, units, rank, memory, b >= 0, act, asym)
	g.b.Op(tflite.BuiltinOperatorSVDF, 4, opts(tflite.BuiltinOptionsSVDFOptions, &tflite.SVDFOptionsT{Rank: int32(rank),
		FusedActivationFunction: act, AsymmetricQuantizeInputs: asym}), []int{x, wf, wt, b, state}, []int{y})
	g.finish(y)
	return nil
}

// asFloat runs the int8 generator f and turns its model into float32: every
// int8 tensor becomes float32 with its values dequantized ((q − zp)·scale,
// per channel along the quantized dimension), every quantized int32 tensor
// (a bias) too, and the quantization parameters go; shapes, constants of
// other types and the ops stay. So the float twin computes what the int8
// model approximates, through TFLite's float kernels.
func asFloat(g *gen, f func(*gen) error) error {
	g.noPoison = true
	if err := f(g); err != nil {
		return err
	}
	m := g.b.M
	sg := m.Subgraphs[0]
	isInput := map[int]int{}
	for i, t := range g.inputs {
		isInput[t] = i
	}
	for ti, t := range sg.Tensors {
		tq := t.Quantization
		quantized := tq != nil && len(tq.Scale) > 0
		if t.Type != tflite.TensorTypeINT8 && !(t.Type == tflite.TensorTypeINT32 && quantized) {
			continue
		}
		size := 1
		if t.Type == tflite.TensorTypeINT32 {
			size = 4
		}
		conv := func(b []byte) []byte {
			if len(b) == 0 {
				return b
			}
			n := len(b) / size
			inner := 1
			if quantized && len(tq.Scale) > 1 {
				for _, d := range t.Shape[tq.QuantizedDimension+1:] {
					inner *= int(d)
				}
			}
			v := make([]float32, n)
			for i := range v {
				q := int64(int8(b[i]))
				if size == 4 {
					q = int64(int32(binary.LittleEndian.Uint32(b[4*i:])))
				}
				s, zp := float32(1), int64(0)
				if quantized {
					c := 0
					if len(tq.Scale) > 1 {
						c = i / inner % len(tq.Scale)
					}
					s, zp = tq.Scale[c], tq.ZeroPoint[min(c, len(tq.ZeroPoint)-1)]
				}
				v[i] = float32(q-zp) * s
			}
			return tfbuild.F32(v...)
		}
		if buf := m.Buffers[t.Buffer]; t.Buffer != 0 && buf != nil {
			buf.Data = conv(buf.Data)
		}
		if i, ok := isInput[ti]; ok {
			g.inputData[i] = conv(g.inputData[i])
		}
		t.Type, t.Quantization = tflite.TensorTypeFLOAT32, nil
	}
	g.note("as-float")
	return nil
}
