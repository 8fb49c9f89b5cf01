package difftest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
)

// wildDataOps are the models of ../shared/corpus/wild that the
// data-movement ops opened; each must equal the browser TFLite on every
// tensor its ops write.
var wildDataOps = []string{"split_concat.tflite"}

// TestWildDataOps runs the wild models that need the data-movement ops
// through the oracle, with every written tensor exposed, on 8 seeded random
// inputs, and compares them with the tflite-xnnpack profile.
func TestWildDataOps(t *testing.T) {
	dir := filepath.Join(sharedCorpus(t), "wild")
	o := startOracle(t)
	for _, name := range wildDataOps {
		t.Run(name, func(t *testing.T) {
			model, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			m, err := engine.Load(model)
			if err != nil {
				t.Fatal(err)
			}
			names, inputs := corpusInputs(t, m, name, 8)
			for k, ins := range inputs {
				c := &Case{Gen: name, Seed: int64(k), Desc: names[k], Model: model, Inputs: ins}
				res, err := Check(o, c, engine.XNNPack)
				if err != nil {
					t.Fatal(err)
				}
				if res.Differ > 0 {
					t.Errorf("%s: %s", names[k], res.Report())
				} else {
					t.Logf("%s: %d tensors, %d elements equal", names[k], res.Tensors, res.Elements)
				}
				// Delegation is checked for this group's ops; other ops'
				// (e.g. uint8 CONCATENATION, another change's) are logged.
				for _, d := range res.Delegation {
					var op int
					var builtin string
					if _, err := fmt.Sscanf(d, "op %d %s", &op, &builtin); err == nil && dataOpsGens[strings.TrimSuffix(builtin, ":")] {
						t.Errorf("%s: %s", names[k], d)
					} else if k == 0 {
						t.Logf("delegation (not this group's op): %s", d)
					}
				}
			}
		})
	}
}
