package difftest

import (
	"math"

	"github.com/int8scope/int8scope/engine/flexbuffers"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generators for RESIZE_BILINEAR (every type), BATCH_MATMUL and
// TFLite_Detection_PostProcess.

func init() {
	for _, typ := range []tflite.TensorType{tflite.TensorTypeINT8, tflite.TensorTypeUINT8, tflite.TensorTypeINT16, tflite.TensorTypeFLOAT32} {
		name := "RESIZE_BILINEAR"
		if typ != tflite.TensorTypeINT8 {
			name += "_" + typeName(typ)
		}
		register(name, func(g *gen) error { return genResizeBilinear(g, typ) }, "RESIZE_BILINEAR")
	}
	for _, typ := range []tflite.TensorType{tflite.TensorTypeINT8, tflite.TensorTypeINT16, tflite.TensorTypeFLOAT32} {
		name := "BATCH_MATMUL"
		if typ != tflite.TensorTypeINT8 {
			name += "_" + typeName(typ)
		}
		register(name, func(g *gen) error { return genBatchMatMul(g, typ) }, "BATCH_MATMUL")
	}
	register("RFFT2D", func(g *gen) error { return genRfft2d(g, false) }, "RFFT2D", "REAL", "IMAG", "COMPLEX_ABS")
	tflmLacks["RESIZE_BILINEAR_uint8"], tflmLacks["DETECTION_POSTPROCESS"] = noUint8, noUint8
	tflmLacks["RESIZE_BILINEAR_int16"] = "TFLite Micro's RESIZE_BILINEAR takes float32 and int8 only"
	tflmLacks["DETECTION_POSTPROCESS_float"] = "TFLite Micro's port of detection_postprocess.cc disagrees with TFLite on these models " +
		"(rows of max_classes_per_detection > 1, outputs stored without a shape, some invokes fail); not investigated, see PROFILES.md"
	register("DETECTION_POSTPROCESS", func(g *gen) error { return genDetection(g, tflite.TensorTypeUINT8) }, "CUSTOM:TFLite_Detection_PostProcess")
	register("DETECTION_POSTPROCESS_float", func(g *gen) error { return genDetection(g, tflite.TensorTypeFLOAT32) }, "CUSTOM:TFLite_Detection_PostProcess")
}

func typeName(t tflite.TensorType) string {
	switch t {
	case tflite.TensorTypeUINT8:
		return "uint8"
	case tflite.TensorTypeINT16:
		return "int16"
	case tflite.TensorTypeFLOAT32:
		return "float"
	}
	return "int8"
}

// inputOf adds a subgraph input of any type with random data: floats
// uniform in [−4, 4), integers as typed draws them.
func (g *gen) inputOf(name string, typ tflite.TensorType, shape []int, qq *tfbuild.Quant) int {
	if typ == tflite.TensorTypeFLOAT32 {
		return g.inputF32(name, shape, -4, 4)
	}
	return g.typed(name, typ, shape, qq)
}

func genResizeBilinear(g *gen, typ tflite.TensorType) error {
	n, h, w, c := g.intn(1, 2), g.intn(1, 8), g.intn(1, 8), g.intn(1, 10)
	oh, ow := g.intn(1, 20), g.intn(1, 20)
	align, half := false, false
	switch g.rng.Intn(3) {
	case 0:
		align = true
	case 1:
		half = true
	}
	switch {
	case g.chance(0.15): // TFLite's optimized float kernel has a 2× path
		oh, ow = 2*h, 2*w
		align, half = false, false
	case typ == tflite.TensorTypeUINT8 && g.chance(0.15): // and uint8 an 8× one
		h, w, c = g.intn(1, 4), g.intn(1, 4), 8*g.intn(1, 2)
		oh, ow = 8*h, 8*w
		align, half = false, true
	}
	qq := g.quantOf(typ, 1.0/256, 1.0/4)
	x := g.inputOf("x", typ, []int{n, h, w, c}, qq)
	size := g.constI32("size", int32(oh), int32(ow))
	qo := qq
	if qq != nil && g.chance(0.1) {
		qo = g.quantOf(typ, 1.0/256, 1.0/4)
		g.note("output-quant-differs")
	}
	y := g.b.Tensor("y", typ, []int{n, oh, ow, c}, qo, nil)
	g.note("RESIZE_BILINEAR %v [%d %d %d %d] → %dx%d align_corners=%v half_pixel_centers=%v", typeName(typ), n, h, w, c, oh, ow, align, half)
	g.b.Op(tflite.BuiltinOperatorRESIZE_BILINEAR, 3, opts(tflite.BuiltinOptionsResizeBilinearOptions,
		&tflite.ResizeBilinearOptionsT{AlignCorners: align, HalfPixelCenters: half}), []int{x, size}, []int{y})
	g.finish(y)
	return nil
}

// genDetection is an SSD head's TFLite_Detection_PostProcess: overlapping
// boxes (so that NMS suppresses), scores with many ties, fast or regular
// NMS, with or without a background column.
func genDetection(g *gen, typ tflite.TensorType) error {
	regular := g.chance(0.5)
	n, classes := g.intn(1, 40), g.intn(1, 6)
	background := g.intn(0, 1)
	code := g.intn(4, 6)
	maxDet, maxCls := g.intn(1, 10), 1
	centre, size, spread := 0.4, 0.4, float32(2)
	// Regular NMS writes max_detections rows; the rest of the
	// max_detections·max_classes_per_detection rows would stay undefined,
	// so regular cases keep one class per detection.
	if !regular {
		// Fast NMS leaves the rows it does not fill as they were (TFLite's
		// arena: undefined), so these cases keep enough boxes apart to
		// fill every row: at least 20 small boxes over the whole image, at
		// most 3 detections of at most num_classes classes each.
		classes = g.intn(1, 9)
		n, maxDet, maxCls = g.intn(20, 40), g.intn(1, 3), g.intn(1, classes)
		centre, size, spread = 1, 0.1, 0.5
	}
	opt := map[string]any{
		"max_detections": maxDet, "max_classes_per_detection": maxCls, "num_classes": classes,
		"nms_score_threshold": pick(g, float32(0), float32(1e-8), float32(0.25), float32(0.5)),
		"nms_iou_threshold":   pick(g, float32(0.3), float32(0.5), float32(0.6), float32(1)),
		"y_scale":             float32(10), "x_scale": float32(10), "h_scale": float32(5), "w_scale": float32(5),
		"use_regular_nms": regular,
	}
	if !regular {
		opt["nms_score_threshold"] = pick(g, float32(0), float32(1e-8), float32(0.125))
	}
	if g.chance(0.3) {
		opt["y_scale"], opt["h_scale"] = float32(g.intn(1, 10)), float32(g.intn(1, 10))
	}
	if g.chance(0.7) {
		opt["detections_per_class"] = g.intn(1, 10)
	}
	options, err := flexbuffers.BuildMap(opt)
	if err != nil {
		return err
	}
	scoreTyp := typ
	if g.chance(0.3) {
		scoreTyp = pick(g, tflite.TensorTypeUINT8, tflite.TensorTypeFLOAT32)
	}
	var boxes, scores, anchors int
	anchorVals := make([]float32, 4*n)
	for i := 0; i < n; i++ { // regular: centres in a small area, sizes 0.1–0.5, many overlaps
		anchorVals[4*i] = float32(0.5 - centre/2 + centre*g.rng.Float64())
		anchorVals[4*i+1] = float32(0.5 - centre/2 + centre*g.rng.Float64())
		anchorVals[4*i+2], anchorVals[4*i+3] = float32(0.1+size*g.rng.Float64()), float32(0.1+size*g.rng.Float64())
		if !regular {
			anchorVals[4*i+2], anchorVals[4*i+3] = float32(0.02+size*g.rng.Float64()), float32(0.02+size*g.rng.Float64())
		}
	}
	if typ == tflite.TensorTypeUINT8 {
		boxes = g.inputOf("boxes", typ, []int{1, n, code}, q(spread*g.scale(1.0/128, 1.0/32), int64(g.intn(100, 156))))
		aq := make([]byte, 4*n)
		for i, v := range anchorVals {
			aq[i] = byte(math.Round(float64(v) * 255))
		}
		anchors = g.b.Tensor("anchors", typ, []int{n, 4}, q(1.0/255, 0), aq)
	} else {
		boxes = g.inputF32("boxes", []int{1, n, code}, -float64(spread), float64(spread))
		anchors = g.b.Tensor("anchors", typ, []int{n, 4}, nil, tfbuild.F32(anchorVals...))
	}
	cols := classes + background
	if scoreTyp == tflite.TensorTypeUINT8 {
		scores = g.inputOf("scores", scoreTyp, []int{1, n, cols}, q(1.0/256, 0))
		if g.chance(0.5) { // coarse scores: ties everywhere
			d := g.inputData[len(g.inputData)-1]
			for i := range d {
				d[i] &= 0xc0
			}
		}
	} else {
		scores = g.b.Tensor("scores", scoreTyp, []int{1, n, cols}, nil, nil)
		g.inputs = append(g.inputs, scores)
		v := make([]float32, n*cols)
		for i := range v {
			v[i] = float32(g.intn(0, 8)) / 8
		}
		g.inputData = append(g.inputData, tfbuild.F32(v...))
	}
	rows := maxDet * maxCls
	var outs []int
	shapeless := g.chance(0.5) // as converters store them: TFLite's Prepare sets them
	if shapeless {
		g.note("shapeless-outputs")
	}
	for i, shape := range [][]int{{1, rows, 4}, {1, rows}, {1, rows}, {1}} {
		if shapeless && g.chance(0.7) {
			shape = nil
		}
		outs = append(outs, g.b.Tensor("det"+string(rune('0'+i)), tflite.TensorTypeFLOAT32, shape, nil, nil))
	}
	g.note("TFLite_Detection_PostProcess %v boxes %d×%d classes %d+%d scores %v options %v", typeName(typ), n, code, classes, background, typeName(scoreTyp), opt)
	g.b.CustomOp("TFLite_Detection_PostProcess", options, []int{boxes, scores, anchors}, outs)
	g.finish(outs...)
	return nil
}

// genBatchMatMul multiplies [..., M, K]·[..., K, N] (either transposed),
// batch dimensions broadcasting, the rhs sometimes constant.
func genBatchMatMul(g *gen, typ tflite.TensorType) error {
	m, n, k := g.intn(1, 8), g.intn(1, 8), g.intn(1, 40)
	if g.chance(0.3) { // larger: TFLite's float GEMM (Eigen) blocks these differently
		m, n, k = g.intn(1, 24), g.intn(1, 24), g.intn(1, 300)
	}
	rank := g.intn(2, 4)
	batch := g.shape(rank-2, rank-2, 12)
	lb, rb := g.broadcastOf2(batch), g.broadcastOf2(batch)
	adjX, adjY := g.chance(0.4), g.chance(0.4)
	ls, rs := append(append([]int{}, lb...), m, k), append(append([]int{}, rb...), k, n)
	if adjX {
		ls[len(ls)-2], ls[len(ls)-1] = k, m
	}
	if adjY {
		rs[len(rs)-2], rs[len(rs)-1] = n, k
	}
	var ql, qr, qo *tfbuild.Quant
	switch typ {
	case tflite.TensorTypeINT8:
		sl, sr := g.scale(1.0/128, 1.0/8), g.scale(1.0/128, 1.0/8)
		ql, qr = q(sl, g.zp()), q(sr, g.zp())
		qo = q(g.scaleNear(float64(sl)*float64(sr)*typicalDot(k)/64, 2), g.zp())
	case tflite.TensorTypeINT16:
		sl, sr := g.scale(1.0/4096, 1.0/256), g.scale(1.0/4096, 1.0/256)
		ql, qr = q(sl, 0), q(sr, 0)
		qo = q(g.scaleNear(float64(sl)*float64(sr)*typicalDot(k)*256/32768*4, 2), 0)
	}
	x := g.inputOf("lhs", typ, ls, ql)
	var y int
	if g.chance(0.3) {
		var data []byte
		switch typ {
		case tflite.TensorTypeFLOAT32:
			v := make([]float32, prod(rs))
			for i := range v {
				v[i] = float32(g.rng.Float64()*2 - 1)
			}
			data = tfbuild.F32(v...)
		case tflite.TensorTypeINT16:
			v := make([]int16, prod(rs))
			for i := range v {
				v[i] = int16(g.intn(-32768, 32767))
			}
			data = tfbuild.I16(v...)
		default:
			data = g.i8(prod(rs))
		}
		y = g.b.Tensor("rhs", typ, rs, qr, data)
		g.note("constant-rhs")
	} else {
		y = g.inputOf("rhs", typ, rs, qr)
	}
	out := g.b.Tensor("out", typ, append(broadcastShape(lb, rb), m, n), qo, nil)
	g.note("BATCH_MATMUL %v %v × %v adj_x=%v adj_y=%v", typeName(typ), ls, rs, adjX, adjY)
	g.b.Op(tflite.BuiltinOperatorBATCH_MATMUL, 1, opts(tflite.BuiltinOptionsBatchMatMulOptions,
		&tflite.BatchMatMulOptionsT{AdjX: adjX, AdjY: adjY}), []int{x, y}, []int{out})
	g.finish(out)
	return nil
}

// broadcastOf2 is s with some dimensions set to 1, or its trailing part.
func (g *gen) broadcastOf2(s []int) []int {
	b := append([]int{}, s[g.intn(0, len(s)):]...)
	for i := range b {
		if g.chance(0.3) {
			b[i] = 1
		}
	}
	return b
}

// genRfft2d is RFFT2D of a float input (cropped or zero-padded to powers of
// two), read through REAL, IMAG and COMPLEX_ABS: the oracle cannot read
// complex64 tensors. Inputs are sometimes scaled by 2^±70 (hypotf's
// rescaling); with cancel, they are small integers, whose transform has
// parts that cancel to zero (where the engine's FFT and TFLite's differ by
// about 1e-15, TestRfft2dCancellation).
func genRfft2d(g *gen, cancel bool) error {
	lead := g.shape(0, 2, 4)
	h, w := g.intn(1, 12), g.intn(1, 12)
	fh, fw := 1<<g.intn(1, 4), 1<<g.intn(1, 5)
	shape := append(append([]int{}, lead...), h, w)
	x := g.inputF32("x", shape, -4, 4)
	v := engineF32(g.inputData[len(g.inputData)-1])
	switch {
	case cancel:
		for i := range v {
			v[i] = float32(g.intn(-2, 2))
		}
		g.note("small-integers")
	case g.chance(0.2):
		sc := pick(g, float32(0x1p70), float32(0x1p-70))
		for i := range v {
			v[i] *= sc
		}
		g.note("scaled")
	}
	g.inputData[len(g.inputData)-1] = tfbuild.F32(v...)
	fl := g.constI32("fft_length", int32(fh), int32(fw))
	os := append(append([]int{}, lead...), fh, fw/2+1)
	y := g.b.Tensor("y", tflite.TensorTypeCOMPLEX64, os, nil, nil)
	g.note("RFFT2D %v fft_length [%d %d]", shape, fh, fw)
	g.b.Op(tflite.BuiltinOperatorRFFT2D, 1, nil, []int{x, fl}, []int{y})
	var outs []int
	for _, code := range []tflite.BuiltinOperator{tflite.BuiltinOperatorREAL, tflite.BuiltinOperatorIMAG, tflite.BuiltinOperatorCOMPLEX_ABS} {
		o := g.b.Tensor(code.String(), tflite.TensorTypeFLOAT32, os, nil, nil)
		g.b.Op(code, 1, nil, []int{y}, []int{o})
		outs = append(outs, o)
	}
	g.finish(outs...)
	return nil
}
