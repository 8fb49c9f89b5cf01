package engine

import (
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestRunMemory: an inference without a trace allocates at most 2× the sum
// of the model's tensor sizes (in practice the non-constant tensors, once).
// A trace adds 8 bytes per accumulator of FULLY_CONNECTED/CONV-like ops,
// which is reported. Runs on the built-in MNIST models and, when present,
// the shared corpus.
func TestRunMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own")
	}
	files, _ := filepath.Glob(filepath.Join("..", "web", "static", "models", "*.tflite"))
	if len(files) == 0 {
		t.Fatal("no built-in models in web/static/models")
	}
	if _, err := os.Stat(filepath.Join("..", "..", "shared", "corpus")); err == nil {
		more, _ := filepath.Glob(filepath.Join(sharedDir(t), "models", "*.tflite"))
		files = append(files, more...)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Load(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		sum := 0
		for _, tt := range m.Tensors {
			sum += tt.NumBytes()
		}
		inputs := make([][]byte, len(m.Inputs))
		for i, ti := range m.Inputs {
			inputs[i] = make([]byte, m.Tensors[ti].NumBytes())
		}
		// TotalAlloc counts the whole process (parallel tests too): the
		// least of a few runs is the run's own.
		alloc := func(trace bool) uint64 {
			least := uint64(math.MaxUint64)
			for range 5 {
				var a, b runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&a)
				if _, err := m.Run(inputs, Options{Trace: trace}); err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				runtime.ReadMemStats(&b)
				least = min(least, b.TotalAlloc-a.TotalAlloc)
			}
			return least
		}
		m.Run(inputs, Options{}) // first-run work (plans) is not per-inference
		plain, traced := alloc(false), alloc(true)
		t.Logf("%-28s tensors %8d B; a run allocates %8d B (%.2f×), traced %9d B (%.2f×)",
			filepath.Base(f), sum, plain, float64(plain)/float64(sum), traced, float64(traced)/float64(sum))
		// RunBytes: the tensors (kernels add scratch, at most as much
		// again) and the trace's accumulators.
		base, withTrace := uint64(m.RunBytes(false)), uint64(m.RunBytes(true))
		if plain < base || plain > 2*base+8192 {
			t.Errorf("%s: RunBytes(false) %d, the run allocated %d", filepath.Base(f), base, plain)
		}
		if extra, want := int64(traced)-int64(plain), int64(withTrace-base); extra < want || extra > want+want/4+8192 {
			t.Errorf("%s: RunBytes says a trace adds %d bytes, it added %d", filepath.Base(f), want, extra)
		}
		if plain > uint64(2*sum)+4096 {
			t.Errorf("%s: a run allocates %d bytes, more than 2× the %d bytes of tensors", filepath.Base(f), plain, sum)
		}
	}
}
