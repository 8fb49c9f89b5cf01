package difftest

import (
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generators for pooling, MEAN, ARG_MAX and the ops that move data without
// arithmetic.

func init() {
	register("AVERAGE_POOL_2D", func(g *gen) error { return genPool(g, tflite.BuiltinOperatorAVERAGE_POOL_2D) })
	register("MAX_POOL_2D", func(g *gen) error { return genPool(g, tflite.BuiltinOperatorMAX_POOL_2D) })
	register("MEAN", genMean)
	register("ARG_MAX", genArgMax)
	register("RESHAPE", genReshape)
	register("SQUEEZE", genSqueeze)
	register("EXPAND_DIMS", genExpandDims)
	register("CONCATENATION", genConcat)
	register("PAD", func(g *gen) error { return genPad(g, false) })
	register("PADV2", func(g *gen) error { return genPad(g, true) })
	register("TRANSPOSE", genTranspose)
	register("STRIDED_SLICE", genStridedSlice)
}

func genPool(g *gen, code tflite.BuiltinOperator) error {
	n, h, w, c := g.intn(1, 2), g.intn(1, 10), g.intn(1, 10), g.intn(1, 8)
	wd := g.window(4, 3, 1)
	oh, ow := outSize(wd.pad, h, wd.kh, wd.sh, 1), outSize(wd.pad, w, wd.kw, wd.sw, 1)
	if oh < 1 || ow < 1 {
		wd.pad = tflite.PaddingSAME
		oh, ow = outSize(wd.pad, h, wd.kh, wd.sh, 1), outSize(wd.pad, w, wd.kw, wd.sw, 1)
	}
	qq := q(g.scale(1.0/128, 1.0/4), g.zp())
	x := g.input("x", []int{n, h, w, c}, qq)
	act := g.act()
	y := g.i8t("y", []int{n, oh, ow, c}, qq)
	g.note("%v in [%d %d %d %d] filter %dx%d stride %dx%d %v act %v", code, n, h, w, c, wd.kh, wd.kw, wd.sh, wd.sw, wd.pad, act)
	g.b.Op(code, 2, opts(tflite.BuiltinOptionsPool2DOptions, &tflite.Pool2DOptionsT{Padding: wd.pad,
		StrideH: int32(wd.sh), StrideW: int32(wd.sw), FilterHeight: int32(wd.kh), FilterWidth: int32(wd.kw),
		FusedActivationFunction: act}), []int{x}, []int{y})
	g.finish(y)
	return nil
}

func genMean(g *gen) error {
	var s []int
	var axes []int32
	if g.chance(0.6) { // the common case: global average pooling over H and W
		s = []int{g.intn(1, 2), g.intn(1, 8), g.intn(1, 8), g.intn(1, 8)}
		axes = pick(g, []int32{1, 2}, []int32{1, 2}, []int32{2, 1}, []int32{1}, []int32{2}, []int32{-3, -2})
	} else {
		s = g.shape(1, 4, 300)
		for d := range s {
			if g.chance(0.5) {
				axes = append(axes, int32(d))
			}
		}
		if len(axes) == 0 {
			axes = []int32{int32(len(s) - 1)}
		}
	}
	keep := g.chance(0.5)
	var os []int
	for d, v := range s {
		red := false
		for _, a := range axes {
			if int(a) == d || int(a)+len(s) == d {
				red = true
			}
		}
		if !red {
			os = append(os, v)
		} else if keep {
			os = append(os, 1)
		}
	}
	sIn := g.scale(1.0/128, 1.0/4)
	qOut := q(sIn, 0)
	if g.chance(0.6) {
		qOut = q(g.scaleNear(float64(sIn), 1), g.zp())
	} else {
		qOut.ZeroPoint[0] = g.zp()
	}
	x := g.input("x", s, q(sIn, g.zp()))
	ax := g.constI32("axes", axes...)
	y := g.i8t("y", os, qOut)
	g.note("MEAN %v axes %v keep_dims %v", s, axes, keep)
	g.b.Op(tflite.BuiltinOperatorMEAN, 2, opts(tflite.BuiltinOptionsReducerOptions, &tflite.ReducerOptionsT{KeepDims: keep}), []int{x, ax}, []int{y})
	g.finish(y)
	return nil
}

func genArgMax(g *gen) error {
	s := g.shape(1, 4, 300)
	axis := g.intn(0, len(s)-1)
	// int32 only: the oracle cannot read int64 tensors (tfjs-tflite returns no data)
	ot := tflite.TensorTypeINT32
	x := g.input("x", s, q(g.scale(1.0/128, 1.0/4), g.zp()))
	ax := g.constI32("axis", int32(axis))
	var os []int
	for d, v := range s {
		if d != axis {
			os = append(os, v)
		}
	}
	y := g.b.Tensor("y", ot, os, nil, nil)
	g.note("ARG_MAX %v axis %d → %v", s, axis, ot)
	g.b.Op(tflite.BuiltinOperatorARG_MAX, 2, opts(tflite.BuiltinOptionsArgMaxOptions, &tflite.ArgMaxOptionsT{OutputType: ot}), []int{x, ax}, []int{y})
	g.finish(y)
	return nil
}

func (g *gen) anyQuant() *tfbuild.Quant { return q(g.scale(1.0/128, 1.0/4), g.zp()) }

func genReshape(g *gen) error {
	s := g.shape(1, 4, 300)
	n := prod(s)
	// a new shape: factor n into 1..4 dimensions
	var ns []int
	rest := n
	for len(ns) < 3 && rest > 1 && g.chance(0.7) {
		var divs []int
		for d := 1; d <= rest; d++ {
			if rest%d == 0 {
				divs = append(divs, d)
			}
		}
		d := divs[g.rng.Intn(len(divs))]
		ns = append(ns, d)
		rest /= d
	}
	ns = append(ns, rest)
	qq := g.anyQuant()
	x := g.input("x", s, qq)
	spec := make([]int32, len(ns))
	for i, v := range ns {
		spec[i] = int32(v)
	}
	if g.chance(0.3) {
		spec[g.rng.Intn(len(spec))] = -1
	}
	y := g.i8t("y", ns, qq)
	g.note("RESHAPE %v → %v (%v)", s, ns, spec)
	ins := []int{x}
	var o *tflite.BuiltinOptionsT
	if g.chance(0.7) {
		ins = append(ins, g.constI32("shape", spec...))
	} else {
		o = opts(tflite.BuiltinOptionsReshapeOptions, &tflite.ReshapeOptionsT{NewShape: spec})
	}
	g.b.Op(tflite.BuiltinOperatorRESHAPE, 1, o, ins, []int{y})
	g.finish(y)
	return nil
}

func genSqueeze(g *gen) error {
	s := g.shape(1, 5, 300)
	for i := range s {
		if g.chance(0.4) {
			s[i] = 1
		}
	}
	var dims []int32
	if g.chance(0.5) {
		for d, v := range s {
			if v == 1 && g.chance(0.6) {
				dims = append(dims, int32(d))
			}
		}
	}
	var os []int
	for d, v := range s {
		drop := false
		if v == 1 {
			if len(dims) == 0 {
				drop = true
			}
			for _, x := range dims {
				if int(x) == d {
					drop = true
				}
			}
		}
		if !drop {
			os = append(os, v)
		}
	}
	qq := g.anyQuant()
	x := g.input("x", s, qq)
	y := g.i8t("y", os, qq)
	g.note("SQUEEZE %v dims %v → %v", s, dims, os)
	g.b.Op(tflite.BuiltinOperatorSQUEEZE, 1, opts(tflite.BuiltinOptionsSqueezeOptions, &tflite.SqueezeOptionsT{SqueezeDims: dims}), []int{x}, []int{y})
	g.finish(y)
	return nil
}

func genExpandDims(g *gen) error {
	s := g.shape(1, 3, 300)
	axis := g.intn(0, len(s))
	os := append(append(append([]int{}, s[:axis]...), 1), s[axis:]...)
	spec := int32(axis)
	if g.chance(0.3) {
		spec = int32(axis - len(s) - 1)
	}
	qq := g.anyQuant()
	x := g.input("x", s, qq)
	ax := g.constI32("axis", spec)
	y := g.i8t("y", os, qq)
	g.note("EXPAND_DIMS %v axis %d", s, spec)
	g.b.Op(tflite.BuiltinOperatorEXPAND_DIMS, 1, opts(tflite.BuiltinOptionsExpandDimsOptions, &tflite.ExpandDimsOptionsT{}), []int{x, ax}, []int{y})
	g.finish(y)
	return nil
}

func genConcat(g *gen) error {
	s := g.shape(1, 4, 200)
	axis := g.intn(0, len(s)-1)
	n := g.intn(2, 3)
	qq := g.anyQuant()
	var ins []int
	shapes, os := g.concatShapes(s, axis, n)
	for _, si := range shapes {
		ins = append(ins, g.input("x", si, qq))
	}
	spec := int32(axis)
	if g.chance(0.3) {
		spec = int32(axis - len(s))
	}
	y := g.i8t("y", os, qq)
	g.note("CONCATENATION %d inputs → %v axis %d", n, os, spec)
	g.b.Op(tflite.BuiltinOperatorCONCATENATION, 2, opts(tflite.BuiltinOptionsConcatenationOptions, &tflite.ConcatenationOptionsT{Axis: spec}), ins, []int{y})
	g.finish(y)
	return nil
}

// concatShapes draws the shapes of n inputs that concatenate along axis:
// s with 1 to 4 along the axis; os is the output's.
func (g *gen) concatShapes(s []int, axis, n int) (shapes [][]int, os []int) {
	os = append([]int{}, s...)
	os[axis] = 0
	for range n {
		si := append([]int{}, s...)
		si[axis] = g.intn(1, 4)
		os[axis] += si[axis]
		shapes = append(shapes, si)
	}
	return shapes, os
}

func genPad(g *gen, v2 bool) error {
	s := g.shape(1, 4, 200)
	var pads []int32
	os := make([]int, len(s))
	for d, v := range s {
		a, b := 0, 0
		if g.chance(0.6) {
			a, b = g.intn(0, 2), g.intn(0, 2)
		}
		pads = append(pads, int32(a), int32(b))
		os[d] = v + a + b
	}
	// The engine's int8 PAD follows TFLite Micro, which pads with 0 rather
	// than the zero point; both agree only for zero point 0.
	qq := q(g.scale(1.0/128, 1.0/4), 0)
	x := g.input("x", s, qq)
	pt := g.b.Tensor("paddings", tflite.TensorTypeINT32, []int{len(s), 2}, nil, tfbuild.I32(pads...))
	ins := []int{x, pt}
	code := tflite.BuiltinOperatorPAD
	if v2 {
		code = tflite.BuiltinOperatorPADV2
		qq = q(qq.Scale[0], g.zp())
		// PADV2's value is quantized like the output.
		ins = append(ins, g.b.Tensor("value", tflite.TensorTypeINT8, []int{1}, qq, g.i8(1)))
	}
	y := g.i8t("y", os, qq)
	if v2 {
		// input and output share quantization
		g.b.M.Subgraphs[0].Tensors[x].Quantization.ZeroPoint = []int64{qq.ZeroPoint[0]}
	}
	g.note("%v %v paddings %v", code, s, pads)
	g.b.Op(code, 2, nil, ins, []int{y})
	g.finish(y)
	return nil
}

func genTranspose(g *gen) error {
	s := g.shape(1, 5, 300)
	perm := g.rng.Perm(len(s))
	os := make([]int, len(s))
	p32 := make([]int32, len(s))
	for i, p := range perm {
		os[i] = s[p]
		p32[i] = int32(p)
	}
	qq := g.anyQuant()
	x := g.input("x", s, qq)
	pt := g.constI32("perm", p32...)
	y := g.i8t("y", os, qq)
	g.note("TRANSPOSE %v perm %v", s, perm)
	g.b.Op(tflite.BuiltinOperatorTRANSPOSE, 2, nil, []int{x, pt}, []int{y})
	g.finish(y)
	return nil
}

func genStridedSlice(g *gen) error {
	s := g.shape(1, 4, 300)
	r := len(s)
	begin, end, strides := make([]int32, r), make([]int32, r), make([]int32, r)
	var os []int
	var bm, em, sm int32
	for d, v := range s {
		st := 1
		if g.chance(0.3) {
			st = g.intn(2, 3)
		}
		if g.chance(0.15) {
			st = -st
		}
		b, e := g.intn(0, v-1), 0
		if st > 0 {
			e = g.intn(b+1, v)
		} else {
			e = g.intn(-1, b-1)
		}
		if g.chance(0.2) {
			bm |= 1 << d
			if st > 0 {
				b = 0
			} else {
				b = v - 1
			}
		}
		if g.chance(0.2) {
			em |= 1 << d
			if st > 0 {
				e = v
			} else {
				e = -1
			}
		}
		n := 0
		if st > 0 {
			n = (e - b + st - 1) / st
		} else {
			n = (b - e - st - 1) / -st
		}
		begin[d], end[d], strides[d] = int32(b), int32(e), int32(st)
		if e < 0 && !(em&(1<<d) != 0) {
			// a negative end counts from the back: -1 would mean v-1, so use
			// the end mask instead
			em |= 1 << d
		}
		if n == 1 && st > 0 && g.chance(0.2) && bm&(1<<d) == 0 {
			sm |= 1 << d
			end[d] = int32(b + 1)
			continue
		}
		os = append(os, n)
	}
	qq := g.anyQuant()
	x := g.input("x", s, qq)
	bt, et, stt := g.constI32("begin", begin...), g.constI32("end", end...), g.constI32("strides", strides...)
	y := g.i8t("y", os, qq)
	g.note("STRIDED_SLICE %v begin %v end %v strides %v masks b%b e%b s%b", s, begin, end, strides, bm, em, sm)
	g.b.Op(tflite.BuiltinOperatorSTRIDED_SLICE, 2, opts(tflite.BuiltinOptionsStridedSliceOptions, &tflite.StridedSliceOptionsT{
		BeginMask: bm, EndMask: em, ShrinkAxisMask: sm}), []int{x, bt, et, stt}, []int{y})
	g.finish(y)
	return nil
}
