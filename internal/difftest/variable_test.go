package difftest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/oracle"
)

// TestVariableTensorsPersist runs models with variable tensors (the state
// of SVDF and LSTM ops) ten times in a row on one engine Model and on one
// TFLite interpreter (oracle.RunSequence), and compares every tensor the
// ops write, the state included, after every run: TFLite resets variable
// tensors when it allocates them, not between Invoke calls, so each run
// starts from the state the last one left. After Model.Reset the first run
// comes back. Models: the corpus SVDF and LSTM models, the wild LSTMs and
// generated int8, float32 and hybrid SVDFs and hybrid LSTMs.
func TestVariableTensorsPersist(t *testing.T) {
	o := startOracle(t)
	type model struct {
		name  string
		bytes []byte
	}
	var models []model
	for _, n := range []string{"keyword_scrambled.tflite", "trained_lstm_int8.tflite"} {
		models = append(models, model{n, readCorpusModel(t, n)})
	}
	for _, n := range wildLSTMs {
		b, err := os.ReadFile(filepath.Join(sharedCorpus(t), "wild", n+".tflite"))
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, model{n, b})
	}
	for _, gen := range []string{"SVDF", "SVDF_float", "SVDF_hybrid", "UNIDIRECTIONAL_SEQUENCE_LSTM_hybrid"} {
		for seed := int64(1); seed <= 20; seed++ {
			c, err := Generate(gen, seed)
			if err != nil {
				t.Fatal(err)
			}
			models = append(models, model{fmt.Sprintf("%s/%d", gen, seed), c.Model})
		}
	}
	const runs = 10
	total := 0
	for _, md := range models {
		t.Run(md.name, func(t *testing.T) {
			total += checkRuns(t, o, md.bytes, runs)
		})
	}
	t.Logf("%d models × %d consecutive runs: %d elements equal TFLite", len(models), runs, total)
}

// checkRuns compares runs consecutive runs of model, on seeded random
// inputs, with TFLite's, and returns the elements compared.
func checkRuns(t *testing.T, o *oracle.Oracle, model []byte, runs int) int {
	t.Helper()
	m, err := engine.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Stateful() {
		t.Fatal("Stateful() = false for a model with variable tensors")
	}
	_, inputs := randomInputs(m, runs)
	written := Written(m)
	exposed, err := oracle.ExposeTensors(model, written)
	if err != nil {
		t.Fatal(err)
	}
	want, err := o.RunSequence(exposed, inputs)
	if err != nil {
		t.Fatal(err)
	}
	producer := producers(m)
	elems, changed := 0, false
	var first [][]byte
	for k, ins := range inputs {
		res, err := m.Run(ins, engine.Options{Profile: engine.XNNPack})
		if err != nil {
			t.Fatalf("run %d: %v", k+1, err)
		}
		if k == 0 {
			first = res.Tensors
		}
		out := &Outcome{Case: &Case{Gen: "run", Seed: int64(k + 1), Model: model}, PerOp: map[string]int{}}
		for _, ot := range want[k][len(want[k])-len(written):] {
			if err := out.compare(m, producer, ot.Tensor, ot.Data, res.Tensors[ot.Tensor]); err != nil {
				t.Fatal(err)
			}
		}
		if out.Differ > 0 {
			t.Errorf("run %d: %s", k+1, out.Report())
		}
		elems += out.Elements
		for _, ti := range written {
			if m.Tensors[ti].Variable && k > 0 && string(res.Tensors[ti]) != string(first[ti]) {
				changed = true
			}
		}
	}
	if !changed {
		t.Errorf("the state never changed between runs: the test cannot tell persistence from a reset")
	}
	m.Reset()
	res, err := m.Run(inputs[0], engine.Options{Profile: engine.XNNPack})
	if err != nil {
		t.Fatal(err)
	}
	for _, ti := range written {
		if string(res.Tensors[ti]) != string(first[ti]) {
			t.Errorf("after Reset, tensor %d differs from the first run's", ti)
		}
	}
	return elems
}
