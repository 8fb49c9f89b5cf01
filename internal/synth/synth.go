// Package synth builds int8 models with the project's own model builder
// (engine/tfbuild) from float layers with deterministic pseudo-random
// weights, quantized as the TFLite converter's post-training quantization
// does. internal/mobilenet and internal/tinyml describe their architectures
// with it; no third-party model file is involved: the bytes come from a
// seed.
//
// Each layer computes its float output on a calibration input (one image,
// or a batch of rows for dense models) as it is added, so every activation
// tensor gets the asymmetric int8 range of the values it took, as the
// converter's calibration gives it: activations spread over the int8 range
// instead of saturating or collapsing to zero. Convolutions and dense layers
// are He-initialized with a batch norm folded in per channel from the
// calibration statistics (so every layer's pre-activations have a realistic
// spread); conv weights are int8 per output channel, FULLY_CONNECTED weights
// int8 per tensor (both symmetric, zero point 0), biases int32 at input scale
// × weight scale, as the converter quantizes them.
package synth

import (
	"math"
	"math/rand/v2"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Act is a float activation: H×W positions of C channels (NHWC, N = 1; a
// dense layer's calibration batch is H rows with W = 1), the values V the
// calibration input gave it, its tensor T and its int8 quantization.
type Act struct {
	H, W, C int
	V       []float32
	T       int // tensor index in the model
	Scale   float32
	ZP      int64
}

// Builder adds calibrated int8 layers to B, drawing weights from Rng.
// PotScaleInt16 is the ADD ops' pot_scale_int16 option (int8 kernels
// ignore it; the converter writes the schema's default, true).
//
// With FakeQuant, each layer's calibration value is computed from its
// input's int8-representable values with the int8 model's weights and
// biases, and rounded to its own int8 grid, as quantization-aware
// evaluation does: without it, a deep random net's float and int8 values
// drift apart layer by layer (after 27 MobileNet v1 layers, by about their
// own size), and the last layers' ranges no longer fit what the int8 model
// computes.
type Builder struct {
	B             *tfbuild.Builder
	Rng           *rand.Rand
	PotScaleInt16 bool
	FakeQuant     bool
}

// act returns the activation of values v quantized with (scale, zp):
// with FakeQuant, v rounded to that int8 grid.
func (g *Builder) act(h, w, c int, v []float32, scale float32, zp int64) Act {
	if g.FakeQuant {
		for i, f := range v {
			q := clampI(int64(math.Round(float64(f)/float64(scale)))+zp, -128, 127)
			v[i] = float32(q-zp) * scale
		}
	}
	return Act{H: h, W: w, C: c, V: v, Scale: scale, ZP: zp}
}

// dequantizedWeights are w and bias as the int8 model holds them,
// dequantized: per-channel weights for convolutions, per-tensor for Dense.
func dequantizedWeights(w, bias []float64, inScale float32, outC int, kind Kind) ([]float64, []float64) {
	wdq, bdq := make([]float64, len(w)), make([]float64, outC)
	depthwise := kind == Depthwise
	var q []int8
	scales := make([]float32, outC)
	if kind == Dense {
		var s float32
		q, s = quantizePerTensor(w)
		for c := range scales {
			scales[c] = s
		}
	} else {
		q, scales = quantizePerChannel(w, outC, depthwise)
	}
	for i, v := range q {
		c := i % outC
		if !depthwise {
			c = i / (len(w) / outC)
		}
		wdq[i] = float64(v) * float64(scales[c])
	}
	for c := range bdq {
		bs := float64(inScale * scales[c])
		bdq[c] = math.Round(bias[c]/bs) * bs
	}
	return wdq, bdq
}

// New returns a Builder for a new model, weights drawn from rng.
func New(rng *rand.Rand) *Builder { return &Builder{B: tfbuild.New(), Rng: rng} }

// Input adds the int8 model input of the given shape and quantization;
// v is its float calibration value (for a dense model, h rows of the
// input's width, each one calibration sample).
func (g *Builder) Input(name string, shape []int, h, w, c int, v []float32, scale float32, zp int64) Act {
	t := g.B.Tensor(name, tflite.TensorTypeINT8, shape, tfbuild.Q(scale, zp), nil)
	g.B.Inputs(t)
	x := g.act(h, w, c, append([]float32(nil), v...), scale, zp)
	x.T = t
	return x
}

// Quantize returns v quantized to int8 bytes with (scale, zp), as a model
// input file holds it.
func Quantize(v []float32, scale float64, zp int64) []byte {
	b := make([]byte, len(v))
	for i, f := range v {
		b[i] = byte(int8(clampI(int64(math.Round(float64(f)/scale))+zp, -128, 127)))
	}
	return b
}

// Field is a smooth synthetic h×w×c input in [-1, 1] (HWC): sine gradients
// and Gaussian blobs plus a little noise, so the first layers see
// structure rather than white noise. stream selects an independent sample
// for the same seed.
func Field(seed, stream uint64, h, w, c int) []float32 {
	rng := rand.New(rand.NewPCG(seed, stream))
	v := make([]float32, h*w*c)
	type blob struct{ x, y, r, a float64 }
	bs := make([]blob, 12)
	size := float64(min(h, w)) / 224
	for i := range bs {
		bs[i] = blob{rng.Float64() * float64(w), rng.Float64() * float64(h), (10 + rng.Float64()*50) * max(size, 0.1), rng.Float64()*2 - 1}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for ch := 0; ch < c; ch++ {
				s := 0.6*math.Sin(float64(x)/(17+7*float64(ch))+float64(y)/31) + 0.2*float64(ch-c/2)
				for _, b := range bs {
					d := math.Hypot(float64(x)-b.x, float64(y)-b.y)
					s += b.a * math.Exp(-d*d/(2*b.r*b.r))
				}
				s += 0.1 * rng.NormFloat64()
				v[(y*w+x)*c+ch] = float32(max(-1, min(1, s)))
			}
		}
	}
	return v
}

// QuantRange is the int8 (scale, zero point) of the float range [lo, hi],
// widened to contain 0, as TFLite's post-training quantizer computes it.
func QuantRange(lo, hi float32) (float32, int64) {
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

// Kind is the op a weighted layer becomes.
type Kind int

// The weighted layers: CONV_2D, DEPTHWISE_CONV_2D (multiplier 1),
// FULLY_CONNECTED (a 1×1 "conv" over the rows of a dense activation).
const (
	Conv Kind = iota
	Depthwise
	Dense
)

// Layer describes a weighted layer with a folded batch norm: kernel KH×KW
// (1×1 for Dense), Stride, SAME padding, OutC output channels, the fused
// activation Act (NONE, RELU or RELU6), and the batch norm's gamma around
// Gain and beta around Shift.
type Layer struct {
	Kind        Kind
	KH, KW      int
	Stride      int
	OutC        int
	Act         tflite.ActivationFunctionType
	Gain, Shift float64
}

// Layer adds l on x: it draws He-initialized weights, computes the float
// output on x's calibration value with the batch norm folded in (per
// channel: normalized over the calibration positions or rows, then gamma
// and beta), and quantizes weights, bias and output.
func (g *Builder) Layer(name string, x Act, l Layer) Act {
	k := l.KH * l.KW
	stride, outC := max(l.Stride, 1), l.OutC
	depthwise := l.Kind == Depthwise
	oh, ow := (x.H+stride-1)/stride, (x.W+stride-1)/stride
	padT := max((oh-1)*stride+l.KH-x.H, 0) / 2
	padL := max((ow-1)*stride+l.KW-x.W, 0) / 2
	fanIn := k * x.C
	if depthwise {
		fanIn = k
	}
	// w is [outC][KH][KW][inC] (depthwise: [KH][KW][C], index (ky*KW+kx)*C+c).
	nw := outC * k * x.C
	if depthwise {
		nw = k * outC
	}
	w := make([]float64, nw)
	sd := math.Sqrt(2 / float64(fanIn))
	for i := range w {
		w[i] = g.Rng.NormFloat64() * sd
	}
	pre := forward(x, w, l, oh, ow, padT, padL)
	// Fold a batch norm: per channel, normalize the pre-activation over the
	// calibration positions, then scale by gamma and shift by beta.
	n := float64(oh * ow)
	mul, add := make([]float64, outC), make([]float64, outC)
	means, stds := make([]float64, outC), make([]float64, outC)
	var stdSum float64
	for c := 0; c < outC; c++ {
		var s, s2 float64
		for p := 0; p < oh*ow; p++ {
			v := pre[p*outC+c]
			s += v
			s2 += v * v
		}
		means[c] = s / n
		stds[c] = math.Sqrt(max(s2/n-means[c]*means[c], 0)) + 1e-3
		stdSum += stds[c]
	}
	for c := 0; c < outC; c++ {
		mean, std := means[c], stds[c]
		if g.FakeQuant {
			// A channel that barely varies on the calibration input would
			// be scaled up to unit spread, rounding noise included: a
			// trained net's batch norm has seen more inputs than one.
			std = max(std, 0.5*stdSum/float64(outC))
		}
		gamma := l.Gain * (0.5 + g.Rng.Float64())
		beta := l.Shift * (2*g.Rng.Float64() - 0.6)
		mul[c], add[c] = gamma/std, beta-mean*gamma/std
	}
	out := make([]float32, len(pre))
	for i, v := range pre {
		c := i % outC
		out[i] = float32(activate(v*mul[c]+add[c], l.Act))
	}
	for i := range w {
		c := i % outC // depthwise
		if !depthwise {
			c = i / (k * x.C)
		}
		w[i] *= mul[c]
	}
	if g.FakeQuant {
		// Recompute the output with the weights and biases the int8 model
		// will hold, so it follows the int8 model rather than the float one.
		wdq, bdq := dequantizedWeights(w, add, x.Scale, outC, l.Kind)
		for i, v := range forward(x, wdq, l, oh, ow, padT, padL) {
			out[i] = float32(activate(v+bdq[i%outC], l.Act))
		}
	}
	lo, hi := minMax(out)
	scale, zp := QuantRange(lo, hi)
	y := g.act(oh, ow, outC, out, scale, zp)
	suffix := "/BatchNorm/FusedBatchNormV3"
	switch l.Act {
	case tflite.ActivationFunctionTypeRELU6:
		suffix = "/Relu6"
	case tflite.ActivationFunctionTypeRELU:
		suffix = "/Relu"
	}
	switch l.Kind {
	case Dense:
		y.T = g.fullyConnected(name, x, w, add, outC, scale, zp, l.Act, name+suffix)
	default:
		y.T = g.conv(name, x, w, add, l, oh, ow, scale, zp, name+suffix)
	}
	return y
}

// forward is the float convolution (or depthwise, or dense) of l on x's
// calibration value with weights w, without bias: [oh][ow][OutC].
func forward(x Act, w []float64, l Layer, oh, ow, padT, padL int) []float64 {
	stride, outC := max(l.Stride, 1), l.OutC
	depthwise := l.Kind == Depthwise
	pre := make([]float64, oh*ow*outC)
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			o := pre[(oy*ow+ox)*outC : (oy*ow+ox+1)*outC]
			for ky := 0; ky < l.KH; ky++ {
				iy := oy*stride - padT + ky
				if iy < 0 || iy >= x.H {
					continue
				}
				for kx := 0; kx < l.KW; kx++ {
					ix := ox*stride - padL + kx
					if ix < 0 || ix >= x.W {
						continue
					}
					in := x.V[(iy*x.W+ix)*x.C : (iy*x.W+ix+1)*x.C]
					if depthwise {
						wk := w[(ky*l.KW+kx)*outC:]
						for c := range o {
							o[c] += float64(in[c]) * wk[c]
						}
						continue
					}
					for oc := range o {
						wk := w[((oc*l.KH+ky)*l.KW+kx)*x.C:]
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
	return pre
}

func activate(f float64, act tflite.ActivationFunctionType) float64 {
	switch act {
	case tflite.ActivationFunctionTypeRELU6:
		return max(0, min(6, f))
	case tflite.ActivationFunctionTypeRELU:
		return max(0, f)
	}
	return f
}

// conv emits the CONV_2D or DEPTHWISE_CONV_2D of Layer with float weights
// w (folded) and biases bias, per-channel int8 weights.
func (g *Builder) conv(name string, x Act, w, bias []float64, l Layer, oh, ow int, scale float32, zp int64, outName string) int {
	depthwise := l.Kind == Depthwise
	outC := l.OutC
	wq, wScales := quantizePerChannel(w, outC, depthwise)
	zeros := make([]int64, outC)
	var wt int
	if depthwise {
		wt = g.B.Tensor(name+"/weights_quant", tflite.TensorTypeINT8, []int{1, l.KH, l.KW, outC},
			&tfbuild.Quant{Scale: wScales, ZeroPoint: zeros, Axis: 3}, tfbuild.I8(wq...))
	} else {
		wt = g.B.Tensor(name+"/weights_quant", tflite.TensorTypeINT8, []int{outC, l.KH, l.KW, x.C},
			&tfbuild.Quant{Scale: wScales, ZeroPoint: zeros, Axis: 0}, tfbuild.I8(wq...))
	}
	bt := g.bias(name, x.Scale, wScales, bias)
	y := g.B.Tensor(outName, tflite.TensorTypeINT8, []int{1, oh, ow, outC}, tfbuild.Q(scale, zp), nil)
	stride := int32(max(l.Stride, 1))
	if depthwise {
		g.B.Op(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, 3, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsDepthwiseConv2DOptions,
			Value: &tflite.DepthwiseConv2DOptionsT{Padding: tflite.PaddingSAME, StrideW: stride, StrideH: stride,
				DepthMultiplier: 1, FusedActivationFunction: l.Act, DilationWFactor: 1, DilationHFactor: 1}}, []int{x.T, wt, bt}, []int{y})
	} else {
		g.B.Op(tflite.BuiltinOperatorCONV_2D, 3, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConv2DOptions,
			Value: &tflite.Conv2DOptionsT{Padding: tflite.PaddingSAME, StrideW: stride, StrideH: stride,
				FusedActivationFunction: l.Act, DilationWFactor: 1, DilationHFactor: 1}}, []int{x.T, wt, bt}, []int{y})
	}
	return y
}

// fullyConnected emits a FULLY_CONNECTED of x's channels to outC with float
// weights w ([outC][inC]) and biases bias: int8 weights per tensor, as the
// converter quantizes FULLY_CONNECTED, output [1, outC].
func (g *Builder) fullyConnected(name string, x Act, w, bias []float64, outC int, scale float32, zp int64, act tflite.ActivationFunctionType, outName string) int {
	wq, wScale := quantizePerTensor(w)
	bScale := x.Scale * wScale
	bq := make([]int32, outC)
	for c := range bq {
		bq[c] = int32(math.Round(bias[c] / float64(bScale)))
	}
	wt := g.B.Tensor(name+"/MatMul", tflite.TensorTypeINT8, []int{outC, x.C}, tfbuild.Q(wScale, 0), tfbuild.I8(wq...))
	bt := g.B.Tensor(name+"/BiasAdd/ReadVariableOp", tflite.TensorTypeINT32, []int{outC}, tfbuild.Q(bScale, 0), tfbuild.I32(bq...))
	y := g.B.Tensor(outName, tflite.TensorTypeINT8, []int{1, outC}, tfbuild.Q(scale, zp), nil)
	g.B.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsFullyConnectedOptions,
		Value: &tflite.FullyConnectedOptionsT{FusedActivationFunction: act}}, []int{x.T, wt, bt}, []int{y})
	return y
}

// bias adds the int32 per-channel bias tensor at input scale × weight
// scale.
func (g *Builder) bias(name string, inScale float32, wScales []float32, bias []float64) int {
	bq := make([]int32, len(wScales))
	bScales := make([]float32, len(wScales))
	for c := range bq {
		bScales[c] = inScale * wScales[c]
		bq[c] = int32(math.Round(bias[c] / float64(bScales[c])))
	}
	zeros := make([]int64, len(wScales))
	return g.B.Tensor(name+"/bias", tflite.TensorTypeINT32, []int{len(wScales)}, &tfbuild.Quant{Scale: bScales, ZeroPoint: zeros}, tfbuild.I32(bq...))
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

// quantizePerTensor quantizes w symmetrically with one scale to int8 in
// [-127, 127].
func quantizePerTensor(w []float64) ([]int8, float32) {
	q, s := quantizePerChannel(w, 1, false)
	return q, s[0]
}

// Add adds an ADD of two activations of the same shape with the fused
// activation act.
func (g *Builder) Add(name string, a, b Act, act tflite.ActivationFunctionType) Act {
	out := make([]float32, len(a.V))
	for i := range out {
		out[i] = float32(activate(float64(a.V[i]+b.V[i]), act))
	}
	lo, hi := minMax(out)
	scale, zp := QuantRange(lo, hi)
	y := g.act(a.H, a.W, a.C, out, scale, zp)
	y.T = g.B.Tensor(name, tflite.TensorTypeINT8, []int{1, a.H, a.W, a.C}, tfbuild.Q(scale, zp), nil)
	g.B.Op(tflite.BuiltinOperatorADD, 2, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsAddOptions,
		Value: &tflite.AddOptionsT{FusedActivationFunction: act, PotScaleInt16: g.PotScaleInt16}}, []int{a.T, b.T}, []int{y.T})
	return y
}

// AvgPool adds the global AVERAGE_POOL_2D (VALID, the whole map, strides
// stride, or the map's size when 0 as Keras' pooling has them); its output
// keeps the input's quantization, as the converter requires.
func (g *Builder) AvgPool(name string, x Act, stride int) Act {
	sh, sw := int32(stride), int32(stride)
	if stride == 0 {
		sh, sw = int32(x.H), int32(x.W)
	}
	out := make([]float32, x.C)
	for p := 0; p < x.H*x.W; p++ {
		for c := 0; c < x.C; c++ {
			out[c] += x.V[p*x.C+c] / float32(x.H*x.W)
		}
	}
	y := g.act(1, 1, x.C, out, x.Scale, x.ZP)
	y.T = g.B.Tensor(name, tflite.TensorTypeINT8, []int{1, 1, 1, x.C}, tfbuild.Q(x.Scale, x.ZP), nil)
	g.B.Op(tflite.BuiltinOperatorAVERAGE_POOL_2D, 2, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsPool2DOptions,
		Value: &tflite.Pool2DOptionsT{Padding: tflite.PaddingVALID, StrideW: sw, StrideH: sh,
			FilterWidth: int32(x.W), FilterHeight: int32(x.H)}}, []int{x.T}, []int{y.T})
	return y
}

// Logits adds a linear classifier to classes on the 1×1 activation x, with
// bias and no batch norm, scaled to a trained classifier's spread: a 1×1
// CONV_2D with per-channel weights (as in MobileNet v2), or with fc a
// FULLY_CONNECTED with per-tensor weights (as Keras' final Dense becomes).
// Its range comes from the calibration input's logits, widened so a
// different input's logits rarely saturate.
func (g *Builder) Logits(name string, x Act, classes int, fc bool) Act {
	w := make([]float64, classes*x.C)
	sd := math.Sqrt(1 / float64(x.C))
	for i := range w {
		w[i] = g.Rng.NormFloat64() * sd
	}
	bias := make([]float64, classes)
	out := make([]float32, classes)
	for c := range out {
		bias[c] = 0.1 * g.Rng.NormFloat64()
		s := bias[c]
		for i, v := range x.V {
			s += float64(v) * w[c*x.C+i]
		}
		out[c] = float32(s)
	}
	// Rescale so the logits spread with standard deviation 2.5, as a
	// trained classifier's do: the softmax then has a few visible classes
	// instead of equal ones.
	var s, s2 float64
	for _, v := range out {
		s += float64(v)
		s2 += float64(v) * float64(v)
	}
	mean := s / float64(classes)
	// A logit's expected standard deviation over weight draws is
	// sqrt(Σx²/C); the spread over a few classes (VWW has 2) can be far
	// smaller by chance, and rescaling by it would blow the weights up.
	var x2 float64
	for _, v := range x.V {
		x2 += float64(v) * float64(v)
	}
	spread := max(math.Sqrt(max(s2/float64(classes)-mean*mean, 0)), math.Sqrt(x2/float64(x.C))/2)
	k := 2.5 / (spread + 1e-6)
	for c := range out {
		out[c] = float32((float64(out[c]) - mean) * k)
		bias[c] = (bias[c] - mean) * k
	}
	for i := range w {
		w[i] *= k
	}
	lo, hi := minMax(out)
	scale, zp := QuantRange(1.5*min(lo, -2.5), 1.5*max(hi, 2.5))
	y := Act{H: 1, W: 1, C: classes, V: out, Scale: scale, ZP: zp}
	if fc {
		y.T = g.fullyConnected(name, x, w, bias, classes, scale, zp, tflite.ActivationFunctionTypeNONE, name+"/BiasAdd")
		return y
	}
	y.T = g.conv(name, x, w, bias, Layer{Kind: Conv, KH: 1, KW: 1, Stride: 1, OutC: classes}, 1, 1, scale, zp, name+"/BiasAdd")
	return y
}

// Reshape adds the converter's squeeze of [1,1,1,C] to [1,C]: RESHAPE with
// a constant int32 shape input and the same shape in its options.
func (g *Builder) Reshape(name string, x Act) Act {
	return g.reshape(name, x, 1, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsReshapeOptions,
		Value: &tflite.ReshapeOptionsT{NewShape: []int32{1, int32(x.C)}}})
}

// Flatten adds what the converter makes of Keras' Flatten on [1,1,1,C]: a
// RESHAPE to the constant shape [-1, C], without options.
func (g *Builder) Flatten(name string, x Act) Act { return g.reshape(name, x, -1, nil) }

func (g *Builder) reshape(name string, x Act, batch int32, opts *tflite.BuiltinOptionsT) Act {
	shape := g.B.Tensor(name+"/shape", tflite.TensorTypeINT32, []int{2}, nil, tfbuild.I32(batch, int32(x.C)))
	y := x
	y.T = g.B.Tensor(name, tflite.TensorTypeINT8, []int{1, x.C}, tfbuild.Q(x.Scale, x.ZP), nil)
	g.B.Op(tflite.BuiltinOperatorRESHAPE, 1, opts, []int{x.T, shape}, []int{y.T})
	return y
}

// Softmax adds SOFTMAX (beta 1) with TFLite's fixed int8 output
// quantization, 1/256 and −128, and returns its tensor.
func (g *Builder) Softmax(name string, x Act) int {
	y := g.B.Tensor(name, tflite.TensorTypeINT8, []int{1, x.C}, tfbuild.Q(1.0/256, -128), nil)
	g.B.Op(tflite.BuiltinOperatorSOFTMAX, 2, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSoftmaxOptions,
		Value: &tflite.SoftmaxOptionsT{Beta: 1}}, []int{x.T}, []int{y})
	return y
}
