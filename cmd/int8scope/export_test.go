package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/export"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
	"github.com/int8scope/int8scope/internal/difftest"
	"github.com/int8scope/int8scope/internal/pynumpy"
)

// TestExportVectors checks `export --vectors` against `run --trace` (every
// op's input and output files against tensor<t>.bin, acc.npy against the
// trace's accumulators) and each params.json against `inspect --json`'s
// "profiles", for a built-in CNN under every profile.
func TestExportVectors(t *testing.T) {
	model := filepath.Join("..", "..", "web", "static", "models", "mnist_dscnn_int8.tflite")
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]byte, 28*28*4)
	for i := 0; i < len(x); i += 4 {
		binary.LittleEndian.PutUint32(x[i:], uint32(r.Uint32()%0x3f800000)) // floats in [0, 1)
	}
	os.WriteFile(filepath.Join(in, "input0.bin"), x, 0o644)
	var inspected bytes.Buffer
	if err := cli([]string{"inspect", model, "--json"}, &inspected); err != nil {
		t.Fatal(err)
	}
	var info struct {
		Ops []struct {
			Profiles map[string]json.RawMessage `json:"profiles"`
		} `json:"ops"`
	}
	if err := json.Unmarshal(inspected.Bytes(), &info); err != nil {
		t.Fatal(err)
	}
	files := 0
	for _, p := range engine.Profiles() {
		run, vec := filepath.Join(dir, string(p), "run"), filepath.Join(dir, string(p), "vec")
		if err := cli([]string{"run", model, "--inputs", in, "--out", run, "--trace", "--profile", string(p)}, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		if err := cli([]string{"export", model, "--vectors", vec, "--inputs", in, "--profile", string(p)}, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		var index struct {
			Ops []export.VectorOp `json:"ops"`
		}
		readJSON(t, filepath.Join(vec, "index.json"), &index)
		var trace engine.Trace
		readJSON(t, filepath.Join(run, "trace.json"), &trace)
		b, _ := os.ReadFile(model)
		m, _ := engine.Load(b)
		if len(index.Ops) != len(m.Ops) {
			t.Fatalf("%s: index.json lists %d ops, the model has %d", p, len(index.Ops), len(m.Ops))
		}
		for _, e := range index.Ops {
			op := m.Ops[e.Op]
			for role, list := range map[string][]int{"input": op.Inputs, "output": op.Outputs} {
				for i, ti := range list {
					got := npyData(t, filepath.Join(vec, e.Dir, fmt.Sprintf("%s%d.npy", role, i)))
					want := m.Tensors[ti].Data
					if !m.Tensors[ti].Const {
						want, _ = os.ReadFile(filepath.Join(run, fmt.Sprintf("tensor%d.bin", ti)))
					}
					if !bytes.Equal(got, want) {
						t.Errorf("%s op %d %s%d: the vector differs from tensor %d", p, e.Op, role, i, ti)
					}
					files++
				}
			}
			if acc := trace.Ops[e.Op].Acc; acc != nil {
				got := npyData(t, filepath.Join(vec, e.Dir, "acc.npy"))
				var want []byte
				for _, a := range acc {
					want = binary.LittleEndian.AppendUint32(want, uint32(int32(a)))
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s op %d: acc.npy differs from the trace's accumulators", p, e.Op)
				}
				files++
			} else if _, ok := e.Files["acc.npy"]; ok {
				t.Errorf("%s op %d: acc.npy without accumulators in the trace", p, e.Op)
			}
			var got, want any
			readJSON(t, filepath.Join(vec, e.Dir, "params.json"), &got)
			if err := json.Unmarshal(info.Ops[e.Op].Profiles[string(p)], &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s op %d: params.json differs from inspect --json's profiles[%q]", p, e.Op, p)
			}
			files++
		}
	}
	t.Logf("%d vector files checked", files)
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func npyData(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, _, data, err := export.ReadNPY(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return data
}

// TestExportErrors: an op the engine lacks, an unwritable path, and an
// input of the wrong shape in the generated program each give one clear
// message.
func TestExportErrors(t *testing.T) {
	dir := t.TempDir()
	b := tfbuild.New()
	in := b.Tensor("x", tflite.TensorTypeFLOAT32, []int{1, 4}, nil, nil)
	out := b.Tensor("y", tflite.TensorTypeFLOAT32, []int{1, 4}, nil, nil)
	b.CustomOp("VendorOp", nil, []int{in}, []int{out}) // an op the engine does not have
	b.Inputs(in)
	b.Outputs(out)
	zl := filepath.Join(dir, "vendor.tflite")
	os.WriteFile(zl, b.Bytes(), 0o644)
	err := cli([]string{"export", zl, "--numpy", filepath.Join(dir, "z.py")}, &bytes.Buffer{})
	if err == nil || !strings.HasPrefix(err.Error(), "export: ") || !strings.Contains(err.Error(), "VendorOp") || strings.Contains(err.Error(), "\n") {
		t.Errorf("unsupported op: got %v", err)
	}
	if _, serr := os.Stat(filepath.Join(dir, "z.py")); serr == nil {
		t.Error("a program was written for a model it cannot export")
	}

	model := writeFC(t, dir)
	err = cli([]string{"export", model, "--numpy", filepath.Join(dir, "no", "such", "dir", "fc.py")}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "export: cannot write the program") {
		t.Errorf("unwritable path: got %v", err)
	}
	inDir := filepath.Join(dir, "in")
	os.Mkdir(inDir, 0o755)
	os.WriteFile(filepath.Join(inDir, "input0.bin"), tfbuild.I8(3, -1, 7), 0o644)
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o644)
	err = cli([]string{"export", model, "--vectors", filepath.Join(blocker, "vec"), "--inputs", inDir}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "export: cannot write the vectors") {
		t.Errorf("unwritable vectors directory: got %v", err)
	}

	prog := filepath.Join(dir, "fc.py")
	if err := cli([]string{"export", model, "--numpy", prog}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	py := pynumpy.Find(t)
	bad := filepath.Join(dir, "bad.npy")
	npy, _ := export.NPY(engine.Int8, []int{3}, tfbuild.I8(3, -1, 7)) // the model wants [1, 3]
	os.WriteFile(bad, npy, 0o644)
	cmd := exec.Command(py, prog, bad, "--out", filepath.Join(dir, "out"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	msg := strings.TrimSpace(stderr.String())
	if err == nil || strings.Contains(msg, "Traceback") || strings.Count(msg, "\n") != 0 ||
		!strings.Contains(msg, "input 0: ") || !strings.Contains(msg, "needs int8 [1, 3]") {
		t.Errorf("wrong input shape: exit %v, stderr %q", err, msg)
	}
	good := filepath.Join(dir, "good.npy")
	npy, _ = export.NPY(engine.Int8, []int{1, 3}, tfbuild.I8(3, -1, 7))
	os.WriteFile(good, npy, 0o644)
	if out, err := exec.Command(py, prog, good, "--out", filepath.Join(dir, "out")).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	// TestCLI's worked example: output [9, -6] in the reference profile.
	if got := npyData(t, filepath.Join(dir, "out", "tensor3.npy")); !bytes.Equal(got, tfbuild.I8(9, -6)) {
		t.Errorf("fc.py output %v, want [9 -6]", engine.AsInt8(got))
	}
	if out, err := exec.Command(py, prog, "--help").CombinedOutput(); err != nil || !strings.Contains(string(out), "usage:") {
		t.Errorf("--help: %v %s", err, out)
	}
}

// TestExportDocs fails when docs/export/ is not what the exporter writes
// today for the built-in Dense model (make export-docs rewrites it).
func TestExportDocs(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join("..", "..", "web", "static", "models", "mnist_dense_int8.tflite")
	if err := cli([]string{"export", model, "--numpy", filepath.Join(dir, "mnist_dense_int8.py")}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"mnist_dense_int8.py", "mnist_dense_int8.npz"} {
		got, _ := os.ReadFile(filepath.Join("..", "..", "docs", "export", f))
		want, _ := os.ReadFile(filepath.Join(dir, f))
		if !bytes.Equal(got, want) {
			t.Errorf("docs/export/%s is stale: run make export-docs", f)
		}
	}
}

// TestExportDynamic: a model whose TRANSPOSE_CONV output_shape is a model
// input exports only with --inputs (the refusal says so), and the program
// of that run computes the engine's output.
func TestExportDynamic(t *testing.T) {
	dir := t.TempDir()
	c, err := difftest.Generate("dynamic_transpose_conv", 2)
	if err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "dyn.tflite")
	os.WriteFile(model, c.Model, 0o644)
	prog := filepath.Join(dir, "dyn.py")
	err = cli([]string{"export", model, "--numpy", prog}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "pass --inputs DIR") {
		t.Errorf("export without --inputs: got %v, want a refusal that says to pass --inputs", err)
	}
	m, err := engine.Load(c.Model)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Run(c.Inputs, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inDir := filepath.Join(dir, "in")
	os.Mkdir(inDir, 0o755)
	args := []string{prog}
	for i, ti := range m.Inputs {
		os.WriteFile(filepath.Join(inDir, fmt.Sprintf("input%d.bin", i)), c.Inputs[i], 0o644)
		tt := m.Tensors[ti]
		npy, _ := export.NPY(tt.Type, tt.Shape, c.Inputs[i])
		p := filepath.Join(dir, fmt.Sprintf("in%d.npy", i))
		os.WriteFile(p, npy, 0o644)
		args = append(args, p)
	}
	if err := cli([]string{"export", model, "--numpy", prog, "--inputs", inDir}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if b, err := exec.Command(pynumpy.Find(t), append(args, "--out", out)...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	for _, o := range res.Model.Outputs {
		if got := npyData(t, filepath.Join(out, fmt.Sprintf("tensor%d.npy", o))); !bytes.Equal(got, res.Tensors[o]) {
			t.Errorf("output tensor %d differs from the engine's", o)
		}
	}
}
