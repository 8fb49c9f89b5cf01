package engine

import (
	"github.com/int8scope/int8scope/engine/tflite"
)

// ArgMaxParams are ARG_MAX's prepared parameters.
//
// Mirrors TFLite's reference_ops::ArgMinMax (reference/arg_min_max.h) with
// std::greater, as TFLite Micro's kernels/arg_min_max.cc runs it: for every
// (outer, inner) position, the index along Axis of the largest value, the
// first one on ties (a later value must be strictly greater to win). The
// comparison is on the stored values, quantized or float.
type ArgMaxParams struct {
	Axis     int   `json:"axis"` // non-negative
	Outer    int   `json:"outer"`
	AxisSize int   `json:"axis_size"`
	Inner    int   `json:"inner"`
	Output   DType `json:"output_type"`

	in, out int
	typ     DType
}

func init() { register(tflite.BuiltinOperatorARG_MAX, prepareArgMax) }

func prepareArgMax(c *prepCtx) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	in, axisT, out := c.in(0), c.in(1), c.out(0)
	switch in.Type {
	case Float32, Int8, Uint8, Int16, Int32:
	default:
		return nil, c.unsupportedTypes()
	}
	if out.Type != Int32 && out.Type != Int64 {
		return nil, c.errorf("output tensor %d is %v; ARG_MAX writes int32 or int64", out.Index, out.Type)
	}
	if o, _ := c.op.Options.(*tflite.ArgMaxOptionsT); o != nil && DType(o.OutputType) != out.Type && o.OutputType != 0 {
		return nil, c.errorf("options ask for %v output but output tensor %d is %v", DType(o.OutputType), out.Index, out.Type)
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
	p := &ArgMaxParams{Axis: axis, Outer: numElements(in.Shape[:axis]), AxisSize: in.Shape[axis],
		Inner: numElements(in.Shape[axis+1:]), Output: out.Type, in: in.Index, out: out.Index, typ: in.Type}
	want := append(append([]int{}, in.Shape[:axis]...), in.Shape[axis+1:]...)
	if err := c.sameShape(out, want); err != nil {
		return nil, err
	}
	if p.AxisSize == 0 && p.Outer*p.Inner > 0 {
		return nil, c.errorf("axis %d of input shape %v is empty; there is no maximum", axis, in.Shape)
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
	case Uint8:
		idx = argMax(p, r.u8(p.in))
	case Int16:
		idx = argMax(p, r.i16(p.in))
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

// argMax returns the first index of the maximum for every (outer, inner).
func argMax[T int8 | uint8 | int16 | int32 | float32](p *ArgMaxParams, in []T) []int {
	idx := make([]int, p.Outer*p.Inner)
	for o := 0; o < p.Outer; o++ {
		for k := 0; k < p.Inner; k++ {
			base := o * p.AxisSize * p.Inner
			best, at := in[base+k], 0
			for i := 1; i < p.AxisSize; i++ {
				if v := in[base+i*p.Inner+k]; v > best {
					best, at = v, i
				}
			}
			idx[o*p.Inner+k] = at
		}
	}
	return idx
}
