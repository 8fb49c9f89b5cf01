package engine

import (
	"errors"
	"fmt"
	"math"
)

// Explanation is the derivation of one output element of one op, as data
// for a reader: the terms that were summed, then each step to the final
// integer.
type Explanation struct {
	Op         int     `json:"op"`
	Builtin    string  `json:"builtin"`
	Profile    Profile `json:"profile"`
	Arithmetic string  `json:"arithmetic"` // which rounding the steps use
	Tensor     int     `json:"tensor"`     // output tensor index
	Index      int     `json:"index"`      // flat element index in the output
	Coords     []int   `json:"coords"`     // the same index per dimension
	// Terms are the products summed into the accumulator, with offsets
	// applied; at most MaxTerms of them, TermsTotal says how many there were.
	Terms      []Term `json:"terms,omitempty"`
	TermsTotal int    `json:"terms_total,omitempty"`
	// TermInput and TermFilter are the tensors whose flat indices the
	// terms' InputIndex and FilterIndex are (with Terms only).
	TermInput  int     `json:"term_input"`
	TermFilter int     `json:"term_filter"`
	Steps      []Step  `json:"steps"`
	Value      int64   `json:"value"` // the output integer; 0 for a float output
	Real       float64 `json:"real"`  // Scale × (Value − ZeroPoint), or a float output's value
	// Exact is, for ops that requantize an accumulator, the value computed
	// without rounding: acc × real multiplier (in float64) + output zero
	// point, before the clamp. Where profiles give different integers it
	// shows which rounding landed nearer.
	Exact *float64 `json:"exact,omitempty"`
}

// MaxTerms bounds the terms an Explanation lists (ExplainAll lists them
// all).
const MaxTerms = 64

// ExplainAll is Explain listing every term of the sum, for a reader who
// asks to see them all (a convolution's window can hold thousands).
func (res *Result) ExplainAll(op, index int) (*Explanation, error) {
	r := *res
	r.allTerms = true
	return r.Explain(op, index)
}

// termLimit is how many terms an explanation lists.
func (res *Result) termLimit() int {
	if res.allTerms {
		return math.MaxInt
	}
	return MaxTerms
}

// Term is one product of a dot product: (input + input offset) × (filter +
// filter offset).
type Term struct {
	InputIndex   int   `json:"input_index"` // flat index into the input tensor, -1 = padding
	Input        int32 `json:"input"`
	InputOffset  int32 `json:"input_offset"`
	FilterIndex  int   `json:"filter_index"` // flat index into the filter tensor
	Filter       int32 `json:"filter"`
	FilterOffset int32 `json:"filter_offset"`
	Product      int64 `json:"product"`
}

// Step is one step of the derivation, e.g. {"sum", "Σ terms", -572}.
type Step struct {
	Name    string  `json:"name"`
	Formula string  `json:"formula"`
	Value   float64 `json:"value"`
}

// Explain derives output element index of op's first output.
func (res *Result) Explain(op, index int) (*Explanation, error) {
	m := res.Model
	if op < 0 || op >= len(m.Ops) {
		return nil, fmt.Errorf("op %d is out of range (model has %d ops)", op, len(m.Ops))
	}
	o := m.Ops[op]
	if len(o.Outputs) == 0 {
		return nil, fmt.Errorf("op %d (%s) has no outputs to explain", op, o.Builtin)
	}
	out := m.Tensors[o.Outputs[0]]
	if n := out.NumElements(); index < 0 || index >= n {
		return nil, fmt.Errorf("element %d is out of range: op %d (%s) output tensor %d has %d elements", index, op, o.Builtin, out.Index, n)
	}
	pl := m.plans[res.Profile]
	if pl.refused != "" {
		return nil, errors.New(pl.refused)
	}
	var e *Explanation
	if x, ok := pl.kernels[op].(explainer); ok {
		var err error
		if e, err = x.explain(res, o, index); err != nil {
			return nil, err
		}
	} else {
		e = &Explanation{}
		v := Values(out.Type, res.Tensors[out.Index])[index]
		e.Steps = []Step{{Name: "output", Formula: fmt.Sprintf("%s computes this %v element directly (no accumulator)", o.Builtin, out.Type), Value: v}}
		e.Value = int64(v)
	}
	e.Op, e.Builtin, e.Profile, e.Tensor, e.Index = op, o.Builtin, res.Profile, out.Index, index
	e.Coords = unflatten(index, out.Shape)
	switch {
	case e.Arithmetic == "":
		e.Arithmetic = pl.arithmetic[op]
	case pl.arithmetic[op] != "":
		e.Arithmetic = pl.arithmetic[op] + ": " + e.Arithmetic
	}
	if out.Quant != nil {
		e.Real = out.Scale() * float64(e.Value-int64(out.ZeroPoint()))
		if out.Quant.PerChannel() {
			c := e.Coords[out.Quant.Axis]
			e.Real = float64(out.Quant.Scale[c]) * float64(e.Value-out.Quant.ZeroPoint[c])
		}
	} else if out.Type == Float32 {
		e.Real = float64(AsFloat32(res.Tensors[out.Index])[index])
		e.Value = 0 // a float output has no integer; Real is its value
	} else if out.Type == Complex64 {
		e.Real = float64(real(AsComplex64(res.Tensors[out.Index])[index])) // the steps show both parts
		e.Value = 0
	} else {
		e.Real = float64(e.Value)
	}
	return e, nil
}

// unflatten turns a flat row-major index into per-dimension coordinates.
func unflatten(i int, shape []int) []int {
	c := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		if shape[d] > 0 {
			c[d] = i % shape[d]
			i /= shape[d]
		}
	}
	return c
}
