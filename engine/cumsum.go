package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// CumsumParams are CUMSUM's prepared parameters.
//
// Mirrors TFLite's kernels/cumsum.cc (optimized_ops::CumSum): along Axis
// (a constant int32 scalar input), each output element is the running sum
// of the input elements before it (Exclusive) or up to it, counted from the
// end with Reverse:
//
//	out[o, k, i] = Σ in[o, j, i] over j ≤ k (j < k exclusive; j ≥ k, j > k reversed)
//
// added one at a time in that order (float32 rounds at every step; int32
// and int64 wrap).
type CumsumParams struct {
	Axis      int  `json:"axis"`
	Exclusive bool `json:"exclusive"`
	Reverse   bool `json:"reverse"`
	Outer     int  `json:"outer"`
	AxisSize  int  `json:"axis_size"`
	Inner     int  `json:"inner"`

	in, out int
	typ     DType
}

func init() { register(tflite.BuiltinOperatorCUMSUM, prepareCumsum) }

func prepareCumsum(c *prepCtx) (kernel, error) {
	in, out, err := c.moving(2, Float32, Int32, Int64)
	if err != nil {
		return nil, err
	}
	axisT := c.in(1)
	if axisT.Type != Int32 {
		return nil, c.errorf("axis tensor %d is %v, want int32", axisT.Index, axisT.Type)
	}
	axis, err := splitAxis(c, axisT, in)
	if err != nil {
		return nil, err
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	o, _ := c.op.Options.(*tflite.CumsumOptionsT)
	if o == nil {
		o = &tflite.CumsumOptionsT{}
	}
	return &CumsumParams{Axis: axis, Exclusive: o.Exclusive, Reverse: o.Reverse, Outer: numElements(in.Shape[:axis]), AxisSize: in.Shape[axis],
		Inner: numElements(in.Shape[axis+1:]), in: in.Index, out: out.Index, typ: in.Type}, nil
}

// order returns the axis positions in the order they are summed.
func (p *CumsumParams) order() []int {
	ks := make([]int, p.AxisSize)
	for k := range ks {
		ks[k] = k
		if p.Reverse {
			ks[k] = p.AxisSize - 1 - k
		}
	}
	return ks
}

func (p *CumsumParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Float32:
		cumsum(p, r.f32(p.in), r.f32(p.out))
	case Int32:
		cumsum(p, r.i32(p.in), r.i32(p.out))
	case Int64:
		cumsum(p, r.i64(p.in), r.i64(p.out))
	}
	return nil
}

func cumsum[T int32 | int64 | float32](p *CumsumParams, in, out []T) {
	ks := p.order()
	for o := 0; o < p.Outer; o++ {
		for i := 0; i < p.Inner; i++ {
			var acc T
			for _, k := range ks {
				at := (o*p.AxisSize+k)*p.Inner + i
				if p.Exclusive {
					out[at] = acc
					acc += in[at]
				} else {
					acc += in[at]
					out[at] = acc
				}
			}
		}
	}
}

func (p *CumsumParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	k := index / p.Inner % p.AxisSize
	n := k + 1
	if p.Reverse {
		n = p.AxisSize - k
	}
	if p.Exclusive {
		n--
	}
	v := elementValue(p.typ, res.Tensors[p.out], index)
	return &Explanation{Arithmetic: fmt.Sprintf("running sum in %v, one element at a time", p.typ),
		Steps: []Step{{Name: "sum", Formula: fmt.Sprintf("the %d input elements along axis %d %s position %d", n, p.Axis, map[bool]string{false: "up to", true: "before"}[p.Exclusive], k), Value: v}},
		Value: int64(v)}, nil
}
