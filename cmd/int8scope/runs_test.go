package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
)

// TestRunSeries: `run --runs` carries a stateful model's state from run to
// run (sum = 1 + x1 + x2 + …), reads DIR/run<k>/, writes OUT/run<k>/ with
// state.json, resets with --reset-every, and writes only the last with
// --last.
func TestRunSeries(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "sum.tflite")
	if err := os.WriteFile(model, tfbuild.RunningSum([]float32{1}).Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in")
	for k, x := range []float32{2, 10, 100, 1000} {
		d := filepath.Join(in, "run"+string(rune('1'+k)))
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, "input0.bin"), tfbuild.F32(x), 0o644)
	}
	sum := func(dir string) float32 {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, "tensor3.bin"))
		if err != nil {
			t.Fatal(err)
		}
		return engine.AsFloat32(append(make([]byte, 0, 8), b...))[0]
	}
	var insp strings.Builder
	if err := cli([]string{"inspect", model}, &insp); err != nil || !strings.Contains(insp.String(), "CALL_ONCE") ||
		!strings.Contains(insp.String(), "subgraph 1 (called by the ops above; its own 2 tensors)") {
		t.Fatalf("inspect: %v\n%s", err, insp.String())
	}
	out := filepath.Join(dir, "out")
	if err := cli([]string{"run", model, "--inputs", in, "--out", out, "--runs", "4"}, os.Stdout); err != nil {
		t.Fatal(err)
	}
	for k, want := range []float32{3, 13, 113, 1113} {
		if got := sum(filepath.Join(out, "run"+string(rune('1'+k)))); got != want {
			t.Errorf("run %d: sum = %v, want %v", k+1, got, want)
		}
	}
	var st struct {
		Variables []struct {
			SharedName string    `json:"shared_name"`
			Values     []float64 `json:"values"`
		} `json:"variables"`
	}
	b, err := os.ReadFile(filepath.Join(out, "run4", "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &st); err != nil || len(st.Variables) != 1 || st.Variables[0].SharedName != "sum" || st.Variables[0].Values[0] != 1113 {
		t.Errorf("state.json = %s (%v)", b, err)
	}

	last := filepath.Join(dir, "last")
	if err := cli([]string{"run", model, "--inputs", in, "--out", last, "--runs", "4", "--reset-every", "2", "--last"}, os.Stdout); err != nil {
		t.Fatal(err)
	}
	// Reset before run 3: 1 + 100 + 1000.
	if got := sum(last); got != 1101 {
		t.Errorf("--reset-every 2 --last: sum = %v, want 1101", got)
	}
	if _, err := os.Stat(filepath.Join(last, "run1")); err == nil {
		t.Errorf("--last wrote run1/")
	}
	err = cli([]string{"run", model, "--inputs", in, "--out", last, "--runs", "5"}, os.Stdout)
	if err == nil || !strings.Contains(err.Error(), "run 5: input 0") {
		t.Errorf("a missing run5/ gives %v, want an error naming run 5", err)
	}
}
