package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// GatherParams are GATHER's prepared parameters.
//
// Mirrors TFLite's kernels/gather.cc (reference_ops::Gather) and TFLite
// Micro's kernels/gather.cc: with the params input viewed as
// [Batch, Outer, AxisSize, Inner] (Batch: the first batch_dims dimensions,
// Outer: those up to Axis) and the positions as [Batch, Coords],
//
//	out[b, o, i, j] = params[b, o, positions[b, i], j]
//
// The output shape is params.shape[:axis] + positions.shape[batch_dims:] +
// params.shape[axis+1:]. A position outside [0, AxisSize) fails the run, as
// in TFLite ("gather index out of bounds"). Elements are copied as raw
// bytes.
type GatherParams struct {
	Axis      int   `json:"axis"`       // non-negative
	BatchDims int   `json:"batch_dims"` // non-negative
	Batch     int   `json:"batch"`
	Outer     int   `json:"outer"`
	AxisSize  int   `json:"axis_size"`
	Inner     int   `json:"inner"`
	Coords    int   `json:"coords"` // positions per batch
	Output    []int `json:"output_shape"`

	params, positions, out int
	size                   int
}

func init() { register(tflite.BuiltinOperatorGATHER, prepareGather) }

func prepareGather(c *prepCtx) (kernel, error) {
	in, out, err := c.moving(2, Float32, Uint8, Int8, Int16, Int32, Int64, Bool)
	if err != nil {
		return nil, err
	}
	pos := c.in(1)
	if pos.Type != Int32 && pos.Type != Int64 {
		return nil, c.errorf("positions tensor %d has type %v, want int32 or int64", pos.Index, pos.Type)
	}
	o, _ := c.op.Options.(*tflite.GatherOptionsT)
	if o == nil {
		o = &tflite.GatherOptionsT{}
	}
	axis, err := normAxis(c, int(o.Axis), len(in.Shape))
	if err != nil {
		return nil, err
	}
	bd := int(o.BatchDims)
	if bd < 0 {
		bd += len(pos.Shape)
	}
	if bd < 0 || bd > axis || bd > len(pos.Shape) {
		return nil, c.errorf("batch_dims %d must be in [0, %d] (at most the axis %d and the positions' rank %d)", o.BatchDims, min(axis, len(pos.Shape)), axis, len(pos.Shape))
	}
	if !equalInts(in.Shape[:bd], pos.Shape[:bd]) {
		return nil, c.errorf("the first %d (batch_dims) dimensions of params %v and positions %v differ", bd, in.Shape, pos.Shape)
	}
	want := append(append(append([]int{}, in.Shape[:axis]...), pos.Shape[bd:]...), in.Shape[axis+1:]...)
	if err := c.sameShape(out, want); err != nil {
		return nil, err
	}
	return &GatherParams{Axis: axis, BatchDims: bd, Batch: numElements(in.Shape[:bd]), Outer: numElements(in.Shape[bd:axis]),
		AxisSize: in.Shape[axis], Inner: numElements(in.Shape[axis+1:]), Coords: numElements(pos.Shape[bd:]), Output: want,
		params: in.Index, positions: pos.Index, out: out.Index, size: in.Type.Size()}, nil
}

// source returns the params element that output element index copies, and
// the position it used.
func (p *GatherParams) source(pos []byte, posType DType, index int) (src int, at int, v int64, err error) {
	j := index % p.Inner
	r := index / p.Inner
	i := r % p.Coords
	r /= p.Coords
	o, b := r%p.Outer, r/p.Outer
	at = b*p.Coords + i
	v = intValue(posType, pos, at)
	if v < 0 || v >= int64(p.AxisSize) {
		return 0, at, v, fmt.Errorf("gather index out of bounds: position %d (element %d of the positions) is outside [0, %d)", v, at, p.AxisSize)
	}
	return ((b*p.Outer+o)*p.AxisSize+int(v))*p.Inner + j, at, v, nil
}

func (p *GatherParams) eval(r *run, op *Op) error {
	src, dst, pos := r.vals[p.params], r.vals[p.out], r.vals[p.positions]
	pt := r.m.Tensors[p.positions].Type
	row := p.Inner * p.size
	for k := 0; k < len(dst)/max(row, 1); k++ {
		s, _, _, err := p.source(pos, pt, k*p.Inner)
		if err != nil {
			return err
		}
		copy(dst[k*row:(k+1)*row], src[s*p.size:s*p.size+row])
	}
	return nil
}

func (p *GatherParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	pt := res.Model.Tensors[p.positions]
	s, at, v, err := p.source(res.Tensors[p.positions], pt.Type, index)
	if err != nil {
		return nil, err
	}
	return explainMoved(res, p.params, s, fmt.Sprintf("position = positions%v = %d, taken along axis %d of the params", pt.Coords(at), v, p.Axis)), nil
}
