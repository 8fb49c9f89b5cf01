package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// TestCLIExplainFloat: DEQUANTIZE's explanation prints scale × (q −
// zero_point) and its float32 result, untruncated: float32(0.0998)·−58 =
// −5.7883997 (not "result: -5" or "0"), under every profile.
func TestCLIExplainFloat(t *testing.T) {
	dir := t.TempDir()
	b := tfbuild.New()
	in := b.Tensor("q", tflite.TensorTypeINT8, []int{2}, tfbuild.Q(0.0998, 3), nil)
	out := b.Tensor("deq", tflite.TensorTypeFLOAT32, []int{2}, nil, nil)
	b.Op(tflite.BuiltinOperatorDEQUANTIZE, 1, nil, []int{in}, []int{out})
	b.Inputs(in)
	b.Outputs(out)
	model := filepath.Join(dir, "deq.tflite")
	os.WriteFile(model, b.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "input0.bin"), tfbuild.I8(-55, 3), 0o644)
	if got := float32(0.0998) * -58; got != -5.7883997 {
		t.Fatalf("hand value: %v", got)
	}
	for _, p := range []string{"reference", "tflite-single-rounding", "tflite-xnnpack"} {
		var buf bytes.Buffer
		if err := cli([]string{"explain", model, "--inputs", dir, "--op", "0", "--index", "0", "--profile", p}, &buf); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"float32(-55 − zero point 3) = -58", "scale 0.0997999981 × -58, rounded to float32 = -5.7883997", "result: -5.7883997 (float32)"} {
			if !strings.Contains(buf.String(), want) {
				t.Errorf("%s: explain output lacks %q:\n%s", p, want, buf.String())
			}
		}
	}
}
