package difftest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
)

func TestScratchWild(t *testing.T) {
	name := os.Getenv("WILD")
	model, err := os.ReadFile(filepath.Join(sharedCorpus(t), "wild", name))
	if err != nil {
		t.Fatal(err)
	}
	o := startOracle(t)
	m, err := engine.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	taken, why := m.XNNPackDelegated()
	for i, op := range m.Ops {
		t.Logf("op %2d %-20s xnnpack=%v %s", i, op.Builtin, taken[i], why[i])
	}
	names, inputs := randomInputs(m, 1)
	checkXNNPack(t, o, name, model, names, inputs)
}

func TestScratchOps(t *testing.T) {
	name := os.Getenv("WILD")
	model, err := os.ReadFile(filepath.Join(sharedCorpus(t), "wild", name))
	if err != nil {
		t.Fatal(err)
	}
	o := startOracle(t)
	n := checkWildOps(t, o, model, strings.Split(os.Getenv("OPS"), ","), 1)
	t.Logf("%d elements", n)
}
