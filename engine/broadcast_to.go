package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// BroadcastToParams are BROADCAST_TO's prepared parameters.
//
// Mirrors TFLite's kernels/broadcast_to.cc (reference_ops::BroadcastTo)
// and TFLite Micro's kernels/broadcast_to.cc, up to 8-D: the input is
// repeated along the dimensions where it has size 1 (or lacks them,
// aligned at the last dimension) to the shape input (a constant 1-D int32
// or int64 tensor). Elements are copied as raw bytes.
type BroadcastToParams struct {
	InputShape  []int `json:"input_shape"`
	OutputShape []int `json:"output_shape"`

	strides       []int
	in, out, size int
}

func init() { register(tflite.BuiltinOperatorBROADCAST_TO, prepareBroadcastTo) }

func prepareBroadcastTo(c *prepCtx) (kernel, error) {
	in, out, err := c.moving(2, Float32, Int8, Uint8, Int16, Int32, Int64, Bool)
	if err != nil {
		return nil, err
	}
	shapeT := c.in(1)
	if len(shapeT.Shape) != 1 {
		return nil, c.errorf("shape tensor %d has shape %v; want 1-D", shapeT.Index, shapeT.Shape)
	}
	want, err := indexValues(c, "shape", shapeT, true)
	if err != nil {
		return nil, err
	}
	if len(want) > 8 || len(want) < len(in.Shape) {
		return nil, c.errorf("cannot broadcast input shape %v to %v (TFLite: at most 8 dimensions, at least the input's)", in.Shape, want)
	}
	for d := range in.Shape {
		od := want[len(want)-len(in.Shape)+d]
		if in.Shape[d] != 1 && in.Shape[d] != od {
			return nil, c.errorf("cannot broadcast input shape %v to %v (dimension %d)", in.Shape, want, d)
		}
	}
	if err := c.sameShape(out, want); err != nil {
		return nil, err
	}
	return &BroadcastToParams{InputShape: in.Shape, OutputShape: want, strides: broadcastStrides(in.Shape, want), in: in.Index, out: out.Index, size: in.Type.Size()}, nil
}

func (p *BroadcastToParams) source(o int) int {
	s := 0
	for d := len(p.OutputShape) - 1; d >= 0; d-- {
		s += o % p.OutputShape[d] * p.strides[d]
		o /= p.OutputShape[d]
	}
	return s
}

func (p *BroadcastToParams) eval(r *run, op *Op) error {
	copyRuns(r.vals[p.out], r.vals[p.in], p.size, 1, p.source)
	return nil
}

func (p *BroadcastToParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	return explainMoved(res, p.in, p.source(index), fmt.Sprintf("output %v, input shape %v repeated where it has size 1", unflatten(index, p.OutputShape), p.InputShape)), nil
}
