package export

import (
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/difftest"
)

// TestGenerated exports random models of every internal/difftest generator
// under every profile and compares every tensor of the programs' runs with
// the engine's. Generators whose models use an op the exporter lacks are
// counted and named in the log; with -long each generator gets 25 seeds
// instead of 3.
var genFilter = flag.String("gen", "", "TestGenerated: only the generators matching this regexp")

func TestGenerated(t *testing.T) {
	re, err := regexp.Compile(*genFilter)
	if err != nil {
		t.Fatal(err)
	}
	seeds := 3
	if *long {
		seeds = 25
	}
	tmp := t.TempDir()
	var cases []*pyCase
	missing := map[string]int{} // op kind the exporter lacks → cases
	covered := 0                // runs left out: the same kernels as a profile run already
	exportedGens := map[string]bool{}
	for _, gen := range difftest.Generators() {
		if !re.MatchString(gen) {
			continue
		}
		for seed := int64(1); seed <= int64(seeds); seed++ {
			c, err := difftest.Generate(gen, seed)
			if err != nil {
				t.Fatal(err)
			}
			m, err := engine.Load(c.Model)
			if err != nil {
				continue // the generator made a model the engine refuses by design
			}
			if m.Runnable() != nil || m.Stateful() || len(m.Subgraphs) > 0 {
				continue
			}
			var done []engine.Profile
			for _, p := range engine.Profiles() {
				if prep, _ := m.Prepared(p, 0); prep.Params == nil && m.Dynamic() == "" {
					continue // this TFLite refuses the model
				}
				if m.Dynamic() == "" && slices.ContainsFunc(done, func(q engine.Profile) bool { return sameKernels(m, p, q) }) { // a dynamic model's kernels are its run's
					covered++
					continue
				}
				if _, err := m.Run(c.Inputs, engine.Options{Profile: p}); err != nil {
					continue // the kernel refuses the values (as TFLite does)
				}
				_, err := NumPy(m, p, c.ID())
				var ue *UnsupportedError
				if errors.As(err, &ue) {
					missing[ue.Builtin+" ("+strings.TrimPrefix(ue.Detail, "kernel ")+")"]++
					continue
				}
				pc := exportCase(t, c.ID(), m, p, c.Inputs, filepath.Join(tmp, fmt.Sprintf("%s-%d-%s", gen, seed, p)))
				if pc != nil {
					cases = append(cases, pc)
					exportedGens[gen] = true
					done = append(done, p)
				}
			}
		}
	}
	n, el := runPython(t, cases)
	var gens []string
	for g := range exportedGens {
		gens = append(gens, g)
	}
	sort.Strings(gens)
	t.Logf("%d runs of %d generators (%s): %d tensors, %d elements equal; %d runs covered by the same kernels under another profile",
		len(cases), len(gens), strings.Join(gens, " "), n, el, covered)
	var miss []string
	for k, v := range missing {
		miss = append(miss, fmt.Sprintf("%s ×%d", k, v))
	}
	sort.Strings(miss)
	if len(miss) > 0 {
		t.Logf("not exported yet: %s", strings.Join(miss, "; "))
	}
}

// sameKernels reports whether every op of m has deep-equal prepared
// params under profiles p and q. The emitters write the program from the
// params alone and the engine computes with them, so the program and the
// engine's results are then the same under both, and one comparison covers
// both profiles.
func sameKernels(m *engine.Model, p, q engine.Profile) bool {
	for i := range m.Ops {
		a, _ := m.Prepared(p, i)
		b, _ := m.Prepared(q, i)
		if !reflect.DeepEqual(a.Params, b.Params) {
			return false
		}
	}
	return true
}
