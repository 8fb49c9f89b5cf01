package engine

import (
	"slices"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ASSIGN_VARIABLE mirrors TFLite's kernels/assign_variable.cc: input 0 is a
// resource handle (VAR_HANDLE's output), input 1 the value. Eval creates the
// resource variable if it does not exist yet and makes it a copy of the
// value, its type and shape included (ResourceVariable::AssignFrom). It has
// no outputs; the variable lives in the model's State until the next
// assignment or Model.Reset.

func init() { register(tflite.BuiltinOperatorASSIGN_VARIABLE, prepareAssignVariable) }

// AssignVariableParams: ASSIGN_VARIABLE derives nothing; it copies.
type AssignVariableParams struct{}

func prepareAssignVariable(c *prepCtx) (kernel, error) {
	if err := c.io(2, 2, 0); err != nil {
		return nil, err
	}
	if err := c.resourceTensor("input 0", c.in(0)); err != nil {
		return nil, err
	}
	return &AssignVariableParams{}, nil
}

func (p *AssignVariableParams) eval(r *run, op *Op) error {
	id, err := r.resourceID(op.Inputs[0])
	if err != nil {
		return err
	}
	t := r.m.Tensors[op.Inputs[1]]
	v := r.st.variable(r.m, id)
	v.Type, v.Shape, v.Quant = t.Type, slices.Clone(t.Shape), t.Quant
	v.Data = append(v.Data[:0], r.vals[t.Index]...)
	if v.Data == nil {
		v.Data = []byte{}
	}
	return nil
}
