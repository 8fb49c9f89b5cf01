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

// writeTieFC writes an int8 FULLY_CONNECTED whose requantization scale is
// exactly 1/2 (input scale 1, weight [[1]] scale 0.5, output scale 1), so
// every odd input is a tie: TFLite's reference rounds it away from zero,
// XNNPACK to even. Inputs 5, 7, 3, 1 give reference 3, 4, 2, 1 and XNNPACK
// 2, 4, 2, 0.
func writeTieFC(t *testing.T, dir string) (model, inputs string) {
	b := tfbuild.New()
	in := b.Tensor("input", tflite.TensorTypeINT8, []int{4, 1}, tfbuild.Q(1, 0), nil)
	w := b.Tensor("weights", tflite.TensorTypeINT8, []int{1, 1}, tfbuild.Q(0.5, 0), tfbuild.I8(1))
	out := b.Tensor("output", tflite.TensorTypeINT8, []int{4, 1}, tfbuild.Q(1, 0), nil)
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, nil, []int{in, w, -1}, []int{out})
	b.Inputs(in)
	b.Outputs(out)
	model = filepath.Join(dir, "tie.tflite")
	inputs = filepath.Join(dir, "in")
	if err := os.WriteFile(model, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(inputs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inputs, "input0.bin"), tfbuild.I8(5, 7, 3, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	return model, inputs
}

func TestDiff(t *testing.T) {
	model, inputs := writeTieFC(t, t.TempDir())
	var out bytes.Buffer
	if err := cli([]string{"diff", model, "--inputs", inputs, "--a", "reference", "--b", "tflite-xnnpack"}, &out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{
		"2 of 4 elements differ, in 1 of 1 ops",
		"[delegated]",
		"element 0 [0 0]: reference 3, tflite-xnnpack 2",
		"element 3 [3 0]: reference 1, tflite-xnnpack 0",
		"round = 2  round half to even(2.5)",
		"SRDHM = 3",
		// An exact tie: both are half a step away.
		"without rounding: acc × real multiplier + zero point = 2.5000: neither is nearer",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}

	out.Reset()
	if err := cli([]string{"diff", "--json", "--max", "1", model, "--inputs", inputs}, &out); err != nil {
		t.Fatal(err)
	}
	var rep DiffReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.A != "reference" || rep.B != "tflite-xnnpack" || rep.Differ != 2 || rep.Elements != 4 || len(rep.Ops) != 1 {
		t.Fatalf("report %+v", rep)
	}
	d := rep.Ops[0]
	if d.Differ != 2 || d.MaxAbs != 1 || len(d.First) != 1 || d.First[0].A != 3 || d.First[0].B != 2 ||
		d.First[0].ExplainA == nil || d.First[0].ExplainB == nil || d.First[0].ExplainB.Value != 2 {
		t.Errorf("op diff %+v", d)
	}

	// The same profile twice: nothing differs.
	out.Reset()
	if err := cli([]string{"diff", model, "--inputs", inputs, "--a", "tflite-xnnpack", "--b", "tflite-xnnpack"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "0 of 4 elements differ, in 0 of 1 ops") {
		t.Errorf("same profile:\n%s", out.String())
	}

	for _, args := range [][]string{
		{"diff", model},
		{"diff", model, "--inputs", inputs, "--a", "nonsense"},
		{"diff", "--inputs", inputs},
		{"diff", model, "--inputs", filepath.Join(inputs, "missing")},
	} {
		if err := cli(args, &out); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
