package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// IF mirrors TFLite's kernels/if.cc: input 0 is a bool condition of one
// element; the other inputs are passed to the then subgraph when it is
// true, else to the else subgraph, and that subgraph's outputs become the
// op's outputs. int8scope's shapes are fixed at load, so each branch's
// inputs and outputs must have the types and sizes of the op's (TFLite
// resizes them).

func init() { register(tflite.BuiltinOperatorIF, prepareIf) }

// IfParams names the branch subgraphs.
type IfParams struct {
	Then int `json:"then_subgraph_index"`
	Else int `json:"else_subgraph_index"`
}

func prepareIf(c *prepCtx) (kernel, error) {
	if len(c.op.Inputs) < 1 || c.op.Inputs[0] < 0 {
		return nil, c.errorf("needs a condition input")
	}
	if cond := c.in(0); cond.Type != Bool || cond.NumElements() != 1 {
		return nil, c.errorf("condition tensor %d (%q) is %v %v; it must be one bool", cond.Index, cond.Name, cond.Type, cond.Shape)
	}
	o, _ := c.op.Options.(*tflite.IfOptionsT)
	if o == nil {
		return nil, c.errorf("has no IfOptions naming its branches")
	}
	p := &IfParams{}
	var err error
	if p.Then, err = c.subgraph("then", o.ThenSubgraphIndex); err != nil {
		return nil, err
	}
	if p.Else, err = c.subgraph("else", o.ElseSubgraphIndex); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *IfParams) eval(r *run, op *Op) error {
	branch, name := p.Else, "else"
	if r.u8(op.Inputs[0])[0] != 0 {
		branch, name = p.Then, "then"
	}
	g, err := r.called(branch)
	if err != nil {
		return err
	}
	if r.tr != nil {
		r.tr.Note = fmt.Sprintf("condition %v: ran the %s subgraph %d", name == "then", name, branch)
	}
	srcs, vals := r.tensorsOf(op.Inputs[1:])
	outT, outs, err := r.call(g, srcs, vals)
	if err != nil {
		return err
	}
	return r.setOutputs(op, outT, outs)
}
