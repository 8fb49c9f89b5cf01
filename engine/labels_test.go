package engine

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// withZip appends a zip archive of files to a model, as TFLite's metadata
// writer packs associated files.
func withZip(t testing.TB, model []byte, files map[string]string) []byte {
	var buf bytes.Buffer
	buf.Write(model)
	zw := zip.NewWriter(&buf)
	zw.SetOffset(int64(len(model)))
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range files {
			if !yield(k) {
				return
			}
		}
	}) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[name]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestOutputLabels: the labels file packed with the model names the classes
// of the output with as many entries; other files, and files of another
// length, are ignored; a model without a zip has none.
func TestOutputLabels(t *testing.T) {
	plain := fcModel().Bytes() // output [1,2]
	m, err := Load(withZip(t, plain, map[string]string{
		"vocab.txt":  "a\nb\nc\n",
		"labels.txt": "cat\ndog\n\n",
		"notes.md":   "x\ny\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.OutputLabels[m.Outputs[0]]; !slices.Equal(got, []string{"cat", "dog"}) {
		t.Errorf("labels %q, want [cat dog]", got)
	}
	m, err = Load(withZip(t, plain, map[string]string{"labels.txt": "a\nb\nc\n"}))
	if err != nil || m.OutputLabels != nil {
		t.Errorf("3 labels for 2 classes: %v, %v", m.OutputLabels, err)
	}
	if m, _ = Load(plain); m.OutputLabels != nil {
		t.Errorf("a model without a zip: %v", m.OutputLabels)
	}
}

// TestWildLabels: real metadata-packed label files of the shared corpus.
// The quantized MobileNet packs ImageNet's 1001 labels for its [1,1001]
// output; the SSD detector packs a COCO label map, but none of its outputs
// (boxes, classes, scores, count) has a dimension of that size.
func TestWildLabels(t *testing.T) {
	load := func(name string) *Model {
		b, err := os.ReadFile(filepath.Join(sharedDir(t), "wild", name))
		if err != nil {
			t.Fatal(err)
		}
		m, err := Load(b)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := load("mobilenet_v1_0.25_128_quant.tflite")
	l := m.OutputLabels[m.Outputs[0]]
	if len(l) != 1001 || l[0] != "background" || l[1] != "tench, Tinca tinca" {
		t.Errorf("MobileNet labels: %d, first %q", len(l), l[:min(2, len(l))])
	}
	if m := load("coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite"); m.OutputLabels != nil {
		t.Errorf("SSD: labels for outputs %v", m.OutputLabels)
	}
}
