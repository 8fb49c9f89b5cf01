package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// writeFC writes an int8 FULLY_CONNECTED model: input [1,3] (scale 0.5, zp −1),
// weights [[1,−2,3],[4,5,−6]] (scale 0.25), bias [10,−20], output scale 0.75 zp 3.
func writeFC(t *testing.T, dir string) string {
	b := tfbuild.New()
	in := b.Tensor("input", tflite.TensorTypeINT8, []int{1, 3}, tfbuild.Q(0.5, -1), nil)
	w := b.Tensor("weights", tflite.TensorTypeINT8, []int{2, 3}, tfbuild.Q(0.25, 0), tfbuild.I8(1, -2, 3, 4, 5, -6))
	bias := b.Tensor("bias", tflite.TensorTypeINT32, []int{2}, tfbuild.Q(0.125, 0), tfbuild.I32(10, -20))
	out := b.Tensor("output", tflite.TensorTypeINT8, []int{1, 2}, tfbuild.Q(0.75, 3), nil)
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, nil, []int{in, w, bias}, []int{out})
	b.Inputs(in)
	b.Outputs(out)
	p := filepath.Join(dir, "fc.tflite")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	model := writeFC(t, dir)
	inDir := filepath.Join(dir, "in")
	os.Mkdir(inDir, 0o755)
	os.WriteFile(filepath.Join(inDir, "input0.bin"), tfbuild.I8(3, -1, 7), 0o644)

	var out bytes.Buffer
	if err := cli([]string{"inspect", model, "--json"}, &out); err != nil {
		t.Fatal(err)
	}
	var info struct {
		Tensors []struct {
			Name  string `json:"name"`
			Quant struct {
				Scale     []float64 `json:"scale"`
				ZeroPoint []int     `json:"zero_point"`
			} `json:"quant"`
		} `json:"tensors"`
		Ops []struct {
			Builtin string         `json:"builtin"`
			Params  map[string]any `json:"params"`
		} `json:"ops"`
	}
	if err := json.Unmarshal(out.Bytes(), &info); err != nil {
		t.Fatal(err)
	}
	if info.Tensors[3].Quant.Scale[0] != 0.75 || info.Tensors[0].Quant.ZeroPoint[0] != -1 || info.Ops[0].Builtin != "FULLY_CONNECTED" || info.Ops[0].Params["input_offset"] != 1.0 {
		t.Fatalf("inspect --json: %s", out.String())
	}

	out.Reset()
	if err := cli([]string{"inspect", model}, &out); err != nil || !strings.Contains(out.String(), "FULLY_CONNECTED") ||
		!strings.Contains(out.String(), `reference: TFLite reference kernel (as TFLite Micro)`) || !strings.Contains(out.String(), `"quantized_multiplier":1431655765`) {
		t.Fatalf("inspect: %v\n%s", err, out.String())
	}
	// Each profile's parameters: XNNPACK's float32 scale, not the
	// reference multiplier.
	out.Reset()
	if err := cli([]string{"inspect", model, "--profile", "tflite-xnnpack"}, &out); err != nil ||
		!strings.Contains(out.String(), "tflite-xnnpack: XNNPACK delegate") || !strings.Contains(out.String(), `"scales":[0.16666667]`) ||
		strings.Contains(out.String(), "quantized_multiplier") {
		t.Fatalf("inspect --profile tflite-xnnpack: %v\n%s", err, out.String())
	}
	if err := cli([]string{"inspect", model, "--signature", "serving_default"}, &out); err == nil || !strings.Contains(err.Error(), `no signature "serving_default": it has no signatures at all`) {
		t.Fatalf("inspect --signature on a model without signatures: %v", err)
	}

	outDir := filepath.Join(dir, "out")
	if err := cli([]string{"run", model, "--inputs", inDir, "--out", outDir}, &out); err != nil {
		t.Fatal(err)
	}
	// Hand-derived in the engine's TestFullyConnectedHand: [9, −6].
	got, err := os.ReadFile(filepath.Join(outDir, "tensor3.bin"))
	if err != nil || !bytes.Equal(got, tfbuild.I8(9, -6)) {
		t.Fatalf("tensor3.bin = %v (%v), want [9 -6]", got, err)
	}
	if _, err := os.Stat(filepath.Join(outDir, "tensor1.bin")); err == nil {
		t.Fatal("constant tensor written")
	}
	idx, _ := os.ReadFile(filepath.Join(outDir, "index.json"))
	if !strings.Contains(string(idx), `"name": "output"`) {
		t.Fatalf("index.json: %s", idx)
	}

	out.Reset()
	if err := cli([]string{"explain", model, "--inputs", inDir, "--op", "0", "--index", "1"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"(in[2] at [0 2] 7 + 1) × (w[5] at [1 2] -6 + 0) = -48", "acc = -32 + bias -20 = -52", "result: -6"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("explain output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestCLIErrors(t *testing.T) {
	dir := t.TempDir()
	model := writeFC(t, dir)
	os.WriteFile(filepath.Join(dir, "input0.bin"), []byte{1}, 0o644)
	os.WriteFile(filepath.Join(dir, "bad.tflite"), []byte("not a model at all"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{nil, "no command"},
		{[]string{"frobnicate", model}, `unknown command "frobnicate"`},
		{[]string{"run", model}, "run needs --inputs DIR and --out DIR"},
		{[]string{"inspect"}, "needs exactly one MODEL.tflite"},
		{[]string{"inspect", filepath.Join(dir, "bad.tflite")}, "not a .tflite model"},
		{[]string{"run", model, "--inputs", dir, "--out", dir}, "has 1 bytes; input 0 (tensor 0 \"input\", int8 [1 3]) needs exactly 3"},
		{[]string{"run", model, "--inputs", filepath.Join(dir, "nope"), "--out", dir}, "input 0:"},
		{[]string{"explain", model, "--inputs", dir, "--op", "0"}, "explain needs"},
		{[]string{"inspect", model, "--profile", "fast"}, `unknown profile "fast"`},
	}
	for _, c := range cases {
		err := cli(c.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want error containing %q", c.args, err, c.want)
		}
	}
}
