package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/int8scope/int8scope/internal/sharedtest"
)

// TestGoldensThroughCLI reproduces every golden tensor of
// ../shared/corpus/goldens (TFLite Micro's reference kernels) byte for byte
// through `int8scope run`, the way a user would: the case's input<i>.bin
// files in, OUT/tensor<t>.bin out.
func TestGoldensThroughCLI(t *testing.T) {
	corpus := filepath.Join("..", "..", "..", "shared", "corpus")
	sharedtest.Need(t, corpus, "the shared corpus (../shared/corpus)")
	cases, _ := filepath.Glob(filepath.Join(corpus, "goldens", "*", "*"))
	if len(cases) == 0 {
		t.Fatal("no golden cases")
	}
	tensors := 0
	for _, cd := range cases {
		model := filepath.Join(corpus, "models", filepath.Base(filepath.Dir(cd))+".tflite")
		out := t.TempDir()
		if err := cli([]string{"run", model, "--inputs", filepath.Join(cd, "inputs"), "--out", out}, io.Discard); err != nil {
			t.Fatalf("%s: %v", cd, err)
		}
		var idx struct {
			Tensors []struct {
				Index int    `json:"index"`
				Name  string `json:"name"`
			} `json:"tensors"`
		}
		raw, err := os.ReadFile(filepath.Join(cd, "tensors", "index.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &idx); err != nil {
			t.Fatal(err)
		}
		for _, g := range idx.Tensors {
			name := fmt.Sprintf("tensor%d.bin", g.Index)
			want, err := os.ReadFile(filepath.Join(cd, "tensors", name))
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(out, name))
			if err != nil {
				t.Errorf("%s: int8scope run wrote no %s (%q): %v", cd, name, g.Name, err)
				continue
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: %s (%q) differs from the golden", cd, name, g.Name)
			}
			tensors++
		}
	}
	t.Logf("%d golden cases, %d tensors equal through int8scope run", len(cases), tensors)
}
