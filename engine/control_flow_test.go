package engine

import (
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// loopModel builds WHILE over the loop variables go (bool [1]) and acc
// (float32 [1]): cond (subgraph 1) returns go; the body (subgraph 2) keeps
// go and adds 1 to acc. The model outputs acc. edit may change the model.
func loopModel(edit func(b *tfbuild.Builder)) []byte {
	f32, bl := tflite.TensorTypeFLOAT32, tflite.TensorTypeBOOL
	vars := func(b *tfbuild.Builder) []int {
		return []int{b.Tensor("go", bl, []int{1}, nil, nil), b.Tensor("acc", f32, []int{1}, nil, nil)}
	}
	b, _, out := tfbuild.WhileLoop(vars, func(b *tfbuild.Builder, d []int) []int {
		one := b.Tensor("one", f32, []int{1}, nil, tfbuild.F32(1))
		acc := b.Tensor("acc2", f32, []int{1}, nil, nil)
		b.Op(tflite.BuiltinOperatorADD, 0, addOpts(actNone), []int{d[1], one}, []int{acc})
		return []int{d[0], acc}
	})
	b.Outputs(out[1])
	if edit != nil {
		edit(b)
	}
	return b.Bytes()
}

func TestWhile(t *testing.T) {
	// go = false: the body never runs, the output is the input.
	m, err := Load(loopModel(nil))
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Run([][]byte{{0}, tfbuild.F32(2.5)}, Options{Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := AsFloat32(res.Tensors[m.Outputs[0]])[0]; got != 2.5 || res.Trace.Ops[0].Note != "the body (subgraph 2) ran 0 times" {
		t.Errorf("got %v (%q), want 2.5 after 0 iterations", got, res.Trace.Ops[0].Note)
	}
	// go = true forever: stopped at the limit, with a clear error.
	defer func(n int) { maxWhileIterations = n }(maxWhileIterations)
	maxWhileIterations = 50
	if _, err := m.Run([][]byte{{1}, tfbuild.F32(0)}, Options{}); err == nil || !strings.Contains(err.Error(), "the loop ran 50 times without its cond (subgraph 1) turning false") {
		t.Errorf("err = %v, want the iteration limit", err)
	}
	// A body that changes a loop variable's type.
	m, err = Load(loopModel(func(b *tfbuild.Builder) { b.M.Subgraphs[2].Outputs[0] = 1 }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run([][]byte{{1}, tfbuild.F32(0)}, Options{}); err == nil || !strings.Contains(err.Error(), "body output 0") {
		t.Errorf("err = %v, want the body output type error", err)
	}
	// A cond that outputs a float.
	m, err = Load(loopModel(func(b *tfbuild.Builder) { b.M.Subgraphs[1].Outputs[0] = 1 }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run([][]byte{{1}, tfbuild.F32(0)}, Options{}); err == nil || !strings.Contains(err.Error(), "must output one bool") {
		t.Errorf("err = %v, want the cond type error", err)
	}
	if _, err := Load(loopModel(func(b *tfbuild.Builder) {
		b.M.Subgraphs[0].Operators[0].Outputs = b.M.Subgraphs[0].Operators[0].Outputs[:1]
		b.M.Subgraphs[0].Outputs = b.M.Subgraphs[0].Operators[0].Outputs
	})); err == nil ||
		!strings.Contains(err.Error(), "has 2 inputs and 1 outputs") {
		t.Errorf("Load err = %v, want the loop variable count error", err)
	}
}

func TestIfErrors(t *testing.T) {
	f32 := tflite.TensorTypeFLOAT32
	build := func(condType tflite.TensorType, then int32) []byte {
		b := tfbuild.New()
		c := b.Tensor("c", condType, []int{1}, nil, nil)
		x := b.Tensor("x", f32, []int{1}, nil, nil)
		y := b.Tensor("y", f32, []int{2}, nil, nil)
		b.Inputs(c, x)
		b.Outputs(y)
		b.Op(tflite.BuiltinOperatorIF, 0, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsIfOptions,
			Value: &tflite.IfOptionsT{ThenSubgraphIndex: then, ElseSubgraphIndex: 1}}, []int{c, x}, []int{y})
		b.Subgraph("branch")
		a := b.Tensor("a", f32, []int{1}, nil, nil)
		b.Inputs(a)
		b.Outputs(a)
		return b.Bytes()
	}
	if _, err := Load(build(f32, 1)); err == nil || !strings.Contains(err.Error(), "it must be one bool") {
		t.Errorf("float condition: %v", err)
	}
	if _, err := Load(build(tflite.TensorTypeBOOL, 5)); err == nil || !strings.Contains(err.Error(), "then subgraph index 5 is out of range") {
		t.Errorf("then out of range: %v", err)
	}
	m, err := Load(build(tflite.TensorTypeBOOL, 1))
	if err != nil {
		t.Fatal(err)
	}
	// The branch outputs [1], the op [2].
	if _, err := m.Run([][]byte{{1}, tfbuild.F32(3)}, Options{}); err == nil || !strings.Contains(err.Error(), "output 0") {
		t.Errorf("branch output size: %v", err)
	}
}
