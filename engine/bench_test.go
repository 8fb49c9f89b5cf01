package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// raceEnabled is set when the race detector, which slows everything
// several times, is on (speed_race_test.go).
var raceEnabled bool

// benchInputs reads a model's golden inputs (case random1), or zeros.
func benchInputs(dir, name string, m *Model) [][]byte {
	var inputs [][]byte
	for i, ti := range m.Inputs {
		b, err := os.ReadFile(filepath.Join(dir, "goldens", name, "random1", "inputs", fmt.Sprintf("input%d.bin", i)))
		if err != nil || len(b) != m.Tensors[ti].NumBytes() {
			b = make([]byte, m.Tensors[ti].NumBytes())
		}
		inputs = append(inputs, b)
	}
	return inputs
}

// BenchmarkModels runs every corpus model with and without a trace and
// reports the multiply-accumulate rate.
func BenchmarkModels(b *testing.B) {
	dir := sharedDir(b)
	files, _ := filepath.Glob(filepath.Join(dir, "models", "*.tflite"))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".tflite")
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		m, err := Load(data)
		if err != nil {
			b.Logf("%s: %v", name, err)
			continue
		}
		inputs := benchInputs(dir, name, m)
		n := m.MACs()
		for _, trace := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/trace=%v", name, trace), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := m.Run(inputs, Options{Trace: trace}); err != nil {
						b.Fatal(err)
					}
				}
				if s := b.Elapsed().Seconds(); s > 0 {
					b.ReportMetric(float64(n)*float64(b.N)/s/1e9, "GMAC/s")
				}
				b.ReportMetric(float64(n), "MACs/op")
			})
		}
	}
}
