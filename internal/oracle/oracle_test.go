package oracle

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/int8scope/int8scope/engine/tflite"
	"github.com/int8scope/int8scope/internal/sharedtest"
)

func inCI() bool { return os.Getenv("CI") == "true" }

// skipOrFail skips with msg, or fails when CI=true (CI must run everything).
func skipOrFail(t testing.TB, msg string) {
	t.Helper()
	if inCI() {
		t.Fatalf("CI=true but: %s", msg)
	}
	t.Skip(msg)
}

var (
	sharedOnce   sync.Once
	sharedOracle *Oracle
	sharedErr    error
)

// oracle returns the process shared by the tests (closed in TestMain).
func oracle(t testing.TB) *Oracle {
	t.Helper()
	sharedOnce.Do(func() { sharedOracle, sharedErr = Start(context.Background()) })
	CheckStart(t, sharedErr)
	return sharedOracle
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if sharedOracle != nil {
		sharedOracle.Close()
	}
	os.Exit(code)
}

func sharedDir(t testing.TB) string {
	t.Helper()
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "..", "shared")
	sharedtest.Need(t, filepath.Join(dir, "corpus", "models"), "the shared corpus (../shared/corpus)")
	return dir
}

func readModel(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedDir(t), "corpus", "models", name))
	if err != nil {
		skipOrFail(t, err.Error())
	}
	return b
}

func runOne(t testing.TB, o *Oracle, model []byte, inputs ...[]byte) []Output {
	t.Helper()
	outs, err := o.Run(model, inputs)
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

func TestHelloWorldGiven(t *testing.T) {
	o := oracle(t)
	t.Logf("oracle: %s", o.Info())
	model := readModel(t, "hello_world_int8.tflite")
	for _, c := range []struct{ in, want int8 }{{-124, 15}, {-116, 38}} {
		outs := runOne(t, o, model, []byte{byte(c.in)})
		if len(outs) != 1 {
			t.Fatalf("got %d outputs, want 1", len(outs))
		}
		got := outs[0]
		if got.Type != "int8" || !slices.Equal(got.Shape, []int{1, 1}) || len(got.Data) != 1 {
			t.Fatalf("output %+v: want int8 [1 1] with 1 byte", got)
		}
		if int8(got.Data[0]) != c.want {
			t.Errorf("input %d: got %d, want %d (browser TFLite)", c.in, int8(got.Data[0]), c.want)
		}
		if got.Tensor != 9 || got.Name != "StatefulPartitionedCall:0" {
			t.Errorf("output is tensor %d %q, want 9 StatefulPartitionedCall:0", got.Tensor, got.Name)
		}
	}
}

// helloAll256 runs model on every int8 input -128..127 and returns output 0's bytes.
func helloAll256(t testing.TB, o *Oracle, model []byte, extra ...[]byte) []byte {
	t.Helper()
	res := make([]byte, 0, 256)
	for x := -128; x < 128; x++ {
		outs := runOne(t, o, model, append([][]byte{{byte(int8(x))}}, extra...)...)
		res = append(res, outs[0].Data[0])
	}
	return res
}

// modelInfo lists subgraph 0's tensors, marking constants, inputs and outputs.
type tensorInfo struct {
	shape    []int
	typ      tflite.TensorType
	constant bool
}

func modelInfo(t testing.TB, model []byte) (tensors []tensorInfo, inputs, outputs []int) {
	t.Helper()
	m := tflite.GetRootAsModel(model, 0)
	var sg tflite.SubGraph
	m.Subgraphs(&sg, 0)
	for i := 0; i < sg.TensorsLength(); i++ {
		var ten tflite.Tensor
		sg.Tensors(&ten, i)
		var buf tflite.Buffer
		m.Buffers(&buf, int(ten.Buffer()))
		ti := tensorInfo{typ: ten.Type(), constant: buf.DataLength() > 0}
		for d := 0; d < ten.ShapeLength(); d++ {
			ti.shape = append(ti.shape, int(ten.Shape(d)))
		}
		tensors = append(tensors, ti)
	}
	for i := 0; i < sg.InputsLength(); i++ {
		inputs = append(inputs, int(sg.Inputs(i)))
	}
	for i := 0; i < sg.OutputsLength(); i++ {
		outputs = append(outputs, int(sg.Outputs(i)))
	}
	return
}

// intermediates are the non-constant tensors that are neither subgraph inputs nor outputs.
func intermediates(t testing.TB, model []byte) []int {
	tensors, inputs, outputs := modelInfo(t, model)
	var res []int
	for i, ti := range tensors {
		if ti.constant || slices.Contains(inputs, i) || slices.Contains(outputs, i) {
			continue
		}
		res = append(res, i)
	}
	return res
}

var typeNames = map[tflite.TensorType]string{
	tflite.TensorTypeFLOAT32: "float32", tflite.TensorTypeINT32: "int32", tflite.TensorTypeUINT8: "uint8",
	tflite.TensorTypeINT64: "int64", tflite.TensorTypeBOOL: "bool", tflite.TensorTypeINT16: "int16",
	tflite.TensorTypeINT8: "int8", tflite.TensorTypeFLOAT64: "float64",
}

func TestExposeTensorsHelloWorld(t *testing.T) {
	o := oracle(t)
	model := readModel(t, "hello_world_int8.tflite")
	mids := intermediates(t, model)
	if !slices.Equal(mids, []int{7, 8}) {
		t.Fatalf("hello_world intermediates = %v, want [7 8]", mids)
	}
	exposed, err := ExposeTensors(model, mids)
	if err != nil {
		t.Fatal(err)
	}
	tensors, _, outputs := modelInfo(t, exposed)
	if !slices.Equal(outputs, []int{9, 7, 8}) {
		t.Fatalf("rewritten outputs = %v, want [9 7 8]", outputs)
	}
	for _, in := range []int8{-124, -116} {
		outs := runOne(t, o, exposed, []byte{byte(in)})
		if len(outs) != 3 {
			t.Fatalf("got %d outputs, want 3", len(outs))
		}
		for i, out := range outs {
			ti := tensors[outputs[i]]
			if out.Tensor != outputs[i] || !slices.Equal(out.Shape, ti.shape) || out.Type != "int8" || len(out.Data) != product(ti.shape) {
				t.Errorf("output %d: tensor %d %s %v (%d bytes), want tensor %d int8 %v", i, out.Tensor, out.Type, out.Shape, len(out.Data), outputs[i], ti.shape)
			}
		}
		t.Logf("input %d: out %d, tensor 7 %v, tensor 8 %v", in, int8(outs[0].Data[0]), asInt8(outs[1].Data), asInt8(outs[2].Data))
	}
	// Exposing intermediates must not change the result.
	if a, b := helloAll256(t, o, model), helloAll256(t, o, exposed); !bytes.Equal(a, b) {
		t.Errorf("exposing tensors changed outputs:\n%v\n%v", asInt8(a), asInt8(b))
	}
	if _, err := ExposeTensors(model, []int{99}); err == nil {
		t.Error("ExposeTensors accepted tensor 99")
	}
}

func product(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

func asInt8(b []byte) []int8 {
	r := make([]int8, len(b))
	for i, v := range b {
		r[i] = int8(v)
	}
	return r
}

func TestGarbageModel(t *testing.T) {
	o := oracle(t)
	for _, m := range [][]byte{nil, []byte("definitely not a tflite flatbuffer"), make([]byte, 4096)} {
		_, err := o.Run(m, [][]byte{{0}})
		var te *TFLiteError
		if !errors.As(err, &te) || !strings.Contains(te.Message, "Can't initialize model") {
			t.Errorf("garbage model of %d bytes: err = %v, want a TFLiteError with Can't initialize model", len(m), err)
		}
	}
	model := readModel(t, "hello_world_int8.tflite")
	if got := runOne(t, o, model, []byte{byte(0x84)}); int8(got[0].Data[0]) != 15 {
		t.Errorf("after garbage: got %d, want 15", int8(got[0].Data[0]))
	}
}

func TestBadInputs(t *testing.T) {
	o := oracle(t)
	model := readModel(t, "hello_world_int8.tflite")
	for _, in := range [][][]byte{{}, {{1, 2}}, {{1}, {2}}} {
		_, err := o.Run(model, in)
		var te *TFLiteError
		if !errors.As(err, &te) {
			t.Errorf("inputs %v: err = %v, want TFLiteError", in, err)
		} else {
			t.Logf("inputs %v: %v", in, err)
		}
	}
	if got := runOne(t, o, model, []byte{byte(0x8c)}); int8(got[0].Data[0]) != 38 {
		t.Errorf("after bad inputs: got %d, want 38", int8(got[0].Data[0]))
	}
}

// person_detect runs in TFLite Micro, but the browser TFLite refuses it.
func TestPersonDetectRefused(t *testing.T) {
	o := oracle(t)
	model := readModel(t, "person_detect.tflite")
	done := make(chan error, 1)
	go func() {
		_, err := o.Run(model, [][]byte{make([]byte, 96*96)})
		done <- err
	}()
	select {
	case err := <-done:
		var te *TFLiteError
		if !errors.As(err, &te) || !strings.Contains(te.Message, "Can't initialize model") {
			t.Fatalf("err = %v, want TFLiteError with Can't initialize model", err)
		}
		t.Logf("person_detect: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("person_detect hangs")
	}
}

func TestRestartAfterCrash(t *testing.T) {
	o, err := Start(context.Background())
	if errors.Is(err, ErrUnavailable) {
		skipOrFail(t, err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	model := readModel(t, "hello_world_int8.tflite")
	runOne(t, o, model, []byte{0})
	o.mu.Lock()
	_ = o.proc.cmd.Process.Kill()
	<-o.proc.done
	o.mu.Unlock()
	if got := runOne(t, o, model, []byte{byte(0x84)}); int8(got[0].Data[0]) != 15 {
		t.Errorf("after restart: got %d, want 15", int8(got[0].Data[0]))
	}
	o.Timeout = time.Nanosecond
	if _, err := o.Run(model, [][]byte{{0}}); err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("1ns timeout: err = %v", err)
	}
	o.Timeout = 0
	if got := runOne(t, o, model, []byte{byte(0x84)}); int8(got[0].Data[0]) != 15 {
		t.Errorf("after timeout: got %d, want 15", int8(got[0].Data[0]))
	}
}

func TestWeightsAsInputsHelloWorld(t *testing.T) {
	o := oracle(t)
	model := readModel(t, "hello_world_int8.tflite")
	_, prof, err := o.RunProfiled(model, [][]byte{{0}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(prof, "TfLiteXNNPackDelegate") {
		t.Errorf("XNNPACK did not take hello_world's FULLY_CONNECTEDs:\n%s", prof)
	}
	m2, extra, err := WeightsAsInputs(model, []int{0, 1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(extra) != 6 { // 3 × (weights, bias)
		t.Fatalf("got %d extra inputs, want 6", len(extra))
	}
	_, prof, err = o.RunProfiled(m2, append([][]byte{{0}}, extra...))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(prof, "TfLiteXNNPackDelegate") || !strings.Contains(prof, "FULLY_CONNECTED") {
		t.Errorf("with weights as inputs, want builtin FULLY_CONNECTED and no XNNPACK:\n%s", prof)
	}
	// The builtin kernel computes the same numbers (single rounding, like XNNPACK).
	if a, b := helloAll256(t, o, model), helloAll256(t, o, m2, extra...); !bytes.Equal(a, b) {
		t.Errorf("builtin FULLY_CONNECTED differs from XNNPACK:\n%v\n%v", asInt8(a), asInt8(b))
	}
}

// goldenInputs reads the shared corpus' random1 and random2 inputs of model.
func goldenInputs(t testing.TB, model string, nIn int) [][][]byte {
	dir := filepath.Join(sharedDir(t), "corpus", "goldens", strings.TrimSuffix(model, ".tflite"))
	var cases [][][]byte
	for _, c := range []string{"random1", "random2"} {
		var ins [][]byte
		for i := 0; i < nIn; i++ {
			b, err := os.ReadFile(filepath.Join(dir, c, "inputs", fmt.Sprintf("input%d.bin", i)))
			if err != nil {
				t.Fatal(err)
			}
			ins = append(ins, b)
		}
		cases = append(cases, ins)
	}
	return cases
}

// TestExposeAllCorpus exposes every intermediate of each corpus model the runtime accepts,
// checks shapes and types, and that the original outputs do not change.
func TestExposeAllCorpus(t *testing.T) {
	o := oracle(t)
	for _, name := range []string{"hello_world_int8.tflite", "hello_world_float.tflite", "keyword_scrambled.tflite", "micro_speech_quantized.tflite", "trained_lstm_int8.tflite"} {
		t.Run(name, func(t *testing.T) {
			model := readModel(t, name)
			tensors, inputs, outputs := modelInfo(t, model)
			mids := intermediates(t, model)
			exposed, err := ExposeTensors(model, mids)
			if err != nil {
				t.Fatal(err)
			}
			for _, ins := range goldenInputs(t, name, len(inputs)) {
				plain := runOne(t, o, model, ins...)
				all, err := o.Run(exposed, ins)
				if err != nil {
					t.Fatal(err)
				}
				if len(all) != len(outputs)+len(mids) {
					t.Fatalf("got %d outputs, want %d", len(all), len(outputs)+len(mids))
				}
				for i := range plain {
					if !bytes.Equal(plain[i].Data, all[i].Data) {
						t.Errorf("output %d changed when intermediates are exposed", i)
					}
				}
				for i, out := range all[len(outputs):] {
					ti := tensors[mids[i]]
					if out.Tensor != mids[i] || !slices.Equal(out.Shape, ti.shape) || out.Type != typeNames[ti.typ] {
						t.Errorf("exposed %d: tensor %d %s %v, want tensor %d %s %v", i, out.Tensor, out.Type, out.Shape, mids[i], typeNames[ti.typ], ti.shape)
					}
				}
			}
			t.Logf("%d outputs + %d intermediates", len(outputs), len(mids))
		})
	}
}

// TestVariantsAgree checks that the non-SIMD build computes exactly what the SIMD build
// (the one browsers load) does, on every exposed tensor of the corpus models.
func TestVariantsAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second oracle")
	}
	simd := oracle(t)
	t.Setenv("TFLITE_ORACLE_WASM", "plain")
	plain, err := Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if !strings.Contains(simd.Info(), `"tflite_web_api_cc_simd"`) || !strings.Contains(plain.Info(), `"tflite_web_api_cc"`) {
		t.Fatalf("variants: %s / %s", simd.Info(), plain.Info())
	}
	rng := rand.New(rand.NewSource(1))
	for _, name := range []string{"hello_world_int8.tflite", "hello_world_float.tflite", "keyword_scrambled.tflite", "micro_speech_quantized.tflite", "trained_lstm_int8.tflite"} {
		model := readModel(t, name)
		_, inputs, _ := modelInfo(t, model)
		exposed, err := ExposeTensors(model, intermediates(t, model))
		if err != nil {
			t.Fatal(err)
		}
		cases := goldenInputs(t, name, len(inputs))
		for k := 0; k < 20; k++ { // more random cases, same sizes
			var ins [][]byte
			for _, in := range cases[0] {
				b := make([]byte, len(in))
				rng.Read(b)
				if strings.Contains(name, "float") {
					for j := 0; j+4 <= len(b); j += 4 {
						binary.LittleEndian.PutUint32(b[j:], math.Float32bits(rng.Float32()*2-1))
					}
				}
				ins = append(ins, b)
			}
			cases = append(cases, ins)
		}
		for ci, ins := range cases {
			a, err1 := simd.Run(exposed, ins)
			b, err2 := plain.Run(exposed, ins)
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: %v / %v", name, err1, err2)
			}
			for i := range a {
				if !bytes.Equal(a[i].Data, b[i].Data) {
					t.Errorf("%s case %d: tensor %d differs between simd and plain", name, ci, a[i].Tensor)
				}
			}
		}
	}
}

func BenchmarkRunHelloWorld(b *testing.B) {
	o := oracle(b)
	model := readModel(b, "hello_world_int8.tflite")
	in := [][]byte{{0}}
	runOne(b, o, model, in...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in[0][0] = byte(i)
		if _, err := o.Run(model, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRunMicroSpeechExposed(b *testing.B) {
	o := oracle(b)
	model := readModel(b, "micro_speech_quantized.tflite")
	exposed, err := ExposeTensors(model, intermediates(b, model))
	if err != nil {
		b.Fatal(err)
	}
	in := [][]byte{make([]byte, 1960)}
	runOne(b, o, exposed, in...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in[0][i%1960] = byte(i)
		if _, err := o.Run(exposed, in); err != nil {
			b.Fatal(err)
		}
	}
}

// TFLite keeps variable tensors (SVDF/LSTM state) between Invoke calls; Run must not.
func TestStatefulModelsStartFresh(t *testing.T) {
	o := oracle(t)
	for _, c := range []struct {
		name     string
		stateful bool
	}{{"hello_world_int8.tflite", false}, {"micro_speech_quantized.tflite", false}, {"keyword_scrambled.tflite", true}, {"trained_lstm_int8.tflite", true}} {
		model := readModel(t, c.name)
		if got := Stateful(model); got != c.stateful {
			t.Errorf("Stateful(%s) = %v, want %v", c.name, got, c.stateful)
		}
		_, inputs, _ := modelInfo(t, model)
		ins := goldenInputs(t, c.name, len(inputs))[0]
		exposed, err := ExposeTensors(model, intermediates(t, model))
		if err != nil {
			t.Fatal(err)
		}
		first := runOne(t, o, exposed, ins...)
		for k := 1; k < 3; k++ {
			again := runOne(t, o, exposed, ins...)
			for i := range again {
				if !bytes.Equal(first[i].Data, again[i].Data) {
					t.Errorf("%s run %d: tensor %d differs from the first run", c.name, k, again[i].Tensor)
				}
			}
		}
	}
}

// TestReferenceGoldens runs the shared corpus' golden cases with every golden tensor exposed:
// the sizes must match the golden files; the values are the reference (TFLite Micro)
// arithmetic, so differences are only logged.
func TestReferenceGoldens(t *testing.T) {
	o := oracle(t)
	root := filepath.Join(sharedDir(t), "corpus", "goldens")
	models, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, md := range models {
		name := md.Name()
		if name == "person_detect" { // refused by this TFLite, see TestPersonDetectRefused
			continue
		}
		model := readModel(t, name+".tflite")
		_, inputs, _ := modelInfo(t, model)
		cases, _ := os.ReadDir(filepath.Join(root, name))
		for _, c := range cases {
			dir := filepath.Join(root, name, c.Name())
			var index struct{ Tensors []struct{ Index int } }
			b, err := os.ReadFile(filepath.Join(dir, "tensors", "index.json"))
			if err == nil {
				err = json.Unmarshal(b, &index)
			}
			if err != nil {
				t.Fatal(err)
			}
			var want []int
			for _, tt := range index.Tensors {
				want = append(want, tt.Index)
			}
			exposed, err := ExposeTensors(model, want)
			if err != nil {
				t.Fatal(err)
			}
			var ins [][]byte
			for i := range inputs {
				b, err := os.ReadFile(filepath.Join(dir, "inputs", fmt.Sprintf("input%d.bin", i)))
				if err != nil {
					t.Fatal(err)
				}
				ins = append(ins, b)
			}
			outs := runOne(t, o, exposed, ins...)
			var notes []string
			for _, out := range outs[len(outs)-len(want):] {
				g, err := os.ReadFile(filepath.Join(dir, "tensors", fmt.Sprintf("tensor%d.bin", out.Tensor)))
				if err != nil {
					t.Fatal(err)
				}
				if len(g) != len(out.Data) {
					t.Errorf("%s/%s tensor %d: %d bytes, golden has %d", name, c.Name(), out.Tensor, len(out.Data), len(g))
					continue
				}
				if n := diffElems(out.Type, out.Data, g); n > 0 {
					notes = append(notes, fmt.Sprintf("t%d %s: %d/%d", out.Tensor, out.Type, n, product(out.Shape)))
				}
			}
			if len(notes) == 0 {
				notes = []string{"none"}
			}
			t.Logf("%s/%s: elements differing from the reference: %s", name, c.Name(), strings.Join(notes, ", "))
		}
	}
}

func diffElems(typ string, a, b []byte) int {
	size := map[string]int{"int8": 1, "uint8": 1, "bool": 1, "int16": 2, "float32": 4, "int32": 4, "int64": 8, "float64": 8}[typ]
	if size == 0 {
		size = 1
	}
	n := 0
	for i := 0; i+size <= len(a); i += size {
		if !bytes.Equal(a[i:i+size], b[i:i+size]) {
			n++
		}
	}
	return n
}

// A stateful model gets a new interpreter per Run.
func BenchmarkRunLSTMFresh(b *testing.B) {
	o := oracle(b)
	model := readModel(b, "trained_lstm_int8.tflite")
	in := [][]byte{make([]byte, 28*28)}
	runOne(b, o, model, in...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in[0][i%len(in[0])] = byte(i)
		if _, err := o.Run(model, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStart(b *testing.B) {
	oracle(b) // skip early when unavailable
	for i := 0; i < b.N; i++ {
		o, err := Start(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		o.Close()
	}
}

// The rewrites alone, without node.
func TestRewriteStructure(t *testing.T) {
	model := readModel(t, "hello_world_int8.tflite")
	exposed, err := ExposeTensors(model, []int{8, 7, 8})
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for i := range model {
		if exposed[i] != model[i] {
			changed++
		}
	}
	if changed == 0 || changed > 4 || len(exposed) <= len(model) {
		t.Fatalf("ExposeTensors changed %d bytes of the original: want only one uoffset re-pointed", changed)
	}
	if _, _, outputs := modelInfo(t, exposed); !slices.Equal(outputs, []int{9, 8, 7, 8}) {
		t.Errorf("outputs = %v", outputs)
	}
	m2, extra, err := WeightsAsInputs(model, []int{1})
	if err != nil {
		t.Fatal(err)
	}
	tensors, inputs, _ := modelInfo(t, m2)
	if len(inputs) != 3 || inputs[0] != 0 || len(extra) != 2 {
		t.Fatalf("inputs = %v, %d extra", inputs, len(extra))
	}
	origTensors, _, _ := modelInfo(t, model)
	for i, ti := range inputs[1:] {
		if tensors[ti].constant || !origTensors[ti].constant || len(extra[i]) == 0 {
			t.Errorf("tensor %d: constant %v (was %v), %d bytes", ti, tensors[ti].constant, origTensors[ti].constant, len(extra[i]))
		}
	}
	if Stateful(model) || Stateful(nil) || Stateful([]byte("garbage!garbage!")) {
		t.Error("Stateful misreports")
	}
	// Malformed models give errors, not panics.
	rng := rand.New(rand.NewSource(2))
	for i := 0; i < 2000; i++ {
		bad := append([]byte(nil), model...)
		for k := 0; k < 1+rng.Intn(8); k++ {
			bad[rng.Intn(len(bad))] = byte(rng.Intn(256))
		}
		if i%3 == 0 {
			bad = bad[:rng.Intn(len(bad))]
		}
		_, _ = ExposeTensors(bad, []int{7})
		_, _, _ = WeightsAsInputs(bad, []int{0})
		_ = Stateful(bad)
	}
}
