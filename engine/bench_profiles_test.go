package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkProfiles runs every corpus model under every profile, with and
// without a trace, and reports the multiply-accumulate rate.
func BenchmarkProfiles(b *testing.B) {
	dir := sharedDir(b)
	files, _ := filepath.Glob(filepath.Join(dir, "models", "*.tflite"))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".tflite")
		data, _ := os.ReadFile(f)
		m, err := Load(data)
		if err != nil {
			continue
		}
		inputs := benchInputs(dir, name, m)
		n := m.MACs()
		for _, p := range Profiles() {
			for _, trace := range []bool{false, true} {
				b.Run(fmt.Sprintf("%s/%s/trace=%v", name, p, trace), func(b *testing.B) {
					start := cpuTime()
					for b.Loop() {
						if _, err := m.Run(inputs, Options{Profile: p, Trace: trace}); err != nil {
							b.Skip(err)
						}
					}
					b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
					// CPU time, which a loaded machine does not inflate as it does wall time.
					b.ReportMetric(float64(cpuTime()-start)/1e6/float64(b.N), "cpu-ms/op")
				})
			}
		}
	}
}
