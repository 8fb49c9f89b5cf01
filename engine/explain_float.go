package engine

// floatResult explains a float32 output element of a kernel by its float
// formula (which states the order the kernel rounds in) and the element's
// value as the run computed it.
func floatResult(res *Result, op *Op, index int, formula string) *Explanation {
	v := AsFloat32(res.Tensors[op.Outputs[0]])[index]
	return &Explanation{Arithmetic: "float32", Steps: []Step{{"output", formula, float64(v)}}}
}
