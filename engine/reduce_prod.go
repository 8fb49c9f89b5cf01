package engine

import (
	"fmt"
	"strings"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ReduceProdParams are REDUCE_PROD's prepared parameters (float32, int32,
// int64).
//
// Mirrors TFLite's kernels/reduce.cc (EvalType with kProd:
// reference_ops::ReduceGeneric with the product reducer): each output
// element starts at 1 and the input elements that reduce into it are
// multiplied in, in row-major input order (reduction.each),
//
//	out = (((1 · x₀) · x₁) · …)
//
// in the element type: float32 rounds at each step, integers wrap.
type ReduceProdParams struct {
	reduction

	typ     DType
	in, out int
}

func init() { register(tflite.BuiltinOperatorREDUCE_PROD, prepareReduceProd) }

func prepareReduceProd(c *prepCtx) (kernel, error) {
	in, out, err := c.moving(2, Float32, Int32, Int64)
	if err != nil {
		return nil, err
	}
	rd, err := prepareReduction(c, in, c.in(1), out)
	if err != nil {
		return nil, err
	}
	return &ReduceProdParams{reduction: *rd, typ: in.Type, in: in.Index, out: out.Index}, nil
}

func (p *ReduceProdParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Float32:
		reduceProd(p, r.f32(p.in), r.f32(p.out))
	case Int32:
		reduceProd(p, r.i32(p.in), r.i32(p.out))
	case Int64:
		reduceProd(p, r.i64(p.in), r.i64(p.out))
	}
	return nil
}

func reduceProd[T int32 | int64 | float32](p *ReduceProdParams, in, out []T) {
	for o := range out {
		out[o] = 1
	}
	p.each(len(in), func(i, o int) { out[o] *= in[i] })
}

func (p *ReduceProdParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	is := p.inputsOf(res.Model.Tensors[p.in].NumElements(), index)
	names := make([]string, len(is))
	for k, i := range is {
		names[k] = fmt.Sprintf("x[%d]", i)
	}
	what := fmt.Sprintf("1 · %s in input order", strings.Join(names, " · "))
	if len(is) > 8 {
		what = fmt.Sprintf("1 · x[%d] · x[%d] · … · x[%d] (%d values) in input order", is[0], is[1], is[len(is)-1], len(is))
	}
	steps := []Step{{"count", fmt.Sprintf("%d input values over axes %v", len(is), p.Axes), float64(len(is))}}
	if p.typ == Float32 {
		x := AsFloat32(res.Tensors[p.in])
		v := float32(1)
		for _, i := range is {
			v *= x[i]
		}
		return floatExplanation(steps, what, v), nil
	}
	v := res.intAt(p.out, index)
	steps = append(steps, Step{"product", what + fmt.Sprintf(", wrapping in %v", p.typ), float64(v)})
	return &Explanation{Steps: steps, Value: v, Arithmetic: fmt.Sprintf("product in %v, wrapping", p.typ)}, nil
}
