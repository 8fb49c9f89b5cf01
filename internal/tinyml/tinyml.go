// Package tinyml builds the four MLPerf Tiny (v1.x) int8 reference
// architectures that issue 11 states its speed targets on, with the
// project's own model builder (internal/synth over engine/tfbuild) and
// deterministic pseudo-random weights from a seed: no third-party model
// file is involved.
//
// Each one matches, op for op, the converter-made int8 model MLPerf Tiny
// ships in github.com/mlcommons/tiny, benchmark/training/*/trained_models
// (ops, versions, shapes, strides, SAME/VALID padding, fused activations,
// per-channel conv and per-tensor FULLY_CONNECTED weights, input
// quantization, the final FULLY_CONNECTED and SOFTMAX), and so its MAC
// count:
//
//   - VWW, vww_96_int8.tflite: MobileNet v1 0.25 on a 96×96×3 image, 31 ops,
//     7.49 M MACs: CONV_2D 3×3/2 → 8, 13 DEPTHWISE_CONV_2D 3×3 + CONV_2D
//     1×1 pairs (widths 16, 32, 32, 64, 64, 128×6, 256×2; strides 2 at
//     the 2nd, 4th, 6th and 12th), RELU, AVERAGE_POOL_2D 3×3, RESHAPE,
//     FULLY_CONNECTED → 2, SOFTMAX.
//   - IC, pretrainedResnet_quant.tflite: ResNet-8 on CIFAR-10 32×32×3, 16
//     ops, 12.5 M MACs: CONV_2D 3×3 → 16, then three residual stacks
//     (16, 32, 64; the last two stride 2 with a 1×1/2 CONV_2D shortcut)
//     with the ADD's RELU fused, AVERAGE_POOL_2D 8×8, RESHAPE,
//     FULLY_CONNECTED → 10, SOFTMAX.
//   - KWS, kws_ref_model.tflite: DS-CNN on 49×10 MFCCs, 13 ops, 2.66 M
//     MACs: CONV_2D 10×4/2 → 64, 4 DEPTHWISE_CONV_2D 3×3 + CONV_2D 1×1
//     pairs, RELU, AVERAGE_POOL_2D 25×5, RESHAPE, FULLY_CONNECTED → 12,
//     SOFTMAX.
//   - AD, ad01_int8.tflite: the ToyCar FC autoencoder on 640 log-mel
//     values, 10 ops, 0.26 M MACs: FULLY_CONNECTED 640→128→128→128→128→8→
//     128→128→128→128 (RELU) → 640 (linear).
//
// Activation ranges are calibrated as post-training quantization does (see
// internal/synth): on one synthetic input for the conv models, on a batch
// of 32 synthetic spectrogram rows for the autoencoder (its batch norms'
// statistics need more than one row).
package tinyml

import (
	"fmt"
	"math/rand/v2"

	"github.com/int8scope/int8scope/engine/tflite"
	"github.com/int8scope/int8scope/internal/synth"
)

// Model is one generated architecture: the file stem tools and tests use,
// the MLPerf Tiny reference file it mirrors, its MAC count (the
// reference's), its input's calibration value and quantization, and the
// layers.
type Model struct {
	Name      string
	Reference string
	MACs      int64
	inShape   []int
	inScale   float64
	inZP      int64
	calib     func(seed uint64) (rows int, v []float32)
	layers    func(g *synth.Builder, x synth.Act) int
}

// Models are the four MLPerf Tiny architectures, in issue 11's order.
var Models = []Model{
	{Name: "tiny_vww_96_int8", Reference: "visual_wake_words/trained_models/vww_96_int8.tflite", MACs: 7489664,
		inShape: []int{1, 96, 96, 3}, inScale: 1.0 / 255, inZP: -128, calib: image(96, 96, 3, 0, 1), layers: vww},
	{Name: "tiny_resnet8_int8", Reference: "image_classification/trained_models/pretrainedResnet_quant.tflite", MACs: 12501632,
		inShape: []int{1, 32, 32, 3}, inScale: 1, inZP: -128, calib: image(32, 32, 3, 0, 255), layers: resnet8},
	{Name: "tiny_dscnn_kws_int8", Reference: "keyword_spotting/trained_models/kws_ref_model.tflite", MACs: 2656768,
		inShape: []int{1, 49, 10, 1}, inScale: 0.5847029089927673, inZP: 83, calib: image(49, 10, 1, -120, 20), layers: dscnn},
	{Name: "tiny_fc_autoencoder_int8", Reference: "anomaly_detection/trained_models/ad01_int8.tflite", MACs: 264192,
		inShape: []int{1, 640}, inScale: 0.3910152316093445, inZP: 89, calib: spectrogramRows(32), layers: autoencoder},
}

// ByName returns the model called name.
func ByName(name string) (Model, bool) {
	for _, m := range Models {
		if m.Name == name {
			return m, true
		}
	}
	return Model{}, false
}

// Build returns the .tflite bytes of the model for seed: the same bytes for
// the same seed on one CPU architecture (see mobilenet.V2).
func (m Model) Build(seed uint64) []byte {
	g := synth.New(rand.New(rand.NewPCG(seed, 0x74696e79)))
	g.PotScaleInt16, g.FakeQuant = true, true
	g.B.M.Description = fmt.Sprintf("int8scope %s, MLPerf Tiny's %s architecture, generated (seed %d)", m.Name, m.Reference, seed)
	rows, v := m.calib(seed)
	x := g.Input("input_1", m.inShape, rows, m.w(), m.c(), v, float32(m.inScale), m.inZP)
	g.B.Outputs(m.layers(g, x))
	return g.B.Bytes()
}

// Input returns the model's int8 input: the (first) calibration sample,
// quantized.
func (m Model) Input(seed uint64) []byte {
	_, v := m.calib(seed)
	n := 1
	for _, d := range m.inShape {
		n *= d
	}
	return synth.Quantize(v[:n], m.inScale, m.inZP)
}

// w and c are the calibration activation's width and channels: an image's
// for the 4-D inputs, one row of all input values for the dense one.
func (m Model) w() int {
	if len(m.inShape) == 4 {
		return m.inShape[2]
	}
	return 1
}

func (m Model) c() int { return m.inShape[len(m.inShape)-1] }

// image is a calibration input of h×w×c values in [lo, hi] (synth.Field
// rescaled): an image for VWW and ResNet-8, an MFCC map for KWS.
func image(h, w, c int, lo, hi float32) func(seed uint64) (int, []float32) {
	return func(seed uint64) (int, []float32) {
		v := synth.Field(seed, 0x696d67, h, w, c)
		for i, f := range v {
			v[i] = lo + (f+1)/2*(hi-lo)
		}
		return h, v
	}
}

// spectrogramRows is the autoencoder's calibration batch: n rows of 5
// frames × 128 log-mel values in [-80, 10] dB-like units.
func spectrogramRows(n int) func(seed uint64) (int, []float32) {
	return func(seed uint64) (int, []float32) {
		v := make([]float32, 0, n*640)
		for k := range n {
			for _, f := range synth.Field(seed, 0x736700+uint64(k), 5, 128, 1) {
				v = append(v, -35+45*f)
			}
		}
		return n, v
	}
}

const relu, linear = tflite.ActivationFunctionTypeRELU, tflite.ActivationFunctionTypeNONE

// conv is a SAME kh×kw CONV_2D layer with a batch norm folded in.
func conv(kh, kw, stride, outC int, act tflite.ActivationFunctionType) synth.Layer {
	return synth.Layer{Kind: synth.Conv, KH: kh, KW: kw, Stride: stride, OutC: outC, Act: act, Gain: 1, Shift: 0.5}
}

// dw is a SAME 3×3 DEPTHWISE_CONV_2D with RELU and a batch norm folded in.
func dw(stride, c int) synth.Layer {
	return synth.Layer{Kind: synth.Depthwise, KH: 3, KW: 3, Stride: stride, OutC: c, Act: relu, Gain: 1, Shift: 0.5}
}

// classifier ends a conv model: global AVERAGE_POOL_2D, RESHAPE to [1, C],
// FULLY_CONNECTED to classes, SOFTMAX.
func classifier(g *synth.Builder, x synth.Act, classes int) int {
	x = g.AvgPool("functional_1/average_pooling2d/AvgPool", x, 0)
	x = g.Flatten("functional_1/flatten/Reshape", x)
	x = g.Logits("functional_1/dense/MatMul", x, classes, true)
	return g.Softmax("Identity", x)
}

// vww is MobileNet v1 0.25 (alpha 0.25: widths 8 … 256).
func vww(g *synth.Builder, x synth.Act) int {
	x = g.Layer("functional_1/conv1", x, conv(3, 3, 2, 8, relu))
	for i, b := range []struct{ stride, c int }{{1, 16}, {2, 32}, {1, 32}, {2, 64}, {1, 64}, {2, 128},
		{1, 128}, {1, 128}, {1, 128}, {1, 128}, {1, 128}, {2, 256}, {1, 256}} {
		x = g.Layer(fmt.Sprintf("functional_1/conv_dw_%d", i+1), x, dw(b.stride, x.C))
		x = g.Layer(fmt.Sprintf("functional_1/conv_pw_%d", i+1), x, conv(1, 1, 1, b.c, relu))
	}
	return classifier(g, x, 2)
}

// resnet8 is MLPerf Tiny's ResNet-8 (resnet_v1_eembc with 16 filters).
func resnet8(g *synth.Builder, x synth.Act) int {
	x = g.Layer("functional_1/conv2d", x, conv(3, 3, 1, 16, relu))
	id := 1
	for _, st := range []struct{ stride, c int }{{1, 16}, {2, 32}, {2, 64}} {
		name := func() string { id++; return fmt.Sprintf("functional_1/conv2d_%d", id-1) }
		y := g.Layer(name(), x, conv(3, 3, st.stride, st.c, relu))
		// The second conv is linear and adds a smaller update, as trained
		// residual nets do.
		y = g.Layer(name(), y, synth.Layer{Kind: synth.Conv, KH: 3, KW: 3, Stride: 1, OutC: st.c, Act: linear, Gain: 0.7})
		if st.stride != 1 {
			x = g.Layer(name(), x, conv(1, 1, st.stride, st.c, linear))
		}
		x = g.Add(fmt.Sprintf("functional_1/add_%d", st.c), x, y, relu)
	}
	return classifier(g, x, 10)
}

// dscnn is MLPerf Tiny's DS-CNN (64 filters).
func dscnn(g *synth.Builder, x synth.Act) int {
	x = g.Layer("functional_1/conv2d", x, conv(10, 4, 2, 64, relu))
	for i := 1; i <= 4; i++ {
		x = g.Layer(fmt.Sprintf("functional_1/depthwise_conv2d_%d", i), x, dw(1, 64))
		x = g.Layer(fmt.Sprintf("functional_1/conv2d_%d", i), x, conv(1, 1, 1, 64, relu))
	}
	return classifier(g, x, 12)
}

// autoencoder is the ToyCar dense autoencoder: Dense + BatchNorm + RELU
// layers 128, 128, 128, 128, 8, 128, 128, 128, 128, then a linear Dense
// back to 640.
func autoencoder(g *synth.Builder, x synth.Act) int {
	for i, n := range []int{128, 128, 128, 128, 8, 128, 128, 128, 128} {
		x = g.Layer(fmt.Sprintf("functional_1/dense_%d", i), x, synth.Layer{Kind: synth.Dense, KH: 1, KW: 1, OutC: n, Act: relu, Gain: 1, Shift: 0.5})
	}
	x = g.Layer("functional_1/dense_9", x, synth.Layer{Kind: synth.Dense, KH: 1, KW: 1, OutC: 640, Act: linear, Gain: 1})
	return x.T
}
