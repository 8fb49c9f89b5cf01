package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// READ_VARIABLE mirrors TFLite's kernels/read_variable.cc: input 0 is a
// resource handle (VAR_HANDLE's output); Eval copies the resource
// variable's value into the output. As in TFLite, the variable must have
// been assigned and have the output's type. TFLite resizes a rank-0 output
// to the variable's shape; int8scope's shapes are fixed at load, so the
// variable must have the output's shape.

func init() { register(tflite.BuiltinOperatorREAD_VARIABLE, prepareReadVariable) }

// ReadVariableParams: READ_VARIABLE derives nothing; it copies.
type ReadVariableParams struct{}

func prepareReadVariable(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	if err := c.resourceTensor("input 0", c.in(0)); err != nil {
		return nil, err
	}
	return &ReadVariableParams{}, nil
}

func (p *ReadVariableParams) eval(r *run, op *Op) error {
	id, err := r.resourceID(op.Inputs[0])
	if err != nil {
		return err
	}
	out := r.m.Tensors[op.Outputs[0]]
	v := r.st.vars[id]
	k := r.m.top().resources[id]
	if v == nil || v.Data == nil {
		return fmt.Errorf("resource variable %d (container %q, shared name %q) is read before any ASSIGN_VARIABLE wrote it", id, k.container, k.sharedName)
	}
	if v.Type != out.Type {
		return fmt.Errorf("resource variable %d (%q) holds %v, but output %v is %v", id, k.sharedName, v.Type, out, out.Type)
	}
	if len(v.Data) != len(r.vals[out.Index]) {
		return fmt.Errorf("resource variable %d (%q) has shape %v, but output %v has shape %v (int8scope needs the shapes fixed at load)", id, k.sharedName, v.Shape, out, out.Shape)
	}
	copy(r.vals[out.Index], v.Data)
	return nil
}
