package difftest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tflite"
	"github.com/int8scope/int8scope/internal/oracle"
	"github.com/int8scope/int8scope/internal/sharedtest"
)

// sharedCorpus returns ../shared/corpus, skipping (or failing under CI)
// when it is absent.
func sharedCorpus(t testing.TB) string {
	t.Helper()
	root, err := oracle.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "..", "shared", "corpus")
	sharedtest.Need(t, filepath.Join(dir, "models"), "the shared corpus (../shared/corpus)")
	return dir
}

func readCorpusModel(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedCorpus(t), "models", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHelloWorldXNNPack checks the two inputs the shared README documents
// (−124 and −116: reference 14 and 39, browser TFLite 15 and 38) and then
// every int8 input against the oracle, with the intermediates exposed.
func TestHelloWorldXNNPack(t *testing.T) {
	model := readCorpusModel(t, "hello_world_int8.tflite")
	m, err := engine.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	out := m.Outputs[0]
	run := func(p engine.Profile, x int8) int8 {
		res, err := m.Run([][]byte{{byte(x)}}, engine.Options{Profile: p})
		if err != nil {
			t.Fatal(err)
		}
		return engine.AsInt8(res.Tensors[out])[0]
	}
	for _, c := range []struct{ in, ref, xnn int8 }{{-124, 14, 15}, {-116, 39, 38}} {
		if got := run(engine.Reference, c.in); got != c.ref {
			t.Errorf("reference(%d) = %d, want %d", c.in, got, c.ref)
		}
		if got := run(engine.XNNPack, c.in); got != c.xnn {
			t.Errorf("tflite-xnnpack(%d) = %d, want %d", c.in, got, c.xnn)
		}
	}
	taken, why := m.XNNPackDelegated()
	for i, ok := range taken {
		if !ok {
			t.Errorf("op %d: the XNNPACK delegate should take hello_world's FULLY_CONNECTEDs: %s", i, why[i])
		}
	}

	o := startOracle(t)
	differRef := 0
	for x := -128; x < 128; x++ {
		c := &Case{Gen: "hello_world_int8", Seed: int64(x), Model: model, Inputs: [][]byte{{byte(int8(x))}}}
		res, err := Check(o, c, engine.XNNPack)
		if err != nil {
			t.Fatal(err)
		}
		if res.Differ > 0 {
			t.Errorf("input %d: %s", x, res.Report())
		}
		if run(engine.Reference, int8(x)) != run(engine.XNNPack, int8(x)) {
			differRef++
		}
	}
	// The shared README measured 23 of 256 outputs differing between the
	// reference and the browser TFLite.
	if differRef != 23 {
		t.Errorf("reference and tflite-xnnpack differ on %d of 256 outputs, want 23", differRef)
	}
}

// corpusInputs returns the golden cases' inputs of a corpus model, plus n
// seeded random ones.
func corpusInputs(t testing.TB, m *engine.Model, name string, n int) (names []string, inputs [][][]byte) {
	t.Helper()
	dir := filepath.Join(sharedCorpus(t), "goldens", strings.TrimSuffix(name, ".tflite"))
	cases, _ := os.ReadDir(dir)
	for _, c := range cases {
		names, inputs = append(names, c.Name()), append(inputs, readCaseInputs(t, m, filepath.Join(dir, c.Name())))
	}
	rn, rin := randomInputs(m, n)
	return append(names, rn...), append(inputs, rin...)
}

// readCaseInputs reads a golden case's inputs: dir/inputs/input<i>.bin.
func readCaseInputs(t testing.TB, m *engine.Model, dir string) [][]byte {
	t.Helper()
	var ins [][]byte
	for i := range m.Inputs {
		b, err := os.ReadFile(filepath.Join(dir, "inputs", fmt.Sprintf("input%d.bin", i)))
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, b)
	}
	return ins
}

// randomInputs returns n seeded random input sets for m (float inputs
// uniform in [−1, 1)).
func randomInputs(m *engine.Model, n int) (names []string, inputs [][][]byte) {
	rng := rand.New(rand.NewSource(7))
	for k := 0; k < n; k++ {
		var ins [][]byte
		for _, ti := range m.Inputs {
			tt := m.Tensors[ti]
			b := make([]byte, tt.NumBytes())
			rng.Read(b)
			if tt.Type == engine.Float32 {
				for j := 0; j+4 <= len(b); j += 4 {
					binary.LittleEndian.PutUint32(b[j:], math.Float32bits(rng.Float32()*2-1))
				}
			}
			ins = append(ins, b)
		}
		names, inputs = append(names, fmt.Sprintf("random-seed7-%d", k)), append(inputs, ins)
	}
	return names, inputs
}

// TestCorpusXNNPack runs every corpus model through the oracle with every
// tensor the ops write exposed, and compares with the tflite-xnnpack
// profile. person_detect is refused by the browser TFLite.
func TestCorpusXNNPack(t *testing.T) {
	dir := sharedCorpus(t)
	o := startOracle(t)
	models, err := os.ReadDir(filepath.Join(dir, "models"))
	if err != nil {
		t.Fatal(err)
	}
	for _, md := range models {
		name := md.Name()
		if !strings.HasSuffix(name, ".tflite") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			model := readCorpusModel(t, name)
			m, err := engine.Load(model)
			if err != nil {
				t.Fatal(err)
			}
			if name == "person_detect.tflite" {
				exposed, err := oracle.ExposeTensors(model, Written(m))
				if err != nil {
					t.Fatal(err)
				}
				_, err = o.Run(exposed, [][]byte{make([]byte, m.Tensors[m.Inputs[0]].NumBytes())})
				var te *oracle.TFLiteError
				if !errors.As(err, &te) || !strings.Contains(te.Message, "Can't initialize model") {
					t.Fatalf("person_detect: err = %v, want the browser TFLite to refuse the model", err)
				}
				t.Logf("person_detect refused as expected: %s", strings.SplitN(te.Message, "\n", 2)[0])
				return
			}
			taken, why := m.XNNPackDelegated()
			for i, op := range m.Ops {
				t.Logf("op %2d %-28s xnnpack=%v %s", i, op.Builtin, taken[i], why[i])
			}
			names, inputs := corpusInputs(t, m, name, 16)
			checkXNNPack(t, o, name, model, names, inputs)
		})
	}
}

// checkXNNPack compares the tflite-xnnpack profile with the real TFLite on
// model with each input set, every tensor the ops write and the state.
func checkXNNPack(t *testing.T, o *oracle.Oracle, name string, model []byte, names []string, inputs [][][]byte) {
	t.Helper()
	for k, ins := range inputs {
		c := &Case{Gen: name, Seed: int64(k), Desc: names[k], Model: model, Inputs: ins}
		res, err := Check(o, c, engine.XNNPack)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range res.Delegation {
			t.Errorf("%s: delegation: %s", names[k], d)
		}
		if res.Differ > 0 {
			t.Errorf("%s: %s", names[k], res.Report())
		} else {
			t.Logf("%s: %d tensors, %d elements equal TFLite", names[k], res.Tensors, res.Elements)
		}
	}
}

// TestSigmoidForm: XNNPACK's int8 sigmoid table can be computed as
// 1/(1+e^−x) everywhere or, as its code does, 1 − 1/(1+e^x) for x ≥ 0; the
// two round differently for some inputs. This finds (scale, zero point)
// pairs where they disagree and checks that the engine, which uses the
// second form, equals TFLite on every entry of those tables.
func TestSigmoidForm(t *testing.T) {
	o := startOracle(t)
	expf := func(x float32) float32 { return float32(math.Exp(float64(x))) }
	entry := func(y float32) int32 { return min(max(int32(math.RoundToEven(float64(y*256)))-128, -128), 127) }
	rng := rand.New(rand.NewSource(5))
	found, disagree := 0, 0
	for iter := 0; iter < 200000 && found < 20; iter++ {
		s := float32(math.Exp2(-8 + 7*rng.Float64()))
		zp := int32(rng.Intn(256) - 128)
		n := 0
		for i := int32(-128); i < 128; i++ {
			x := float32(i-zp) * s
			if x >= 0 && entry(1/(1+expf(-x))) != entry(1-1/(1+expf(x))) {
				n++
			}
		}
		if n == 0 {
			continue
		}
		found++
		disagree += n
		g := newGen(int64(iter))
		x := g.b.Tensor("x", tflite.TensorTypeINT8, []int{1, 256}, q(s, int64(zp)), nil)
		in := make([]byte, 256)
		for i := range in {
			in[i] = byte(int8(i - 128))
		}
		g.inputs, g.inputData = []int{x}, [][]byte{in}
		y := g.i8t("y", []int{1, 256}, q(1.0/256, -128))
		g.b.Op(tflite.BuiltinOperatorLOGISTIC, 2, nil, []int{x}, []int{y})
		g.b.Inputs(x)
		g.b.Outputs(y)
		c := &Case{Gen: "sigmoid-form", Seed: int64(iter), Desc: fmt.Sprintf("scale %g zp %d", s, zp), Model: g.b.Bytes(), Inputs: g.inputData}
		out, err := Check(o, c, engine.XNNPack)
		if err != nil {
			t.Fatal(err)
		}
		if out.Differ > 0 {
			t.Errorf("%s", out.Report())
		}
	}
	if found < 20 {
		t.Fatalf("found only %d discriminating tables", found)
	}
	t.Logf("%d tables with %d entries where the two forms disagree: the engine equals TFLite", found, disagree)
}
