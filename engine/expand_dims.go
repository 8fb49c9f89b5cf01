package engine

import (
	"github.com/int8scope/int8scope/engine/tflite"
)

// ExpandDimsParams are EXPAND_DIMS's prepared parameters.
//
// Mirrors TFLite Micro's expand_dims (kernels/expand_dims.cc): inserts a
// dimension of size 1 at Axis (the axis input, a constant int32 or int64
// scalar; negative counts from the end of the output shape, −1 appends) and
// copies the bytes unchanged. Any element type.
type ExpandDimsParams struct {
	Axis        int   `json:"axis"` // non-negative, in the output shape
	InputShape  []int `json:"input_shape"`
	OutputShape []int `json:"output_shape"`

	in, out int
}

func init() { register(tflite.BuiltinOperatorEXPAND_DIMS, prepareExpandDims) }

func prepareExpandDims(c *prepCtx) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	in, axisT, out := c.in(0), c.in(1), c.out(0)
	if err := sameType(c, in, out); err != nil {
		return nil, err
	}
	if len(axisT.Shape) > 1 {
		return nil, c.errorf("axis tensor %d has shape %v; want a scalar", axisT.Index, axisT.Shape)
	}
	axes, err := indexValues(c, "axis", axisT, true)
	if err != nil {
		return nil, err
	}
	if len(axes) != 1 {
		return nil, c.errorf("axis tensor %d has %d values; want one", axisT.Index, len(axes))
	}
	rank := len(in.Shape)
	axis := axes[0]
	if axis < 0 {
		axis += rank + 1
	}
	if axis < 0 || axis > rank {
		return nil, c.errorf("axis %d is out of range for input shape %v", axes[0], in.Shape)
	}
	p := &ExpandDimsParams{Axis: axis, InputShape: in.Shape, in: in.Index, out: out.Index}
	p.OutputShape = append(append(append([]int{}, in.Shape[:axis]...), 1), in.Shape[axis:]...)
	if err := c.sameShape(out, p.OutputShape); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *ExpandDimsParams) eval(r *run, op *Op) error {
	copy(r.vals[p.out], r.vals[p.in])
	return nil
}
