package oracle

import (
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// TestPrimarySubgraph swaps subgraphs by patching the file and reads the
// result back.
func TestPrimarySubgraph(t *testing.T) {
	b := tfbuild.New()
	for _, name := range []string{"one", "two"} {
		b.Subgraph(name)
		x := b.Tensor(name+"_x", tflite.TensorTypeFLOAT32, []int{2}, nil, nil)
		b.Inputs(x)
		b.Outputs(x)
	}
	model := b.Bytes()
	names := func(m []byte) []string {
		fm := tflite.GetRootAsModel(m, 0)
		var s []string
		var sg tflite.SubGraph
		for i := 0; i < fm.SubgraphsLength(); i++ {
			fm.Subgraphs(&sg, i)
			s = append(s, string(sg.Name()))
		}
		return s
	}
	out, err := PrimarySubgraph(model, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(out); len(got) != 3 || got[0] != "two" || got[1] != "one" || got[2] != "main" {
		t.Errorf("subgraphs after the swap: %v, want [two one main]", got)
	}
	if got := names(model); got[0] != "main" {
		t.Errorf("the original was modified: %v", got)
	}
	var sg tflite.SubGraph
	tflite.GetRootAsModel(out, 0).Subgraphs(&sg, 0)
	var tt tflite.Tensor
	if sg.Tensors(&tt, 0); string(tt.Name()) != "two_x" {
		t.Errorf("subgraph 0's tensor is %q, want two_x", tt.Name())
	}
	if _, err := PrimarySubgraph(model, 3); err == nil {
		t.Error("subgraph 3 of 3: no error")
	}
	b.Use(0)
	b.Op(tflite.BuiltinOperatorWHILE, 1, nil, nil, nil)
	if _, err := PrimarySubgraph(b.Bytes(), 1); err == nil {
		t.Error("a model with WHILE: no error")
	}
}
