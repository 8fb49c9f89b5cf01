package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// WHILE mirrors TFLite's kernels/while.cc: its inputs are the initial
// values of the loop variables; while the cond subgraph, given the loop
// variables, outputs true (one bool), the body subgraph maps them to their
// next values; the op outputs the last ones (the inputs when the body never
// runs). int8scope's shapes are fixed at load, so the body must keep each
// variable's type and size. A loop that runs more than maxWhileIterations
// times is stopped with an error (TFLite would run on).

func init() { register(tflite.BuiltinOperatorWHILE, prepareWhile) }

// maxWhileIterations bounds a WHILE loop, so a model that never stops does
// not hang the page.
var maxWhileIterations = 1 << 20

// WhileParams names the cond and body subgraphs.
type WhileParams struct {
	Cond int `json:"cond_subgraph_index"`
	Body int `json:"body_subgraph_index"`
}

func prepareWhile(c *prepCtx) (kernel, error) {
	if len(c.op.Inputs) != len(c.op.Outputs) {
		return nil, c.errorf("has %d inputs and %d outputs; the loop variables need one of each", len(c.op.Inputs), len(c.op.Outputs))
	}
	for i := range c.op.Inputs {
		in := c.in(i)
		if in == nil {
			return nil, c.errorf("loop variable %d is missing", i)
		}
		if out := c.out(i); in.Type != out.Type || in.NumElements() != out.NumElements() {
			return nil, c.errorf("loop variable %d: input %v and output %v differ in type or size", i, in, out)
		}
	}
	o, _ := c.op.Options.(*tflite.WhileOptionsT)
	if o == nil {
		return nil, c.errorf("has no WhileOptions naming its cond and body")
	}
	p := &WhileParams{}
	var err error
	if p.Cond, err = c.subgraph("cond", o.CondSubgraphIndex); err != nil {
		return nil, err
	}
	if p.Body, err = c.subgraph("body", o.BodySubgraphIndex); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *WhileParams) eval(r *run, op *Op) error {
	cond, err := r.called(p.Cond)
	if err != nil {
		return err
	}
	body, err := r.called(p.Body)
	if err != nil {
		return err
	}
	srcs, vals := r.tensorsOf(op.Inputs)
	for n := 0; ; n++ {
		ct, cv, err := r.call(cond, srcs, vals)
		if err != nil {
			return fmt.Errorf("cond, iteration %d: %w", n, err)
		}
		if len(ct) != 1 || ct[0].Type != Bool || ct[0].NumElements() != 1 {
			return fmt.Errorf("cond subgraph %d must output one bool", p.Cond)
		}
		if cv[0][0] == 0 {
			if r.tr != nil {
				r.tr.Note = fmt.Sprintf("the body (subgraph %d) ran %d times", p.Body, n)
			}
			return r.setOutputs(op, srcs, vals)
		}
		if n == maxWhileIterations {
			return fmt.Errorf("the loop ran %d times without its cond (subgraph %d) turning false; int8scope stops it there", n, p.Cond)
		}
		bt, bv, err := r.call(body, srcs, vals)
		if err != nil {
			return fmt.Errorf("body, iteration %d: %w", n+1, err)
		}
		if len(bt) != len(srcs) {
			return fmt.Errorf("body subgraph %d has %d outputs for %d loop variables", p.Body, len(bt), len(srcs))
		}
		for i := range bt {
			if err := sameValue(bt[i], srcs[i]); err != nil {
				return fmt.Errorf("body output %d: %w", i, err)
			}
		}
		// Each call has values of its own, so the body's outputs stay
		// valid while the next iteration reads them.
		srcs, vals = bt, bv
	}
}
