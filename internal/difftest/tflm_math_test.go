package difftest

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/tflm"
)

// TestTFLMMath runs the math-op generators of types only TFLite Micro has
// (tflmOnly: the browser TFLite refuses them, so TestDifferentialTFLM, which
// compares every other generator, never sees them) through TFLite Micro
// itself and compares every tensor the ops write with the engine's
// reference profile, element by element.
func TestTFLMMath(t *testing.T) {
	bin, err := tflm.Find()
	tflm.CheckFind(t, err)
	n := 60
	if *nFlag > 0 {
		n = *nFlag
	}
	total, elems := 0, 0
	for _, gname := range tflmMathGens {
		if *onlyCase != "" && !strings.HasPrefix(*onlyCase, gname) {
			continue
		}
		t.Run(gname, func(t *testing.T) {
			differ := 0
			for seed := int64(1); seed <= int64(n); seed++ {
				c, err := generateTFLM(gname, seed)
				if err != nil {
					t.Fatal(err)
				}
				e, d, err := compareTFLM(bin, c)
				if err != nil {
					t.Fatalf("%s (%s): %v", c.ID(), c.Desc, err)
				}
				total++
				elems += e
				if d != "" {
					differ++
					if differ <= 3 {
						t.Errorf("%s (%s): %s", c.ID(), c.Desc, d)
					}
				}
			}
			if differ > 0 {
				t.Errorf("%s: %d of %d cases differ from TFLite Micro", gname, differ, n)
			}
		})
	}
	t.Logf("reference vs TFLite Micro: %d cases, %d elements compared", total, elems)
}

// tflmMathGens are the generators TestTFLMMath runs: those of types only
// TFLite Micro has.
var tflmMathGens = slices.Sorted(maps.Keys(tflmOnly))

// generateTFLM is Generate, also for the generators of types only TFLite
// Micro has (tflmOnly).
func generateTFLM(name string, seed int64) (*Case, error) {
	f, ok := tflmOnly[name]
	if !ok {
		return Generate(name, seed)
	}
	g := newGen(seed)
	g.noPoison = true
	if err := f(g); err != nil {
		return nil, err
	}
	return &Case{Gen: name, Seed: seed, Desc: strings.Join(g.desc, " "), Model: g.b.Bytes(), Inputs: g.inputData}, nil
}

// compareTFLM runs c in TFLite Micro and in the engine's reference profile
// and describes the first differences ("" if none).
func compareTFLM(r *tflm.Runner, c *Case) (elements int, diff string, err error) {
	tr, tflmErr := r.Run(context.Background(), c.Model, c.Inputs)
	m, err := engine.Load(c.Model)
	if err != nil {
		return 0, "", err
	}
	res, err := m.Run(c.Inputs, engine.Options{Profile: engine.Reference})
	switch {
	case tflmErr != nil && err != nil && strings.Contains(tflmErr.Error(), "Assertion `exponent <= 31' failed") && strings.Contains(err.Error(), "exponent <= 31"):
		return 0, "", nil // both refuse: TFLite Micro aborts, the engine says why
	case tflmErr != nil:
		return 0, "", fmt.Errorf("%v (engine: %v)", tflmErr, err)
	case err != nil:
		return 0, "", err
	}
	var sb strings.Builder
	nd := 0
	for _, ti := range Written(m) {
		want, ok := tr.Data[ti]
		if !ok {
			return 0, "", fmt.Errorf("TFLite Micro did not write tensor %d", ti)
		}
		typ := m.Tensors[ti].Type
		a, b := engine.Values(typ, want), engine.Values(typ, res.Tensors[ti])
		if len(a) != len(b) {
			return 0, "", fmt.Errorf("tensor %d: %d elements in TFLite Micro, %d in the engine", ti, len(a), len(b))
		}
		elements += len(a)
		for i := range a {
			if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
				if nd++; nd <= 4 {
					fmt.Fprintf(&sb, "tensor %d element %d: tflm %v, engine %v; ", ti, i, a[i], b[i])
				}
			}
		}
	}
	if nd > 0 {
		fmt.Fprintf(&sb, "%d elements differ", nd)
	}
	return elements, sb.String(), nil
}
