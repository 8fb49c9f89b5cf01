package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// CALL_ONCE mirrors TFLite's kernels/call_once.cc: the first time it runs
// for a model's state, it runs its init subgraph (which has no inputs or
// outputs; it typically assigns the initial values of the resource
// variables), and records that in the State; later runs do nothing, until
// Model.Reset.

func init() { register(tflite.BuiltinOperatorCALL_ONCE, prepareCallOnce) }

// CallOnceParams names the init subgraph.
type CallOnceParams struct {
	InitSubgraph int `json:"init_subgraph_index"`
}

func prepareCallOnce(c *prepCtx) (kernel, error) {
	if err := c.io(0, 0, 0); err != nil {
		return nil, err
	}
	o, _ := c.op.Options.(*tflite.CallOnceOptionsT)
	if o == nil {
		return nil, c.errorf("has no CallOnceOptions naming its init subgraph")
	}
	i, err := c.subgraph("init", o.InitSubgraphIndex)
	if err != nil {
		return nil, err
	}
	return &CallOnceParams{InitSubgraph: i}, nil
}

func (p *CallOnceParams) eval(r *run, op *Op) error {
	if r.st.initialized[p.InitSubgraph] {
		if r.tr != nil {
			r.tr.Note = fmt.Sprintf("init subgraph %d already ran for this state; nothing to do", p.InitSubgraph)
		}
		return nil
	}
	if r.tr != nil {
		r.tr.Note = fmt.Sprintf("ran init subgraph %d (first run since load or reset)", p.InitSubgraph)
	}
	g, err := r.called(p.InitSubgraph)
	if err != nil {
		return err
	}
	if len(g.Inputs) != 0 || len(g.Outputs) != 0 {
		return fmt.Errorf("init subgraph %d has %d inputs and %d outputs; CALL_ONCE needs none", p.InitSubgraph, len(g.Inputs), len(g.Outputs))
	}
	if _, _, err := r.call(g, nil, nil); err != nil {
		return err
	}
	r.st.initialized[p.InitSubgraph] = true
	return nil
}
