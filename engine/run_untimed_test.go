package engine

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestUntimedTrace checks that a traced run with Options.Untimed (the
// page's runs of tiny models, which take their op times from an earlier
// run) records the same trace as a timed one but for the op times, which
// stay 0, and that reusing a timed run's records clears its times.
func TestUntimedTrace(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(builtinModelsDir, "*.tflite"))
	if len(files) == 0 {
		t.Skip("no built-in models")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Load(data)
		if err != nil || m.MACs() > 20e6 {
			continue
		}
		inputs := randomInputs(m, 3)
		timed, err := m.Run(inputs, Options{Trace: true, LazyAccumulators: true})
		if err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(timed.Trace.Ops)
		got, err := m.Run(inputs, Options{Trace: true, LazyAccumulators: true, Untimed: true, Reuse: timed})
		if err != nil {
			t.Fatal(err)
		}
		for i, op := range got.Trace.Ops {
			if op.Nanos != 0 {
				t.Errorf("%s op %d: untimed run recorded %d ns", filepath.Base(f), i, op.Nanos)
			}
			if op.Op != want[i].Op || op.Builtin != want[i].Builtin || op.Arithmetic != want[i].Arithmetic || op.AccumulatorCount() != want[i].AccumulatorCount() || op.Note != want[i].Note {
				t.Errorf("%s op %d: untimed record %+v, timed %+v", filepath.Base(f), i, op, want[i])
			}
		}
	}
}
