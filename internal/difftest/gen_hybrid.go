package difftest

import (
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generators for models whose activations are float32 while their weights
// are not: dynamic-range (hybrid) FULLY_CONNECTED with int8 weights,
// weight-only models (constant int8 weights, per channel, dequantized), and
// float16 weights dequantized to float32; plus the float32 ops those models
// run under the browser TFLite's XNNPACK delegate (CONV_2D, AVERAGE_POOL_2D,
// SOFTMAX, RESHAPE).

func init() {
	register("FULLY_CONNECTED_hybrid", genHybridFC, "FULLY_CONNECTED")
	register("CONV_2D_hybrid", genHybridConv, "CONV_2D")
	register("DEPTHWISE_CONV_2D_hybrid", genHybridDepthwise, "DEPTHWISE_CONV_2D")
	register("DEQUANTIZE_weights", genDequantizeWeights, "DEQUANTIZE", "FULLY_CONNECTED", "CONV_2D")
	register("DEQUANTIZE_per_channel_input", genDequantizePerChannelInput, "DEQUANTIZE")
	register("CONV_2D_float", genConvFloat, "CONV_2D")
	register("AVERAGE_POOL_2D_float", genAvgPoolFloat, "AVERAGE_POOL_2D")
	register("SOFTMAX_float", genSoftmaxFloat, "SOFTMAX")
	register("chain_float_cnn", genFloatChain, "CONV_2D", "AVERAGE_POOL_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX")
	for _, n := range []string{"FULLY_CONNECTED_hybrid", "CONV_2D_hybrid", "DEPTHWISE_CONV_2D_hybrid", "DEQUANTIZE_weights", "DEQUANTIZE_per_channel_input", "CONV_2D_float", "chain_float_cnn", "AVERAGE_POOL_2D_float", "SOFTMAX_float"} {
		tflmLacks[n] = "TFLite Micro has no hybrid kernels, float16 tensors or per-channel DEQUANTIZE; the reference follows TFLite's reference kernels (hand-derived tests)"
	}
}

// floatInput adds a float32 subgraph input with data from floats, at times
// all of one sign; rarely all zeros, or with one row of zeros.
func (g *gen) floatInput(name string, shape []int, lo, hi float64) int {
	t := g.b.Tensor(name, tflite.TensorTypeFLOAT32, shape, nil, nil)
	switch g.rng.Intn(6) {
	case 0:
		lo = 0
	case 1:
		hi = 0
	}
	v := g.floats(prod(shape), lo, hi)
	switch r := g.rng.Intn(20); {
	case r == 0:
		clear(v)
		g.note("all-zero input")
	case r == 1 && len(shape) > 1:
		clear(v[:shape[len(shape)-1]])
		g.note("zero first row")
	}
	g.inputs = append(g.inputs, t)
	g.inputData = append(g.inputData, tfbuild.F32(v...))
	return t
}

// floatConst adds a constant float32 tensor of normal values (σ).
func (g *gen) floatConst(name string, shape []int, sigma float64) int {
	v := make([]float32, prod(shape))
	for i := range v {
		v[i] = float32(g.rng.NormFloat64() * sigma)
	}
	return g.b.Tensor(name, tflite.TensorTypeFLOAT32, shape, nil, tfbuild.F32(v...))
}

// floatAct draws a fused activation for a float op.
func (g *gen) floatAct() tflite.ActivationFunctionType {
	return pick(g, tflite.ActivationFunctionTypeNONE, tflite.ActivationFunctionTypeRELU,
		tflite.ActivationFunctionTypeRELU6, tflite.ActivationFunctionTypeRELU_N1_TO_1)
}

func genHybridFC(g *gen) error {
	g.noPoison = true
	batch, depth, ch := g.intn(1, 4), g.intn(1, 64), g.intn(1, 24)
	inShape := []int{batch, depth}
	if g.chance(0.2) {
		inShape = []int{batch, 1, depth}
	}
	x := g.floatInput("x", inShape, -3, 3)
	perChannel := g.chance(0.2)
	fq := q(g.scale(1.0/512, 1.0/8), 0)
	if perChannel {
		fq = &tfbuild.Quant{}
		for i := 0; i < ch; i++ {
			fq.Scale, fq.ZeroPoint = append(fq.Scale, g.scale(1.0/512, 1.0/8)), append(fq.ZeroPoint, 0)
		}
	}
	w := g.b.Tensor("w", tflite.TensorTypeINT8, []int{ch, depth}, fq, g.weights(ch*depth))
	b := -1
	if g.chance(0.85) {
		b = g.floatConst("bias", []int{ch}, 1)
	}
	act, asym := g.floatAct(), g.chance(0.5)
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, []int{batch, ch}, nil, nil)
	g.note("hybrid in %v w [%d %d] per-channel %v bias %v act %v asymmetric %v", inShape, ch, depth, perChannel, b >= 0, act, asym)
	g.b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, opts(tflite.BuiltinOptionsFullyConnectedOptions,
		&tflite.FullyConnectedOptionsT{FusedActivationFunction: act, AsymmetricQuantizeInputs: asym}), []int{x, w, b}, []int{y})
	g.finish(y)
	return nil
}

// dequantizedWeights adds constant weights of shape for a float op, stored as int8
// (per channel along axis 0, with zero points, as ai-edge-quantizer's
// weight-only models) or float16, and the DEQUANTIZE that turns them into
// float32; it returns the float32 tensor.
func (g *gen) dequantizedWeights(name string, shape []int) int {
	n := prod(shape)
	if g.chance(0.5) {
		h := make([]byte, 2*n)
		for i := 0; i < n; i++ {
			v := float16Bits(float32(g.rng.NormFloat64() * 0.5))
			h[2*i], h[2*i+1] = byte(v), byte(v>>8)
		}
		t := g.b.Tensor(name+"_f16", tflite.TensorTypeFLOAT16, shape, nil, h)
		out := g.b.Tensor(name, tflite.TensorTypeFLOAT32, shape, nil, nil)
		g.b.Op(tflite.BuiltinOperatorDEQUANTIZE, 2, nil, []int{t}, []int{out})
		g.note("%s float16", name)
		return out
	}
	fq := &tfbuild.Quant{}
	for i := 0; i < shape[0]; i++ {
		fq.Scale, fq.ZeroPoint = append(fq.Scale, g.scale(1.0/512, 1.0/64)), append(fq.ZeroPoint, int64(g.intn(-60, 60)))
	}
	t := g.b.Tensor(name+"_i8", tflite.TensorTypeINT8, shape, fq, g.i8(n))
	out := g.b.Tensor(name, tflite.TensorTypeFLOAT32, shape, nil, nil)
	g.b.Op(tflite.BuiltinOperatorDEQUANTIZE, 2, nil, []int{t}, []int{out})
	g.note("%s int8 per-channel", name)
	return out
}

// float16Bits is an IEEE half near f: f's top 10 fraction bits (truncated),
// 0 below the normal range (the generator only needs some stored half).
func float16Bits(f float32) uint16 {
	b := tfbuild.F32(f)
	u := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
	sign := uint16(u>>16) & 0x8000
	e := int32(u>>23&0xff) - 127 + 15
	if e <= 0 {
		return sign
	}
	return sign | uint16(e)<<10 | uint16(u>>13&0x3ff)
}

func genDequantizeWeights(g *gen) error {
	g.noPoison = true
	if g.chance(0.5) {
		batch, depth, ch := g.intn(1, 3), g.intn(1, 48), g.intn(1, 16)
		x := g.floatInput("x", []int{batch, depth}, -2, 2)
		w := g.dequantizedWeights("w", []int{ch, depth})
		b := -1
		if g.chance(0.7) {
			b = g.dequantizedWeights("bias", []int{ch})
		}
		y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, []int{batch, ch}, nil, nil)
		g.b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, opts(tflite.BuiltinOptionsFullyConnectedOptions,
			&tflite.FullyConnectedOptionsT{FusedActivationFunction: g.floatAct()}), []int{x, w, b}, []int{y})
		g.finish(y)
		return nil
	}
	return g.floatConv("w", weightsDequantized)
}

// floatConv adds a float32 CONV_2D on a random input; dequantized draws its
// weights through DEQUANTIZE.
// weightKind is how floatConv stores its filter.
type weightKind int

const (
	weightsConst       weightKind = iota // float32 constants
	weightsDequantized                   // int8 or float16 constants and their DEQUANTIZE
	weightsInput                         // a model input (TFLite's builtin kernel runs the op)
)

func (g *gen) floatConv(name string, weights weightKind) error {
	h, w, cin, cout := g.intn(1, 9), g.intn(1, 9), g.intn(1, 4), g.intn(1, 6)
	wd, oh, ow := g.fitWindow(h, w)
	x := g.floatInput("x", []int{1, h, w, cin}, -2, 2)
	var f, b int
	switch weights {
	case weightsDequantized:
		f, b = g.dequantizedWeights(name, []int{cout, wd.kh, wd.kw, cin}), g.dequantizedWeights(name+"_bias", []int{cout})
	case weightsInput:
		f, b = g.floatInput(name, []int{cout, wd.kh, wd.kw, cin}, -1, 1), g.floatConst(name+"_bias", []int{cout}, 1)
	default:
		f, b = g.floatConst(name, []int{cout, wd.kh, wd.kw, cin}, 0.5), g.floatConst(name+"_bias", []int{cout}, 1)
	}
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, []int{1, oh, ow, cout}, nil, nil)
	g.note("conv in [1 %d %d %d] out %d", h, w, cin, cout)
	g.convOp(x, f, b, y, wd, 0)
	g.finish(y)
	return nil
}

func genConvFloat(g *gen) error {
	g.noPoison = true
	return g.floatConv("w", weightsConst)
}

func genDequantizePerChannelInput(g *gen) error {
	g.noPoison = true
	rows, cols := g.intn(1, 6), g.intn(1, 8)
	fq := &tfbuild.Quant{}
	for i := 0; i < rows; i++ {
		fq.Scale, fq.ZeroPoint = append(fq.Scale, g.scale(1.0/256, 1)), append(fq.ZeroPoint, g.zp())
	}
	x := g.input("x", []int{rows, cols}, fq)
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, []int{rows, cols}, nil, nil)
	g.b.Op(tflite.BuiltinOperatorDEQUANTIZE, 2, nil, []int{x}, []int{y})
	g.finish(y)
	return nil
}

// genFloatChain is the weight-only MNIST model's shape: CONV_2D (weights
// dequantized), AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX.
func genFloatChain(g *gen) error {
	g.noPoison = true
	h, w, cout := g.intn(2, 12), g.intn(2, 12), g.intn(1, 8)
	x := g.floatInput("x", []int{1, h, w, 1}, -1, 1)
	f, b := g.dequantizedWeights("conv_w", []int{cout, 3, 3, 1}), g.floatConst("conv_b", []int{cout}, 0.2)
	c := g.b.Tensor("conv", tflite.TensorTypeFLOAT32, []int{1, h, w, cout}, nil, nil)
	g.b.Op(tflite.BuiltinOperatorCONV_2D, 1, opts(tflite.BuiltinOptionsConv2DOptions, &tflite.Conv2DOptionsT{
		Padding: tflite.PaddingSAME, StrideH: 1, StrideW: 1, DilationHFactor: 1, DilationWFactor: 1,
		FusedActivationFunction: tflite.ActivationFunctionTypeRELU}), []int{x, f, b}, []int{c})
	k := g.intn(1, 3)
	pad := pick(g, tflite.PaddingSAME, tflite.PaddingVALID)
	ph, pw := outSize(pad, h, k, k, 1), outSize(pad, w, k, k, 1)
	if ph < 1 || pw < 1 {
		pad = tflite.PaddingSAME
		ph, pw = outSize(pad, h, k, k, 1), outSize(pad, w, k, k, 1)
	}
	p := g.b.Tensor("pool", tflite.TensorTypeFLOAT32, []int{1, ph, pw, cout}, nil, nil)
	g.b.Op(tflite.BuiltinOperatorAVERAGE_POOL_2D, 1, opts(tflite.BuiltinOptionsPool2DOptions, &tflite.Pool2DOptionsT{
		Padding: pad, StrideH: int32(k), StrideW: int32(k), FilterHeight: int32(k), FilterWidth: int32(k)}), []int{c}, []int{p})
	n := ph * pw * cout
	r := g.b.Tensor("flat", tflite.TensorTypeFLOAT32, []int{1, n}, nil, nil)
	g.b.Op(tflite.BuiltinOperatorRESHAPE, 1, nil, []int{p, g.constI32("shape", -1, int32(n))}, []int{r})
	classes := g.intn(2, 24)
	fw := g.dequantizedWeights("fc_w", []int{classes, n})
	l := g.b.Tensor("logits", tflite.TensorTypeFLOAT32, []int{1, classes}, nil, nil)
	g.b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, opts(tflite.BuiltinOptionsFullyConnectedOptions,
		&tflite.FullyConnectedOptionsT{}), []int{r, fw, -1}, []int{l})
	y := g.b.Tensor("probs", tflite.TensorTypeFLOAT32, []int{1, classes}, nil, nil)
	g.b.Op(tflite.BuiltinOperatorSOFTMAX, 1, opts(tflite.BuiltinOptionsSoftmaxOptions, &tflite.SoftmaxOptionsT{Beta: 1}), []int{l}, []int{y})
	g.note("chain in [1 %d %d 1] conv %d pool %d %v classes %d", h, w, cout, k, pad, classes)
	g.finish(y)
	return nil
}

func genAvgPoolFloat(g *gen) error {
	g.noPoison = true
	h, w, c := g.intn(1, 12), g.intn(1, 12), g.intn(1, 5)
	kh, kw, sh, sw := g.intn(1, 3), g.intn(1, 3), g.intn(1, 3), g.intn(1, 3)
	pad := pick(g, tflite.PaddingSAME, tflite.PaddingVALID)
	if g.chance(0.2) { // one window over the whole input (global pooling)
		kh, kw, sh, sw, pad = h, w, h, w, tflite.PaddingVALID
	}
	oh, ow := outSize(pad, h, kh, sh, 1), outSize(pad, w, kw, sw, 1)
	if oh < 1 || ow < 1 {
		pad = tflite.PaddingSAME
		oh, ow = outSize(pad, h, kh, sh, 1), outSize(pad, w, kw, sw, 1)
	}
	x := g.floatInput("x", []int{1, h, w, c}, -4, 4)
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, []int{1, oh, ow, c}, nil, nil)
	act := g.floatAct()
	g.note("avgpool in [1 %d %d %d] window %dx%d stride %dx%d %v act %v", h, w, c, kh, kw, sh, sw, pad, act)
	g.b.Op(tflite.BuiltinOperatorAVERAGE_POOL_2D, 1, opts(tflite.BuiltinOptionsPool2DOptions, &tflite.Pool2DOptionsT{
		Padding: pad, StrideH: int32(sh), StrideW: int32(sw), FilterHeight: int32(kh), FilterWidth: int32(kw),
		FusedActivationFunction: act}), []int{x}, []int{y})
	g.finish(y)
	return nil
}

func genSoftmaxFloat(g *gen) error {
	g.noPoison = true
	rows, depth := g.intn(1, 3), g.intn(1, 70)
	x := g.floatInput("x", []int{rows, depth}, -float64(g.intn(1, 40)), float64(g.intn(1, 40)))
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, []int{rows, depth}, nil, nil)
	g.note("softmax [%d %d]", rows, depth)
	g.b.Op(tflite.BuiltinOperatorSOFTMAX, 1, opts(tflite.BuiltinOptionsSoftmaxOptions, &tflite.SoftmaxOptionsT{Beta: 1}), []int{x}, []int{y})
	g.finish(y)
	return nil
}

// hybridFilterQuant draws n scales for a hybrid filter: one, or one per channel
// (sometimes all equal, which TFLite treats as per tensor).
func (g *gen) hybridFilterQuant(n int) *tfbuild.Quant {
	if !g.chance(0.4) {
		return q(g.scale(1.0/512, 1.0/8), 0)
	}
	fq := &tfbuild.Quant{}
	same := g.chance(0.2)
	s := g.scale(1.0/512, 1.0/8)
	for i := 0; i < n; i++ {
		if !same {
			s = g.scale(1.0/512, 1.0/8)
		}
		fq.Scale, fq.ZeroPoint = append(fq.Scale, s), append(fq.ZeroPoint, 0)
	}
	return fq
}

func genHybridConv(g *gen) error {
	g.noPoison = true
	batch, h, w, cin, cout := g.intn(1, 2), g.intn(1, 8), g.intn(1, 8), g.intn(1, 4), g.intn(1, 6)
	wd, oh, ow := g.fitWindow(h, w)
	x := g.floatInput("x", []int{batch, h, w, cin}, -3, 3)
	fq := g.hybridFilterQuant(cout)
	f := g.b.Tensor("w", tflite.TensorTypeINT8, []int{cout, wd.kh, wd.kw, cin}, fq, g.weights(cout*wd.kh*wd.kw*cin))
	b := g.floatConst("bias", []int{cout}, 1) // the browser TFLite refuses a hybrid CONV_2D without one
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, []int{batch, oh, ow, cout}, nil, nil)
	g.note("hybrid conv in [%d %d %d %d] out %d scales %d", batch, h, w, cin, cout, len(fq.Scale))
	g.convOp(x, f, b, y, wd, 0)
	g.finish(y)
	return nil
}

func genHybridDepthwise(g *gen) error {
	g.noPoison = true
	batch, h, w, cin, dm := g.intn(1, 2), g.intn(1, 8), g.intn(1, 8), g.intn(1, 4), g.intn(1, 3)
	cout := cin * dm
	wd, oh, ow := g.fitWindow(h, w)
	x := g.floatInput("x", []int{batch, h, w, cin}, -3, 3)
	fq := &tfbuild.Quant{Axis: 3}
	for i := 0; i < cout; i++ {
		fq.Scale, fq.ZeroPoint = append(fq.Scale, g.scale(1.0/512, 1.0/8)), append(fq.ZeroPoint, 0)
	}
	f := g.b.Tensor("w", tflite.TensorTypeINT8, []int{1, wd.kh, wd.kw, cout}, fq, g.weights(wd.kh*wd.kw*cout))
	b := g.floatConst("bias", []int{cout}, 1)
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, []int{batch, oh, ow, cout}, nil, nil)
	g.note("hybrid depthwise in [%d %d %d %d] multiplier %d", batch, h, w, cin, dm)
	g.convOp(x, f, b, y, wd, dm)
	g.finish(y)
	return nil
}

// fitWindow draws a window (filters up to 3, strides up to 2, dilations up
// to 2) for an h×w input and the output size, SAME if VALID does not fit.
func (g *gen) fitWindow(h, w int) (wd window, oh, ow int) {
	wd = g.window(3, 2, 2)
	oh, ow = outSize(wd.pad, h, wd.kh, wd.sh, wd.dh), outSize(wd.pad, w, wd.kw, wd.sw, wd.dw)
	if oh < 1 || ow < 1 {
		wd.pad = tflite.PaddingSAME
		oh, ow = outSize(wd.pad, h, wd.kh, wd.sh, wd.dh), outSize(wd.pad, w, wd.kw, wd.sw, wd.dw)
	}
	return wd, oh, ow
}

// convOp adds a float32 CONV_2D (mult 0) or DEPTHWISE_CONV_2D (depth
// multiplier mult) x, f, b → y with window wd and a drawn activation.
func (g *gen) convOp(x, f, b, y int, wd window, mult int) {
	act := g.floatAct()
	g.note("window %+v act %v", wd, act)
	ins := []int{x, f, b}
	if b < 0 {
		ins = ins[:2] // no bias: two inputs (a third, absent one makes TFLite expect it)
	}
	if mult == 0 {
		g.b.Op(tflite.BuiltinOperatorCONV_2D, 1, opts(tflite.BuiltinOptionsConv2DOptions, &tflite.Conv2DOptionsT{
			Padding: wd.pad, StrideH: int32(wd.sh), StrideW: int32(wd.sw), DilationHFactor: int32(wd.dh), DilationWFactor: int32(wd.dw),
			FusedActivationFunction: act}), ins, []int{y})
		return
	}
	g.b.Op(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, 1, opts(tflite.BuiltinOptionsDepthwiseConv2DOptions, &tflite.DepthwiseConv2DOptionsT{
		Padding: wd.pad, StrideH: int32(wd.sh), StrideW: int32(wd.sw), DilationHFactor: int32(wd.dh), DilationWFactor: int32(wd.dw),
		DepthMultiplier: int32(mult), FusedActivationFunction: act}), ins, []int{y})
}
