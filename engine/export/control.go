package export

import (
	"fmt"
	"strings"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitCallOnce, "CallOnceParams")
	register(emitVarHandle, "VarHandleParams")
	register(emitReadVariable, "ReadVariableParams")
	register(emitAssignVariable, "AssignVariableParams")
	register(emitIf, "IfParams")
	register(emitWhile, "WhileParams")
}

// Control flow and state, every profile. A called subgraph is the
// function subgraph_<i>(inputs, P, S) (numpy.go writeSubgraph); S is the
// state dict of py/control.py, which persists from one forward() call to
// the next like a TFLite interpreter's resource variables and CALL_ONCE
// flags.

// emitCallOnce: CALL_ONCE (kernels/call_once.cc) runs its init subgraph
// the first time for a state.
func emitCallOnce(c *opCtx) error {
	p := c.params.(*engine.CallOnceParams)
	c.use("control")
	c.line("call_once(S, %d, subgraph_%d, P)", p.InitSubgraph, p.InitSubgraph)
	return nil
}

// emitVarHandle: VAR_HANDLE (kernels/var_handle.cc) writes the resource id
// Prepare gave the variable's container and shared name.
func emitVarHandle(c *opCtx) error {
	p := c.params.(*engine.VarHandleParams)
	c.line("# resource variable %s (container %s)", pyString(p.SharedName), pyString(p.Container))
	c.set(0, fmt.Sprint(p.ResourceID))
	return nil
}

// emitReadVariable: READ_VARIABLE (kernels/read_variable.cc) copies the
// variable's value.
func emitReadVariable(c *opCtx) error {
	c.use("control")
	out := c.outT(0)
	c.set(0, fmt.Sprintf("read_variable(S, %s, %s, %s)", c.in(0), pyDType(out.Type), pyShape(out.Shape)))
	return nil
}

// emitAssignVariable: ASSIGN_VARIABLE (kernels/assign_variable.cc) makes
// the variable a copy of the value, its type and shape included.
func emitAssignVariable(c *opCtx) error {
	c.use("control")
	c.line("assign_variable(S, %s, %s)", c.in(0), c.in(1))
	return nil
}

// emitIf: IF (kernels/if.cc) runs the then or else subgraph on inputs 1…
// and takes its outputs.
func emitIf(c *opCtx) error {
	p := c.params.(*engine.IfParams)
	c.use("control")
	var args []string
	for i := 1; i < len(c.op.Inputs); i++ {
		args = append(args, c.in(i))
	}
	c.line("outs = (subgraph_%d if raw(%s).reshape(-1)[0] != 0 else subgraph_%d)([%s], P, S)", p.Then, c.in(0), p.Else, strings.Join(args, ", "))
	setOutputs(c)
	return nil
}

// emitWhile: WHILE (kernels/while.cc) maps the loop variables through the
// body while the cond subgraph outputs true.
func emitWhile(c *opCtx) error {
	p := c.params.(*engine.WhileParams)
	c.use("control")
	var args []string
	for i := range c.op.Inputs {
		args = append(args, c.in(i))
	}
	c.line("outs = while_loop(subgraph_%d, subgraph_%d, [%s], P, S)", p.Cond, p.Body, strings.Join(args, ", "))
	setOutputs(c)
	return nil
}

// setOutputs sets the op's outputs from the list outs, checking that each
// fits (same type and size), as the engine's setOutputs does.
func setOutputs(c *opCtx) {
	var specs []string
	for i := range c.op.Outputs {
		specs = append(specs, fmt.Sprintf("(%s, %d)", pyDType(c.outT(i).Type), c.outT(i).NumElements()))
	}
	c.line("check_outputs(outs, [%s])", strings.Join(specs, ", "))
	for i := range c.op.Outputs {
		c.set(i, fmt.Sprintf("outs[%d]", i))
	}
}
