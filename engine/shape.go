package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ShapeParams are SHAPE's prepared parameters.
//
// Mirrors TFLite's kernels/shape.cc and TFLite Micro's kernels/shape.cc:
// the output is the input's shape as a 1-D int32 (or, with out_type, int64)
// tensor. The input's shape is known at Prepare, so the value is too: like
// TFLite, Prepare computes it, and the ops that read it as a shape are
// prepared with it at load.
type ShapeParams struct {
	Shape []int `json:"shape"`
	Type  DType `json:"out_type"`

	out int
}

func init() { register(tflite.BuiltinOperatorSHAPE, prepareShape) }

func prepareShape(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	if out.Type != Int32 && out.Type != Int64 {
		return nil, c.errorf("output tensor %d has type %v; SHAPE writes int32 or int64", out.Index, out.Type)
	}
	if o, _ := c.op.Options.(*tflite.ShapeOptionsT); o != nil && DType(o.OutType) != out.Type && !(o.OutType == 0 && out.Type == Int32) {
		return nil, c.errorf("out_type %v differs from output tensor %d's type %v", DType(o.OutType), out.Index, out.Type)
	}
	if err := c.sameShape(out, []int{len(in.Shape)}); err != nil {
		return nil, err
	}
	p := &ShapeParams{Shape: in.Shape, Type: out.Type, out: out.Index}
	// TFLite's Prepare computes the value already and makes the output
	// persistent (SetTensorToPersistentRo): a RESHAPE reading it is static.
	out.prepared = alignedBytes(out.NumBytes())
	p.write(out.prepared)
	return p, nil
}

func (p *ShapeParams) eval(r *run, op *Op) error {
	p.write(r.vals[p.out])
	return nil
}

func (p *ShapeParams) write(b []byte) {
	for i, d := range p.Shape {
		putInt(p.Type, b, i, int64(d))
	}
}

func (p *ShapeParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	return explainConstant(float64(p.Shape[index]), fmt.Sprintf("dimension %d of the input shape %v", index, p.Shape)), nil
}
