package difftest

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/int8scope/int8scope/engine"
)

// TestTFLMMath runs the math-op generators (gen_math.go) whose op TFLite
// Micro has through TFLite Micro itself (../shared/oracles/tflm/tflm_run)
// and compares every tensor the ops write with the engine's reference
// profile, element by element.
func TestTFLMMath(t *testing.T) {
	bin := tflmRun(t)
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

// tflmMathGens are the generators of gen_math.go whose ops and types
// TFLite Micro has. Not SIN_float and COS_float: tflm_run is linked with
// glibc, whose sinf and cosf are other algorithms than the browser's musl
// (they differ in the last bit on about 1 element in 150; the engine
// computes musl's, see PROFILES.md).
var tflmMathGens = []string{
	"EXP_float", "LOG_float", "SQRT_float", "RSQRT_float", "SQUARE_float", "NEG_float",
	"ABS_float", "ABS", "ABS_int16", "RSQRT",
	"DIV_float", "DIV_int8", "FLOOR_DIV_float", "FLOOR_MOD_float",
	"MAXIMUM", "MAXIMUM_float", "MAXIMUM_int16", "MAXIMUM_int32", "MINIMUM", "MINIMUM_float", "MINIMUM_int16", "MINIMUM_int32",
	"SQUARED_DIFFERENCE", "SQUARED_DIFFERENCE_float", "SQUARED_DIFFERENCE_int32", "SUM", "SUM_float", "SUM_int16",
}

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

// tflmRun returns the path of TFLite Micro's tflm_run, skipping the test
// without it (failing under CI=true).
func tflmRun(t testing.TB) string {
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, "..", "..", "..", "shared", "oracles", "tflm", "tflm_run")
	if _, err := os.Stat(bin); err != nil {
		bin = "/work/shared/oracles/tflm/tflm_run"
	}
	if _, err := os.Stat(bin); err != nil {
		if inCI() {
			t.Fatalf("CI=true but TFLite Micro's tflm_run is missing: %v", err)
		}
		t.Skipf("tflm_run not found: %v", err)
	}
	return bin
}

// compareTFLM runs c in TFLite Micro and in the engine's reference profile
// and describes the first differences ("" if none).
func compareTFLM(bin string, c *Case) (elements int, diff string, err error) {
	dir, err := os.MkdirTemp("", "int8scope-tflm-")
	if err != nil {
		return 0, "", err
	}
	defer os.RemoveAll(dir)
	if err := c.Save(dir); err != nil {
		return 0, "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	outDir := filepath.Join(dir, "out")
	tflmOut, tflmErr := exec.CommandContext(ctx, bin, filepath.Join(dir, "model.tflite"), filepath.Join(dir, "inputs"), outDir).CombinedOutput()
	m, err := engine.Load(c.Model)
	if err != nil {
		return 0, "", err
	}
	res, err := m.Run(c.Inputs, engine.Options{Profile: engine.Reference})
	switch {
	case tflmErr != nil && err != nil && strings.Contains(string(tflmOut), "Assertion `exponent <= 31' failed") && strings.Contains(err.Error(), "exponent <= 31"):
		return 0, "", nil // both refuse: TFLite Micro aborts, the engine says why
	case tflmErr != nil:
		return 0, "", fmt.Errorf("tflm_run: %v: %s (engine: %v)", tflmErr, tflmOut, err)
	case err != nil:
		return 0, "", err
	}
	var sb strings.Builder
	nd := 0
	for _, ti := range Written(m) {
		want, err := os.ReadFile(filepath.Join(outDir, fmt.Sprintf("tensor%d.bin", ti)))
		if err != nil {
			return 0, "", fmt.Errorf("TFLite Micro did not write tensor %d: %v", ti, err)
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
