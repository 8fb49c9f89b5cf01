package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// SelectParams are SELECT's and SELECT_V2's prepared parameters.
//
// Mirrors TFLite's kernels/select.cc (reference_ops::Select, RankOneSelect,
// BroadcastSelect5DSlow) and TFLite Micro's kernels/select.cc (SELECT_V2):
//
//	out = condition ? x : y
//
// SELECT needs x and y of one shape and a condition of that shape, or a
// 1-D condition that picks whole rows along the first dimension; SELECT_V2
// broadcasts the condition, x and y against one another. Elements are
// copied as raw bytes (x and y must have the output's type).
type SelectParams struct {
	OutputShape []int `json:"output_shape"`
	RankOne     bool  `json:"rank_one_condition,omitempty"` // SELECT with a 1-D condition

	// per output dimension, each input's element stride (0 where it repeats)
	strides    [3][]int
	cond, x, y int
	out, size  int
	inner      int // RankOne: elements per row
}

func init() {
	register(tflite.BuiltinOperatorSELECT, func(c *prepCtx) (kernel, error) { return prepareSelect(c, false) })
	register(tflite.BuiltinOperatorSELECT_V2, func(c *prepCtx) (kernel, error) { return prepareSelect(c, true) })
}

func prepareSelect(c *prepCtx, v2 bool) (kernel, error) {
	if err := c.io(3, 3, 1); err != nil {
		return nil, err
	}
	cond, x, y, out := c.in(0), c.in(1), c.in(2), c.out(0)
	if cond.Type != Bool {
		return nil, c.errorf("condition tensor %d is %v, want bool", cond.Index, cond.Type)
	}
	if x.Type != y.Type {
		return nil, c.errorf("x is %v but y is %v", x.Type, y.Type)
	}
	if err := sameType(c, x, out); err != nil {
		return nil, err
	}
	switch x.Type {
	case Bool, Float32, Uint8, Int8, Int16, Int32, Int64:
	default:
		return nil, c.unsupportedTypes()
	}
	p := &SelectParams{cond: cond.Index, x: x.Index, y: y.Index, out: out.Index, size: x.Type.Size()}
	if !v2 {
		if !equalInts(x.Shape, y.Shape) {
			return nil, c.errorf("x %v and y %v must have one shape (SELECT_V2 broadcasts)", x.Shape, y.Shape)
		}
		rankOne := len(cond.Shape) == 1 && len(x.Shape) > 1 && cond.Shape[0] == x.Shape[0]
		if !rankOne && !equalInts(cond.Shape, x.Shape) {
			return nil, c.errorf("condition %v must have the shape of x %v or be 1-D over its first dimension", cond.Shape, x.Shape)
		}
		p.OutputShape, p.RankOne = x.Shape, rankOne
		if rankOne {
			p.inner = numElements(x.Shape[1:])
		}
	} else {
		bc1, err := newBroadcast(cond.Shape, x.Shape)
		if err != nil {
			return nil, c.errorf("%v", err)
		}
		bc, err := newBroadcast(bc1.out, y.Shape)
		if err != nil {
			return nil, c.errorf("%v", err)
		}
		p.OutputShape = bc.out
	}
	if err := c.sameShape(out, p.OutputShape); err != nil {
		return nil, err
	}
	for k, t := range []*Tensor{cond, x, y} {
		p.strides[k] = broadcastStrides(t.Shape, p.OutputShape)
	}
	return p, nil
}

// broadcastStrides returns, per dimension of out, the element stride of a
// tensor of shape s broadcast to out (aligned at the last dimension; 0
// where s has size 1 or lacks the dimension).
func broadcastStrides(s, out []int) []int {
	st := make([]int, len(out))
	n := 1
	for d := len(out) - 1; d >= 0; d-- {
		if i := d - (len(out) - len(s)); i >= 0 && s[i] != 1 {
			st[d] = n
			n *= s[i]
		} else if i >= 0 {
			n *= s[i]
		}
	}
	return st
}

// sources returns the condition, x and y elements output element o reads.
func (p *SelectParams) sources(o int) (ci, xi, yi int) {
	if p.RankOne {
		return o / max(p.inner, 1), o, o
	}
	var idx [3]int
	for d := len(p.OutputShape) - 1; d >= 0; d-- {
		c := o % p.OutputShape[d]
		o /= p.OutputShape[d]
		for k := range idx {
			idx[k] += c * p.strides[k][d]
		}
	}
	return idx[0], idx[1], idx[2]
}

func (p *SelectParams) eval(r *run, op *Op) error {
	cond, x, y, dst := r.vals[p.cond], r.vals[p.x], r.vals[p.y], r.vals[p.out]
	for o := 0; o*p.size < len(dst); o++ {
		ci, xi, yi := p.sources(o)
		src, i := y, yi
		if cond[ci] != 0 {
			src, i = x, xi
		}
		copy(dst[o*p.size:(o+1)*p.size], src[i*p.size:])
	}
	return nil
}

func (p *SelectParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	ci, xi, yi := p.sources(index)
	if res.Tensors[p.cond][ci] != 0 {
		return explainMoved(res, p.x, xi, fmt.Sprintf("condition element %d is true: x", ci)), nil
	}
	return explainMoved(res, p.y, yi, fmt.Sprintf("condition element %d is false: y", ci)), nil
}
