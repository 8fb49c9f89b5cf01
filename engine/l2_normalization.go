package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// L2NormParams are L2_NORMALIZATION's prepared parameters.
//
// Mirrors TFLite's kernels/l2norm.cc over reference/l2normalization.h and
// reference/integer_ops/l2normalization.h, and TFLite Micro's
// kernels/l2norm.cc. The input is normalized along its last dimension
// (Depth values per row):
//
//   - float32: n = 0 + x₀·x₀ + x₁·x₁ + … in float32, in order;
//     l = std::max(sqrtf(n), 1e-6); out = x / l.
//   - int8 (output scale 1/128, zero point 0, as TFLite requires): with
//     v = x − InputZeroPoint, acc = Σ v² in int32,
//     (m, s) = GetInvSqrtQuantizedMultiplierExp(acc, −1) ≈ 1/√acc = m·2^(s−31),
//     out = clamp(MultiplyByQuantizedMultiplier(v, m, s + 7), −128, 127)
//     (no output zero point: it is 0).
//   - uint8 (output scale 1/128, zero point 128; reference_ops and
//     optimized_ops L2Normalization, the same loop): acc and (m, s) as for
//     int8, out = clamp(128 + MultiplyByQuantizedMultiplierSmallerThanOneExp(
//     128·v, m, s), 0, 255): the ·128 goes in before the rounding high
//     multiply, not as a shift after it, so the two types round
//     differently. (SmallerThanOneExp is MultiplyByQuantizedMultiplier with
//     s ≤ 0, so it takes the build's rounding.)
type L2NormParams struct {
	Depth          int     `json:"depth"` // values per normalized row
	Epsilon        float32 `json:"epsilon,omitempty"`
	InputZeroPoint int32   `json:"input_zero_point,omitempty"`

	rounding Rounding
	typ      DType
	in, out  int
}

// l2NormOutputShift is TFLite's kOutputScale: the int8 output is in 1/128.
const l2NormOutputShift = 7

func init() { register(tflite.BuiltinOperatorL2_NORMALIZATION, prepareL2Norm) }

func prepareL2Norm(c *prepCtx) (kernel, error) {
	in, out, quantized, err := c.elementwise(Int8, Uint8)
	if err != nil {
		return nil, err
	}
	if len(in.Shape) == 0 || len(in.Shape) > 4 {
		return nil, c.errorf("input tensor %d has shape %v; TFLite normalizes inputs of 1 to 4 dimensions", in.Index, in.Shape)
	}
	if o, _ := c.op.Options.(*tflite.L2NormOptionsT); o != nil && o.FusedActivationFunction != tflite.ActivationFunctionTypeNONE {
		return nil, c.errorf("fused activation %v is not supported (TFLite requires NONE)", o.FusedActivationFunction)
	}
	p := &L2NormParams{Depth: in.Shape[len(in.Shape)-1], typ: in.Type, in: in.Index, out: out.Index}
	if !quantized {
		p.Epsilon = 1e-6
		return p, nil
	}
	zp := int32(0)
	if in.Type == Uint8 {
		zp = 128
	}
	if float32(out.Scale()) != 1.0/128 || out.ZeroPoint() != zp {
		return nil, c.errorf("output tensor %d has scale %g and zero point %d; TFLite requires 1/128 and %d", out.Index, out.Scale(), out.ZeroPoint(), zp)
	}
	p.InputZeroPoint = in.ZeroPoint()
	p.rounding = c.rounding
	return p, nil
}

// floatNorm returns max(sqrtf(Σ x²), Epsilon) of one row.
func (p *L2NormParams) floatNorm(row []float32) float32 {
	var n float32
	for _, x := range row {
		n += float32(x * x)
	}
	l := cSqrtf(n)
	if l < p.Epsilon {
		l = p.Epsilon
	}
	return l
}

// invNorm returns TFLite's fixed-point 1/√acc of the row of Depth values
// starting at element start of an int8 or uint8 tensor's bytes b, as the
// Requant that scales v (int8) or 128·v (uint8) to the output, and acc.
func (p *L2NormParams) invNorm(b []byte, start int) (Requant, int32) {
	var acc int32
	for i := start; i < start+p.Depth; i++ {
		v := int32(intValue(p.typ, b, i)) - p.InputZeroPoint
		acc += v * v
	}
	m, s := fixedpoint.GetInvSqrtQuantizedMultiplierExp(acc, -1)
	if p.typ == Uint8 {
		return Requant{Multiplier: m, Shift: s, Rounding: p.rounding}, acc
	}
	return Requant{Multiplier: m, Shift: s + l2NormOutputShift, Rounding: p.rounding}, acc
}

// quantized returns the output of the value v = x − zero point in a row
// whose Requant is q.
func (p *L2NormParams) quantized(q Requant, v int32) int32 {
	if p.typ == Uint8 {
		return clamp(128+q.apply(128*v), 0, 255)
	}
	return clamp(q.apply(v), -128, 127)
}

func (p *L2NormParams) eval(r *run, op *Op) error {
	if p.Depth == 0 {
		return nil
	}
	if p.typ == Float32 {
		in, out := r.f32(p.in), r.f32(p.out)
		for i := 0; i < len(in); i += p.Depth {
			l := p.floatNorm(in[i : i+p.Depth])
			for j := i; j < i+p.Depth; j++ {
				out[j] = in[j] / l
			}
		}
		return nil
	}
	in, out := r.vals[p.in], r.vals[p.out]
	for i := 0; i < len(in); i += p.Depth {
		q, _ := p.invNorm(in, i)
		for j := i; j < i+p.Depth; j++ {
			out[j] = byte(p.quantized(q, int32(intValue(p.typ, in, j))-p.InputZeroPoint))
		}
	}
	return nil
}

func (p *L2NormParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	start := index / p.Depth * p.Depth
	if p.typ == Float32 {
		x := AsFloat32(res.Tensors[p.in])
		l := p.floatNorm(x[start : start+p.Depth])
		return floatExplanation([]Step{
			{"input", fmt.Sprintf("x = input[%d] = %s", index, exactFloat(x[index])), float64(x[index])},
			{"norm", fmt.Sprintf("l = max(sqrtf(Σ x² over the %d values of elements %d…%d, in order), %g) = %s", p.Depth, start, start+p.Depth-1, p.Epsilon, exactFloat(l)), float64(l)},
		}, "x / l", x[index]/l), nil
	}
	b := res.Tensors[p.in]
	x := intValue(p.typ, b, index)
	q, acc := p.invNorm(b, start)
	v := int32(x) - p.InputZeroPoint
	o := p.quantized(q, v)
	shift := q.Shift - l2NormOutputShift
	scale := Step{"scale", fmt.Sprintf("MultiplyByQuantizedMultiplier(%d, %d, %d) (·128: the output is in 1/128)", v, q.Multiplier, q.Shift), float64(q.apply(v))}
	clampStep := Step{"clamp", "to [−128, 127]", float64(o)}
	if p.typ == Uint8 {
		shift = q.Shift
		scale = Step{"scale", fmt.Sprintf("MultiplyByQuantizedMultiplierSmallerThanOneExp(128·%d, %d, %d) (the output is in 1/128)", v, q.Multiplier, q.Shift), float64(q.apply(128 * v))}
		clampStep = Step{"clamp", fmt.Sprintf("128 + %d, to [0, 255]", q.apply(128*v)), float64(o)}
	}
	steps := []Step{
		{"input", fmt.Sprintf("x = input[%d]", index), float64(x)},
		{"offset", fmt.Sprintf("v = %d − input zero point %d", x, p.InputZeroPoint), float64(v)},
		{"Σv²", fmt.Sprintf("acc = Σ (x − %d)² over the %d values of elements %d…%d", p.InputZeroPoint, p.Depth, start, start+p.Depth-1), float64(acc)},
		{"1/√acc", fmt.Sprintf("GetInvSqrtQuantizedMultiplierExp(%d): %d·2^(%d−31) ≈ %.9g", acc, q.Multiplier, shift, 1/math.Sqrt(float64(acc))), float64(q.Multiplier)},
		scale,
		clampStep,
	}
	return &Explanation{Steps: steps, Value: int64(o), Arithmetic: "L2Normalization: GetInvSqrtQuantizedMultiplierExp, " + roundingArithmetic(p.rounding)}, nil
}
