package engine

import (
	"github.com/int8scope/int8scope/engine/tflite"
)

// SqueezeParams are SQUEEZE's prepared parameters.
//
// Mirrors TFLite Micro's squeeze (kernels/squeeze.cc): removes the size-1
// dimensions listed in SqueezeOptions.squeeze_dims (negative counts from the
// end), or every size-1 dimension when the list is empty, and copies the
// bytes unchanged. Any element type.
type SqueezeParams struct {
	InputShape  []int `json:"input_shape"`
	SqueezeDims []int `json:"squeeze_dims"` // the removed dimensions, non-negative
	OutputShape []int `json:"output_shape"`

	in, out int
}

func init() { register(tflite.BuiltinOperatorSQUEEZE, prepareSqueeze) }

func prepareSqueeze(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	if err := sameType(c, in, out); err != nil {
		return nil, err
	}
	rank := len(in.Shape)
	squeeze := make([]bool, rank)
	var dims []int32
	if o, _ := c.op.Options.(*tflite.SqueezeOptionsT); o != nil {
		dims = o.SqueezeDims
	}
	if len(dims) == 0 {
		for d, n := range in.Shape {
			squeeze[d] = n == 1
		}
	}
	for _, v := range dims {
		d := int(v)
		if d < 0 {
			d += rank
		}
		if d < 0 || d >= rank || in.Shape[d] != 1 {
			return nil, c.errorf("cannot squeeze dimension %d of input shape %v: it must exist and have size 1", v, in.Shape)
		}
		squeeze[d] = true
	}
	p := &SqueezeParams{InputShape: in.Shape, SqueezeDims: []int{}, OutputShape: []int{}, in: in.Index, out: out.Index}
	for d, n := range in.Shape {
		if squeeze[d] {
			p.SqueezeDims = append(p.SqueezeDims, d)
		} else {
			p.OutputShape = append(p.OutputShape, n)
		}
	}
	if err := c.sameShape(out, p.OutputShape); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *SqueezeParams) eval(r *run, op *Op) error {
	copy(r.vals[p.out], r.vals[p.in])
	return nil
}
