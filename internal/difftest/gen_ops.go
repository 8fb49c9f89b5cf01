package difftest

import (
	"math"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generators for the ops with weights: FULLY_CONNECTED, CONV_2D,
// DEPTHWISE_CONV_2D, TRANSPOSE_CONV.

func init() {
	register("FULLY_CONNECTED", genFullyConnected)
	register("CONV_2D", genConv2D)
	register("DEPTHWISE_CONV_2D", genDepthwise)
	register("TRANSPOSE_CONV", genTransposeConv)
}

// filterQuant draws the filter's scales: one, or one per output channel
// along axis (per-channel). Filters are symmetric (zero point 0), as the
// converter makes them.
func (g *gen) filterQuant(channels, axis int, perChannel bool) *tfbuild.Quant {
	if !perChannel {
		return q(g.scale(1.0/4096, 1.0/32), 0)
	}
	fq := &tfbuild.Quant{Axis: int32(axis)}
	for i := 0; i < channels; i++ {
		fq.Scale = append(fq.Scale, g.scale(1.0/4096, 1.0/32))
		fq.ZeroPoint = append(fq.ZeroPoint, 0)
	}
	return fq
}

// bias adds an int32 bias of n values with scales sIn·sFilter[c], or
// returns -1 (no bias) when absent.
func (g *gen) bias(n int, sIn float32, fq *tfbuild.Quant, dot int) int {
	bq := &tfbuild.Quant{}
	for i := 0; i < n; i++ {
		s := fq.Scale[0]
		if len(fq.Scale) > 1 {
			s = fq.Scale[i]
		}
		if len(fq.Scale) > 1 || i == 0 {
			bq.Scale = append(bq.Scale, sIn*s)
			bq.ZeroPoint = append(bq.ZeroPoint, 0)
		}
	}
	v := make([]int32, n)
	lim := int(typicalDot(dot))
	for i := range v {
		v[i] = int32(g.intn(-lim, lim))
	}
	return g.b.Tensor("bias", tflite.TensorTypeINT32, []int{n}, bq, tfbuild.I32(v...))
}

// outScale draws an output scale that maps typical accumulators of a
// dot product of n terms to about ±64.
func (g *gen) outScale(sIn float32, fq *tfbuild.Quant, n int) float32 {
	return g.scaleNear(float64(sIn)*float64(fq.Scale[0])*typicalDot(n)/64, 1.5)
}

func genFullyConnected(g *gen) error {
	batch, depth, ch := g.intn(1, 4), g.intn(1, 48), g.intn(1, 24)
	perChannel := g.chance(0.2)
	inShape := []int{batch, depth}
	if g.chance(0.2) { // a higher-rank input is flattened into rows of depth
		inShape = []int{batch, 1, depth}
	}
	sIn, zIn := g.scale(1.0/256, 1.0/8), g.zp()
	x := g.input("x", inShape, q(sIn, zIn))
	fq := g.filterQuant(ch, 0, perChannel)
	w := g.b.Tensor("w", tflite.TensorTypeINT8, []int{ch, depth}, fq, g.weights(ch*depth))
	b := -1
	if g.chance(0.85) {
		b = g.bias(ch, sIn, fq, depth)
	}
	act := g.act()
	y := g.i8t("y", []int{batch, ch}, q(g.outScale(sIn, fq, depth), g.zp()))
	g.note("in %v w [%d %d] per-channel %v bias %v act %v", inShape, ch, depth, perChannel, b >= 0, act)
	g.b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, opts(tflite.BuiltinOptionsFullyConnectedOptions,
		&tflite.FullyConnectedOptionsT{FusedActivationFunction: act}), []int{x, w, b}, []int{y})
	g.finish(y)
	return nil
}

// window is a 2-D window: filter size, stride, dilation and padding.
type window struct {
	kh, kw, sh, sw, dh, dw int
	pad                    tflite.Padding
}

// window draws a window with filters up to maxK, strides up to maxS and
// (sometimes) dilations up to maxD.
func (g *gen) window(maxK, maxS, maxD int) window {
	wd := window{kh: g.intn(1, maxK), kw: g.intn(1, maxK), sh: g.intn(1, maxS), sw: g.intn(1, maxS), dh: 1, dw: 1,
		pad: pick(g, tflite.PaddingSAME, tflite.PaddingVALID)}
	if maxD > 1 && g.chance(0.25) {
		wd.dh, wd.dw = g.intn(1, maxD), g.intn(1, maxD)
	}
	return wd
}

// outSize is TFLite's ComputeOutSize; < 1 means the window does not fit.
func outSize(pad tflite.Padding, in, k, s, d int) int {
	ek := (k-1)*d + 1
	if pad == tflite.PaddingSAME {
		return (in + s - 1) / s
	}
	return (in - ek + s) / s
}

func genConv2D(g *gen) error {
	n, h, w, c := g.intn(1, 2), g.intn(1, 10), g.intn(1, 10), g.intn(1, 12)
	wd := g.window(4, 3, 3)
	oh, ow := outSize(wd.pad, h, wd.kh, wd.sh, wd.dh), outSize(wd.pad, w, wd.kw, wd.sw, wd.dw)
	if oh < 1 || ow < 1 {
		wd.pad = tflite.PaddingSAME
		oh, ow = outSize(wd.pad, h, wd.kh, wd.sh, wd.dh), outSize(wd.pad, w, wd.kw, wd.sw, wd.dw)
	}
	cout := g.intn(1, 12)
	perChannel := g.chance(0.6)
	sIn, zIn := g.scale(1.0/256, 1.0/8), g.zp()
	x := g.input("x", []int{n, h, w, c}, q(sIn, zIn))
	fq := g.filterQuant(cout, 0, perChannel)
	f := g.b.Tensor("filter", tflite.TensorTypeINT8, []int{cout, wd.kh, wd.kw, c}, fq, g.weights(cout*wd.kh*wd.kw*c))
	dot := wd.kh * wd.kw * c
	// This TFLite's int8 CONV_2D requires a bias ("Tensor at index 2 was
	// optional but was expected").
	b := g.bias(cout, sIn, fq, dot)
	act := g.act()
	y := g.i8t("y", []int{n, oh, ow, cout}, q(g.outScale(sIn, fq, dot), g.zp()))
	g.note("in [%d %d %d %d] filter [%d %d %d %d] stride %dx%d dilation %dx%d %v per-channel %v act %v",
		n, h, w, c, cout, wd.kh, wd.kw, c, wd.sh, wd.sw, wd.dh, wd.dw, wd.pad, perChannel, act)
	g.b.Op(tflite.BuiltinOperatorCONV_2D, 3, opts(tflite.BuiltinOptionsConv2DOptions, &tflite.Conv2DOptionsT{
		Padding: wd.pad, StrideH: int32(wd.sh), StrideW: int32(wd.sw), DilationHFactor: int32(wd.dh), DilationWFactor: int32(wd.dw),
		FusedActivationFunction: act}), []int{x, f, b}, []int{y})
	g.finish(y)
	return nil
}

func genDepthwise(g *gen) error {
	n, h, w, c := g.intn(1, 2), g.intn(1, 10), g.intn(1, 10), g.intn(1, 12)
	mult := 1
	if g.chance(0.3) {
		mult = g.intn(2, 3)
	}
	wd := g.window(4, 3, 3)
	oh, ow := outSize(wd.pad, h, wd.kh, wd.sh, wd.dh), outSize(wd.pad, w, wd.kw, wd.sw, wd.dw)
	if oh < 1 || ow < 1 {
		wd.pad = tflite.PaddingSAME
		oh, ow = outSize(wd.pad, h, wd.kh, wd.sh, wd.dh), outSize(wd.pad, w, wd.kw, wd.sw, wd.dw)
	}
	cout := c * mult
	perChannel := g.chance(0.6)
	sIn, zIn := g.scale(1.0/256, 1.0/8), g.zp()
	x := g.input("x", []int{n, h, w, c}, q(sIn, zIn))
	fq := g.filterQuant(cout, 3, perChannel)
	f := g.b.Tensor("filter", tflite.TensorTypeINT8, []int{1, wd.kh, wd.kw, cout}, fq, g.weights(cout*wd.kh*wd.kw))
	dot := wd.kh * wd.kw
	b := g.bias(cout, sIn, fq, dot) // required by this TFLite, like CONV_2D's
	act := g.act()
	y := g.i8t("y", []int{n, oh, ow, cout}, q(g.outScale(sIn, fq, dot), g.zp()))
	g.note("in [%d %d %d %d] filter [1 %d %d %d] mult %d stride %dx%d dilation %dx%d %v per-channel %v act %v",
		n, h, w, c, wd.kh, wd.kw, cout, mult, wd.sh, wd.sw, wd.dh, wd.dw, wd.pad, perChannel, act)
	g.b.Op(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, 3, opts(tflite.BuiltinOptionsDepthwiseConv2DOptions, &tflite.DepthwiseConv2DOptionsT{
		Padding: wd.pad, StrideH: int32(wd.sh), StrideW: int32(wd.sw), DilationHFactor: int32(wd.dh), DilationWFactor: int32(wd.dw),
		DepthMultiplier: int32(mult), FusedActivationFunction: act}), []int{x, f, b}, []int{y})
	g.finish(y)
	return nil
}

func genTransposeConv(g *gen) error { return genTransposeConvShape(g, false) }

// genTransposeConvShape is genTransposeConv; with dynamic, output_shape is
// an int32 model input (computed at run time: a dynamic output).
func genTransposeConvShape(g *gen, dynamic bool) error {
	n, h, w, c := 1, g.intn(1, 6), g.intn(1, 6), g.intn(1, 8)
	kh, kw := g.intn(1, 4), g.intn(1, 4)
	sh, sw := g.intn(1, min(kh, 3)), g.intn(1, min(kw, 3))
	pad := pick(g, tflite.PaddingSAME, tflite.PaddingVALID)
	oh, ow := h*sh, w*sw
	if pad == tflite.PaddingVALID {
		oh, ow = (h-1)*sh+kh, (w-1)*sw+kw
	}
	cout := g.intn(1, 8)
	perChannel := g.chance(0.5)
	sIn, zIn := g.scale(1.0/256, 1.0/8), g.zp()
	var shape int
	if dynamic {
		shape = g.inputI32("output_shape", []int{4}, int32(n), int32(oh), int32(ow), int32(cout))
	} else {
		shape = g.constI32("output_shape", int32(n), int32(oh), int32(ow), int32(cout))
	}
	fq := g.filterQuant(cout, 0, perChannel)
	f := g.b.Tensor("filter", tflite.TensorTypeINT8, []int{cout, kh, kw, c}, fq, g.weights(cout*kh*kw*c))
	x := g.input("x", []int{n, h, w, c}, q(sIn, zIn))
	dot := c * ((kh + sh - 1) / sh) * ((kw + sw - 1) / sw)
	b := -1
	if g.chance(0.7) {
		b = g.bias(cout, sIn, fq, dot)
	}
	y := g.i8t("y", []int{n, oh, ow, cout}, q(g.outScale(sIn, fq, dot), g.zp()))
	g.note("in [%d %d %d %d] filter [%d %d %d %d] stride %dx%d %v per-channel %v bias %v", n, h, w, c, cout, kh, kw, c, sh, sw, pad, perChannel, b >= 0)
	ins := []int{shape, f, x}
	if b >= 0 {
		ins = append(ins, b)
	}
	g.b.Op(tflite.BuiltinOperatorTRANSPOSE_CONV, 3, opts(tflite.BuiltinOptionsTransposeConvOptions, &tflite.TransposeConvOptionsT{
		Padding: pad, StrideH: int32(sh), StrideW: int32(sw)}), ins, []int{y})
	g.finish(y)
	return nil
}

func init() { register("FULLY_CONNECTED_float", genFullyConnectedFloat, "FULLY_CONNECTED") }

// genFullyConnectedFloat is a float32 FULLY_CONNECTED (XNNPACK's f32 GEMM).
// TFLite's builtin float kernel (Eigen or ruy blocking) is not modelled, so
// no poison branch here.
func genFullyConnectedFloat(g *gen) error {
	g.noPoison = true
	batch, depth, ch := g.intn(1, 4), g.intn(1, 64), g.intn(1, 24)
	x := g.inputF32("x", []int{batch, depth}, -2, 2)
	w := make([]float32, ch*depth)
	for i := range w {
		w[i] = float32(g.rng.NormFloat64() * 0.5)
	}
	wt := g.b.Tensor("w", tflite.TensorTypeFLOAT32, []int{ch, depth}, nil, tfbuild.F32(w...))
	b := -1
	if g.chance(0.8) {
		bv := make([]float32, ch)
		for i := range bv {
			bv[i] = float32(g.rng.NormFloat64())
		}
		b = g.b.Tensor("bias", tflite.TensorTypeFLOAT32, []int{ch}, nil, tfbuild.F32(bv...))
	}
	act := g.act()
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, []int{batch, ch}, nil, nil)
	g.note("float in [%d %d] w [%d %d] bias %v act %v", batch, depth, ch, depth, b >= 0, act)
	g.b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 1, opts(tflite.BuiltinOptionsFullyConnectedOptions,
		&tflite.FullyConnectedOptionsT{FusedActivationFunction: act}), []int{x, wt, b}, []int{y})
	g.finish(y)
	return nil
}

func init() { register("SVDF", genSVDF) }

// genSVDF is one step of an int8 SVDF (int16 weights_time and state), from
// a zero state (the oracle gives stateful models a fresh interpreter).
func genSVDF(g *gen) error { return genSVDFState(g, tflite.TensorTypeINT16, 0) }

// genSVDFState is genSVDF with the state (and weights_time) of type
// stateType and zero point stateZP: TFLite Micro starts an int8 state at
// its zero point.
func genSVDFState(g *gen, stateType tflite.TensorType, stateZP int64) error {
	batch, inSize, units, rank, memory := g.intn(1, 2), g.intn(1, 16), g.intn(1, 8), g.intn(1, 2), g.intn(2, 8)
	filters := units * rank
	sIn := g.scale(1.0/256, 1.0/8)
	x := g.input("x", []int{batch, inSize}, q(sIn, g.zp()))
	wfq := q(g.scale(1.0/4096, 1.0/32), 0)
	wf := g.b.Tensor("weights_feature", tflite.TensorTypeINT8, []int{filters, inSize}, wfq, g.weights(filters*inSize))
	var wtData []byte
	stateRange, sWt := 8192.0, float32(0)
	if stateType == tflite.TensorTypeINT16 {
		wtv := make([]int16, filters*memory)
		for i := range wtv {
			wtv[i] = int16(g.intn(-32767, 32767))
		}
		wtData, sWt = tfbuild.I16(wtv...), g.scale(1.0/(1<<20), 1.0/(1<<12))
	} else {
		wtData, stateRange, sWt = g.weights(filters*memory), 64, g.scale(1.0/(1<<12), 1.0/(1<<4))
	}
	wt := g.b.Tensor("weights_time", stateType, []int{filters, memory}, q(sWt, 0), wtData)
	sState := g.scaleNear(float64(sIn)*float64(wfq.Scale[0])*typicalDot(inSize)/stateRange, 1)
	b := -1
	if g.chance(0.7) {
		bv := make([]int32, units)
		for i := range bv {
			bv[i] = int32(g.intn(-1<<14, 1<<14))
		}
		b = g.b.Tensor("bias", tflite.TensorTypeINT32, []int{units}, q(sState*sWt, 0), tfbuild.I32(bv...))
	}
	state := g.b.Tensor("state", stateType, []int{batch, filters * memory}, q(sState, stateZP), nil)
	g.b.M.Subgraphs[0].Tensors[state].IsVariable = true
	timeAcc := stateRange * 32767 // typical time accumulator
	if stateType == tflite.TensorTypeINT8 {
		timeAcc = stateRange * 127 * math.Sqrt(float64(memory*rank))
		g.note("int8 state zp %d", stateZP)
	}
	sOut := g.scaleNear(float64(sState)*float64(sWt)*timeAcc/64, 1.5)
	y := g.i8t("y", []int{batch, units}, q(sOut, g.zp()))
	g.note("SVDF batch %d input %d units %d rank %d memory %d bias %v", batch, inSize, units, rank, memory, b >= 0)
	// TFLite's integer SVDF insists on RELU (and then clamps to int8 only).
	g.b.Op(tflite.BuiltinOperatorSVDF, 3, opts(tflite.BuiltinOptionsSVDFOptions, &tflite.SVDFOptionsT{Rank: int32(rank),
		FusedActivationFunction: tflite.ActivationFunctionTypeRELU}),
		[]int{x, wf, wt, b, state}, []int{y})
	g.finish(y)
	return nil
}
