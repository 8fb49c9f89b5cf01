package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/int8scope/int8scope/internal/mobilenet"
	"github.com/int8scope/int8scope/internal/tinyml"
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

// builtinModelsDir holds the playground's built-in MNIST models.
const builtinModelsDir = "../web/static/models"

// benchModel is one model BenchmarkModels runs.
type benchModel struct {
	name   string
	m      *Model
	inputs [][]byte
}

// benchModels loads the built-in MNIST models and, when the shared corpus
// exists, its models (skipping those the engine refuses, with a log line),
// the generated MobileNet v2 (internal/mobilenet) and MLPerf Tiny models
// (internal/tinyml), and with INT8SCOPE_BENCH_EXTRA the models of that
// directory.
// The MNIST models get seeded random inputs, the corpus models their golden
// inputs.
func benchModels(b *testing.B) []benchModel {
	var out []benchModel
	add := func(file string, inputs func(name string, m *Model) [][]byte) {
		name := strings.TrimSuffix(filepath.Base(file), ".tflite")
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		m, err := Load(data)
		if err != nil {
			b.Logf("%s: %v", name, err)
			return
		}
		out = append(out, benchModel{name, m, inputs(name, m)})
	}
	builtins, _ := filepath.Glob(filepath.Join(builtinModelsDir, "*.tflite"))
	for _, f := range builtins {
		add(f, func(name string, m *Model) [][]byte { return randomInputs(m, 1) })
	}
	dir := filepath.Join("..", "..", "shared", "corpus")
	if os.Getenv("CI") == "true" || dirExists(dir) {
		dir = sharedDir(b)
		corpus, _ := filepath.Glob(filepath.Join(dir, "models", "*.tflite"))
		for _, f := range corpus {
			add(f, func(name string, m *Model) [][]byte { return benchInputs(dir, name, m) })
		}
	} else {
		b.Logf("shared corpus not found at %s; benchmarking the built-in models only", dir)
	}
	// The generated MobileNet v2 1.0 224 (300 M MACs), on its calibration image.
	if m, err := Load(mobilenet.V2(1)); err != nil {
		b.Logf("%s: %v", mobilenet.Name, err)
	} else {
		out = append(out, benchModel{mobilenet.Name, m, [][]byte{mobilenet.Input(1)}})
	}
	// The generated MLPerf Tiny models (issue 11's), on their calibration
	// inputs.
	for _, tm := range tinyml.Models {
		if m, err := Load(tm.Build(1)); err != nil {
			b.Logf("%s: %v", tm.Name, err)
		} else {
			out = append(out, benchModel{tm.Name, m, [][]byte{tm.Input(1)}})
		}
	}
	// INT8SCOPE_BENCH_EXTRA=DIR (make bench -extra DIR): every .tflite in
	// DIR, on DIR/NAME.input<i>.bin when present, else seeded random bytes.
	if dir := os.Getenv("INT8SCOPE_BENCH_EXTRA"); dir != "" {
		extra, _ := filepath.Glob(filepath.Join(dir, "*.tflite"))
		for _, f := range extra {
			add(f, func(name string, m *Model) [][]byte {
				inputs := randomInputs(m, 1)
				for i := range inputs {
					if g, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%s.input%d.bin", name, i))); err == nil && len(g) == len(inputs[i]) {
						inputs[i] = g
					}
				}
				return inputs
			})
		}
	}
	return out
}

func dirExists(dir string) bool {
	st, err := os.Stat(dir)
	return err == nil && st.IsDir()
}

// randomInputs fills every input with bytes from a fixed-seed generator
// (a float input gets values uniform in [-1, 1)).
func randomInputs(m *Model, seed uint32) [][]byte {
	x := seed
	next := func() uint32 { x = x*1664525 + 1013904223; return x }
	var inputs [][]byte
	for _, ti := range m.Inputs {
		t := m.Tensors[ti]
		b := make([]byte, t.NumBytes())
		if t.Type == Float32 {
			f := AsFloat32(b)
			for i := range f {
				f[i] = float32(next()>>8)/(1<<23) - 1
			}
		} else {
			for i := range b {
				b[i] = byte(next() >> 24)
			}
		}
		inputs = append(inputs, b)
	}
	return inputs
}

func traceName(trace bool) string { return fmt.Sprintf("trace=%v", trace) }

// reportMACs adds the multiply-accumulate count per run and the rate in
// wall time.
func reportMACs(b *testing.B, macs int64) {
	if s := b.Elapsed().Seconds(); s > 0 && macs > 0 {
		b.ReportMetric(float64(macs)*float64(b.N)/s/1e9, "GMAC/s")
	}
	b.ReportMetric(float64(macs), "MACs/op")
}

// reportCPU adds the process CPU time per iteration since start
// ("cpu-ns/op") and, when macs > 0, the multiply-accumulate rate in CPU
// time ("GMAC/s-cpu"): on a shared machine these move far less than
// ns/op. Without a CPU clock (cpuTime() == 0) it adds nothing.
func reportCPU(b *testing.B, start time.Duration, macs int64) {
	d := cpuTime() - start
	if start == 0 || d <= 0 || b.N == 0 {
		return
	}
	b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	if macs > 0 {
		b.ReportMetric(float64(macs)*float64(b.N)/d.Seconds()/1e9, "GMAC/s-cpu")
	}
}

// benchRun runs m under opt for b.N iterations and reports MAC rates. A
// model the profile refuses (the browser TFLite refuses some) is skipped.
func benchRun(b *testing.B, m *Model, inputs [][]byte, opt Options) {
	if _, err := m.Run(inputs, opt); err != nil {
		b.Skip(err)
	}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, err := m.Run(inputs, opt); err != nil {
			b.Fatal(err)
		}
	}
	reportMACs(b, m.MACs())
	reportCPU(b, start, m.MACs())
}

// BenchmarkModels runs every built-in and corpus model and the generated
// MobileNet v2 under each profile, with and without a trace, and reports
// the multiply-accumulate rate in wall and CPU time:
// BenchmarkModels/MODEL/PROFILE/trace=BOOL.
func BenchmarkModels(b *testing.B) {
	for _, bm := range benchModels(b) {
		for _, p := range Profiles() {
			for _, trace := range []bool{false, true} {
				b.Run(fmt.Sprintf("%s/%s/%s", bm.name, p, traceName(trace)), func(b *testing.B) {
					benchRun(b, bm.m, bm.inputs, Options{Profile: p, Trace: trace})
				})
			}
		}
	}
}

// BenchmarkPersonDetect measures the MobileNet-style corpus model with and
// without a trace (issue 11's native target is stated on it). Speed is
// measured here, never asserted in a test.
func BenchmarkPersonDetect(b *testing.B) {
	m := corpusModel(b, "person_detect.tflite")
	inputs := benchInputs(sharedDir(b), "person_detect", m)
	for _, trace := range []bool{false, true} {
		b.Run(traceName(trace), func(b *testing.B) { benchRun(b, m, inputs, Options{Trace: trace}) })
	}
}

// TestPersonDetectAllocs bounds the allocations of one untraced run of the
// MobileNet-style corpus model: a count, not a time, so it is the same on
// any machine.
func TestPersonDetectAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("slow under the race detector")
	}
	m := corpusModel(t, "person_detect.tflite")
	inputs := benchInputs(sharedDir(t), "person_detect", m)
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := m.Run(inputs, Options{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%v allocations per run (%d ops, %d tensors)", allocs, len(m.Ops), len(m.Tensors))
	if limit := float64(8 * (len(m.Ops) + len(m.Tensors))); allocs > limit {
		t.Errorf("%v allocations per run; want at most %v", allocs, limit)
	}
}
