package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
	"github.com/int8scope/int8scope/internal/pynumpy"
)

// seriesDriver runs each program's forward() once per input set in one
// process, so the state carries over as it does in the engine, and writes
// run r's tensors to OUT/run<r>/.
const seriesDriver = `
import importlib.util, json, os, sys
import numpy as np
for k, case in enumerate(json.load(open(sys.argv[1]))):
    spec = importlib.util.spec_from_file_location("prog%d" % k, case["program"])
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    P = mod.load_params()
    for r, ins in enumerate(case["runs"]):
        t = mod.forward([np.load(p) for p in ins], P)
        out = os.path.join(case["out"], "run%d" % r)
        os.makedirs(out)
        for i in mod.WRITTEN:
            np.save(os.path.join(out, "tensor%d.npy" % i), t[i])
`

var (
	cfQX = tfbuild.Q(0.3, -3)
	cfQY = tfbuild.Q(0.2, 5)
)

func addOpts() *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsAddOptions, Value: &tflite.AddOptionsT{}}
}

// addIfOp adds to subgraph 0 of b an IF on (cond, x, y) whose then branch
// (subgraph first) is ADD(x, y) and else branch (first+1) SUB(x, y), int8
// [1, 4] of two scales, and returns cond, x, y and the output z.
func addIfOp(b *tfbuild.Builder, first int32) (cond, x, y, z int) {
	i8 := tflite.TensorTypeINT8
	cond = b.Tensor("cond", tflite.TensorTypeBOOL, []int{1}, nil, nil)
	x = b.Tensor("x", i8, []int{1, 4}, cfQX, nil)
	y = b.Tensor("y", i8, []int{1, 4}, cfQY, nil)
	z = b.Tensor("z", i8, []int{1, 4}, cfQY, nil)
	b.Op(tflite.BuiltinOperatorIF, 0, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsIfOptions,
		Value: &tflite.IfOptionsT{ThenSubgraphIndex: first, ElseSubgraphIndex: first + 1}}, []int{cond, x, y}, []int{z})
	for _, code := range []tflite.BuiltinOperator{tflite.BuiltinOperatorADD, tflite.BuiltinOperatorSUB} {
		b.Subgraph(code.String())
		a := b.Tensor("a", i8, []int{1, 4}, cfQX, nil)
		c := b.Tensor("b", i8, []int{1, 4}, cfQY, nil)
		o := b.Tensor("o", i8, []int{1, 4}, cfQY, nil)
		b.Inputs(a, c)
		b.Outputs(o)
		opts := addOpts()
		if code == tflite.BuiltinOperatorSUB {
			opts = &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSubOptions, Value: &tflite.SubOptionsT{}}
		}
		b.Op(code, 0, opts, []int{a, c}, []int{o})
	}
	b.Use(0)
	return cond, x, y, z
}

// controlModels are IF, WHILE and stateful models (tfbuild.RunningSum:
// CALL_ONCE, VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE), alone and
// together.
func controlModels() map[string][]byte {
	ms := map[string][]byte{}
	b := tfbuild.New()
	cond, x, y, z := addIfOp(b, 1)
	b.Inputs(cond, x, y)
	b.Outputs(z)
	ms["IF"] = b.Bytes()

	i8, bl := tflite.TensorTypeINT8, tflite.TensorTypeBOOL
	vars := func(b *tfbuild.Builder) []int {
		return []int{b.Tensor("b0", bl, []int{1}, nil, nil), b.Tensor("b1", bl, []int{1}, nil, nil),
			b.Tensor("b2", bl, []int{1}, nil, nil), b.Tensor("x", i8, []int{1, 4}, cfQX, nil)}
	}
	b, _, out := tfbuild.WhileLoop(vars, func(b *tfbuild.Builder, d []int) []int {
		y := b.Tensor("x2", i8, []int{1, 4}, cfQX, nil)
		b.Op(tflite.BuiltinOperatorADD, 0, addOpts(), []int{d[3], d[3]}, []int{y})
		return []int{d[1], d[2], d[2], y}
	})
	b.Outputs(out[3], out[0])
	ms["WHILE"] = b.Bytes()

	ms["RunningSum"] = tfbuild.RunningSum([]float32{1, -0.5, 2.25}).Bytes()

	b = tfbuild.RunningSum([]float32{0.5, 0, -1})
	cond, x, y, z = addIfOp(b, 2)
	b.Inputs(0, cond, x, y)
	b.Outputs(3, z)
	ms["RunningSum_IF"] = b.Bytes()
	return ms
}

// TestControlFlowAndState exports the IF, WHILE and stateful models under
// every profile and runs each program's forward() four times in a row (the
// state carried over, as in the engine's runs), on random inputs (random
// bool bytes too, so both branches and 0 to 3 loop iterations occur), and
// compares every tensor of every run with the engine's.
func TestControlFlowAndState(t *testing.T) {
	const runs = 4
	py := pynumpy.Find(t)
	tmp := t.TempDir()
	type job struct {
		Program string     `json:"program"`
		Runs    [][]string `json:"runs"`
		Out     string     `json:"out"`
	}
	var jobs []job
	var cases [][]*pyCase // per job, per run
	seed := uint64(0)
	for name, mb := range controlModels() {
		m, err := engine.Load(mb)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, p := range engine.Profiles() {
			dir := filepath.Join(tmp, name+"-"+string(p))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			prog, err := NumPy(m, p, name+".tflite")
			if err != nil {
				t.Fatalf("%s under %s: %v", name, p, err)
			}
			var z bytes.Buffer
			if err := WriteNPZ(&z, prog.Arrays); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, "prog.py"), prog.Source)
			writeFile(t, filepath.Join(dir, "prog.npz"), z.Bytes())
			j := job{Program: filepath.Join(dir, "prog.py"), Out: filepath.Join(dir, "out")}
			var cs []*pyCase
			m.Reset()
			for r := range runs {
				seed++
				ins := controlInputs(m, seed)
				if name == "WHILE" {
					ins[2][0] = 0 // b2 true would loop for ever
				}
				res, err := m.Run(ins, engine.Options{Profile: p})
				if err != nil {
					t.Fatalf("%s under %s, run %d: engine: %v", name, p, r, err)
				}
				var files []string
				for i, ti := range m.Inputs {
					tt := m.Tensors[ti]
					b, err := NPY(tt.Type, tt.Shape, ins[i])
					if err != nil {
						t.Fatal(err)
					}
					f := filepath.Join(dir, fmt.Sprintf("run%d-in%d.npy", r, i))
					writeFile(t, f, b)
					files = append(files, f)
				}
				j.Runs = append(j.Runs, files)
				cs = append(cs, &pyCase{name: fmt.Sprintf("%s run %d", name, r), m: m, profile: p, res: res, dir: dir})
			}
			jobs = append(jobs, j)
			cases = append(cases, cs)
		}
	}
	manifest := filepath.Join(tmp, "jobs.json")
	b, _ := json.Marshal(jobs)
	writeFile(t, manifest, b)
	driver := filepath.Join(tmp, "driver.py")
	writeFile(t, driver, []byte(seriesDriver))
	if out, err := exec.Command(py, driver, manifest).CombinedOutput(); err != nil {
		t.Fatalf("the programs failed: %v\n%s", err, out)
	}
	n, el := 0, 0
	for k, cs := range cases {
		for r, c := range cs {
			tn, te := compareRun(t, c, filepath.Join(jobs[k].Out, fmt.Sprintf("run%d", r)))
			n, el = n+tn, el+te
		}
	}
	t.Logf("%d programs, %d runs each: %d tensors, %d elements equal", len(jobs), runs, n, el)
}

// controlInputs makes seeded inputs: random bytes (a bool input's byte is
// 0, 1 or 37, any nonzero byte being true), float32 in [-2, 2).
func controlInputs(m *engine.Model, seed uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, 11))
	ins := randomInputs(m, seed)
	for i, ti := range m.Inputs {
		if m.Tensors[ti].Type == engine.Bool {
			for k := range ins[i] {
				ins[i][k] = []byte{0, 1, 37}[r.IntN(3)]
			}
		}
	}
	return ins
}

func writeFile(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
