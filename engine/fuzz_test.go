package engine

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to Load and, when a model loads and is
// small, runs it with zero inputs and explains its first output: nothing may
// panic. Seeds are the project's own generated models and
// testdata/fuzz/FuzzLoad regressions.
func FuzzLoad(f *testing.F) {
	f.Add(fcModel().Bytes())
	seeds, _ := filepath.Glob(filepath.Join("testdata", "models", "*.tflite"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Load(b)
		if err != nil {
			return
		}
		total := 0
		for _, t := range m.Tensors {
			total += t.NumBytes()
		}
		if total > 1<<20 {
			return
		}
		var inputs [][]byte
		for _, i := range m.Inputs {
			inputs = append(inputs, make([]byte, m.Tensors[i].NumBytes()))
		}
		res, err := m.Run(inputs, Options{Trace: true})
		if err != nil {
			return
		}
		for i := range m.Ops {
			res.Explain(i, 0)
		}
	})
}
