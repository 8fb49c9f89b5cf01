package engine

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLazyAccumulators checks that accumulators computed on demand
// (Options.LazyAccumulators, Result.Accumulators) equal the ones a run
// records, op by op, under every profile, and that the run's values and
// counts are the same: on the built-in models and, when the shared corpus
// is there, its models and the smaller wild ones (two runs each, so
// stateful models run from a carried-over state too).
func TestLazyAccumulators(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(builtinModelsDir, "*.tflite"))
	dir := filepath.Join("..", "..", "shared", "corpus")
	if os.Getenv("CI") == "true" || dirExists(dir) {
		dir = sharedDir(t)
		corpus, _ := filepath.Glob(filepath.Join(dir, "models", "*.tflite"))
		wild, _ := filepath.Glob(filepath.Join(dir, "wild", "*.tflite"))
		files = append(append(files, corpus...), wild...)
	} else {
		t.Logf("shared corpus not found at %s; checking the built-in models only", dir)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".tflite")
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Load(data)
		if err != nil || m.MACs() > 100e6 {
			continue // refused, or too slow to run four times per profile here
		}
		inputs := randomInputs(m, 7)
		computed := 0
		for _, p := range Profiles() {
			eager, err := Load(data)
			if err != nil {
				t.Fatal(err)
			}
			lazy, _ := Load(data)
			for step := range 2 {
				want, err := eager.Run(inputs, Options{Profile: p, Trace: true})
				if err != nil {
					continue // e.g. a profile that refuses the model
				}
				got, err := lazy.Run(inputs, Options{Profile: p, Trace: true, LazyAccumulators: true})
				if err != nil {
					t.Fatalf("%s %s: lazy run failed: %v", name, p, err)
				}
				for i := range want.Tensors {
					if !slices.Equal(want.Tensors[i], got.Tensors[i]) {
						t.Fatalf("%s %s run %d: tensor %d differs with lazy accumulators", name, p, step, i)
					}
				}
				for op := range want.Trace.Ops {
					w := &want.Trace.Ops[op]
					if n := got.Trace.Ops[op].AccumulatorCount(); n != w.AccumulatorCount() {
						t.Fatalf("%s %s op %d: count %d, want %d", name, p, op, n, w.AccumulatorCount())
					}
					if got.Trace.Ops[op].lazyAcc > 0 {
						computed++
					}
					acc, err := got.Accumulators(op)
					if err != nil {
						t.Fatalf("%s %s op %d: %v", name, p, op, err)
					}
					if !slices.Equal(acc, w.Acc) || (acc == nil) != (w.Acc == nil) {
						t.Fatalf("%s %s run %d op %d (%s): accumulators computed later differ from the recorded ones", name, p, step, op, w.Builtin)
					}
				}
				for i := range want.Tensors {
					if !slices.Equal(want.Tensors[i], got.Tensors[i]) {
						t.Fatalf("%s %s run %d: tensor %d changed when accumulators were computed", name, p, step, i)
					}
				}
			}
		}
		t.Logf("%s: %d ops' accumulators computed on demand", name, computed)
	}
}
