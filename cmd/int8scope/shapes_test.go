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

// TestRunResizesBatch runs an FC model stored with input [1 3] and
// shape_signature [−1 3] on a file of two rows: the run takes batch 2 (as
// TFLite's ResizeInputTensor would), each row gives the batch-1 output.
func TestRunResizesBatch(t *testing.T) {
	dir := t.TempDir()
	model := writeFC(t, dir)
	m := tflite.GetRootAsModel(must(os.ReadFile(model)), 0).UnPack()
	m.Subgraphs[0].Tensors[0].ShapeSignature = []int32{-1, 3}
	os.WriteFile(model, tfbuild.Pack(m), 0o644)

	run := func(in []byte, extra ...string) ([]byte, []struct{ Shape []int }, error) {
		inDir, outDir := t.TempDir(), t.TempDir()
		os.WriteFile(filepath.Join(inDir, "input0.bin"), in, 0o644)
		var out bytes.Buffer
		if err := cli(append([]string{"run", model, "--inputs", inDir, "--out", outDir}, extra...), &out); err != nil {
			return nil, nil, err
		}
		var idx struct {
			Tensors []struct{ Shape []int }
		}
		if err := json.Unmarshal(must(os.ReadFile(filepath.Join(outDir, "index.json"))), &idx); err != nil {
			t.Fatal(err)
		}
		return must(os.ReadFile(filepath.Join(outDir, "tensor3.bin"))), idx.Tensors, nil
	}
	one, _, err := run(tfbuild.I8(3, -1, 7))
	if err != nil {
		t.Fatal(err)
	}
	two, idx, err := run(tfbuild.I8(3, -1, 7, 3, -1, 7))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(two, append(append([]byte{}, one...), one...)) {
		t.Errorf("batch 2 gives %v, want the batch-1 output %v twice", two, one)
	}
	if len(idx) < 2 || len(idx[1].Shape) != 2 || idx[1].Shape[0] != 2 {
		t.Errorf("index.json: %+v, want the output shape [2 2]", idx)
	}
	if _, _, err := run(tfbuild.I8(3, -1, 7, 3, -1, 7), "--shape", "0=2,3"); err != nil {
		t.Errorf("--shape 0=2,3: %v", err)
	}
	if _, _, err := run(tfbuild.I8(3, -1, 7, 3)); err == nil || !strings.Contains(err.Error(), "needs exactly 3 (shape_signature [-1 3]") {
		t.Errorf("4 bytes: err = %v, want the size error", err)
	}
	if _, _, err := run(tfbuild.I8(3, -1, 7, 3, -1, 7), "--shape", "0=1,6"); err == nil || !strings.Contains(err.Error(), "dimension 1 is fixed") {
		t.Errorf("--shape 0=1,6: err = %v, want the signature refusal", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
