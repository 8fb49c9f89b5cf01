package difftest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/int8scope/int8scope/engine"
)

// tflmRun returns the path of TFLite Micro's tflm_run, skipping the test
// when it is missing (failing under CI=true).
func tflmRun(t testing.TB) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "oracles", "tflm", "tflm_run"))
	if err == nil {
		_, err = os.Stat(p)
	}
	if err != nil {
		if inCI() {
			t.Fatalf("CI=true but TFLite Micro's tflm_run is missing: %v", err)
		}
		t.Skipf("tflm_run not found (%v); skipping", err)
	}
	return p
}

// checkTFLM runs case c in TFLite Micro and in the engine's reference
// profile and counts the elements of the tensors the ops write that differ.
func checkTFLM(bin string, c *Case) (compared, differ int, report string, err error) {
	dir, err := os.MkdirTemp("", "int8scope-tflm-")
	if err != nil {
		return 0, 0, "", err
	}
	defer os.RemoveAll(dir)
	if err := c.Save(dir); err != nil {
		return 0, 0, "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out := filepath.Join(dir, "out")
	if b, err := exec.CommandContext(ctx, bin, filepath.Join(dir, "model.tflite"), filepath.Join(dir, "inputs"), out).CombinedOutput(); err != nil {
		return 0, 0, "", fmt.Errorf("tflm_run on %s: %v: %s", c.ID(), err, b)
	}
	m, err := engine.Load(c.Model)
	if err != nil {
		return 0, 0, "", err
	}
	res, err := m.Run(c.Inputs, engine.Options{Profile: engine.Reference})
	if err != nil {
		return 0, 0, "", err
	}
	for _, ti := range Written(m) {
		want, err := os.ReadFile(filepath.Join(out, fmt.Sprintf("tensor%d.bin", ti)))
		if err != nil {
			return 0, 0, "", fmt.Errorf("%s: TFLite Micro wrote no tensor %d: %v", c.ID(), ti, err)
		}
		typ := m.Tensors[ti].Type
		a, b := engine.Values(typ, want), engine.Values(typ, res.Tensors[ti])
		if len(a) != len(b) {
			return 0, 0, "", fmt.Errorf("%s: tensor %d has %d elements in TFLite Micro, %d in the engine", c.ID(), ti, len(a), len(b))
		}
		for i := range a {
			compared++
			if a[i] != b[i] {
				if differ < 4 {
					report += fmt.Sprintf("  tensor %d element %d: tflm %v, engine %v\n", ti, i, a[i], b[i])
				}
				differ++
			}
		}
	}
	return compared, differ, report, nil
}

// TestTFLMOpsC checks the reference profile of RESIZE_BILINEAR (float32,
// int8: the types TFLite Micro has) against TFLite Micro itself on the
// generated models.
func TestTFLMOpsC(t *testing.T) {
	bin := tflmRun(t)
	n := 60
	if *nFlag > 0 {
		n = *nFlag
	}
	for _, gname := range []string{"RESIZE_BILINEAR", "RESIZE_BILINEAR_float", "BATCH_MATMUL", "BATCH_MATMUL_int16", "BATCH_MATMUL_float"} {
		t.Run(gname, func(t *testing.T) {
			cases, elems := 0, 0
			for seed := int64(1); seed <= int64(n); seed++ {
				c, err := Generate(gname, seed)
				if err != nil {
					t.Fatal(err)
				}
				compared, differ, report, err := checkTFLM(bin, c)
				if err != nil {
					t.Fatal(err)
				}
				cases++
				elems += compared
				if differ > 0 {
					t.Errorf("%s (%s): %d of %d elements differ from TFLite Micro\n%s", c.ID(), c.Desc, differ, compared, report)
				}
			}
			t.Logf("%s: %d cases, %d elements equal to TFLite Micro", gname, cases, elems)
		})
	}
}
