package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ReduceMaxParams are REDUCE_MAX's and REDUCE_MIN's prepared parameters.
//
// Mirrors TFLite's kernels/reduce.cc (reference_ops::ReduceGeneric with
// the max and min reducers) and TFLite Micro's kernels/reduce.cc: each
// output element starts at the type's lowest (highest) value, and the input
// elements that reduce into it are visited in row-major order,
//
//	max: out = in > out ? in : out      min: out = in < out ? in : out
//
// so among equal values (0 and −0) the first one stays. Integer values are
// compared as stored, whatever their quantization: the output must be
// quantized like the input.
type ReduceMaxParams struct {
	reduction
	Min bool `json:"min"` // REDUCE_MIN

	in, out int
	typ     DType
}

func init() {
	register(tflite.BuiltinOperatorREDUCE_MAX, func(c *prepCtx) (kernel, error) { return prepareReduceMax(c, false) })
}

func prepareReduceMax(c *prepCtx, isMin bool) (kernel, error) {
	in, out, err := c.moving(2, Float32, Int8, Uint8, Int16, Int32, Int64)
	if err != nil {
		return nil, err
	}
	axisT := c.in(1)
	if err := sameQuant(c, in, out); err != nil {
		return nil, err
	}
	rd, err := prepareReduction(c, in, axisT, out)
	if err != nil {
		return nil, err
	}
	return &ReduceMaxParams{reduction: *rd, Min: isMin, in: in.Index, out: out.Index, typ: in.Type}, nil
}

// better reports whether v replaces the current value cur.
func (p *ReduceMaxParams) better(v, cur float64) bool {
	if p.Min {
		return v < cur
	}
	return v > cur
}

func (p *ReduceMaxParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Float32:
		reduceExtreme(p, r.f32(p.in), r.f32(p.out), -math.MaxFloat32, math.MaxFloat32)
	case Int8:
		reduceExtreme(p, r.i8(p.in), r.i8(p.out), math.MinInt8, math.MaxInt8)
	case Uint8:
		reduceExtreme(p, r.u8(p.in), r.u8(p.out), 0, math.MaxUint8)
	case Int16:
		reduceExtreme(p, r.i16(p.in), r.i16(p.out), math.MinInt16, math.MaxInt16)
	case Int32:
		reduceExtreme(p, r.i32(p.in), r.i32(p.out), math.MinInt32, math.MaxInt32)
	case Int64:
		reduceExtreme(p, r.i64(p.in), r.i64(p.out), math.MinInt64, math.MaxInt64)
	}
	return nil
}

func reduceExtreme[T int8 | uint8 | int16 | int32 | int64 | float32](p *ReduceMaxParams, in, out []T, lowest, highest T) {
	start := lowest
	if p.Min {
		start = highest
	}
	for o := range out {
		out[o] = start
	}
	p.each(len(in), func(i, o int) {
		if (p.Min && in[i] < out[o]) || (!p.Min && in[i] > out[o]) {
			out[o] = in[i]
		}
	})
}

func (p *ReduceMaxParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	b, typ := res.Tensors[p.in], p.typ
	src, n := -1, 0
	var best float64
	p.each(numElements(res.Model.Tensors[p.in].Shape), func(i, o int) {
		if o != index {
			return
		}
		n++
		if v := elementValue(typ, b, i); src < 0 || p.better(v, best) {
			src, best = i, v
		}
	})
	what := "max"
	if p.Min {
		what = "min"
	}
	if src < 0 {
		return explainConstant(elementValue(typ, res.Tensors[p.out], index), "no input element reduces into this one: the type's extreme value"), nil
	}
	return explainMoved(res, p.in, src, fmt.Sprintf("the %s of the %d input elements reduced over axes %v (the first one, in row-major order, among equals)", what, n, p.Axes)), nil
}
