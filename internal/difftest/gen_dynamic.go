package difftest

import (
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generators for shapes TFLite works out while the model runs: a RESHAPE
// whose shape, a PAD whose paddings, a STRIDED_SLICE whose begin earlier
// ops compute (TFLite marks such outputs dynamic, resizes them in Eval, and
// does not apply XNNPACK to the model), and a model with a batch of any
// size (shape_signature −1, TestBatchResize).

func init() {
	register("dynamic_reshape", genDynamicReshape, "SHAPE", "STRIDED_SLICE", "MUL", "CONCATENATION", "RESHAPE", "FULLY_CONNECTED")
	register("dynamic_pad", genDynamicPad, "ADD", "PAD", "PADV2", "CONV_2D")
	register("dynamic_slice", genDynamicSlice, "ADD", "STRIDED_SLICE", "MUL")
	register("dynamic_transpose_conv", func(g *gen) error { return genTransposeConvShape(g, true) }, "TRANSPOSE_CONV")
	register("batch_cnn", genBatchCNN, "CONV_2D", "MAX_POOL_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX")
}

// genBatchCNN: a batch of 2 to 4 images through CONV_2D, MAX_POOL_2D,
// RESHAPE to [−1, features] and FULLY_CONNECTED, SOFTMAX: a classifier
// converted with a batch of any size (TestBatchResize stores it with
// batch 1 and shape_signature −1, and resizes it back).
func genBatchCNN(g *gen) error {
	g.noPoison = true
	n := g.intn(2, 4)
	xq := g.anyQuant()
	s := []int{n, g.intn(2, 6), g.intn(2, 6), g.intn(1, 3)}
	x := tensor{g.input("x", s, xq), s, xq}
	y := g.conv(x, false, g.act(), false)
	oh, ow := outSize(tflite.PaddingSAME, y.shape[1], 2, 2, 1), outSize(tflite.PaddingSAME, y.shape[2], 2, 2, 1)
	p := g.i8t("pool", []int{n, oh, ow, y.shape[3]}, y.q)
	g.b.Op(tflite.BuiltinOperatorMAX_POOL_2D, 2, opts(tflite.BuiltinOptionsPool2DOptions, &tflite.Pool2DOptionsT{Padding: tflite.PaddingSAME,
		StrideH: 2, StrideW: 2, FilterHeight: 2, FilterWidth: 2}), []int{y.t}, []int{p})
	depth := oh * ow * y.shape[3]
	flat := g.i8t("flat", []int{n, depth}, y.q)
	g.b.Op(tflite.BuiltinOperatorRESHAPE, 1, nil, []int{p, g.constI32("flat_shape", -1, int32(depth))}, []int{flat})
	units := g.intn(2, 6)
	fq := g.filterQuant(units, 0, false)
	wt := g.b.Tensor("fc_w", tflite.TensorTypeINT8, []int{units, depth}, fq, g.weights(units*depth))
	bias := g.bias(units, y.q.Scale[0], fq, depth)
	lq := q(g.outScale(y.q.Scale[0], fq, depth), g.zp())
	logits := g.i8t("logits", []int{n, units}, lq)
	g.b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, opts(tflite.BuiltinOptionsFullyConnectedOptions, &tflite.FullyConnectedOptionsT{}),
		[]int{flat, wt, bias}, []int{logits})
	probs := g.i8t("probs", []int{n, units}, q(1.0/256, -128))
	g.b.Op(tflite.BuiltinOperatorSOFTMAX, 2, opts(tflite.BuiltinOptionsSoftmaxOptions, &tflite.SoftmaxOptionsT{Beta: 1}), []int{logits}, []int{probs})
	g.note("batch %d CNN", n)
	g.finish(probs)
	return nil
}

// inputI32 adds an int32 subgraph input holding v.
func (g *gen) inputI32(name string, shape []int, v ...int32) int {
	t := g.b.Tensor(name, tflite.TensorTypeINT32, shape, nil, nil)
	g.inputs = append(g.inputs, t)
	g.inputData = append(g.inputData, tfbuild.I32(v...))
	return t
}

// genDynamicReshape: SHAPE(x) → STRIDED_SLICE [0:1] (the batch) → (MUL by
// 1) → CONCATENATION with −1 → RESHAPE(x) to [batch, rest] →
// FULLY_CONNECTED. The shape RESHAPE reads is computed by int32 ops.
func genDynamicReshape(g *gen) error {
	n, h, w, c := g.intn(1, 3), g.intn(1, 4), g.intn(1, 4), g.intn(1, 4)
	xq := g.anyQuant()
	x := g.input("x", []int{n, h, w, c}, xq)
	i32 := tflite.TensorTypeINT32
	s := g.b.Tensor("shape", i32, []int{4}, nil, nil)
	g.b.Op(tflite.BuiltinOperatorSHAPE, 1, opts(tflite.BuiltinOptionsShapeOptions, &tflite.ShapeOptionsT{OutType: tflite.TensorTypeINT32}), []int{x}, []int{s})
	b := g.b.Tensor("batch", i32, []int{1}, nil, nil)
	g.b.Op(tflite.BuiltinOperatorSTRIDED_SLICE, 1, opts(tflite.BuiltinOptionsStridedSliceOptions, &tflite.StridedSliceOptionsT{}),
		[]int{s, g.constI32("begin", 0), g.constI32("end", 1), g.constI32("strides", 1)}, []int{b})
	if g.chance(0.5) {
		b2 := g.b.Tensor("batch_times_1", i32, []int{1}, nil, nil)
		g.b.Op(tflite.BuiltinOperatorMUL, 1, opts(tflite.BuiltinOptionsMulOptions, &tflite.MulOptionsT{}), []int{b, g.constI32("one", 1)}, []int{b2})
		b = b2
		g.note("mul")
	}
	ns := g.b.Tensor("new_shape", i32, []int{2}, nil, nil)
	g.b.Op(tflite.BuiltinOperatorCONCATENATION, 1, opts(tflite.BuiltinOptionsConcatenationOptions, &tflite.ConcatenationOptionsT{}),
		[]int{b, g.constI32("rest", -1)}, []int{ns})
	depth := h * w * c
	flat := g.i8t("flat", []int{n, depth}, xq)
	g.b.Op(tflite.BuiltinOperatorRESHAPE, 1, nil, []int{x, ns}, []int{flat})
	units := g.intn(1, 8)
	fq := g.filterQuant(units, 0, false)
	wt := g.b.Tensor("fc_w", tflite.TensorTypeINT8, []int{units, depth}, fq, g.weights(units*depth))
	bias := g.bias(units, xq.Scale[0], fq, depth)
	yq := q(g.outScale(xq.Scale[0], fq, depth), g.zp())
	y := g.i8t("y", []int{n, units}, yq)
	g.b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, opts(tflite.BuiltinOptionsFullyConnectedOptions,
		&tflite.FullyConnectedOptionsT{FusedActivationFunction: g.act()}), []int{flat, wt, bias}, []int{y})
	g.note("dynamic RESHAPE [%d %d %d %d] → [%d %d] → FC %d", n, h, w, c, n, depth, units)
	g.finish(y)
	return nil
}

// genDynamicPad: PAD (or PADV2) whose paddings are a model input plus a
// constant (ADD on int32), then a CONV_2D of the padded tensor.
func genDynamicPad(g *gen) error {
	n, h, w, c := g.intn(1, 2), g.intn(1, 5), g.intn(1, 5), g.intn(1, 4)
	xq := g.anyQuant()
	x := g.input("x", []int{n, h, w, c}, xq)
	fed, add := make([]int32, 8), make([]int32, 8)
	pads := make([]int, 8)
	for d := 1; d < 3; d++ { // pad H and W only: TFLite's PAD takes any, CONV_2D needs 4-D
		for k := 0; k < 2; k++ {
			fed[2*d+k], add[2*d+k] = int32(g.intn(0, 2)), int32(g.intn(0, 1))
			pads[2*d+k] = int(fed[2*d+k] + add[2*d+k])
		}
	}
	p := g.inputI32("paddings_in", []int{4, 2}, fed...)
	ps := g.b.Tensor("paddings", tflite.TensorTypeINT32, []int{4, 2}, nil, nil)
	g.b.Op(tflite.BuiltinOperatorADD, 1, opts(tflite.BuiltinOptionsAddOptions, &tflite.AddOptionsT{}),
		[]int{p, g.b.Tensor("pad_more", tflite.TensorTypeINT32, []int{4, 2}, nil, tfbuild.I32(add...))}, []int{ps})
	ph, pw := h+pads[2]+pads[3], w+pads[4]+pads[5]
	padded := g.i8t("padded", []int{n, ph, pw, c}, xq)
	if g.chance(0.5) {
		v := g.b.Tensor("pad_value", tflite.TensorTypeINT8, []int{}, xq, tfbuild.I8(int8(g.intn(-128, 127))))
		g.b.Op(tflite.BuiltinOperatorPADV2, 1, nil, []int{x, ps, v}, []int{padded})
		g.note("padv2")
	} else {
		g.b.Op(tflite.BuiltinOperatorPAD, 1, nil, []int{x, ps}, []int{padded})
	}
	g.note("dynamic PAD %v of [%d %d %d %d]", pads, n, h, w, c)
	y := g.conv(tensor{padded, []int{n, ph, pw, c}, xq}, false, g.act(), false)
	g.finish(y.t)
	return nil
}

// genDynamicSlice: STRIDED_SLICE of x whose begin is a model input times a
// constant (MUL on int32); the slice has a fixed size, then an ADD.
func genDynamicSlice(g *gen) error {
	s := []int{g.intn(2, 6), g.intn(2, 6)}
	xq := g.anyQuant()
	x := g.input("x", s, xq)
	size := []int{g.intn(1, s[0]), g.intn(1, s[1])}
	begin := []int32{int32(g.intn(0, s[0]-size[0])), int32(g.intn(0, s[1]-size[1]))}
	bIn := g.inputI32("begin_in", []int{2}, begin...)
	bt := g.b.Tensor("begin", tflite.TensorTypeINT32, []int{2}, nil, nil)
	g.b.Op(tflite.BuiltinOperatorMUL, 1, opts(tflite.BuiltinOptionsMulOptions, &tflite.MulOptionsT{}), []int{bIn, g.constI32("ones", 1, 1)}, []int{bt})
	// end = begin + size, computed too: both slice bounds come from the run.
	et := g.b.Tensor("end", tflite.TensorTypeINT32, []int{2}, nil, nil)
	g.b.Op(tflite.BuiltinOperatorADD, 1, opts(tflite.BuiltinOptionsAddOptions, &tflite.AddOptionsT{}),
		[]int{bt, g.constI32("size", int32(size[0]), int32(size[1]))}, []int{et})
	sl := g.i8t("slice", size, xq)
	g.b.Op(tflite.BuiltinOperatorSTRIDED_SLICE, 1, opts(tflite.BuiltinOptionsStridedSliceOptions, &tflite.StridedSliceOptionsT{}),
		[]int{x, bt, et, g.constI32("strides", 1, 1)}, []int{sl})
	yq := g.anyQuant()
	y := g.i8t("y", size, yq)
	g.b.Op(tflite.BuiltinOperatorADD, 1, opts(tflite.BuiltinOptionsAddOptions, &tflite.AddOptionsT{}), []int{sl, sl}, []int{y})
	g.note("dynamic STRIDED_SLICE %v+%v of %v", begin, size, s)
	g.finish(y)
	return nil
}
