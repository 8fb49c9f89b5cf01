package difftest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// wildUint8 are the uint8 models of ../shared/corpus/wild (TF1
// quantization-aware training): each must load, run and explain in every
// profile, and equal the browser TFLite on every tensor under
// tflite-xnnpack. needs names ops another change adds; until the engine
// has them, the ops before the first missing one are compared.
var wildUint8 = []struct {
	name  string
	needs []string
}{
	{"mobilenet_v1_1.0_224_quant_embedding_extractor.tflite", nil},
	{"mobilenet_v1_0.25_128_quant.tflite", nil},
	{"deeplabv3_mnv2_dm05_pascal_quant.tflite", []string{"RESIZE_BILINEAR"}},
	{"split_concat.tflite", nil},
	{"coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite", []string{"CUSTOM:TFLite_Detection_PostProcess"}},
}

// TestWildUint8XNNPack compares the uint8 wild models with the real TFLite,
// every tensor the ops write, on seeded random inputs.
func TestWildUint8XNNPack(t *testing.T) {
	o := startOracle(t)
	supported := engine.SupportedOps()
	for _, w := range wildUint8 {
		t.Run(w.name, func(t *testing.T) {
			model, err := os.ReadFile(filepath.Join(sharedCorpus(t), "wild", w.name))
			if err != nil {
				t.Fatal(err)
			}
			if missing := missingOps(supported, w.needs); len(missing) > 0 {
				// Compare what the engine can run: the ops before the
				// first one it lacks.
				n := firstUnsupported(t, model, supported)
				if n == 0 {
					t.Skipf("needs %v (another change)", missing)
				}
				t.Logf("needs %v (another change); comparing its first %d ops", missing, n)
				if model, err = truncateModel(model, n); err != nil {
					t.Fatal(err)
				}
			}
			m, err := engine.Load(model)
			if err != nil {
				t.Fatal(err)
			}
			taken, why := m.XNNPackDelegated()
			for i, op := range m.Ops {
				t.Logf("op %2d %-20s xnnpack=%v %s", i, op.Builtin, taken[i], why[i])
			}
			names, inputs := randomInputs(m, 3)
			explainEveryOp(t, m, inputs[0])
			checkXNNPack(t, o, w.name, model, names, inputs)
		})
	}
}

// explainEveryOp runs m under every profile and explains a few elements of
// every op's output, checking each explained value against the computed
// one.
func explainEveryOp(t *testing.T, m *engine.Model, inputs [][]byte) {
	t.Helper()
	for _, p := range engine.Profiles() {
		res, err := m.Run(inputs, engine.Options{Profile: p, Trace: true})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		n := 0
		for _, op := range m.Ops {
			out := m.Tensors[op.Outputs[0]]
			vals := engine.Values(out.Type, res.Tensors[out.Index])
			for i := 0; i < len(vals); i += 1 + len(vals)/4 {
				e, err := res.Explain(op.Index, i)
				if err != nil {
					t.Errorf("%s op %d (%s) element %d: %v", p, op.Index, op.Builtin, i, err)
					continue
				}
				n++
				got := float64(e.Value)
				if out.Type == engine.Float32 { // a float output has no integer: Real is its value
					got = e.Real
				}
				if len(e.Steps) == 0 || e.Arithmetic == "" || got != vals[i] {
					t.Errorf("%s op %d (%s) element %d: explained %d (%d steps, %q), computed %v", p, op.Index, op.Builtin, i, e.Value, len(e.Steps), e.Arithmetic, vals[i])
				}
			}
		}
		t.Logf("%s: %d explanations equal the computed values", p, n)
	}
}

// firstUnsupported is the index of the first op of model's subgraph 0 that
// the engine lacks.
func firstUnsupported(t *testing.T, model []byte, supported []string) int {
	t.Helper()
	mt := tflite.GetRootAsModel(model, 0).UnPack()
	for i, op := range mt.Subgraphs[0].Operators {
		oc := mt.OperatorCodes[op.OpcodeIndex]
		code := max(oc.BuiltinCode, tflite.BuiltinOperator(oc.DeprecatedBuiltinCode)) // as TFLite's GetBuiltinCode
		if len(missingOps(supported, []string{code.String()})) > 0 {
			return i
		}
	}
	return len(mt.Subgraphs[0].Operators)
}

// truncateModel keeps the first n ops of subgraph 0; their outputs become
// the subgraph's outputs.
func truncateModel(model []byte, n int) ([]byte, error) {
	mt := tflite.GetRootAsModel(model, 0).UnPack()
	sg := mt.Subgraphs[0]
	if n > len(sg.Operators) {
		return nil, fmt.Errorf("model has %d ops, not %d", len(sg.Operators), n)
	}
	sg.Operators = sg.Operators[:n]
	sg.Outputs = nil
	for _, op := range sg.Operators {
		sg.Outputs = append(sg.Outputs, op.Outputs...)
	}
	return tfbuild.Pack(mt), nil
}

// missingOps lists the ops of want that have is missing.
func missingOps(have, want []string) []string {
	var s []string
	for _, op := range want {
		found := false
		for _, h := range have {
			found = found || h == op
		}
		if !found {
			s = append(s, op)
		}
	}
	return s
}
