package tfbuild

import "github.com/int8scope/int8scope/engine/tflite"

// RunningSum builds the smallest stateful model, written the way the
// converter writes streaming models: subgraph 0 runs CALL_ONCE (init
// subgraph 1), then sum = READ_VARIABLE("sum") + x and ASSIGN_VARIABLE
// ("sum", sum), for float32 x of shape [len(init)]; it outputs sum.
// Subgraph 1 assigns init to "sum". Tensors of subgraph 0: x 0, the
// handle 1, the value read 2, sum 3. The builder is returned so tests can
// alter the model before Bytes.
func RunningSum(init []float32) *Builder {
	f32, res := tflite.TensorTypeFLOAT32, tflite.TensorTypeRESOURCE
	n := []int{len(init)}
	handle := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsVarHandleOptions, Value: &tflite.VarHandleOptionsT{SharedName: "sum"}}
	b := New()
	x := b.Tensor("x", f32, n, nil, nil)
	h := b.Tensor("h", res, nil, nil, nil)
	old := b.Tensor("old", f32, n, nil, nil)
	sum := b.Tensor("sum", f32, n, nil, nil)
	b.Inputs(x)
	b.Outputs(sum)
	b.Op(tflite.BuiltinOperatorCALL_ONCE, 0, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsCallOnceOptions,
		Value: &tflite.CallOnceOptionsT{InitSubgraphIndex: 1}}, nil, nil)
	b.Op(tflite.BuiltinOperatorVAR_HANDLE, 0, handle, nil, []int{h})
	b.Op(tflite.BuiltinOperatorREAD_VARIABLE, 0, nil, []int{h}, []int{old})
	b.Op(tflite.BuiltinOperatorADD, 0, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsAddOptions, Value: &tflite.AddOptionsT{}},
		[]int{old, x}, []int{sum})
	b.Op(tflite.BuiltinOperatorASSIGN_VARIABLE, 0, nil, []int{h, sum}, nil)
	b.Subgraph("init")
	ih := b.Tensor("h", res, nil, nil, nil)
	v := b.Tensor("init", f32, n, nil, F32(init...))
	b.Op(tflite.BuiltinOperatorVAR_HANDLE, 0, handle, nil, []int{ih})
	b.Op(tflite.BuiltinOperatorASSIGN_VARIABLE, 0, nil, []int{ih, v}, nil)
	b.Use(0)
	return b
}

// WhileLoop builds a model whose subgraph 0 is one WHILE op over the loop
// variables that vars adds to a subgraph (the first a bool [1]): its cond
// (subgraph 1) outputs the first variable, and body, given the body
// subgraph's (subgraph 2) input variables, adds its ops and returns its
// outputs. It returns the builder (on subgraph 0) and the WHILE's input
// and output tensors; the caller sets subgraph 0's outputs.
func WhileLoop(vars func(b *Builder) []int, body func(b *Builder, in []int) []int) (b *Builder, in, out []int) {
	b = New()
	in, out = vars(b), vars(b)
	b.Inputs(in...)
	b.Op(tflite.BuiltinOperatorWHILE, 0, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsWhileOptions,
		Value: &tflite.WhileOptionsT{CondSubgraphIndex: 1, BodySubgraphIndex: 2}}, in, out)
	b.Subgraph("cond")
	c := vars(b)
	b.Inputs(c...)
	b.Outputs(c[0])
	b.Subgraph("body")
	d := vars(b)
	b.Inputs(d...)
	b.Outputs(body(b, d)...)
	b.Use(0)
	return b, in, out
}
