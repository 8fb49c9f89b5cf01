package difftest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/oracle"
)

// wildHybrid are the ../shared/corpus/wild models whose activations are
// float32 while their weights are int8 or float16: a dynamic-range model
// (hybrid FULLY_CONNECTED), a weight-only model (per-channel DEQUANTIZE of
// int8 weights) and a float16 model (DEQUANTIZE fp16 → fp32).
var wildHybrid = []string{
	"model_model_ToyCar_quant.tflite",
	"mnist_quantized.tflite",
	"conv-quant-fp16.float32.tflite",
}

// TestWildHybridXNNPack compares these models with the real TFLite on every
// tensor the ops write, on seeded random inputs, and explains every op's
// output in every profile. The weights the XNNPACK delegate dequantizes once
// inside itself, which TFLite never writes to their tensors, are compared
// in a second run in which they are model inputs, so that TFLite's builtin
// DEQUANTIZE computes and writes them.
func TestWildHybridXNNPack(t *testing.T) {
	o := startOracle(t)
	for _, name := range wildHybrid {
		t.Run(name, func(t *testing.T) {
			model, err := os.ReadFile(filepath.Join(sharedCorpus(t), "wild", name))
			if err != nil {
				t.Fatal(err)
			}
			m, inputs := compareWild(t, o, name, model)
			checkUnwritten(t, o, m, model, inputs)
		})
	}
}

// checkUnwritten compares the tensors the browser TFLite leaves unwritten
// (engine.Model.XNNPackUnwritten) with TFLite's builtin kernel: the ops that
// write them get their constant inputs as model inputs instead
// (oracle.WeightsAsInputs), which the delegate cannot fold.
func checkUnwritten(t *testing.T, o *oracle.Oracle, m *engine.Model, model []byte, inputs [][]byte) {
	t.Helper()
	unwritten := m.XNNPackUnwritten()
	var opsIdx, tensors []int
	for _, op := range m.Ops {
		if !unwritten[op.Outputs[0]] {
			continue
		}
		if m.Tensors[op.Inputs[0]].Type == engine.Float16 {
			// tfjs-tflite's API gives float16 tensors no data view, so they
			// cannot be fed as inputs; the consumer's output, which uses
			// every dequantized weight, is compared above.
			t.Logf("op %d %s: float16 weights cannot be fed to the browser TFLite; checked through their consumer", op.Index, op.Builtin)
			continue
		}
		opsIdx, tensors = append(opsIdx, op.Index), append(tensors, op.Outputs[0])
	}
	if len(opsIdx) == 0 {
		return
	}
	rewritten, extra, err := oracle.WeightsAsInputs(model, opsIdx)
	if err != nil {
		t.Fatal(err)
	}
	exposed, err := oracle.ExposeTensors(rewritten, tensors)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := o.Run(exposed, append(append([][]byte{}, inputs...), extra...))
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Run(inputs, engine.Options{Profile: engine.XNNPack})
	if err != nil {
		t.Fatal(err)
	}
	out := &Outcome{Case: &Case{Gen: "unwritten", Model: model}, PerOp: map[string]int{}}
	producer := producers(m)
	for _, ot := range outs[len(outs)-len(tensors):] {
		if err := out.compare(m, producer, ot.Tensor, ot.Data, res.Tensors[ot.Tensor]); err != nil {
			t.Fatal(err)
		}
	}
	if out.Tensors != len(tensors) || out.Differ > 0 {
		t.Errorf("folded weights: %d of %d tensors compared; %s", out.Tensors, len(tensors), out.Report())
	} else {
		t.Logf("folded weights (TFLite's builtin DEQUANTIZE): %d tensors, %d elements equal TFLite", out.Tensors, out.Elements)
	}
}
