package difftest

import (
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Multi-op generators: small networks whose ops feed each other, so that
// one op's arithmetic reaches the next and the delegate partitions a real
// graph (including graphs where one op makes XNNPACK fail as a whole).

func init() {
	register("chain_cnn", genChainCNN, "CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "MAX_POOL_2D", "AVERAGE_POOL_2D",
		"MEAN", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX", "LOGISTIC")
	register("chain_elementwise", genChainElementwise, "QUANTIZE", "ADD", "MUL", "SUB", "LEAKY_RELU", "CONCATENATION",
		"TRANSPOSE", "DEQUANTIZE", "TANH", "HARD_SWISH", "RELU")
}

// tensor is a tensor being threaded through a chain.
type tensor struct {
	t     int
	shape []int
	q     *tfbuild.Quant
}

func (g *gen) conv(x tensor, depthwise bool, act tflite.ActivationFunctionType, same bool) tensor {
	c := x.shape[3]
	wd := g.window(3, 2, 1)
	if same {
		wd.sh, wd.sw, wd.pad = 1, 1, tflite.PaddingSAME
	}
	oh, ow := outSize(wd.pad, x.shape[1], wd.kh, wd.sh, 1), outSize(wd.pad, x.shape[2], wd.kw, wd.sw, 1)
	if oh < 1 || ow < 1 {
		wd.pad = tflite.PaddingSAME
		oh, ow = outSize(wd.pad, x.shape[1], wd.kh, wd.sh, 1), outSize(wd.pad, x.shape[2], wd.kw, wd.sw, 1)
	}
	sIn := x.q.Scale[0]
	if depthwise {
		fq := g.filterQuant(c, 3, g.chance(0.6))
		f := g.b.Tensor("dw_filter", tflite.TensorTypeINT8, []int{1, wd.kh, wd.kw, c}, fq, g.weights(c*wd.kh*wd.kw))
		b := g.bias(c, sIn, fq, wd.kh*wd.kw)
		yq := q(g.outScale(sIn, fq, wd.kh*wd.kw), g.zp())
		y := g.i8t("dw_out", []int{x.shape[0], oh, ow, c}, yq)
		g.b.Op(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, 3, opts(tflite.BuiltinOptionsDepthwiseConv2DOptions, &tflite.DepthwiseConv2DOptionsT{
			Padding: wd.pad, StrideH: int32(wd.sh), StrideW: int32(wd.sw), DilationHFactor: 1, DilationWFactor: 1,
			DepthMultiplier: 1, FusedActivationFunction: act}), []int{x.t, f, b}, []int{y})
		g.note("dw %dx%d/%d%d %v", wd.kh, wd.kw, wd.sh, wd.sw, act)
		return tensor{y, []int{x.shape[0], oh, ow, c}, yq}
	}
	cout := g.intn(1, 8)
	fq := g.filterQuant(cout, 0, g.chance(0.6))
	f := g.b.Tensor("filter", tflite.TensorTypeINT8, []int{cout, wd.kh, wd.kw, c}, fq, g.weights(cout*wd.kh*wd.kw*c))
	b := g.bias(cout, sIn, fq, wd.kh*wd.kw*c)
	yq := q(g.outScale(sIn, fq, wd.kh*wd.kw*c), g.zp())
	y := g.i8t("conv_out", []int{x.shape[0], oh, ow, cout}, yq)
	g.b.Op(tflite.BuiltinOperatorCONV_2D, 3, opts(tflite.BuiltinOptionsConv2DOptions, &tflite.Conv2DOptionsT{
		Padding: wd.pad, StrideH: int32(wd.sh), StrideW: int32(wd.sw), DilationHFactor: 1, DilationWFactor: 1,
		FusedActivationFunction: act}), []int{x.t, f, b}, []int{y})
	g.note("conv %dx%dx%d/%d%d %v", wd.kh, wd.kw, cout, wd.sh, wd.sw, act)
	return tensor{y, []int{x.shape[0], oh, ow, cout}, yq}
}

// poison makes the next activation's output range empty (zero point 127
// with RELU), which TFLite's builtin kernels accept but XNNPACK refuses to
// create, so the whole delegate fails.
func (g *gen) maybePoison(q *tfbuild.Quant, act *tflite.ActivationFunctionType) {
	if g.chance(0.1) {
		q.ZeroPoint[0] = 127
		*act = tflite.ActivationFunctionTypeRELU
		g.note("poison")
	}
}

func genChainCNN(g *gen) error {
	n, h, w, c := 1, g.intn(3, 9), g.intn(3, 9), g.intn(1, 4)
	xq := q(g.scale(1.0/128, 1.0/16), g.zp())
	x := tensor{g.input("image", []int{n, h, w, c}, xq), []int{n, h, w, c}, xq}
	act := g.act()
	y := g.conv(x, false, act, false)
	if g.chance(0.7) {
		act2 := g.act()
		same := g.chance(0.5)
		d := g.conv(y, true, act2, same)
		if same && g.chance(0.7) { // residual
			oq := q(g.scaleNear(float64(max(y.q.Scale[0], d.q.Scale[0]))*2, 1), g.zp())
			a := tflite.ActivationFunctionTypeNONE
			g.maybePoison(oq, &a)
			o := g.i8t("residual", d.shape, oq)
			g.b.Op(tflite.BuiltinOperatorADD, 2, opts(tflite.BuiltinOptionsAddOptions, &tflite.AddOptionsT{FusedActivationFunction: a}), []int{y.t, d.t}, []int{o})
			g.note("add")
			d = tensor{o, d.shape, oq}
		}
		y = d
	}
	if g.chance(0.5) && y.shape[1] >= 2 && y.shape[2] >= 2 {
		code := pick(g, tflite.BuiltinOperatorMAX_POOL_2D, tflite.BuiltinOperatorAVERAGE_POOL_2D)
		a := tflite.ActivationFunctionTypeNONE
		if code == tflite.BuiltinOperatorMAX_POOL_2D {
			g.maybePoison(y.q, &a) // a max pool that shares its input's quantization
		}
		oh, ow := outSize(tflite.PaddingVALID, y.shape[1], 2, 2, 1), outSize(tflite.PaddingVALID, y.shape[2], 2, 2, 1)
		s := []int{y.shape[0], oh, ow, y.shape[3]}
		o := g.i8t("pool", s, y.q)
		g.b.Op(code, 2, opts(tflite.BuiltinOptionsPool2DOptions, &tflite.Pool2DOptionsT{Padding: tflite.PaddingVALID,
			StrideH: 2, StrideW: 2, FilterHeight: 2, FilterWidth: 2, FusedActivationFunction: a}), []int{y.t}, []int{o})
		g.note("%v", code)
		y = tensor{o, s, y.q}
	}
	var flat tensor
	if g.chance(0.5) {
		mq := q(g.scaleNear(float64(y.q.Scale[0]), 1), g.zp())
		s := []int{y.shape[0], y.shape[3]}
		o := g.i8t("mean", s, mq)
		g.b.Op(tflite.BuiltinOperatorMEAN, 2, opts(tflite.BuiltinOptionsReducerOptions, &tflite.ReducerOptionsT{}),
			[]int{y.t, g.constI32("axes", 1, 2)}, []int{o})
		g.note("mean")
		flat = tensor{o, s, mq}
	} else {
		s := []int{y.shape[0], y.shape[1] * y.shape[2] * y.shape[3]}
		o := g.i8t("flat", s, y.q)
		g.b.Op(tflite.BuiltinOperatorRESHAPE, 1, nil, []int{y.t, g.constI32("shape", int32(s[0]), int32(s[1]))}, []int{o})
		g.note("reshape")
		flat = tensor{o, s, y.q}
	}
	depth, units := flat.shape[1], g.intn(2, 10)
	fq := g.filterQuant(units, 0, false)
	wt := g.b.Tensor("fc_w", tflite.TensorTypeINT8, []int{units, depth}, fq, g.weights(units*depth))
	b := g.bias(units, flat.q.Scale[0], fq, depth)
	lq := q(g.outScale(flat.q.Scale[0], fq, depth), g.zp())
	fa := g.act()
	g.maybePoison(lq, &fa)
	logits := g.i8t("logits", []int{flat.shape[0], units}, lq)
	g.b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, opts(tflite.BuiltinOptionsFullyConnectedOptions,
		&tflite.FullyConnectedOptionsT{FusedActivationFunction: fa}), []int{flat.t, wt, b}, []int{logits})
	g.note("fc %v", fa)
	out := logits
	switch g.rng.Intn(3) {
	case 0:
		out = g.i8t("probs", []int{flat.shape[0], units}, q(1.0/256, -128))
		g.b.Op(tflite.BuiltinOperatorSOFTMAX, 2, opts(tflite.BuiltinOptionsSoftmaxOptions, &tflite.SoftmaxOptionsT{Beta: 1}), []int{logits}, []int{out})
		g.note("softmax")
	case 1:
		out = g.i8t("sigmoid", []int{flat.shape[0], units}, q(1.0/256, -128))
		g.b.Op(tflite.BuiltinOperatorLOGISTIC, 2, nil, []int{logits}, []int{out})
		g.note("logistic")
	}
	g.finish(out)
	return nil
}

func genChainElementwise(g *gen) error {
	s := g.shape(2, 4, 200)
	f := g.inputF32("features", s, -4, 4)
	aq := q(g.scale(1.0/64, 1.0/16), g.zp())
	a := g.i8t("a", s, aq)
	g.b.Op(tflite.BuiltinOperatorQUANTIZE, 2, nil, []int{f}, []int{a})
	bq := q(g.scale(1.0/64, 1.0/16), g.zp())
	b := g.input("b", s, bq)
	// a + b, then · b, then a leaky relu or another activation
	sq := q(g.scaleNear(float64(max(aq.Scale[0], bq.Scale[0]))*2, 1), g.zp())
	act := g.act()
	g.maybePoison(sq, &act)
	sum := g.i8t("sum", s, sq)
	code := pick(g, tflite.BuiltinOperatorADD, tflite.BuiltinOperatorSUB)
	if code == tflite.BuiltinOperatorADD {
		g.b.Op(code, 2, opts(tflite.BuiltinOptionsAddOptions, &tflite.AddOptionsT{FusedActivationFunction: act}), []int{a, b}, []int{sum})
	} else {
		g.b.Op(code, 2, opts(tflite.BuiltinOptionsSubOptions, &tflite.SubOptionsT{FusedActivationFunction: act}), []int{a, b}, []int{sum})
	}
	pq := q(g.scaleNear(float64(sq.Scale[0])*float64(bq.Scale[0])*64, 1.5), g.zp())
	prod := g.i8t("prod", s, pq)
	g.b.Op(tflite.BuiltinOperatorMUL, 2, opts(tflite.BuiltinOptionsMulOptions, &tflite.MulOptionsT{}), []int{sum, b}, []int{prod})
	g.note("%v mul", code)
	cur := tensor{prod, s, pq}
	switch g.rng.Intn(4) {
	case 0:
		oq := q(g.scaleNear(float64(pq.Scale[0]), 1), g.zp())
		o := g.i8t("lrelu", s, oq)
		g.b.Op(tflite.BuiltinOperatorLEAKY_RELU, 2, opts(tflite.BuiltinOptionsLeakyReluOptions, &tflite.LeakyReluOptionsT{Alpha: 0.2}), []int{prod}, []int{o})
		cur = tensor{o, s, oq}
		g.note("leaky_relu")
	case 1:
		oq := q(1.0/128, 0)
		o := g.i8t("tanh", s, oq)
		g.b.Op(tflite.BuiltinOperatorTANH, 2, nil, []int{prod}, []int{o})
		cur = tensor{o, s, oq}
		g.note("tanh")
	case 2:
		oq := q(g.scaleNear(float64(pq.Scale[0]), 1), g.zp())
		o := g.i8t("hswish", s, oq)
		g.b.Op(tflite.BuiltinOperatorHARD_SWISH, 1, nil, []int{prod}, []int{o})
		cur = tensor{o, s, oq}
		g.note("hard_swish")
	case 3:
		oq := q(g.scaleNear(float64(pq.Scale[0]), 1), g.zp())
		o := g.i8t("relu", s, oq)
		g.b.Op(tflite.BuiltinOperatorRELU, 2, nil, []int{prod}, []int{o})
		cur = tensor{o, s, oq}
		g.note("relu")
	}
	// requantize to a's quantization, concatenate with a, transpose, dequantize
	rq := g.i8t("requant", s, aq)
	g.b.Op(tflite.BuiltinOperatorQUANTIZE, 2, nil, []int{cur.t}, []int{rq})
	axis := g.intn(0, len(s)-1)
	cs := append([]int{}, s...)
	cs[axis] *= 2
	cat := g.i8t("concat", cs, aq)
	g.b.Op(tflite.BuiltinOperatorCONCATENATION, 2, opts(tflite.BuiltinOptionsConcatenationOptions, &tflite.ConcatenationOptionsT{Axis: int32(axis)}), []int{rq, a}, []int{cat})
	perm := g.rng.Perm(len(cs))
	ts := make([]int, len(cs))
	p32 := make([]int32, len(cs))
	for i, p := range perm {
		ts[i], p32[i] = cs[p], int32(p)
	}
	tr := g.i8t("transposed", ts, aq)
	g.b.Op(tflite.BuiltinOperatorTRANSPOSE, 2, nil, []int{cat, g.constI32("perm", p32...)}, []int{tr})
	out := g.b.Tensor("out", tflite.TensorTypeFLOAT32, ts, nil, nil)
	g.b.Op(tflite.BuiltinOperatorDEQUANTIZE, 2, nil, []int{tr}, []int{out})
	g.note("quantize concat transpose dequantize")
	g.finish(out)
	return nil
}
