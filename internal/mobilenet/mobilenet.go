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
// Weights, biases and activation ranges come from internal/synth: int8
// per-channel weights, int32 biases, activation ranges calibrated as
// post-training quantization does on one synthetic image
// (CalibrationImage), so activations spread over the int8 range instead of
// saturating or collapsing to zero.
package mobilenet

import (
	"fmt"
	"math/rand/v2"

	"github.com/int8scope/int8scope/engine/tflite"
	"github.com/int8scope/int8scope/internal/synth"
)

// Name is the file stem tools and tests use for the model V2 builds.
const Name = "mobilenet_v2_1.0_224_int8"

// block is one inverted-residual stage: expansion t, output channels c,
// repeats n, first stride s (the MobileNet v2 paper's table 2).
type block struct{ t, c, n, s int }

var blocks = []block{{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}}

const relu6, linear = tflite.ActivationFunctionTypeRELU6, tflite.ActivationFunctionTypeNONE

// conv is a SAME k×k CONV_2D (depthwise: DEPTHWISE_CONV_2D) layer.
func conv(k, stride, outC int, depthwise bool, act tflite.ActivationFunctionType, gain, shift float64) synth.Layer {
	kind := synth.Conv
	if depthwise {
		kind = synth.Depthwise
	}
	return synth.Layer{Kind: kind, KH: k, KW: k, Stride: stride, OutC: outC, Act: act, Gain: gain, Shift: shift}
}

// V2 returns the .tflite bytes of the model for seed: the same bytes for
// the same seed on one CPU architecture (the float calibration uses math's
// Exp and Sin, and another architecture may fuse multiply-adds, so a
// scale's last bit may differ across architectures).
func V2(seed uint64) []byte {
	g := synth.New(rand.New(rand.NewPCG(seed, 0x6d6e7632)))
	g.B.M.Description = fmt.Sprintf("int8scope MobileNet v2 1.0 224, generated (seed %d)", seed)
	x := g.Input("input", []int{1, 224, 224, 3}, 224, 224, 3, CalibrationImage(seed), inScale, inZP)
	x = g.Layer("MobilenetV2/Conv", x, conv(3, 2, 32, false, relu6, 1, 0.5))
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
				x = g.Layer(name+"/expand", x, conv(1, 1, x.C*bl.t, false, relu6, 1, 0.5))
			}
			x = g.Layer(name+"/depthwise", x, conv(3, stride, x.C, true, relu6, 1, 0.5))
			// The projection is linear and, in a residual block, adds a
			// smaller update to the block's input, as trained nets do.
			x = g.Layer(name+"/project", x, conv(1, 1, bl.c, false, linear, 0.7, 0))
			if stride == 1 && in.C == bl.c {
				x = g.Add(name+"/add", in, x, linear)
			}
			id++
		}
	}
	x = g.Layer("MobilenetV2/Conv_1", x, conv(1, 1, 1280, false, relu6, 1, 0.5))
	x = g.AvgPool("MobilenetV2/Logits/AvgPool", x, 1)
	x = g.Logits("MobilenetV2/Logits/Conv2d_1c_1x1", x, 1001, false)
	r := g.Reshape("MobilenetV2/Logits/Squeeze", x)
	out := g.Softmax("MobilenetV2/Predictions/Reshape_1", r)
	g.B.Outputs(out)
	return g.B.Bytes()
}

// CalibrationImage is the float image ([-1, 1], 224×224×3, HWC) the
// activation ranges come from (synth.Field).
func CalibrationImage(seed uint64) []float32 { return synth.Field(seed, 0x696d67, 224, 224, 3) }

// Input returns the calibration image quantized as the model's int8 input.
func Input(seed uint64) []byte { return synth.Quantize(CalibrationImage(seed), inScale, inZP) }

// The input quantization: [-1, 1] in 255 steps, as the converter gives an
// image normalized to [-1, 1].
const (
	inScale = 2.0 / 255
	inZP    = -1
)
