package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// LogicalParams are LOGICAL_AND's, LOGICAL_OR's and LOGICAL_NOT's prepared
// parameters.
//
// Mirrors TFLite's kernels/logical.cc (LOGICAL_AND, LOGICAL_OR: bool
// inputs broadcast against each other) and kernels/elementwise.cc
// (LOGICAL_NOT), which TFLite Micro has too (kernels/logical.cc,
// kernels/elementwise.cc): out = x && y, x || y, or !x.
type LogicalParams struct {
	Op string `json:"op"` // &&, ||, !

	bc       *broadcast // nil for LOGICAL_NOT
	in1, in2 int
	out      int
}

func init() {
	register(tflite.BuiltinOperatorLOGICAL_AND, func(c *prepCtx) (kernel, error) { return prepareLogical(c, "&&") })
	register(tflite.BuiltinOperatorLOGICAL_OR, func(c *prepCtx) (kernel, error) { return prepareLogical(c, "||") })
	register(tflite.BuiltinOperatorLOGICAL_NOT, func(c *prepCtx) (kernel, error) { return prepareLogical(c, "!") })
}

func prepareLogical(c *prepCtx, op string) (kernel, error) {
	n := 2
	if op == "!" {
		n = 1
	}
	if err := c.io(n, n, 1); err != nil {
		return nil, err
	}
	out := c.out(0)
	for i := 0; i < n; i++ {
		if c.in(i).Type != Bool {
			return nil, c.unsupportedTypes()
		}
	}
	if out.Type != Bool {
		return nil, c.errorf("output tensor %d is %v; %s writes bool", out.Index, out.Type, c.op.Builtin)
	}
	p := &LogicalParams{Op: op, in1: c.in(0).Index, in2: -1, out: out.Index}
	want := c.in(0).Shape
	if n == 2 {
		bc, err := newBroadcast(c.in(0).Shape, c.in(1).Shape)
		if err != nil {
			return nil, c.errorf("%v", err)
		}
		p.bc, p.in2, want = bc, c.in(1).Index, bc.out
	}
	if err := c.sameShape(out, want); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *LogicalParams) value(a, b byte) byte {
	switch p.Op {
	case "&&":
		return b2u(a != 0 && b != 0)
	case "||":
		return b2u(a != 0 || b != 0)
	}
	return b2u(a == 0)
}

func (p *LogicalParams) eval(r *run, op *Op) error {
	a, dst := r.vals[p.in1], r.vals[p.out]
	if p.bc == nil {
		for i, v := range a {
			dst[i] = p.value(v, 0)
		}
		return nil
	}
	b := r.vals[p.in2]
	binaryVec(p.bc, a, b, dst, func(out, a, b []byte) {
		a, b = a[:len(out)], b[:len(out)]
		for i := range out {
			out[i] = p.value(a[i], b[i])
		}
	})
	return nil
}

func (p *LogicalParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	a := res.Tensors[p.in1]
	if p.bc == nil {
		v := p.value(a[index], 0)
		return &Explanation{Arithmetic: "logical not", Steps: []Step{{Name: "not", Formula: fmt.Sprintf("!%d", a[index]), Value: float64(v)}}, Value: int64(v)}, nil
	}
	i1, i2 := p.bc.index(index)
	b := res.Tensors[p.in2]
	v := p.value(a[i1], b[i2])
	return &Explanation{Arithmetic: "logical " + p.Op, Steps: []Step{{Name: p.Op, Formula: fmt.Sprintf("input 1 element %d (%d) %s input 2 element %d (%d)", i1, a[i1], p.Op, i2, b[i2]), Value: float64(v)}}, Value: int64(v)}, nil
}
