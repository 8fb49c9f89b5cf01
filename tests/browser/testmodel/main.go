// Command testmodel writes the small .tflite models the browser tests load
// through the page's file input. They are made here, with tfbuild, so the
// tests need no third-party model files:
//
//	go run ./tests/browser/testmodel -out DIR
//
// writes DIR/fc_int8.tflite: int8 [1,16] → FULLY_CONNECTED (12, RELU) →
// FULLY_CONNECTED (10) → int8 [1,10], with deterministic pseudo-random
// weights. The first layer's output tensor has an HTML name, so the tests can
// check that model strings never become markup. And DIR/image_int8.tflite:
// an int8 [1,28,28,1] image → FULLY_CONNECTED (10) → int8 [1,10] whose
// weights are fixed but meaningless: the share tests only need a drawing
// model whose prediction is deterministic and small enough to embed in a link.
// DIR/wide_int8.tflite is the same with a hidden layer of 96: at 76 KB it is
// too large for a link, which then carries its SHA-256 instead.
//
// DIR/skip_int8.tflite has a skip connection: int8 [1,8] → FULLY_CONNECTED
// (op 0) → FULLY_CONNECTED (op 1) → ADD of op 0's and op 1's outputs (op 2)
// → FULLY_CONNECTED (op 3) → int8 [1,10]; the graph test checks that each
// drawn edge joins the right producer and consumer. DIR/residual250_int8.tflite
// is 125 such residual blocks (FULLY_CONNECTED + ADD): 250 ops for the
// graph's readability test. DIR/rgb_int8.tflite takes an int8 [1,8,8,3]
// colour image (scale 1/255, zero point −128) → FULLY_CONNECTED (4): a model
// with an image input that is not the 28×28 drawing. DIR/branchy_int8.tflite
// is a small ResNet/Inception-shaped classifier (17 ops: convolutions, two
// residual ADDs, a three-way branch joined by CONCATENATION, pooling, dense,
// softmax) with deterministic pseudo-random weights: the branching model
// that make screenshot draws as a graph.
//
// DIR/dynamic_int8.tflite has shapes that only a run works out, as TFLite's
// dynamic tensors: int8 x [1,8] (shape_signature [−1,8]) → SHAPE → MUL by
// [2,1] → FLOOR_DIV by [1,2] (int32: [2n,4]) → RESHAPE of x to that shape →
// FULLY_CONNECTED (3) → PAD with paddings MUL([[0,0],[1,2]], 1) computed by
// an op (so it is dynamic too). The RESHAPE, FC and PAD outputs are stored
// without a shape: the page must show the run's ([2,4], [2,3], [2,6]).
//
// With -huge it also writes DIR/huge_int8.tflite, a 624-byte model whose
// traced run asks for more memory than WebAssembly has: the resilience test
// uses it to check that the page survives the engine dying.
package main

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// HTMLName is the name of fc_int8.tflite's hidden tensor.
const HTMLName = `<img src=x onerror="window.__pwned=1">hidden`

func main() {
	out := flag.String("out", ".", "directory to write the models into")
	huge := flag.Bool("huge", false, "also write huge_int8.tflite")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	write(filepath.Join(*out, "fc_int8.tflite"), fcModel())
	write(filepath.Join(*out, "image_int8.tflite"), imageModel())
	write(filepath.Join(*out, "wide_int8.tflite"), wideModel())
	write(filepath.Join(*out, "custom_op_int8.tflite"), customOpModel())
	write(filepath.Join(*out, "labeled_int8.tflite"), withLabels(imageModel(), LabelNames))
	write(filepath.Join(*out, "signatures_int8.tflite"), twoSignatures())
	write(filepath.Join(*out, "skip_int8.tflite"), skipModel())
	write(filepath.Join(*out, "residual250_int8.tflite"), residualModel(125))
	write(filepath.Join(*out, "rgb_int8.tflite"), rgbModel())
	write(filepath.Join(*out, "branchy_int8.tflite"), branchyModel())
	write(filepath.Join(*out, "stateful_float.tflite"), tfbuild.RunningSum([]float32{1}).Bytes())
	write(filepath.Join(*out, "hybrid_fc.tflite"), hybridModel())
	write(filepath.Join(*out, "dynamic_int8.tflite"), dynamicModel())
	if *huge {
		write(filepath.Join(*out, "huge_int8.tflite"), hugeModel())
		write(filepath.Join(*out, "trace_heavy_int8.tflite"), traceHeavyModel())
	}
}

func write(path string, b []byte) {
	if err := os.WriteFile(path, b, 0o644); err != nil {
		log.Fatal(err)
	}
}

// lcg is a tiny deterministic generator of int8 weights.
type lcg uint32

func (g *lcg) int8s(n, lo, hi int) []int8 {
	v := make([]int8, n)
	for i := range v {
		*g = *g*1664525 + 1013904223
		v[i] = int8(lo + int(uint32(*g)>>8)%(hi-lo+1))
	}
	return v
}

func (g *lcg) int32s(n, lo, hi int) []int32 {
	v := make([]int32, n)
	for i := range v {
		*g = *g*1664525 + 1013904223
		v[i] = int32(lo + int(uint32(*g)>>8)%(hi-lo+1))
	}
	return v
}

func fcOptions(act tflite.ActivationFunctionType) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsFullyConnectedOptions,
		Value: &tflite.FullyConnectedOptionsT{FusedActivationFunction: act}}
}

func fcModel() []byte {
	g := lcg(1)
	b := tfbuild.New()
	in := b.Tensor("input", tflite.TensorTypeINT8, []int{1, 16}, tfbuild.Q(0.05, -3), nil)
	w1 := b.Tensor("dense1/weights", tflite.TensorTypeINT8, []int{12, 16}, tfbuild.Q(0.02, 0), tfbuild.I8(g.int8s(12*16, -127, 127)...))
	b1 := b.Tensor("dense1/bias", tflite.TensorTypeINT32, []int{12}, tfbuild.Q(0.05*0.02, 0), tfbuild.I32(g.int32s(12, -2000, 2000)...))
	h := b.Tensor(HTMLName, tflite.TensorTypeINT8, []int{1, 12}, tfbuild.Q(0.09, -128), nil)
	w2 := b.Tensor("dense2/weights", tflite.TensorTypeINT8, []int{10, 12}, tfbuild.Q(0.03, 0), tfbuild.I8(g.int8s(10*12, -127, 127)...))
	b2 := b.Tensor("dense2/bias", tflite.TensorTypeINT32, []int{10}, tfbuild.Q(0.09*0.03, 0), tfbuild.I32(g.int32s(10, -500, 500)...))
	out := b.Tensor("logits", tflite.TensorTypeINT8, []int{1, 10}, tfbuild.Q(0.11, 7), nil)
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, fcOptions(tflite.ActivationFunctionTypeRELU), []int{in, w1, b1}, []int{h})
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, fcOptions(tflite.ActivationFunctionTypeNONE), []int{h, w2, b2}, []int{out})
	b.Inputs(in)
	b.Outputs(out)
	return b.Bytes()
}

// twoSignatures is fc_int8 with a second signature whose subgraph is its
// first layer alone: the page offers both.
func twoSignatures() []byte {
	m := tflite.GetRootAsModel(fcModel(), 0).UnPack()
	sg1 := tflite.GetRootAsModel(fcModel(), 0).UnPack().Subgraphs[0]
	sg1.Operators = sg1.Operators[:1]
	sg1.Outputs = sg1.Operators[0].Outputs
	m.Subgraphs = append(m.Subgraphs, sg1)
	m.SignatureDefs = []*tflite.SignatureDefT{
		{SignatureKey: "classify", SubgraphIndex: 0, Inputs: []*tflite.TensorMapT{{Name: "x", TensorIndex: 0}}, Outputs: []*tflite.TensorMapT{{Name: "logits", TensorIndex: uint32(m.Subgraphs[0].Outputs[0])}}},
		{SignatureKey: "embed", SubgraphIndex: 1, Inputs: []*tflite.TensorMapT{{Name: "x", TensorIndex: 0}}, Outputs: []*tflite.TensorMapT{{Name: "hidden", TensorIndex: uint32(sg1.Outputs[0])}}},
	}
	return tfbuild.Pack(m)
}

// LabelNames are the class names labeled_int8.tflite packs.
var LabelNames = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

// withLabels appends a zip archive holding labels.txt to a model, as
// TFLite's metadata writer packs a model's associated files.
func withLabels(model []byte, labels []string) []byte {
	var buf bytes.Buffer
	buf.Write(model)
	zw := zip.NewWriter(&buf)
	zw.SetOffset(int64(len(model)))
	w, err := zw.Create("labels.txt")
	if err == nil {
		_, err = w.Write([]byte(strings.Join(labels, "\n") + "\n"))
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// customOpModel is fc_int8's first layer followed by a vendor custom op
// ("VendorPostprocess"): the model opens for inspection, but cannot run.
func customOpModel() []byte {
	g := lcg(1)
	b := tfbuild.New()
	in := b.Tensor("input", tflite.TensorTypeINT8, []int{1, 16}, tfbuild.Q(0.05, -3), nil)
	w := b.Tensor("dense1/weights", tflite.TensorTypeINT8, []int{12, 16}, tfbuild.Q(0.02, 0), tfbuild.I8(g.int8s(12*16, -127, 127)...))
	bias := b.Tensor("dense1/bias", tflite.TensorTypeINT32, []int{12}, tfbuild.Q(0.05*0.02, 0), tfbuild.I32(g.int32s(12, -2000, 2000)...))
	h := b.Tensor("dense1", tflite.TensorTypeINT8, []int{1, 12}, tfbuild.Q(0.09, -128), nil)
	out := b.Tensor("postprocessed", tflite.TensorTypeINT8, []int{1, 12}, tfbuild.Q(0.09, -128), nil)
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, fcOptions(tflite.ActivationFunctionTypeRELU), []int{in, w, bias}, []int{h})
	b.Op(tflite.BuiltinOperatorCUSTOM, 1, nil, []int{h}, []int{out})
	for _, c := range b.M.OperatorCodes {
		if c.BuiltinCode == tflite.BuiltinOperatorCUSTOM {
			c.CustomCode = "VendorPostprocess"
		}
	}
	b.Inputs(in)
	b.Outputs(out)
	return b.Bytes()
}

func imageModel() []byte { return imageDense(2, []int{1, 28, 28, 1}, 10, "scores", 5000) }

// imageDense is an int8 image (scale 1/255, zero point −128) →
// FULLY_CONNECTED (units, no activation) → int8 [1,units] named out, with
// weights from lcg(seed) and biases in ±biasRange.
func imageDense(seed lcg, shape []int, units int, out string, biasRange int) []byte {
	g := seed
	n := shape[1] * shape[2] * shape[3]
	b := tfbuild.New()
	in := b.Tensor("image", tflite.TensorTypeINT8, shape, tfbuild.Q(1.0/255, -128), nil)
	w := b.Tensor("dense/weights", tflite.TensorTypeINT8, []int{units, n}, tfbuild.Q(0.01, 0), tfbuild.I8(g.int8s(units*n, -127, 127)...))
	bias := b.Tensor("dense/bias", tflite.TensorTypeINT32, []int{units}, tfbuild.Q(0.01/255, 0), tfbuild.I32(g.int32s(units, -biasRange, biasRange)...))
	o := b.Tensor(out, tflite.TensorTypeINT8, []int{1, units}, tfbuild.Q(0.2, 0), nil)
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, fcOptions(tflite.ActivationFunctionTypeNONE), []int{in, w, bias}, []int{o})
	b.Inputs(in)
	b.Outputs(o)
	return b.Bytes()
}

func wideModel() []byte {
	g := lcg(3)
	b := tfbuild.New()
	in := b.Tensor("image", tflite.TensorTypeINT8, []int{1, 28, 28, 1}, tfbuild.Q(1.0/255, -128), nil)
	w1 := b.Tensor("hidden/weights", tflite.TensorTypeINT8, []int{96, 784}, tfbuild.Q(0.01, 0), tfbuild.I8(g.int8s(96*784, -127, 127)...))
	b1 := b.Tensor("hidden/bias", tflite.TensorTypeINT32, []int{96}, tfbuild.Q(0.01/255, 0), tfbuild.I32(g.int32s(96, -5000, 5000)...))
	h := b.Tensor("hidden", tflite.TensorTypeINT8, []int{1, 96}, tfbuild.Q(0.1, -128), nil)
	w2 := b.Tensor("out/weights", tflite.TensorTypeINT8, []int{10, 96}, tfbuild.Q(0.01, 0), tfbuild.I8(g.int8s(10*96, -127, 127)...))
	b2 := b.Tensor("out/bias", tflite.TensorTypeINT32, []int{10}, tfbuild.Q(0.001, 0), tfbuild.I32(g.int32s(10, -500, 500)...))
	out := b.Tensor("scores", tflite.TensorTypeINT8, []int{1, 10}, tfbuild.Q(0.2, 0), nil)
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, fcOptions(tflite.ActivationFunctionTypeRELU), []int{in, w1, b1}, []int{h})
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, fcOptions(tflite.ActivationFunctionTypeNONE), []int{h, w2, b2}, []int{out})
	b.Inputs(in)
	b.Outputs(out)
	return b.Bytes()
}

// hugeModel is int8 [448 Mi, 1] → FULLY_CONNECTED (1×1) → int8 [448 Mi, 1]:
// 896 MiB of tensors, under the engine's 1 GiB load limit but over what the
// in-browser engine lets one run allocate (Model.RunBytes), so the page must
// refuse to run it with a message instead of letting WebAssembly run out of
// memory.
func hugeModel() []byte { return fcStrip(448 << 20) }

// traceHeavyModel is the same with 32 Mi elements: 64 MiB of activations run
// fine in the browser, but with its trace (8-byte accumulators, copied once
// more for JS) a run would need 576 MiB, over the page's 512 MiB, so the page
// runs it without a trace and says so. It is as small as that allows: every
// element costs run, explain and page time.
func traceHeavyModel() []byte { return fcStrip(32 << 20) }

func fcStrip(n int) []byte {
	b := tfbuild.New()
	q := tfbuild.Q(0.5, 0)
	in := b.Tensor("input", tflite.TensorTypeINT8, []int{n, 1}, q, nil)
	w := b.Tensor("weights", tflite.TensorTypeINT8, []int{1, 1}, tfbuild.Q(0.5, 0), tfbuild.I8(1))
	out := b.Tensor("output", tflite.TensorTypeINT8, []int{n, 1}, q, nil)
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, fcOptions(tflite.ActivationFunctionTypeNONE), []int{in, w, -1}, []int{out})
	b.Inputs(in)
	b.Outputs(out)
	return b.Bytes()
}

// dense adds a FULLY_CONNECTED op from tensor in (int8 [1,n]) to a new
// int8 [1,out] tensor and returns it.
func dense(b *tfbuild.Builder, g *lcg, name string, in, n, out int, act tflite.ActivationFunctionType) int {
	w := b.Tensor(name+"/weights", tflite.TensorTypeINT8, []int{out, n}, tfbuild.Q(0.02, 0), tfbuild.I8(g.int8s(out*n, -127, 127)...))
	bias := b.Tensor(name+"/bias", tflite.TensorTypeINT32, []int{out}, tfbuild.Q(0.1*0.02, 0), tfbuild.I32(g.int32s(out, -500, 500)...))
	o := b.Tensor(name, tflite.TensorTypeINT8, []int{1, out}, tfbuild.Q(0.1, 0), nil)
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, fcOptions(act), []int{in, w, bias}, []int{o})
	return o
}

// add adds an ADD of tensors x and y (int8 [1,n]) and returns its output.
func add(b *tfbuild.Builder, name string, x, y, n int) int {
	o := b.Tensor(name, tflite.TensorTypeINT8, []int{1, n}, tfbuild.Q(0.2, 0), nil)
	b.Op(tflite.BuiltinOperatorADD, 2, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsAddOptions, Value: &tflite.AddOptionsT{}}, []int{x, y}, []int{o})
	return o
}

func skipModel() []byte {
	g := lcg(4)
	b := tfbuild.New()
	in := b.Tensor("input", tflite.TensorTypeINT8, []int{1, 8}, tfbuild.Q(0.1, 0), nil)
	a := dense(b, &g, "block/a", in, 8, 8, tflite.ActivationFunctionTypeRELU)
	c := dense(b, &g, "block/b", a, 8, 8, tflite.ActivationFunctionTypeNONE)
	s := add(b, "block/add", a, c, 8)
	out := dense(b, &g, "logits", s, 8, 10, tflite.ActivationFunctionTypeNONE)
	b.Inputs(in)
	b.Outputs(out)
	return b.Bytes()
}

// residualModel is blocks × (x → FULLY_CONNECTED → ADD(x, ·)).
func residualModel(blocks int) []byte {
	g := lcg(5)
	b := tfbuild.New()
	x := b.Tensor("input", tflite.TensorTypeINT8, []int{1, 8}, tfbuild.Q(0.1, 0), nil)
	b.Inputs(x)
	for i := 0; i < blocks; i++ {
		f := dense(b, &g, fmt.Sprintf("block%d/fc", i), x, 8, 8, tflite.ActivationFunctionTypeRELU)
		x = add(b, fmt.Sprintf("block%d/add", i), x, f, 8)
	}
	b.Outputs(x)
	return b.Bytes()
}

// hybridModel is a dynamic-range layer: float32 [2,8] → FULLY_CONNECTED
// with int8 weights [4,8] (scale 0.02) and a float bias, asymmetric input
// quantization → float32 [2,4]: TFLite quantizes each of the two input rows
// on the fly.
func hybridModel() []byte {
	g := lcg(11)
	b := tfbuild.New()
	x := b.Tensor("x", tflite.TensorTypeFLOAT32, []int{2, 8}, nil, nil)
	w := b.Tensor("w", tflite.TensorTypeINT8, []int{4, 8}, tfbuild.Q(0.02, 0), tfbuild.I8(g.int8s(32, -127, 127)...))
	bias := b.Tensor("bias", tflite.TensorTypeFLOAT32, []int{4}, nil, tfbuild.F32(0.5, -0.25, 0, 1))
	y := b.Tensor("y", tflite.TensorTypeFLOAT32, []int{2, 4}, nil, nil)
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsFullyConnectedOptions,
		Value: &tflite.FullyConnectedOptionsT{AsymmetricQuantizeInputs: true}}, []int{x, w, bias}, []int{y})
	b.Inputs(x)
	b.Outputs(y)
	return b.Bytes()
}

func rgbModel() []byte { return imageDense(6, []int{1, 8, 8, 3}, 4, "features", 500) }

// act is an int8 activation tensor's quantization: after a fused ReLU it
// covers [0, 12.75], else [−6.4, 6.35].
func act(relu bool) *tfbuild.Quant {
	if relu {
		return tfbuild.Q(0.05, -128)
	}
	return tfbuild.Q(0.05, 0)
}

func activation(relu bool) tflite.ActivationFunctionType {
	if relu {
		return tflite.ActivationFunctionTypeRELU
	}
	return tflite.ActivationFunctionTypeNONE
}

// conv adds a CONV_2D (SAME padding, per-channel int8 weights) to the
// branchy model; x is int8 [1,h,w,inC] with scale inScale.
func conv(b *tfbuild.Builder, g *lcg, name string, x int, inScale float32, h, w, inC, outC, k, stride int, relu bool) (int, int, int) {
	ws := make([]float32, outC)
	bs := make([]float32, outC)
	zp := make([]int64, outC)
	for c := range ws {
		ws[c] = 0.004 + 0.0005*float32(c%5)
		bs[c] = inScale * ws[c]
	}
	wq := &tfbuild.Quant{Scale: ws, ZeroPoint: zp, Axis: 0}
	bq := &tfbuild.Quant{Scale: bs, ZeroPoint: zp, Axis: 0}
	wt := b.Tensor(name+"/weights", tflite.TensorTypeINT8, []int{outC, k, k, inC}, wq, tfbuild.I8(g.int8s(outC*k*k*inC, -127, 127)...))
	bt := b.Tensor(name+"/bias", tflite.TensorTypeINT32, []int{outC}, bq, tfbuild.I32(g.int32s(outC, -2000, 2000)...))
	oh, ow := (h+stride-1)/stride, (w+stride-1)/stride
	o := b.Tensor(name, tflite.TensorTypeINT8, []int{1, oh, ow, outC}, act(relu), nil)
	b.Op(tflite.BuiltinOperatorCONV_2D, 3, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConv2DOptions, Value: &tflite.Conv2DOptionsT{
		Padding: tflite.PaddingSAME, StrideW: int32(stride), StrideH: int32(stride), FusedActivationFunction: activation(relu),
		DilationWFactor: 1, DilationHFactor: 1}}, []int{x, wt, bt}, []int{o})
	return o, oh, ow
}

func pool(b *tfbuild.Builder, code tflite.BuiltinOperator, name string, x int, shape []int, q *tfbuild.Quant, size, stride int, pad tflite.Padding) int {
	o := b.Tensor(name, tflite.TensorTypeINT8, shape, q, nil)
	b.Op(code, 2, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsPool2DOptions, Value: &tflite.Pool2DOptionsT{
		Padding: pad, StrideW: int32(stride), StrideH: int32(stride), FilterWidth: int32(size), FilterHeight: int32(size)}}, []int{x}, []int{o})
	return o
}

func branchyModel() []byte {
	g := lcg(7)
	b := tfbuild.New()
	in := b.Tensor("image", tflite.TensorTypeINT8, []int{1, 16, 16, 3}, tfbuild.Q(1.0/255, -128), nil)
	b.Inputs(in)
	addOpts := func(relu bool) *tflite.BuiltinOptionsT {
		return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsAddOptions, Value: &tflite.AddOptionsT{FusedActivationFunction: activation(relu)}}
	}
	residual := func(name string, x, h, w, c int) int {
		r1, _, _ := conv(b, &g, name+"/conv1", x, 0.05, h, w, c, c, 3, 1, true)
		r2, _, _ := conv(b, &g, name+"/conv2", r1, 0.05, h, w, c, c, 3, 1, false)
		o := b.Tensor(name+"/add", tflite.TensorTypeINT8, []int{1, h, w, c}, act(true), nil)
		b.Op(tflite.BuiltinOperatorADD, 2, addOpts(true), []int{x, r2}, []int{o})
		return o
	}
	x, h, w := conv(b, &g, "stem", in, 1.0/255, 16, 16, 3, 8, 3, 1, true)
	x = residual("block1", x, h, w, 8)
	x, h, w = conv(b, &g, "down", x, 0.05, h, w, 8, 16, 3, 2, true)
	x = residual("block2", x, h, w, 16)
	// Three branches, as in an Inception module, joined on the channels.
	a, _, _ := conv(b, &g, "mixed/1x1", x, 0.05, h, w, 16, 8, 1, 1, true)
	c3, _, _ := conv(b, &g, "mixed/3x3", x, 0.05, h, w, 16, 8, 3, 1, true)
	mp := pool(b, tflite.BuiltinOperatorMAX_POOL_2D, "mixed/pool", x, []int{1, h, w, 16}, act(true), 3, 1, tflite.PaddingSAME)
	pp, _, _ := conv(b, &g, "mixed/pool_proj", mp, 0.05, h, w, 16, 8, 1, 1, true)
	cat := b.Tensor("mixed/concat", tflite.TensorTypeINT8, []int{1, h, w, 24}, act(true), nil)
	b.Op(tflite.BuiltinOperatorCONCATENATION, 2, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConcatenationOptions,
		Value: &tflite.ConcatenationOptionsT{Axis: 3}}, []int{a, c3, pp}, []int{cat})
	gap := pool(b, tflite.BuiltinOperatorAVERAGE_POOL_2D, "global_pool", cat, []int{1, 1, 1, 24}, act(true), h, 1, tflite.PaddingVALID)
	shape := b.Tensor("flatten/shape", tflite.TensorTypeINT32, []int{2}, nil, tfbuild.I32(1, 24))
	flat := b.Tensor("flatten", tflite.TensorTypeINT8, []int{1, 24}, act(true), nil)
	b.Op(tflite.BuiltinOperatorRESHAPE, 1, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsReshapeOptions,
		Value: &tflite.ReshapeOptionsT{NewShape: []int32{1, 24}}}, []int{gap, shape}, []int{flat})
	logits := b.Tensor("logits", tflite.TensorTypeINT8, []int{1, 10}, tfbuild.Q(0.1, 0), nil)
	wt := b.Tensor("logits/weights", tflite.TensorTypeINT8, []int{10, 24}, tfbuild.Q(0.01, 0), tfbuild.I8(g.int8s(240, -127, 127)...))
	bt := b.Tensor("logits/bias", tflite.TensorTypeINT32, []int{10}, tfbuild.Q(0.05*0.01, 0), tfbuild.I32(g.int32s(10, -500, 500)...))
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, fcOptions(tflite.ActivationFunctionTypeNONE), []int{flat, wt, bt}, []int{logits})
	probs := b.Tensor("probabilities", tflite.TensorTypeINT8, []int{1, 10}, tfbuild.Q(1.0/256, -128), nil)
	b.Op(tflite.BuiltinOperatorSOFTMAX, 2, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSoftmaxOptions, Value: &tflite.SoftmaxOptionsT{Beta: 1}}, []int{logits}, []int{probs})
	b.Outputs(probs)
	return b.Bytes()
}

// dynamicModel is dynamic_int8.tflite (see the package comment).
func dynamicModel() []byte {
	g := lcg(8)
	b := tfbuild.New()
	i32 := tflite.TensorTypeINT32
	q := tfbuild.Q(0.05, -3)
	x := b.Tensor("x", tflite.TensorTypeINT8, []int{1, 8}, q, nil)
	b.M.Subgraphs[0].Tensors[x].ShapeSignature = []int32{-1, 8}
	int32Op := func(code tflite.BuiltinOperator, opts *tflite.BuiltinOptionsT, name string, shape []int, in ...int) int {
		o := b.Tensor(name, i32, shape, nil, nil)
		b.Op(code, 1, opts, in, []int{o})
		return o
	}
	mul := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsMulOptions, Value: &tflite.MulOptionsT{}}
	s := int32Op(tflite.BuiltinOperatorSHAPE, nil, "shape", []int{2}, x)
	s = int32Op(tflite.BuiltinOperatorMUL, mul, "shape_x2", []int{2}, s, b.Tensor("by", i32, []int{2}, nil, tfbuild.I32(2, 1)))
	s = int32Op(tflite.BuiltinOperatorFLOOR_DIV, nil, "new_shape", []int{2}, s, b.Tensor("over", i32, []int{2}, nil, tfbuild.I32(1, 2)))
	flat := b.Tensor("rows", tflite.TensorTypeINT8, nil, q, nil)
	b.Op(tflite.BuiltinOperatorRESHAPE, 1, nil, []int{x, s}, []int{flat})
	w := b.Tensor("dense/weights", tflite.TensorTypeINT8, []int{3, 4}, tfbuild.Q(0.02, 0), tfbuild.I8(g.int8s(12, -127, 127)...))
	bias := b.Tensor("dense/bias", i32, []int{3}, tfbuild.Q(0.05*0.02, 0), tfbuild.I32(g.int32s(3, -500, 500)...))
	y := b.Tensor("dense", tflite.TensorTypeINT8, nil, tfbuild.Q(0.03, 2), nil)
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, fcOptions(tflite.ActivationFunctionTypeNONE), []int{flat, w, bias}, []int{y})
	pads := int32Op(tflite.BuiltinOperatorMUL, mul, "paddings", []int{2, 2},
		b.Tensor("pads", i32, []int{2, 2}, nil, tfbuild.I32(0, 0, 1, 2)), b.Tensor("one", i32, []int{1}, nil, tfbuild.I32(1)))
	out := b.Tensor("padded", tflite.TensorTypeINT8, nil, tfbuild.Q(0.03, 2), nil)
	b.Op(tflite.BuiltinOperatorPAD, 1, nil, []int{y, pads}, []int{out})
	b.Inputs(x)
	b.Outputs(out)
	return b.Bytes()
}
