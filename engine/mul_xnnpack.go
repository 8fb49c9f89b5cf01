package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// MUL in the browser TFLite (tflite-xnnpack): the XNNPACK delegate takes int8
// and uint8 MUL (qs8-vmul and qu8-vmul, fp32 requantization) and float32
// MUL (f32-vmul, exact like the reference); TFLite's
// builtin kernel computes its real multiplier in float32.

func init() {
	registerXNNPack(tflite.BuiltinOperatorMUL, xnnMulNode)
	registerBuiltin(tflite.BuiltinOperatorMUL, builtinMul)
}

// xnnMul is MUL under XNNPACK (qs8-vmul, fp32 requantization): the product
// of the zero-point-corrected inputs, requantized with xnnRequant by
// Scale = s_a·s_b/s_out in float32.
type xnnMul struct {
	Scale      float32 `json:"scale"`
	AZeroPoint int32   `json:"a_zero_point"`
	BZeroPoint int32   `json:"b_zero_point"`
	ZeroPoint  int32   `json:"output_zero_point"`
	Min        int32   `json:"output_min"`
	Max        int32   `json:"output_max"`
	bc         *broadcast
	a, b, out  int
	typ        DType
}

func xnnMulNode(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	var act tflite.ActivationFunctionType
	if o, ok := op.Options.(*tflite.MulOptionsT); ok {
		act = o.FusedActivationFunction
	}
	if m.Tensors[op.Outputs[0]].Type == Float32 {
		return xnnFloatActivationNode(c, act) // f32-vmul: a·b, exact
	}
	a, b, out, bc, lo, hi, err := xnnBinaryTensors(m, op, act)
	if err != nil {
		return nil, err
	}
	ps := float32(a.Scale()) * float32(b.Scale())
	s := ps / float32(out.Scale())
	if s < 1.0/65536 || s >= 256 {
		return nil, fmt.Errorf("unsupported input-product-to-output scale %g (XNNPACK needs [2^-16, 2^8))", s)
	}
	return &xnnMul{Scale: s, AZeroPoint: a.ZeroPoint(), BZeroPoint: b.ZeroPoint(), ZeroPoint: out.ZeroPoint(),
		Min: lo, Max: hi, bc: bc, a: a.Index, b: b.Index, out: out.Index, typ: out.Type}, nil
}

func (k *xnnMul) eval(r *run, op *Op) error {
	if k.typ == Int8 {
		xnnMulBytes(k, r.i8(k.a), r.i8(k.b), r.i8(k.out))
	} else {
		xnnMulBytes(k, r.u8(k.a), r.u8(k.b), r.u8(k.out))
	}
	return nil
}

// value is the output of one pair of input values.
func (k *xnnMul) value(x, y int32) int32 {
	return xnnRequant((x-k.AZeroPoint)*(y-k.BZeroPoint), k.Scale, k.ZeroPoint, k.Min, k.Max)
}

// xnnMulBytes is value for every output element, inlined in the loop.
func xnnMulBytes[T int8 | uint8](k *xnnMul, a, b, out []T) {
	binaryVec(k.bc, a, b, out, func(out, a, b []T) {
		a, b = a[:len(out)], b[:len(out)]
		for i := range out {
			out[i] = T(k.value(int32(a[i]), int32(b[i])))
		}
	})
}

// builtinMul is TFLite's MUL: its Prepare computes the real multiplier
// s1·s2/s_out in float32 (then widens it to double), TFLite Micro's in
// double; the multipliers differ in rare cases.
func builtinMul(c *prepCtx) (kernel, error) {
	m := c.m
	k, err := prepareMul(c)
	p, ok := k.(*MulParams)
	if err != nil || !ok || (p.typ != Int8 && p.typ != Uint8) {
		return nil, nil
	}
	s1, s2, so := float32(m.Tensors[p.in1].Scale()), float32(m.Tensors[p.in2].Scale()), float32(m.Tensors[p.out].Scale())
	q := *p
	prod := s1 * s2
	q.Requant = newRequant(float64(prod / so))
	q.Note = "TFLite's mul.cc computes the real multiplier s1·s2/s_out in float32 (TFLite Micro: double)"
	q.row = newMulRow(&q) // the row loop's output stage, of this multiplier
	return &q, nil
}

func (k *xnnMul) explain(res *Result, op *Op, index int) (*Explanation, error) {
	i1, i2 := k.bc.index(index)
	a, b := int32(res.intAt(k.a, i1)), int32(res.intAt(k.b, i2))
	p := (a - k.AZeroPoint) * (b - k.BZeroPoint)
	steps := []Step{
		{"input1", fmt.Sprintf("input1[%d]", i1), float64(a)},
		{"input2", fmt.Sprintf("input2[%d]", i2), float64(b)},
		{"product", fmt.Sprintf("(%d − %d)·(%d − %d)", a, k.AZeroPoint, b, k.BZeroPoint), float64(p)},
	}
	rs, v := xnnRequantSteps(p, k.Scale, k.ZeroPoint, k.Min, k.Max)
	return &Explanation{Steps: append(steps, rs...), Value: v,
		Arithmetic: "XNNPACK qs8/qu8 mul, fp32 requantization: round_half_even(float32(product)·scale) + zero point; scale = float32(float32(s1·s2)/s_out)"}, nil
}
