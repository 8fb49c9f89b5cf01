package export

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tflite"
)

// compareBuilt exports models that build makes (for models that
// internal/difftest does not generate) under every profile whose TFLite
// takes them and compares every tensor of the programs' runs with the
// engine's, in one Python process: n models of each type in types (more
// with -long), the random source seeded by seed. It logs the kernels the
// profiles prepared for op 0.
func compareBuilt(t *testing.T, name string, n int, seed uint64, types []tflite.TensorType, build func(r *rand.Rand, typ tflite.TensorType) ([]byte, [][]byte)) {
	t.Helper()
	if *long {
		n *= 8
	}
	tmp := t.TempDir()
	var cases []*pyCase
	r := rand.New(rand.NewPCG(seed, seed))
	kinds := map[string]int{}
	for i := range n {
		for _, typ := range types {
			model, ins := build(r, typ)
			m, err := engine.Load(model)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range engine.Profiles() {
				prep, _ := m.Prepared(p, 0)
				if prep.Params == nil {
					continue
				}
				kinds[fmt.Sprintf("%v %T", typ, prep.Params)]++
				id := fmt.Sprintf("%s-%v-%d-%s", name, typ, i, p)
				if pc := exportCase(t, id, m, p, ins, filepath.Join(tmp, id)); pc != nil {
					cases = append(cases, pc)
				}
			}
		}
	}
	var ks []string
	for k, v := range kinds {
		ks = append(ks, fmt.Sprintf("%s ×%d", k, v))
	}
	sort.Strings(ks)
	nt, el := runPython(t, cases)
	t.Logf("kernels: %s; %d runs, %d tensors, %d elements equal", strings.Join(ks, ", "), len(cases), nt, el)
}
