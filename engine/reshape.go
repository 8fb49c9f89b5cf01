package engine

import (
	"github.com/int8scope/int8scope/engine/tflite"
)

// ReshapeParams are RESHAPE's prepared parameters.
//
// Mirrors TFLite Micro's reshape (kernels/reshape.cc, reshape_common.cc): the
// output keeps the input's bytes in the same order, only the shape changes.
// The new shape comes from the shape input (a 1-D int32 tensor) or,
// failing that, ReshapeOptions.new_shape; one dimension may be −1 and is then
// inferred from the element count. Any element type.
type ReshapeParams struct {
	InputShape  []int `json:"input_shape"`
	NewShape    []int `json:"new_shape,omitempty"` // as written in the model, −1 included
	OutputShape []int `json:"output_shape"`

	in, out int
}

func init() { register(tflite.BuiltinOperatorRESHAPE, prepareReshape) }

func prepareReshape(c *prepCtx) (kernel, error) {
	if err := c.io(1, 2, 1); err != nil {
		return nil, err
	}
	in, shape, out := c.in(0), c.in(1), c.out(0)
	if err := sameType(c, in, out); err != nil {
		return nil, err
	}
	p := &ReshapeParams{InputShape: in.Shape, OutputShape: out.Shape, in: in.Index, out: out.Index}
	// Like TFLite's GetOutputShape: a 1-D int32 shape tensor wins, otherwise
	// the options; without either, the output tensor's shape is the new
	// shape, as in TFLite Micro. A shape tensor computed by earlier ops
	// makes the output dynamic (TFLite: SetTensorToDynamic), worked out
	// when the model runs.
	var spec []int
	switch o, _ := c.op.Options.(*tflite.ReshapeOptionsT); {
	case shape != nil && shape.Type == Int32 && len(shape.Shape) == 1:
		s, err := indexValues(c, "shape", shape, false)
		if err != nil {
			return nil, err
		}
		spec = s
	case o != nil && o.NewShape != nil:
		for _, v := range o.NewShape {
			spec = append(spec, int(v))
		}
		// Legacy models write [0] for a scalar.
		if shape == nil && len(spec) == 1 && spec[0] == 0 {
			spec = []int{}
		}
	}
	if spec != nil {
		p.NewShape = spec
		want, err := resolveReshape(c, spec, in.NumElements())
		if err != nil {
			return nil, err
		}
		if err := c.sameShape(out, want); err != nil {
			return nil, err
		}
	}
	if in.NumElements() != out.NumElements() {
		return nil, c.errorf("input shape %v has %d elements but output shape %v has %d", in.Shape, in.NumElements(), out.Shape, out.NumElements())
	}
	return p, nil
}

// resolveReshape replaces the one −1 of a new shape by what makes the element
// count n.
func resolveReshape(c *prepCtx, spec []int, n int) ([]int, error) {
	s := append([]int{}, spec...)
	stretch, known := -1, 1
	for i, v := range s {
		switch {
		case v == -1 && stretch >= 0:
			return nil, c.errorf("new shape %v has more than one −1", spec)
		case v == -1:
			stretch = i
		case v < 0:
			return nil, c.errorf("new shape %v has a negative dimension", spec)
		default:
			known *= v
		}
	}
	if stretch >= 0 {
		if known == 0 || n%known != 0 {
			return nil, c.errorf("new shape %v cannot hold %d elements", spec, n)
		}
		s[stretch] = n / known
	}
	if numElements(s) != n {
		return nil, c.errorf("new shape %v has %d elements, the input %d", spec, numElements(s), n)
	}
	return s, nil
}

func (p *ReshapeParams) eval(r *run, op *Op) error {
	copy(r.vals[p.out], r.vals[p.in])
	return nil
}
