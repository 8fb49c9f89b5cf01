package engine

import (
	"encoding/binary"
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// VAR_HANDLE mirrors TFLite's kernels/var_handle.cc: it names a resource
// variable by its container and shared name; Prepare gives each distinct
// name a resource id (0, 1, … in the order the ops are prepared), and Eval
// writes that id, an int32, into the output (a RESOURCE tensor), which
// READ_VARIABLE and ASSIGN_VARIABLE take.

func init() { register(tflite.BuiltinOperatorVAR_HANDLE, prepareVarHandle) }

// VarHandleParams is the resource variable a VAR_HANDLE names and the id
// Prepare gave it.
type VarHandleParams struct {
	Container  string `json:"container"`
	SharedName string `json:"shared_name"`
	ResourceID int    `json:"resource_id"`
}

func prepareVarHandle(c *prepCtx) (kernel, error) {
	if err := c.io(0, 0, 1); err != nil {
		return nil, err
	}
	if err := c.resourceTensor("output", c.out(0)); err != nil {
		return nil, err
	}
	o, _ := c.op.Options.(*tflite.VarHandleOptionsT)
	if o == nil {
		o = &tflite.VarHandleOptionsT{}
	}
	return &VarHandleParams{Container: o.Container, SharedName: o.SharedName,
		ResourceID: c.m.resourceID(o.Container, o.SharedName)}, nil
}

func (p *VarHandleParams) eval(r *run, op *Op) error {
	binary.LittleEndian.PutUint32(r.vals[op.Outputs[0]], uint32(p.ResourceID))
	return nil
}

// resourceTensor checks a resource handle tensor as TFLite's variable ops
// do: type RESOURCE (or int32) holding one element.
func (c *prepCtx) resourceTensor(role string, t *Tensor) error {
	if (t.Type != Resource && t.Type != Int32) || t.NumElements() != 1 {
		return c.errorf("%s tensor %d (%q) is %v %v; a resource handle is one resource (or int32) element", role, t.Index, t.Name, t.Type, t.Shape)
	}
	return nil
}

// resourceID reads the resource id a handle tensor holds.
func (r *run) resourceID(t int) (int, error) {
	id := int(r.i32(t)[0])
	if id < 0 || id >= len(r.m.top().resources) {
		return 0, fmt.Errorf("resource handle tensor %d holds id %d, which no VAR_HANDLE gave", t, id)
	}
	return id, nil
}
