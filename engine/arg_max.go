package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ArgMaxParams are ARG_MAX's prepared parameters.
//
// Mirrors TFLite's reference_ops::ArgMinMax (reference/arg_min_max.h) with
// std::greater, as TFLite Micro's kernels/arg_min_max.cc runs it: for every
// (outer, inner) position, the index along Axis of the largest value, the
// first one on ties (a later value must be strictly greater to win). The
// comparison is on the stored values, quantized or float. ARG_MIN
// (arg_min.go) is the same kernel with std::less: Min set.
type ArgMaxParams struct {
	Min      bool  `json:"min,omitempty"` // ARG_MIN
	Axis     int   `json:"axis"`          // non-negative
	Outer    int   `json:"outer"`
	AxisSize int   `json:"axis_size"`
	Inner    int   `json:"inner"`
	Output   DType `json:"output_type"`

	in, out int
	typ     DType
}

func init() {
	register(tflite.BuiltinOperatorARG_MAX, func(c *prepCtx) (kernel, error) { return prepareArgMinMax(c, false) })
}

func prepareArgMinMax(c *prepCtx, isMin bool) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	in, axisT, out := c.in(0), c.in(1), c.out(0)
	switch in.Type { // TFLite's arg_min_max.cc: float32, int types but int16, and bool
	case Float32, Int8, Uint8, Int32, Bool:
	default:
		return nil, c.unsupportedTypes()
	}
	if out.Type != Int32 && out.Type != Int64 {
		return nil, c.errorf("output tensor %d is %v; ARG_MAX writes int32 or int64", out.Index, out.Type)
	}
	want := out.Type
	if o, _ := c.op.Options.(*tflite.ArgMaxOptionsT); o != nil && o.OutputType != 0 {
		want = DType(o.OutputType)
	}
	if o, _ := c.op.Options.(*tflite.ArgMinOptionsT); o != nil && o.OutputType != 0 {
		want = DType(o.OutputType)
	}
	if want != out.Type {
		return nil, c.errorf("options ask for %v output but output tensor %d is %v", want, out.Index, out.Type)
	}
	if axisT.NumElements() != 1 {
		return nil, c.errorf("axis tensor %d has shape %v; want a single value", axisT.Index, axisT.Shape)
	}
	axes, err := indexValues(c, "axis", axisT, true)
	if err != nil {
		return nil, err
	}
	rank := len(in.Shape)
	axis := axes[0]
	if axis < 0 {
		axis += rank
	}
	if axis < 0 || axis >= rank {
		return nil, c.errorf("axis %d is out of range for input shape %v", axes[0], in.Shape)
	}
	p := &ArgMaxParams{Min: isMin, Axis: axis, Outer: numElements(in.Shape[:axis]), AxisSize: in.Shape[axis],
		Inner: numElements(in.Shape[axis+1:]), Output: out.Type, in: in.Index, out: out.Index, typ: in.Type}
	if err := c.sameShape(out, append(append([]int{}, in.Shape[:axis]...), in.Shape[axis+1:]...)); err != nil {
		return nil, err
	}
	if p.AxisSize == 0 && p.Outer*p.Inner > 0 {
		return nil, c.errorf("axis %d of input shape %v is empty; there is no extreme value", axis, in.Shape)
	}
	return p, nil
}

func (p *ArgMaxParams) eval(r *run, op *Op) error {
	var idx []int
	switch p.typ {
	case Float32:
		idx = argMax(p, r.f32(p.in))
	case Int8:
		idx = argMax(p, r.i8(p.in))
	case Uint8, Bool:
		idx = argMax(p, r.u8(p.in))
	case Int32:
		idx = argMax(p, r.i32(p.in))
	}
	if p.Output == Int64 {
		out := r.i64(p.out)
		for i, v := range idx {
			out[i] = int64(v)
		}
	} else {
		out := r.i32(p.out)
		for i, v := range idx {
			out[i] = int32(v)
		}
	}
	return nil
}

// argMax returns the first index of the maximum (with Min, the minimum)
// for every (outer, inner).
func argMax[T int8 | uint8 | int32 | float32](p *ArgMaxParams, in []T) []int {
	idx := make([]int, p.Outer*p.Inner)
	for o := 0; o < p.Outer; o++ {
		for k := 0; k < p.Inner; k++ {
			base := o * p.AxisSize * p.Inner
			best, at := in[base+k], 0
			for i := 1; i < p.AxisSize; i++ {
				if v := in[base+i*p.Inner+k]; (!p.Min && v > best) || (p.Min && v < best) {
					best, at = v, i
				}
			}
			idx[o*p.Inner+k] = at
		}
	}
	return idx
}

func (p *ArgMaxParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	o, k := index/max(p.Inner, 1), index%max(p.Inner, 1)
	b := res.Tensors[p.in]
	base := o*p.AxisSize*p.Inner + k
	at := int(intValue(p.Output, res.Tensors[p.out], index))
	what := "largest"
	if p.Min {
		what = "smallest"
	}
	steps := []Step{{Name: "value", Formula: fmt.Sprintf("the %s of the %d values along axis %d (input elements %d, %d, … step %d), the first one on ties", what, p.AxisSize, p.Axis, base, base+p.Inner, p.Inner),
		Value: elementValue(p.typ, b, base+at*p.Inner)}}
	steps = append(steps, Step{Name: "index", Formula: fmt.Sprintf("its index along axis %d", p.Axis), Value: float64(at)})
	return &Explanation{Arithmetic: "compares the stored values", Steps: steps, Value: int64(at)}, nil
}
