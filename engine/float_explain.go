package engine

import (
	"fmt"
	"math"
)

// Explanations of float32 elements: the inputs, the float formula and its
// float32 value printed exactly.

// floatExplanation ends the explanation of a float32 element: the formula
// and its float32 value, printed exactly.
func floatExplanation(steps []Step, formula string, v float32) *Explanation {
	steps = append(steps, Step{"output", fmt.Sprintf("%s in float32 = %s", formula, exactFloat(v)), float64(v)})
	return &Explanation{Steps: steps, Value: int64(v), Arithmetic: "float32: " + formula}
}

// exactFloat prints a float32 with the digits that identify it and its
// bits, so that a reader can tell two nearby values apart.
func exactFloat(v float32) string {
	return fmt.Sprintf("%.9g (bits 0x%08x)", v, math.Float32bits(v))
}

// explainFloatBinary explains output element index of a float32 binary
// op: the two inputs it reads and formula applied to them.
func explainFloatBinary(res *Result, bc *broadcast, in1, in2, index int, formula string, f func(x, y float32) float32) *Explanation {
	i1, i2 := bc.index(index)
	x, y := AsFloat32(res.Tensors[in1])[i1], AsFloat32(res.Tensors[in2])[i2]
	return floatExplanation([]Step{
		{"input1", fmt.Sprintf("x = input1[%d] = %s", i1, exactFloat(x)), float64(x)},
		{"input2", fmt.Sprintf("y = input2[%d] = %s", i2, exactFloat(y)), float64(y)},
	}, formula, f(x, y))
}
