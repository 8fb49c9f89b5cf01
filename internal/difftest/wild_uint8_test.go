package difftest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/int8scope/int8scope/engine"
)

// wildUint8 are the uint8 models of ../shared/corpus/wild (TF1
// quantization-aware training): each must load, run and explain in every
// profile, and equal the browser TFLite on every tensor under
// tflite-xnnpack. needs names ops another change adds; until the engine
// has them the model is only checked to be refused with a clear message.
var wildUint8 = []struct {
	name  string
	needs []string
}{
	{"mobilenet_v1_1.0_224_quant_embedding_extractor.tflite", nil},
	{"mobilenet_v1_0.25_128_quant.tflite", nil},
	{"deeplabv3_mnv2_dm05_pascal_quant.tflite", []string{"RESIZE_BILINEAR"}},
	{"split_concat.tflite", []string{"SPLIT"}},
}

// readWildModel reads ../shared/corpus/wild/NAME (failing under CI=true
// when it is missing).
func readWildModel(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedCorpus(t), "wild", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWildUint8XNNPack compares the uint8 wild models with the real TFLite,
// every tensor the ops write, on seeded random inputs.
func TestWildUint8XNNPack(t *testing.T) {
	o := startOracle(t)
	supported := engine.SupportedOps()
	for _, w := range wildUint8 {
		t.Run(w.name, func(t *testing.T) {
			model := readWildModel(t, w.name)
			m, err := engine.Load(model)
			if missing := missingOps(supported, w.needs); len(missing) > 0 {
				if err == nil {
					t.Fatalf("loads although the engine lacks %v: update wildUint8", missing)
				}
				t.Skipf("needs %v (another change): %v", missing, err)
			}
			if err != nil {
				t.Fatal(err)
			}
			taken, why := m.XNNPackDelegated()
			for i, op := range m.Ops {
				t.Logf("op %2d %-20s xnnpack=%v %s", i, op.Builtin, taken[i], why[i])
			}
			names, inputs := corpusInputs(t, m, w.name, 3)
			for k, ins := range inputs {
				c := &Case{Gen: w.name, Seed: int64(k), Desc: names[k], Model: model, Inputs: ins}
				res, err := Check(o, c, engine.XNNPack)
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range res.Delegation {
					t.Errorf("delegation: %s", d)
				}
				if res.Differ > 0 {
					t.Errorf("%s: %s", names[k], res.Report())
				} else {
					t.Logf("%s: %d tensors, %d elements equal", names[k], res.Tensors, res.Elements)
				}
			}
		})
	}
}

// missingOps lists the ops of want that have is missing.
func missingOps(have, want []string) []string {
	var s []string
	for _, op := range want {
		found := false
		for _, h := range have {
			found = found || h == op
		}
		if !found {
			s = append(s, op)
		}
	}
	return s
}
