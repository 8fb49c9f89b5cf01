package difftest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/oracle"
)

// tflmLacks lists the data-movement generators whose op TFLite Micro does
// not have; the reference profile of those is checked by hand-derived tests
// only (PROFILES.md).
var tflmLacks = map[string]bool{"TILE": true, "RANGE": true, "SELECT": true, "TOPK_V2": true}

// tflmSilentTypes lists, per generator, types of the op's first input whose lack TFLite
// Micro reports without naming them (e.g. MIRROR_PAD: "failed to invoke"
// for int32; its kernel has float32 and int8 only).
var tflmSilentTypes = map[string][]engine.DType{"MIRROR_PAD": {engine.Int32}}

// tflmSkip says why TFLite Micro cannot run a case, or "": it has no uint8
// kernels and treats a tensor with no elements as dynamic ("Dynamic
// tensors are not supported"). (Types an op lacks in TFLite Micro show as
// its own "… is not supported by …" refusal, errTFLMLacks.)
func tflmSkip(gname string, m *engine.Model) string {
	for _, typ := range tflmSilentTypes[gname] {
		if len(m.Ops) > 0 && len(m.Ops[0].Inputs) > 0 && m.Tensors[m.Ops[0].Inputs[0]].Type == typ {
			return typ.String() + " (TFLite Micro's kernel lacks it)"
		}
	}
	if hasType(m, engine.Uint8) {
		return "uint8"
	}
	for _, t := range m.Tensors {
		if t.NumElements() == 0 && len(t.Shape) > 0 {
			return "a tensor with no elements"
		}
	}
	return ""
}

// tflmRun returns the path of ../shared/oracles/tflm/tflm_run, skipping
// the test when it is absent (failing under CI=true).
func tflmRun(t testing.TB) string {
	t.Helper()
	root, err := oracle.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, "..", "shared", "oracles", "tflm", "tflm_run")
	if _, err := os.Stat(bin); err != nil {
		if inCI() {
			t.Fatalf("CI=true but TFLite Micro's tflm_run is missing: %v", err)
		}
		t.Skipf("tflm_run not found at %s", bin)
	}
	return bin
}

// TestTFLMDataOps runs the data-movement generators' cases through TFLite
// Micro itself (tflm_run) and compares every tensor the ops write with the
// engine's reference profile, byte for byte. Cases TFLite Micro cannot run
// are left out and counted (tflmSkip).
func TestTFLMDataOps(t *testing.T) {
	bin := tflmRun(t)
	n := 40
	if *nFlag > 0 {
		n = *nFlag
	}
	gens, _ := runnable(t)
	total, elems := 0, 0
	for _, gname := range gens {
		if !dataOpsGens[gname] || tflmLacks[gname] {
			continue
		}
		if *onlyCase != "" && !strings.HasPrefix(*onlyCase, gname) {
			continue
		}
		t.Run(gname, func(t *testing.T) {
			ran := 0
			skipped := map[string]int{}
			for seed := int64(1); seed <= int64(n); seed++ {
				c, err := Generate(gname, seed)
				if err != nil {
					t.Fatal(err)
				}
				m, err := engine.Load(c.Model)
				if err != nil {
					t.Fatalf("%s: %v", c.ID(), err)
				}
				if why := tflmSkip(gname, m); why != "" {
					skipped[why]++
					continue
				}
				ne, err := checkTFLM(bin, c, m)
				var lacks errTFLMLacks
				if errors.As(err, &lacks) {
					skipped[string(lacks)]++
					continue
				}
				if err != nil {
					t.Errorf("%s (%s): %v", c.ID(), c.Desc, err)
					continue
				}
				ran++
				elems += ne
			}
			total += ran
			t.Logf("%d cases equal TFLite Micro; left out (TFLite Micro lacks): %v", ran, skipped)
			if ran == 0 {
				t.Errorf("%s: no case ran through TFLite Micro", gname)
			}
		})
	}
	t.Logf("TFLite Micro: %d cases, %d elements equal to the reference profile", total, elems)
}

// errTFLMLacks is TFLite Micro's refusal of a type its kernel lacks, e.g.
// "Type 'INT16' is not supported by gather".
type errTFLMLacks string

func (e errTFLMLacks) Error() string { return string(e) }

var tflmLacksRE = regexp.MustCompile(`Does not support type other than [a-z0-9|]+, but got [A-Z0-9]+|Only [a-z0-9_]+((,| and) [a-z0-9_]+)* (types )?are supported( currently, got [A-Z0-9]+)?|only currently supports [a-z0-9]+ for input [0-9]+|(data_type|input->type) == kTfLite[A-Za-z0-9]+( \|\| (data_type|input->type) == kTfLite[A-Za-z0-9]+)* was not true|(Type|Params of type|Indices of type|Positions of type|Input type|Output type) '?[A-Za-z0-9]+'?( \([0-9]+\))? ((is|are) )?not supported( by [a-z_]+)?`)

func hasType(m *engine.Model, typ engine.DType) bool {
	for _, t := range m.Tensors {
		if t.Type == typ {
			return true
		}
	}
	return false
}

// checkTFLM runs case c in tflm_run and compares every written tensor with
// the engine's reference profile; it returns the number of elements
// compared.
func checkTFLM(bin string, c *Case, m *engine.Model) (int, error) {
	dir, err := os.MkdirTemp("", "int8scope-tflm-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	if err := c.Save(dir); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		return 0, err
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, filepath.Join(dir, "model.tflite"), filepath.Join(dir, "inputs"), out)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if m := tflmLacksRE.FindString(stderr.String()); m != "" {
			return 0, errTFLMLacks(m)
		}
		return 0, fmt.Errorf("tflm_run: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	res, err := m.Run(c.Inputs, engine.Options{Profile: engine.Reference})
	if err != nil {
		return 0, err
	}
	n := 0
	var diffs []string
	for _, ti := range Written(m) {
		want, err := os.ReadFile(filepath.Join(out, fmt.Sprintf("tensor%d.bin", ti)))
		if errors.Is(err, os.ErrNotExist) {
			return 0, fmt.Errorf("tflm_run wrote no tensor %d", ti)
		} else if err != nil {
			return 0, err
		}
		t := m.Tensors[ti]
		got := res.Tensors[ti]
		if len(want) != len(got) {
			return 0, fmt.Errorf("tensor %d has %d bytes in TFLite Micro, %d in the engine", ti, len(want), len(got))
		}
		a, b := engine.Values(t.Type, want), engine.Values(t.Type, got)
		n += len(a)
		for i := range a {
			if a[i] != b[i] && len(diffs) < 8 {
				diffs = append(diffs, fmt.Sprintf("tensor %d %q element %d %v: tflm %v, engine %v", ti, t.Name, i, t.Coords(i), a[i], b[i]))
			}
		}
	}
	if len(diffs) > 0 {
		return 0, fmt.Errorf("differs from TFLite Micro:\n  %s", strings.Join(diffs, "\n  "))
	}
	return n, nil
}
