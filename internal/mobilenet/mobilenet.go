// Package mobilenet builds an int8 MobileNet v2 (width 1.0, 224×224 input,
// 1001 classes) with the project's own model builder (engine/tfbuild): the
// architecture and op sequence of the converter-made
// mobilenet_v2_1.0_224 quantized classifier, with deterministic
// pseudo-random weights instead of trained ones. No third-party model file
// is involved: the bytes come from a seed.
//
// The graph, as the TFLite converter emits it for the slim/Keras model with
// batch norm folded:
//
//	input int8 [1,224,224,3]
//	CONV_2D 3×3/2 → 32, RELU6
//	block 0 (expansion 1): DEPTHWISE_CONV_2D 3×3/1, RELU6 → CONV_2D 1×1 → 16
//	16 blocks (expansion 6): CONV_2D 1×1 expand, RELU6 → DEPTHWISE_CONV_2D
//	  3×3 (stride 1 or 2), RELU6 → CONV_2D 1×1 project (linear) → ADD with
//	  the block's input when stride 1 and widths match
//	  (widths 24, 24, 32×3, 64×4, 96×3, 160×3, 320)
//	CONV_2D 1×1 → 1280, RELU6 → AVERAGE_POOL_2D 7×7 → CONV_2D 1×1 → 1001
//	(logits) → RESHAPE [1,1001] → SOFTMAX
//
// Weights are int8 per output channel (symmetric, zero point 0), biases int32
// at input scale × weight scale, as the converter quantizes them.
// Activation scales and zero points are calibrated as post-training
// quantization does: the float model (He-initialized weights, with a batch
// norm folded in per channel from the statistics of a calibration image so
// every layer's pre-activations have a realistic spread) runs on one
// synthetic image, and each activation tensor gets the asymmetric int8 range
// of the values it took. So activations spread over the int8 range instead of
// saturating or collapsing to zero.
package mobilenet

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Name is the file stem tools and tests use for the model V2 builds.
const Name = "mobilenet_v2_1.0_224_int8"

// block is one inverted-residual stage: expansion t, output channels c,
// repeats n, first stride s (the MobileNet v2 paper's table 2).
type block struct{ t, c, n, s int }

var blocks = []block{{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}}

// act is a float activation tensor, NHWC with N = 1.
type act struct {
	h, w, c int
	v       []float32
	t       int // tensor index in the model
	scale   float32
	zp      int64
}

type builder struct {
	b    *tfbuild.Builder
	rng  *rand.Rand
	seed uint64
}

// V2 returns the .tflite bytes of the model for seed: the same bytes for
// the same seed on one CPU architecture (the float calibration uses math's
// Exp and Sin, and another architecture may fuse multiply-adds, so a
// scale's last bit may differ across architectures).
func V2(seed uint64) []byte {
	g := &builder{b: tfbuild.New(), rng: rand.New(rand.NewPCG(seed, 0x6d6e7632)), seed: seed}
	g.b.M.Description = fmt.Sprintf("int8scope MobileNet v2 1.0 224, generated (seed %d)", seed)
	x := g.input()
	x = g.conv("MobilenetV2/Conv", x, 3, 2, 32, false, true, 1, 0.5)
	id := 0
	for _, bl := range blocks {
		for i := 0; i < bl.n; i++ {
			stride := 1
			if i == 0 {
				stride = bl.s
			}
			name := "MobilenetV2/expanded_conv"
			if id > 0 {
				name = fmt.Sprintf("MobilenetV2/expanded_conv_%d", id)
			}
			in := x
			if bl.t != 1 {
				x = g.conv(name+"/expand", x, 1, 1, x.c*bl.t, false, true, 1, 0.5)
			}
			x = g.conv(name+"/depthwise", x, 3, stride, x.c, true, true, 1, 0.5)
			// The projection is linear and, in a residual block, adds a
			// smaller update to the block's input, as trained nets do.
			x = g.conv(name+"/project", x, 1, 1, bl.c, false, false, 0.7, 0)
			if stride == 1 && in.c == bl.c {
				x = g.add(name+"/add", in, x)
			}
			id++
		}
	}
	x = g.conv("MobilenetV2/Conv_1", x, 1, 1, 1280, false, true, 1, 0.5)
	x = g.avgPool("MobilenetV2/Logits/AvgPool", x)
	x = g.logits("MobilenetV2/Logits/Conv2d_1c_1x1", x, 1001)
	r := g.reshape("MobilenetV2/Logits/Squeeze", x)
	out := g.softmax("MobilenetV2/Predictions/Reshape_1", r)
	g.b.Outputs(out)
	return g.b.Bytes()
}

// CalibrationImage is the float image ([-1, 1], 224×224×3, HWC) the
// activation ranges come from: smooth gradients and blobs plus a little
// noise, so the first layers see structure rather than white noise.
func CalibrationImage(seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 0x696d67))
	v := make([]float32, 224*224*3)
	type blob struct{ x, y, r, a float64 }
	bs := make([]blob, 12)
	for i := range bs {
		bs[i] = blob{rng.Float64() * 224, rng.Float64() * 224, 10 + rng.Float64()*50, rng.Float64()*2 - 1}
	}
	for y := 0; y < 224; y++ {
		for x := 0; x < 224; x++ {
			for c := 0; c < 3; c++ {
				s := 0.6*math.Sin(float64(x)/(17+7*float64(c))+float64(y)/31) + 0.2*float64(c-1)
				for _, b := range bs {
					d := math.Hypot(float64(x)-b.x, float64(y)-b.y)
					s += b.a * math.Exp(-d*d/(2*b.r*b.r))
				}
				s += 0.1 * rng.NormFloat64()
				v[(y*224+x)*3+c] = float32(max(-1, min(1, s)))
			}
		}
	}
	return v
}

// Input returns the calibration image quantized as the model's int8 input.
func Input(seed uint64) []byte {
	img := CalibrationImage(seed)
	b := make([]byte, len(img))
	for i, f := range img {
		b[i] = byte(int8(clampI(int64(math.Round(float64(f)/inScale))+inZP, -128, 127)))
	}
	return b
}

// The input quantization: [-1, 1] in 255 steps, as the converter gives an
// image normalized to [-1, 1].
const (
	inScale = 2.0 / 255
	inZP    = -1
)

func (g *builder) input() act {
	img := CalibrationImage(g.seed)
	t := g.b.Tensor("input", tflite.TensorTypeINT8, []int{1, 224, 224, 3}, tfbuild.Q(inScale, inZP), nil)
	g.b.Inputs(t)
	return act{h: 224, w: 224, c: 3, v: img, t: t, scale: inScale, zp: inZP}
}

// quantRange is the int8 (scale, zero point) of the float range [lo, hi],
// widened to contain 0, as TFLite's post-training quantizer computes it.
func quantRange(lo, hi float32) (float32, int64) {
	lo, hi = min(lo, 0), max(hi, 0)
	if hi-lo < 1e-6 {
		hi = lo + 1e-6
	}
	scale := (hi - lo) / 255
	zp := clampI(int64(math.Round(float64(-128-lo/scale))), -128, 127)
	return scale, zp
}

func clampI(v, lo, hi int64) int64 { return max(lo, min(hi, v)) }

func minMax(v []float32) (float32, float32) {
	lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

// conv adds a CONV_2D (depthwise: DEPTHWISE_CONV_2D, multiplier 1) with
// SAME padding and k×k kernel, computes its float output on x with a batch
// norm folded in (per channel: gamma around gain, beta around shift) and
// quantizes weights, bias and output.
func (g *builder) conv(name string, x act, k, stride, outC int, depthwise, relu6 bool, gain, shift float64) act {
	oh, ow := (x.h+stride-1)/stride, (x.w+stride-1)/stride
	padT := max((oh-1)*stride+k-x.h, 0) / 2
	padL := max((ow-1)*stride+k-x.w, 0) / 2
	fanIn := k * k * x.c
	if depthwise {
		fanIn = k * k
	}
	// w is [outC][k][k][inC] (depthwise: [k][k][C], index (ky*k+kx)*C+c).
	nw := outC * k * k * x.c
	if depthwise {
		nw = k * k * outC
	}
	w := make([]float64, nw)
	sd := math.Sqrt(2 / float64(fanIn))
	for i := range w {
		w[i] = g.rng.NormFloat64() * sd
	}
	pre := make([]float64, oh*ow*outC)
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			o := pre[(oy*ow+ox)*outC : (oy*ow+ox+1)*outC]
			for ky := 0; ky < k; ky++ {
				iy := oy*stride - padT + ky
				if iy < 0 || iy >= x.h {
					continue
				}
				for kx := 0; kx < k; kx++ {
					ix := ox*stride - padL + kx
					if ix < 0 || ix >= x.w {
						continue
					}
					in := x.v[(iy*x.w+ix)*x.c : (iy*x.w+ix+1)*x.c]
					if depthwise {
						wk := w[(ky*k+kx)*outC:]
						for c := range o {
							o[c] += float64(in[c]) * wk[c]
						}
						continue
					}
					for oc := range o {
						wk := w[((oc*k+ky)*k+kx)*x.c:]
						s := 0.0
						for ic, v := range in {
							s += float64(v) * wk[ic]
						}
						o[oc] += s
					}
				}
			}
		}
	}
	// Fold a batch norm: per channel, normalize the pre-activation over the
	// image, then scale by gamma and shift by beta.
	n := float64(oh * ow)
	mul, add := make([]float64, outC), make([]float64, outC)
	for c := 0; c < outC; c++ {
		var s, s2 float64
		for p := 0; p < oh*ow; p++ {
			v := pre[p*outC+c]
			s += v
			s2 += v * v
		}
		mean := s / n
		std := math.Sqrt(max(s2/n-mean*mean, 0)) + 1e-3
		gamma := gain * (0.5 + g.rng.Float64())
		beta := shift * (2*g.rng.Float64() - 0.6)
		mul[c], add[c] = gamma/std, beta-mean*gamma/std
	}
	out := make([]float32, len(pre))
	for i, v := range pre {
		c := i % outC
		f := v*mul[c] + add[c]
		if relu6 {
			f = max(0, min(6, f))
		}
		out[i] = float32(f)
	}
	bias := make([]float64, outC)
	for i := range w {
		c := i % outC // depthwise
		if !depthwise {
			c = i / (k * k * x.c)
		}
		w[i] *= mul[c]
	}
	copy(bias, add)
	lo, hi := minMax(out)
	scale, zp := quantRange(lo, hi)
	y := act{h: oh, w: ow, c: outC, v: out, scale: scale, zp: zp}

	wq, wScales := quantizePerChannel(w, outC, depthwise)
	bq := make([]int32, outC)
	bScales := make([]float32, outC)
	for c := range bq {
		bScales[c] = x.scale * wScales[c]
		bq[c] = int32(math.Round(bias[c] / float64(bScales[c])))
	}
	zeros := make([]int64, outC)
	fused := tflite.ActivationFunctionTypeNONE
	if relu6 {
		fused = tflite.ActivationFunctionTypeRELU6
	}
	var wt int
	if depthwise {
		wt = g.b.Tensor(name+"/weights_quant", tflite.TensorTypeINT8, []int{1, k, k, outC},
			&tfbuild.Quant{Scale: wScales, ZeroPoint: zeros, Axis: 3}, tfbuild.I8(wq...))
	} else {
		wt = g.b.Tensor(name+"/weights_quant", tflite.TensorTypeINT8, []int{outC, k, k, x.c},
			&tfbuild.Quant{Scale: wScales, ZeroPoint: zeros, Axis: 0}, tfbuild.I8(wq...))
	}
	bt := g.b.Tensor(name+"/bias", tflite.TensorTypeINT32, []int{outC}, &tfbuild.Quant{Scale: bScales, ZeroPoint: zeros}, tfbuild.I32(bq...))
	outName := name + "/BatchNorm/FusedBatchNormV3"
	if relu6 {
		outName = name + "/Relu6"
	}
	y.t = g.b.Tensor(outName, tflite.TensorTypeINT8, []int{1, oh, ow, outC}, tfbuild.Q(scale, zp), nil)
	if depthwise {
		g.b.Op(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, 3, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsDepthwiseConv2DOptions,
			Value: &tflite.DepthwiseConv2DOptionsT{Padding: tflite.PaddingSAME, StrideW: int32(stride), StrideH: int32(stride),
				DepthMultiplier: 1, FusedActivationFunction: fused, DilationWFactor: 1, DilationHFactor: 1}}, []int{x.t, wt, bt}, []int{y.t})
	} else {
		g.b.Op(tflite.BuiltinOperatorCONV_2D, 3, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConv2DOptions,
			Value: &tflite.Conv2DOptionsT{Padding: tflite.PaddingSAME, StrideW: int32(stride), StrideH: int32(stride),
				FusedActivationFunction: fused, DilationWFactor: 1, DilationHFactor: 1}}, []int{x.t, wt, bt}, []int{y.t})
	}
	return y
}

// quantizePerChannel quantizes w symmetrically per output channel
// (channel = i / (len/outC), or i % outC for depthwise) to int8 in
// [-127, 127].
func quantizePerChannel(w []float64, outC int, depthwise bool) ([]int8, []float32) {
	ch := func(i int) int {
		if depthwise {
			return i % outC
		}
		return i / (len(w) / outC)
	}
	amax := make([]float64, outC)
	for i, v := range w {
		amax[ch(i)] = max(amax[ch(i)], math.Abs(v))
	}
	scales := make([]float32, outC)
	for c := range scales {
		scales[c] = float32(max(amax[c], 1e-8) / 127)
	}
	q := make([]int8, len(w))
	for i, v := range w {
		q[i] = int8(clampI(int64(math.Round(v/float64(scales[ch(i)]))), -127, 127))
	}
	return q, scales
}

// add adds a residual ADD of two activations of the same shape.
func (g *builder) add(name string, a, b act) act {
	out := make([]float32, len(a.v))
	for i := range out {
		out[i] = a.v[i] + b.v[i]
	}
	lo, hi := minMax(out)
	scale, zp := quantRange(lo, hi)
	y := act{h: a.h, w: a.w, c: a.c, v: out, scale: scale, zp: zp}
	y.t = g.b.Tensor(name, tflite.TensorTypeINT8, []int{1, a.h, a.w, a.c}, tfbuild.Q(scale, zp), nil)
	g.b.Op(tflite.BuiltinOperatorADD, 2, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsAddOptions,
		Value: &tflite.AddOptionsT{FusedActivationFunction: tflite.ActivationFunctionTypeNONE}}, []int{a.t, b.t}, []int{y.t})
	return y
}

// avgPool adds the global AVERAGE_POOL_2D (VALID, the whole map); its
// output keeps the input's quantization, as the converter requires.
func (g *builder) avgPool(name string, x act) act {
	out := make([]float32, x.c)
	for p := 0; p < x.h*x.w; p++ {
		for c := 0; c < x.c; c++ {
			out[c] += x.v[p*x.c+c] / float32(x.h*x.w)
		}
	}
	y := act{h: 1, w: 1, c: x.c, v: out, scale: x.scale, zp: x.zp}
	y.t = g.b.Tensor(name, tflite.TensorTypeINT8, []int{1, 1, 1, x.c}, tfbuild.Q(x.scale, x.zp), nil)
	g.b.Op(tflite.BuiltinOperatorAVERAGE_POOL_2D, 2, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsPool2DOptions,
		Value: &tflite.Pool2DOptionsT{Padding: tflite.PaddingVALID, StrideW: 1, StrideH: 1,
			FilterWidth: int32(x.w), FilterHeight: int32(x.h)}}, []int{x.t}, []int{y.t})
	return y
}

// logits adds the classifier, a 1×1 CONV_2D to classes with bias, no batch
// norm, scaled to a trained classifier's spread; its range comes from the calibration image's logits, widened so a
// different input's logits rarely saturate.
func (g *builder) logits(name string, x act, classes int) act {
	w := make([]float64, classes*x.c)
	sd := math.Sqrt(1 / float64(x.c))
	for i := range w {
		w[i] = g.rng.NormFloat64() * sd
	}
	bias := make([]float64, classes)
	out := make([]float32, classes)
	for c := range out {
		bias[c] = 0.1 * g.rng.NormFloat64()
		s := bias[c]
		for i, v := range x.v {
			s += float64(v) * w[c*x.c+i]
		}
		out[c] = float32(s)
	}
	// Rescale so the logits spread with standard deviation 2.5, as a
	// trained classifier's do: the softmax then has a few visible classes
	// instead of 1001 equal ones.
	var s, s2 float64
	for _, v := range out {
		s += float64(v)
		s2 += float64(v) * float64(v)
	}
	mean := s / float64(classes)
	k := 2.5 / (math.Sqrt(max(s2/float64(classes)-mean*mean, 0)) + 1e-6)
	for c := range out {
		out[c] = float32((float64(out[c]) - mean) * k)
		bias[c] = (bias[c] - mean) * k
	}
	for i := range w {
		w[i] *= k
	}
	lo, hi := minMax(out)
	scale, zp := quantRange(1.5*lo, 1.5*hi)
	wq, wScales := quantizePerChannel(w, classes, false)
	bq := make([]int32, classes)
	bScales := make([]float32, classes)
	for c := range bq {
		bScales[c] = x.scale * wScales[c]
		bq[c] = int32(math.Round(bias[c] / float64(bScales[c])))
	}
	zeros := make([]int64, classes)
	wt := g.b.Tensor(name+"/weights_quant", tflite.TensorTypeINT8, []int{classes, 1, 1, x.c},
		&tfbuild.Quant{Scale: wScales, ZeroPoint: zeros, Axis: 0}, tfbuild.I8(wq...))
	bt := g.b.Tensor(name+"/bias", tflite.TensorTypeINT32, []int{classes}, &tfbuild.Quant{Scale: bScales, ZeroPoint: zeros}, tfbuild.I32(bq...))
	y := act{h: 1, w: 1, c: classes, v: out, scale: scale, zp: zp}
	y.t = g.b.Tensor(name+"/BiasAdd", tflite.TensorTypeINT8, []int{1, 1, 1, classes}, tfbuild.Q(scale, zp), nil)
	g.b.Op(tflite.BuiltinOperatorCONV_2D, 3, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConv2DOptions,
		Value: &tflite.Conv2DOptionsT{Padding: tflite.PaddingSAME, StrideW: 1, StrideH: 1,
			FusedActivationFunction: tflite.ActivationFunctionTypeNONE, DilationWFactor: 1, DilationHFactor: 1}}, []int{x.t, wt, bt}, []int{y.t})
	return y
}

// reshape adds the converter's squeeze of [1,1,1,C] to [1,C]: RESHAPE with
// a constant int32 shape input and the same shape in its options.
func (g *builder) reshape(name string, x act) act {
	shape := g.b.Tensor(name+"/shape", tflite.TensorTypeINT32, []int{2}, nil, tfbuild.I32(1, int32(x.c)))
	y := x
	y.t = g.b.Tensor(name, tflite.TensorTypeINT8, []int{1, x.c}, tfbuild.Q(x.scale, x.zp), nil)
	g.b.Op(tflite.BuiltinOperatorRESHAPE, 1, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsReshapeOptions,
		Value: &tflite.ReshapeOptionsT{NewShape: []int32{1, int32(x.c)}}}, []int{x.t, shape}, []int{y.t})
	return y
}

// softmax adds SOFTMAX (beta 1) with TFLite's fixed int8 output
// quantization, 1/256 and −128.
func (g *builder) softmax(name string, x act) int {
	y := g.b.Tensor(name, tflite.TensorTypeINT8, []int{1, x.c}, tfbuild.Q(1.0/256, -128), nil)
	g.b.Op(tflite.BuiltinOperatorSOFTMAX, 2, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSoftmaxOptions,
		Value: &tflite.SoftmaxOptionsT{Beta: 1}}, []int{x.t}, []int{y})
	return y
}
