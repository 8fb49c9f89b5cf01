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
// With -huge it also writes DIR/huge_int8.tflite, a 624-byte model whose
// traced run asks for more memory than WebAssembly has: the resilience test
// uses it to check that the page survives the engine dying.
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"

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
	write(filepath.Join(*out, "stateful_float.tflite"), tfbuild.RunningSum([]float32{1}).Bytes())
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

func imageModel() []byte {
	g := lcg(2)
	b := tfbuild.New()
	in := b.Tensor("image", tflite.TensorTypeINT8, []int{1, 28, 28, 1}, tfbuild.Q(1.0/255, -128), nil)
	w := b.Tensor("dense/weights", tflite.TensorTypeINT8, []int{10, 784}, tfbuild.Q(0.01, 0), tfbuild.I8(g.int8s(10*784, -127, 127)...))
	bias := b.Tensor("dense/bias", tflite.TensorTypeINT32, []int{10}, tfbuild.Q(0.01/255, 0), tfbuild.I32(g.int32s(10, -5000, 5000)...))
	out := b.Tensor("scores", tflite.TensorTypeINT8, []int{1, 10}, tfbuild.Q(0.2, 0), nil)
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, fcOptions(tflite.ActivationFunctionTypeNONE), []int{in, w, bias}, []int{out})
	b.Inputs(in)
	b.Outputs(out)
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
