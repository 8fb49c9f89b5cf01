package export

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/pynumpy"
	"github.com/int8scope/int8scope/internal/sharedtest"
)

var long = flag.Bool("long", false, "run many more generated cases")

// randomInputs makes seeded inputs for m: random bytes, float32 inputs
// uniform in [-1, 1).
func randomInputs(m *engine.Model, seed uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, 7))
	var ins [][]byte
	for _, ti := range m.Inputs {
		t := m.Tensors[ti]
		b := make([]byte, t.NumBytes())
		if t.Type == engine.Float32 {
			for i := 0; i < len(b); i += 4 {
				binary.LittleEndian.PutUint32(b[i:], math.Float32bits(float32(r.Float64()*2-1)))
			}
		} else {
			for i := range b {
				b[i] = byte(r.IntN(256))
			}
		}
		ins = append(ins, b)
	}
	return ins
}

// pyCase is one program run: model, profile, inputs and the engine's result.
type pyCase struct {
	name    string
	m       *engine.Model
	profile engine.Profile
	res     *engine.Result
	dir     string
}

// exportCase exports m under p into dir and runs the engine on inputs; it
// returns nil (and logs why) when the exporter does not support the model.
func exportCase(t testing.TB, name string, m *engine.Model, p engine.Profile, inputs [][]byte, dir string) *pyCase {
	t.Helper()
	prog, err := NumPy(m, p, name)
	var ue *UnsupportedError
	if errors.As(err, &ue) {
		t.Logf("%s under %s: %v", name, p, err)
		return nil
	}
	if err != nil {
		t.Fatalf("%s under %s: %v", name, p, err)
	}
	m.Reset() // the program runs from a fresh interpreter's state (variable tensors persist across runs)
	res, err := m.Run(inputs, engine.Options{Profile: p})
	if err != nil {
		t.Fatalf("%s under %s: engine: %v", name, p, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("prog.py", prog.Source)
	var z bytes.Buffer
	if err := WriteNPZ(&z, prog.Arrays); err != nil {
		t.Fatal(err)
	}
	write("prog.npz", z.Bytes())
	for i, ti := range m.Inputs {
		tt := m.Tensors[ti]
		b, err := NPY(tt.Type, tt.Shape, inputs[i])
		if err != nil {
			t.Fatal(err)
		}
		write(fmt.Sprintf("in%d.npy", i), b)
	}
	return &pyCase{name: name, m: m, profile: p, res: res, dir: dir}
}

// runPython runs every case's program in one Python process and compares
// every tensor the engine wrote with the program's, byte for byte. It
// returns the number of tensors and elements compared.
func runPython(t *testing.T, cases []*pyCase) (tensors, elements int) {
	t.Helper()
	if len(cases) == 0 {
		return 0, 0
	}
	py := pynumpy.Find(t)
	type job struct {
		Program string   `json:"program"`
		Inputs  []string `json:"inputs"`
		Out     string   `json:"out"`
	}
	var jobs []job
	for _, c := range cases {
		j := job{Program: filepath.Join(c.dir, "prog.py"), Inputs: []string{}, Out: filepath.Join(c.dir, "out")}
		for i := range c.m.Inputs {
			j.Inputs = append(j.Inputs, filepath.Join(c.dir, fmt.Sprintf("in%d.npy", i)))
		}
		jobs = append(jobs, j)
	}
	manifest := filepath.Join(t.TempDir(), "jobs.json")
	b, _ := json.Marshal(jobs)
	if err := os.WriteFile(manifest, b, 0o644); err != nil {
		t.Fatal(err)
	}
	driver, _ := filepath.Abs(filepath.Join("testdata", "driver.py"))
	if out, err := exec.Command(py, driver, manifest).CombinedOutput(); err != nil {
		t.Fatalf("the driver failed: %v\n%s", err, out)
	}
	for _, c := range cases {
		out := filepath.Join(c.dir, "out")
		if e, err := os.ReadFile(filepath.Join(out, "error.txt")); err == nil {
			t.Errorf("%s under %s: the program failed:\n%s", c.name, c.profile, e)
			continue
		}
		n, el := compareRun(t, c, out)
		tensors += n
		elements += el
	}
	return tensors, elements
}

// compareRun compares every tensor the engine wrote (as `int8scope run`
// writes them: non-constant, with a value) with dir/tensor<t>.npy.
func compareRun(t *testing.T, c *pyCase, dir string) (tensors, elements int) {
	t.Helper()
	bad := 0
	for _, tt := range c.m.Tensors {
		want := c.res.Tensors[tt.Index]
		if tt.Const || want == nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("tensor%d.npy", tt.Index)))
		if err != nil {
			t.Errorf("%s under %s: %v", c.name, c.profile, err)
			continue
		}
		descr, shape, data, err := ReadNPY(b)
		if err != nil {
			t.Errorf("%s under %s: tensor %d: %v", c.name, c.profile, tt.Index, err)
			continue
		}
		if descr != npyDescr[tt.Type] || fmt.Sprint(shape) != fmt.Sprint(tt.Shape) {
			t.Errorf("%s under %s: tensor %d is %s %v, want %s %v", c.name, c.profile, tt.Index, descr, shape, npyDescr[tt.Type], tt.Shape)
			continue
		}
		tensors++
		elements += tt.NumElements()
		if !bytes.Equal(data, want) {
			if bad++; bad <= 3 {
				t.Errorf("%s under %s: tensor %d (%q, %v, op output) differs: %s", c.name, c.profile, tt.Index, tt.Name, tt.Type, firstDiff(tt, data, want))
			}
		}
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "tensor*.npy")); len(files) != tensors+bad && bad == 0 {
		t.Errorf("%s under %s: the program wrote %d tensors, the engine %d", c.name, c.profile, len(files), tensors)
	}
	return tensors, elements
}

// firstDiff describes the first differing element.
func firstDiff(t *engine.Tensor, got, want []byte) string {
	g, w := engine.Values(t.Type, got), engine.Values(t.Type, want)
	n := 0
	first := -1
	for i := range w {
		if i < len(g) && g[i] != w[i] || i >= len(g) {
			n++
			if first < 0 {
				first = i
			}
		}
	}
	if first < 0 {
		return "(the bytes differ, the values do not: signed zeros or NaNs)"
	}
	gv := math.NaN()
	if first < len(g) {
		gv = g[first]
	}
	return fmt.Sprintf("%d of %d elements; first at %d: program %v, engine %v", n, len(w), first, gv, w[first])
}

func loadModel(t testing.TB, path string) *engine.Model {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := engine.Load(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// TestBuiltinModels exports the built-in MNIST models under every profile
// and compares every tensor of the programs' runs with the engine's, on
// three seeded inputs each.
func TestBuiltinModels(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "web", "static", "models", "*.tflite"))
	if len(paths) == 0 {
		t.Fatal("no built-in models found")
	}
	var cases []*pyCase
	tmp := t.TempDir()
	for _, path := range paths {
		m := loadModel(t, path)
		name := strings.TrimSuffix(filepath.Base(path), ".tflite")
		for _, p := range engine.Profiles() {
			for seed := range uint64(3) {
				cases = mustExport(t, cases, name, m, p, randomInputs(m, seed), filepath.Join(tmp, fmt.Sprintf("%s-%s-%d", name, p, seed)))
			}
		}
	}
	runAndLog(t, cases)
}

// mustExport is exportCase for a model the exporter must support: it
// appends the case to cases, or fails t.
func mustExport(t *testing.T, cases []*pyCase, name string, m *engine.Model, p engine.Profile, inputs [][]byte, dir string) []*pyCase {
	t.Helper()
	c := exportCase(t, name, m, p, inputs, dir)
	if c == nil {
		t.Errorf("%s under %s: not exported", name, p)
		return cases
	}
	return append(cases, c)
}

// runAndLog runs the cases (runPython) and logs what was compared.
func runAndLog(t *testing.T, cases []*pyCase) {
	t.Helper()
	tensors, elements := runPython(t, cases)
	t.Logf("%d runs, %d tensors, %d elements equal", len(cases), tensors, elements)
}

// TestCorpusModels does the same for the models of ../shared/corpus that
// the exporter supports (it logs the others, naming the op).
func TestCorpusModels(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus")
	sharedtest.Need(t, dir, "the shared corpus (../shared/corpus)")
	var paths []string
	for _, sub := range []string{"models", "wild", "seanet/*"} {
		p, _ := filepath.Glob(filepath.Join(dir, sub, "*.tflite"))
		paths = append(paths, p...)
	}
	// Every corpus model but EDSR (55 G MACs, tensors of 325 M elements:
	// minutes and gigabytes in NumPy), which -long adds.
	maxMACs := int64(2e9)
	if *long {
		maxMACs = 1e11
	}
	var cases []*pyCase
	tmp := t.TempDir()
	exported := map[string]bool{}
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m, err := engine.Load(b)
		name := strings.TrimSuffix(filepath.Base(path), ".tflite")
		if err != nil {
			t.Logf("%s does not load: %v", name, err)
			continue
		}
		if m.Runnable() != nil || m.MACs() > maxMACs {
			t.Logf("%s: not exported (does not run, or %d MACs)", name, m.MACs())
			continue
		}
		for _, p := range engine.Profiles() {
			if prep, _ := m.Prepared(p, 0); prep.Params == nil {
				t.Logf("%s under %s: %s", name, p, prep.Arithmetic)
				continue
			}
			in := randomInputs(m, 1)
			if _, err := m.Run(in, engine.Options{Profile: p}); err != nil {
				// e.g. the kv-cache model's GATHER_ND takes token ids, not
				// random int32s (TFLite refuses those too)
				t.Logf("%s under %s: the engine refuses the random input: %v", name, p, err)
				continue
			}
			c := exportCase(t, name, m, p, in, filepath.Join(tmp, fmt.Sprintf("%s-%s", name, p)))
			if c != nil {
				cases = append(cases, c)
				exported[name] = true
			}
		}
	}
	n, el := runPython(t, cases)
	t.Logf("%d models, %d runs, %d tensors, %d elements equal", len(exported), len(cases), n, el)
}
