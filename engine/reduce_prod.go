package engine

import (
	"fmt"
	"math"
	"strings"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ReduceProdParams are REDUCE_PROD's prepared parameters (float32, int32,
// int64, int8).
//
// Mirrors TFLite's kernels/reduce.cc (EvalType with kProd:
// reference_ops::ReduceGeneric with the product reducer): each output
// element starts at 1 and the input elements that reduce into it are
// multiplied in, in row-major input order (reduction.each),
//
//	out = (((1 · x₀) · x₁) · …)
//
// in the element type: float32 rounds at each step, integers wrap.
//
// int8 (reduce.cc's EvalQuantizedProd, reference_ops::QuantizedReduceProd)
// rescales at every step so that the int32 product does not overflow: with
// v = x − InputZeroPoint,
//
//	p = v₀;  p = MultiplyByQuantizedMultiplier(int64(p)·v_k, Requant) for k ≥ 1
//	out = clamp(MultiplyByQuantizedMultiplier(int64(p), Requant) + OutputZeroPoint)
//
// (the 64-bit MultiplyByQuantizedMultiplier) with the real multiplier
// s_in / s_out^(1/Count) in double. A reduction whose axes all have size 1
// (Count 1, output as large as the input) is refused: the browser TFLite
// gives different outputs for the same input from one run to the next
// there; reductions that include a size-1 axis among longer ones match it.
type ReduceProdParams struct {
	reduction
	InputZeroPoint  int32   `json:"input_zero_point,omitempty"`
	OutputZeroPoint int32   `json:"output_zero_point,omitempty"`
	Requant         Requant `json:"requant,omitzero"` // int8: s_in/s_out^(1/Count)

	typ     DType
	in, out int
}

func init() { register(tflite.BuiltinOperatorREDUCE_PROD, prepareReduceProd) }

func prepareReduceProd(c *prepCtx) (kernel, error) {
	in, out, err := c.moving(2, Float32, Int32, Int64, Int8)
	if err != nil {
		return nil, err
	}
	rd, err := prepareReduction(c, in, c.in(1), out)
	if err != nil {
		return nil, err
	}
	p := &ReduceProdParams{reduction: *rd, typ: in.Type, in: in.Index, out: out.Index}
	if in.Type == Int8 {
		if rd.Count == 1 && in.NumElements() > 0 {
			return nil, c.errorf("int8 reduction over axes %v, all of size 1, is not supported: the browser TFLite's output there changes from one run to the next (undefined behaviour), so there is nothing to reproduce", rd.Axes)
		}
		for _, t := range []*Tensor{in, out} {
			if err := c.needQuant("input/output", t); err != nil {
				return nil, err
			}
		}
		p.InputZeroPoint, p.OutputZeroPoint = in.ZeroPoint(), out.ZeroPoint()
		p.Requant = c.requant(float64(float32(in.Scale())) / math.Pow(float64(float32(out.Scale())), 1/float64(p.Count)))
	}
	return p, nil
}

func (p *ReduceProdParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Float32:
		reduceProd(p, r.f32(p.in), r.f32(p.out))
	case Int32:
		reduceProd(p, r.i32(p.in), r.i32(p.out))
	case Int64:
		reduceProd(p, r.i64(p.in), r.i64(p.out))
	case Int8:
		in, out := r.i8(p.in), r.i8(p.out)
		prods := make([]int32, len(out))
		seen := make([]bool, len(out))
		p.each(len(in), func(i, o int) {
			prods[o] = p.step(prods[o], in[i], !seen[o])
			seen[o] = true
		})
		for o, v := range prods {
			out[o] = int8(clamp(p.Requant.apply64(int64(v))+p.OutputZeroPoint, -128, 127))
		}
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
	if p.typ == Int8 {
		steps = append(steps,
			Step{"product", fmt.Sprintf("p = x[%d] − %d, then p = MultiplyByQuantizedMultiplier(p · (x − %d), %d, %d) for each further value, in input order", is[0], p.InputZeroPoint, p.InputZeroPoint, p.Requant.Multiplier, p.Requant.Shift), float64(p.int8Prod(AsInt8(res.Tensors[p.in]), is))},
			Step{"output", fmt.Sprintf("clamp(MultiplyByQuantizedMultiplier(p, …) + output zero point %d) (scale s_in/s_out^(1/%d) = %.9g)", p.OutputZeroPoint, p.Count, p.Requant.Real), float64(v)})
		return &Explanation{Steps: steps, Value: v, Arithmetic: "QuantizedReduceProd: 64-bit MultiplyByQuantizedMultiplier at each step"}, nil
	}
	steps = append(steps, Step{"product", what + fmt.Sprintf(", wrapping in %v", p.typ), float64(v)})
	return &Explanation{Steps: steps, Value: v, Arithmetic: fmt.Sprintf("product in %v, wrapping", p.typ)}, nil
}

// step multiplies the int8 product p by x (first: p starts at x).
func (p *ReduceProdParams) step(prod int32, x int8, first bool) int32 {
	v := int32(x) - p.InputZeroPoint
	if first {
		return v
	}
	return p.Requant.apply64(int64(prod) * int64(v))
}

// int8Prod is the rescaled product of the input elements is.
func (p *ReduceProdParams) int8Prod(x []int8, is []int) int32 {
	var prod int32
	for k, i := range is {
		prod = p.step(prod, x[i], k == 0)
	}
	return prod
}
