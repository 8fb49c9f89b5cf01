package difftest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/tflm"
)

// wildLSTMs are the corpus/wild LSTM models with TFLite Micro goldens in
// corpus/wild-goldens (state tensors included).
var wildLSTMs = []string{"keras_lstm_mnist_ptq", "micro_speech_lstm"}

// readWildModel reads corpus/wild/name.tflite and loads it.
func readWildModel(t testing.TB, name string) ([]byte, *engine.Model) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedCorpus(t), "wild", name+".tflite"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := engine.Load(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b, m
}

// wildInputs returns the wild-goldens cases of a model (inputs and TFLite
// Micro's tensors) and n seeded random input sets after them (nil goldens).
func wildInputs(t testing.TB, m *engine.Model, name string, n int) (names []string, inputs [][][]byte, goldens []*tflm.Result) {
	t.Helper()
	dir := filepath.Join(sharedCorpus(t), "wild-goldens", name)
	cases, err := os.ReadDir(dir)
	if err != nil || len(cases) == 0 {
		t.Fatalf("no goldens for %s in %s: %v", name, dir, err)
	}
	for _, c := range cases {
		ins := readCaseInputs(t, m, filepath.Join(dir, c.Name()))
		g, err := tflm.ReadDir(filepath.Join(dir, c.Name(), "tensors"))
		if err != nil {
			t.Fatal(err)
		}
		names, inputs, goldens = append(names, c.Name()), append(inputs, ins), append(goldens, g)
	}
	rn, rin := randomInputs(m, n)
	for k := range rn {
		names, inputs, goldens = append(names, rn[k]), append(inputs, rin[k]), append(goldens, nil)
	}
	return names, inputs, goldens
}

// TestWildLSTMReference compares the reference profile with TFLite Micro on
// the wild LSTM models, every tensor including the LSTM state: the goldens
// byte for byte, and seeded random inputs live through tflm_run.
func TestWildLSTMReference(t *testing.T) {
	r := startTFLM(t)
	for _, name := range wildLSTMs {
		t.Run(name, func(t *testing.T) {
			model, m := readWildModel(t, name)
			names, inputs, goldens := wildInputs(t, m, name, 4)
			for k, ins := range inputs {
				c := &Case{Gen: name, Seed: int64(k), Desc: names[k], Model: model, Inputs: ins}
				want, src := goldens[k], "golden"
				if want == nil {
					var err error
					if want, err = r.Run(context.Background(), model, ins); err != nil {
						t.Fatal(err)
					}
					src = "tflm_run"
				}
				m.Reset() // tflm_run and the goldens are first inferences
				res, err := m.Run(ins, engine.Options{Profile: engine.Reference})
				if err != nil {
					t.Fatal(err)
				}
				out, err := CompareTFLM(c, m, res, want)
				if err != nil {
					t.Fatal(err)
				}
				if out.Differ > 0 {
					t.Errorf("%s vs %s: %s", names[k], src, out.Report())
				} else {
					t.Logf("%s: %d tensors, %d elements equal TFLite Micro (%s)", names[k], out.Tensors, out.Elements, src)
				}
			}
		})
	}
}

// TestWildLSTMXNNPack compares the tflite-xnnpack profile with the real
// TFLite on the wild LSTM models, every tensor the ops write and the state.
func TestWildLSTMXNNPack(t *testing.T) {
	o := startOracle(t)
	for _, name := range wildLSTMs {
		t.Run(name, func(t *testing.T) {
			model, m := readWildModel(t, name)
			names, inputs, _ := wildInputs(t, m, name, 8)
			checkXNNPack(t, o, name, model, names, inputs)
		})
	}
}
