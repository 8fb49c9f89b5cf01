package difftest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
	"github.com/int8scope/int8scope/internal/tflm"
)

// batchOne returns model, whose activations all have batch n in dimension
// 0, as a converter writes a model with a batch of any size: every
// non-constant tensor of batch n stored with batch 1 and shape_signature
// −1 there. ok is false when another non-constant tensor also starts with
// n (the rewrite would be ambiguous).
func batchOne(model []byte, n int) (out []byte, ok bool) {
	m := tflite.GetRootAsModel(model, 0).UnPack()
	for _, t := range m.Subgraphs[0].Tensors {
		if m.Buffers[t.Buffer] != nil && len(m.Buffers[t.Buffer].Data) > 0 || len(t.Shape) == 0 || t.Shape[0] != int32(n) {
			continue
		}
		if t.Type == tflite.TensorTypeINT32 {
			return nil, false // a shape-like int32 tensor of n elements
		}
		t.ShapeSignature = slices.Clone(t.Shape)
		t.ShapeSignature[0] = -1
		t.Shape[0] = 1
	}
	return tfbuild.Pack(m), true
}

// TestBatchResize stores models made with a batch of 2 to 4 with batch 1
// and shape_signature −1 (as converters do), resizes them in the engine to
// the batch they were made with (Model.Resize: TFLite's
// ResizeInputTensorStrict + AllocateTensors) and compares every tensor with
// the real TFLite and TFLite Micro running the model as made. (The browser
// TFLite's API has no ResizeInputTensor, so TFLite runs the file stored
// with that batch, which its Prepare treats like a resize.)
func TestBatchResize(t *testing.T) {
	o := startOracle(t)
	r, err := tflm.Find()
	tflm.CheckFind(t, err)
	n := 30
	if *nFlag > 0 {
		n = *nFlag
	}
	stats := map[string]int{}
	for _, gen := range []string{"batch_cnn", "dynamic_reshape"} {
		for seed := int64(1); seed <= int64(n); seed++ {
			c, err := Generate(gen, seed)
			if err != nil {
				t.Fatal(err)
			}
			m0, _ := engine.Load(c.Model)
			batch := m0.Tensors[m0.Inputs[0]].Shape[0]
			one, ok := batchOne(c.Model, batch)
			if batch == 1 || !ok {
				continue
			}
			m1, err := engine.Load(one)
			if err != nil {
				t.Fatalf("%s: batch-1 model: %v", c.ID(), err)
			}
			shapes := make([][]int, len(m1.Inputs))
			for i, ti := range m0.Inputs {
				shapes[i] = m0.Tensors[ti].Shape
			}
			if c.Engine, err = m1.Resize(shapes); err != nil {
				t.Fatalf("%s: resize to %v: %v", c.ID(), shapes, err)
			}
			if got := m1.Tensors[m1.Inputs[0]].Shape[0]; got != 1 {
				t.Fatalf("%s: Resize changed the original model's input to batch %d", c.ID(), got)
			}
			out, err := Check(o, c, engine.XNNPack)
			if err != nil {
				t.Fatalf("%s: %v", c.ID(), err)
			}
			if out.Differ > 0 || len(out.Delegation) > 0 {
				t.Errorf("%s resized to batch %d: %s\n  delegation: %v", c.ID(), batch, out.Report(), out.Delegation)
			}
			stats["tflite cases"]++
			stats["tflite elements"] += out.Elements
			tout, err := CheckTFLM(context.Background(), r, c)
			if err != nil {
				t.Fatalf("%s (TFLite Micro): %v", c.ID(), err)
			}
			if tout.Differ > 0 {
				t.Errorf("%s resized to batch %d, reference vs TFLite Micro: %s", c.ID(), batch, tout.Report())
			}
			stats["tflm cases"]++
			stats["tflm elements"] += tout.Elements
		}
	}
	if stats["tflite cases"] < n {
		t.Errorf("only %d cases compared", stats["tflite cases"])
	}
	t.Logf("resized models equal to real TFLite (tflite-xnnpack) and TFLite Micro (reference): %v", stats)
}

// TestResizeRefused checks that a dimension without −1 in the signature,
// or an input without a signature, keeps its shape.
func TestResizeRefused(t *testing.T) {
	c, err := Generate("batch_cnn", 1)
	if err != nil {
		t.Fatal(err)
	}
	m, err := engine.Load(c.Model)
	if err != nil {
		t.Fatal(err)
	}
	x := m.Tensors[m.Inputs[0]]
	bigger := slices.Clone(x.Shape)
	bigger[0]++
	if _, err := m.Resize([][]int{bigger}); err == nil || !strings.Contains(err.Error(), "no shape_signature") {
		t.Errorf("resize without a signature: err = %v", err)
	}
	one, _ := batchOne(c.Model, x.Shape[0])
	m1, err := engine.Load(one)
	if err != nil {
		t.Fatal(err)
	}
	wider := slices.Clone(m1.Tensors[m1.Inputs[0]].Shape)
	wider[1]++
	if _, err := m1.Resize([][]int{wider}); err == nil || !strings.Contains(err.Error(), "dimension 1 is fixed") {
		t.Errorf("resize of a fixed dimension: err = %v", err)
	}
	if _, err := m1.Resize([][]int{{3, 1}}); err == nil || !strings.Contains(err.Error(), "rank must stay") {
		t.Errorf("resize to another rank: err = %v", err)
	}
}
