package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ADD in the browser TFLite (tflite-xnnpack): the XNNPACK delegate takes int8
// and uint8 ADD (qs8-vadd and qu8-vadd, the same arithmetic: xnnAddSub) and
// float32 ADD (f32-vadd: the IEEE sum, then the activation's clamp, as the
// reference computes it);
// TFLite's builtin kernel, which runs the rest, rounds like the reference.

func init() {
	registerXNNPack(tflite.BuiltinOperatorADD, func(c *prepCtx) (kernel, error) { return xnnAddSubNode(c, false) })
}

// xnnBinaryTensors checks the int8 (or uint8) inputs and output of ADD, SUB
// or MUL and returns the XNNPACK output range of the fused activation.
func xnnBinaryTensors(m *Model, op *Op, act tflite.ActivationFunctionType) (a, b, out *Tensor, bc *broadcast, lo, hi int32, err error) {
	a, b, out = opTensor(m, op, 0), opTensor(m, op, 1), m.Tensors[op.Outputs[0]]
	if a == nil || b == nil || (a.Type != Int8 && a.Type != Uint8) || b.Type != a.Type || out.Type != a.Type {
		return nil, nil, nil, nil, 0, 0, fmt.Errorf("the XNNPACK delegate takes only int8 or uint8 (and float32) %s here", op.Builtin)
	}
	for _, t := range []*Tensor{a, b, out} {
		if t.Quant == nil || len(t.Quant.Scale) != 1 {
			return nil, nil, nil, nil, 0, 0, fmt.Errorf("tensor %d is not quantized per tensor", t.Index)
		}
	}
	if bc, err = newBroadcast(a.Shape, b.Shape); err != nil {
		return nil, nil, nil, nil, 0, 0, err
	}
	if lo, hi, err = xnnActivation(act, out); err != nil {
		return nil, nil, nil, nil, 0, 0, err
	}
	if lo >= hi {
		return nil, nil, nil, nil, 0, 0, &xnnFatal{fmt.Sprintf("output range [%d, %d] is empty (XNNPACK needs min < max)", lo, hi)}
	}
	return a, b, out, bc, lo, hi, nil
}

// xnnAddSub is ADD or SUB under XNNPACK (qs8-vadd): both inputs are scaled
// by integer multipliers of about 21 bits with a common shift, summed with
// a bias that holds the zero points and the rounding term, and shifted
// right arithmetically, which rounds half up:
//
//	acc = Bias + a·AMultiplier + b·BMultiplier      (Bias = 2^(Shift−1) − a_zp·AMultiplier − b_zp·BMultiplier)
//	out = clamp((acc >> Shift) + ZeroPoint, Min, Max)
//
// The multipliers are s_a/s_out and s_b/s_out (float32 divisions) times
// 2^Shift, rounded to nearest even; Shift = 20 − ⌊log2 max(|·|)⌋. SUB
// negates BMultiplier.
type xnnAddSub struct {
	AMultiplier int32 `json:"a_multiplier"`
	BMultiplier int32 `json:"b_multiplier"`
	Shift       uint  `json:"shift"`
	Bias        int32 `json:"bias"`
	ZeroPoint   int32 `json:"output_zero_point"`
	Min         int32 `json:"output_min"`
	Max         int32 `json:"output_max"`
	bc          *broadcast
	a, b, out   int
	typ         DType
}

// xnnAddParams derives XNNPACK's integer ADD parameters
// (xnn_init_qs8_add_minmax_*_params) from the float32 scale ratios.
func xnnAddParams(aScale, bScale float32, aZP, bZP int32) (am, bm int32, shift uint, bias int32) {
	absA, absB := float32(math.Abs(float64(aScale))), float32(math.Abs(float64(bScale)))
	exp := int(math.Float32bits(max(absA, absB))>>23) - 127
	shift = uint(20 - exp)
	mul := func(s, abs float32) int32 {
		v := int32(math.RoundToEven(float64(abs) * math.Exp2(float64(shift))))
		if math.Signbit(float64(s)) {
			return -v
		}
		return v
	}
	am, bm = mul(aScale, absA), mul(bScale, absB)
	bias = int32(1)<<(shift-1) - am*aZP - bm*bZP
	return am, bm, shift, bias
}

func xnnAddSubNode(c *prepCtx, sub bool) (kernel, error) {
	m, op := c.m, c.op
	var act tflite.ActivationFunctionType
	switch o := op.Options.(type) {
	case *tflite.AddOptionsT:
		act = o.FusedActivationFunction
	case *tflite.SubOptionsT:
		act = o.FusedActivationFunction
	}
	if m.Tensors[op.Outputs[0]].Type == Float32 {
		return xnnFloatActivationNode(c, act) // f32-vadd: a ± b, exact
	}
	a, b, out, bc, lo, hi, err := xnnBinaryTensors(m, op, act)
	if err != nil {
		return nil, err
	}
	so := float32(out.Scale())
	as, bs := float32(a.Scale())/so, float32(b.Scale())/so
	for _, s := range []float32{as, bs} {
		if s < 1.0/1024 || s >= 256 {
			return nil, fmt.Errorf("unsupported input-to-output scale %g (XNNPACK needs [2^-10, 2^8))", s)
		}
	}
	if sub {
		bs = -bs
	}
	k := &xnnAddSub{ZeroPoint: out.ZeroPoint(), Min: lo, Max: hi, bc: bc, a: a.Index, b: b.Index, out: out.Index, typ: out.Type}
	k.AMultiplier, k.BMultiplier, k.Shift, k.Bias = xnnAddParams(as, bs, a.ZeroPoint(), b.ZeroPoint())
	return k, nil
}

func (k *xnnAddSub) value(x, y int32) int32 {
	acc := k.Bias + x*k.AMultiplier + y*k.BMultiplier
	return clamp((acc>>k.Shift)+k.ZeroPoint, k.Min, k.Max)
}

func (k *xnnAddSub) eval(r *run, op *Op) error {
	if k.typ == Int8 {
		xnnAddBytes(k, r.i8(k.a), r.i8(k.b), r.i8(k.out))
	} else {
		xnnAddBytes(k, r.u8(k.a), r.u8(k.b), r.u8(k.out))
	}
	return nil
}

// xnnAddBytes is value for every output element, inlined in the loop.
func xnnAddBytes[T int8 | uint8](k *xnnAddSub, a, b, out []T) {
	binaryVec(k.bc, a, b, out, func(out, a, b []T) {
		a, b = a[:len(out)], b[:len(out)]
		for i := range out {
			out[i] = T(k.value(int32(a[i]), int32(b[i])))
		}
	})
}

func (k *xnnAddSub) explain(res *Result, op *Op, index int) (*Explanation, error) {
	i1, i2 := k.bc.index(index)
	a, b := int32(res.intAt(k.a, i1)), int32(res.intAt(k.b, i2))
	acc := k.Bias + a*k.AMultiplier + b*k.BMultiplier
	sh := acc >> k.Shift
	steps := []Step{
		{"input1", fmt.Sprintf("input1[%d]", i1), float64(a)},
		{"input2", fmt.Sprintf("input2[%d]", i2), float64(b)},
		{"acc", fmt.Sprintf("bias %d + %d·%d + %d·%d", k.Bias, a, k.AMultiplier, b, k.BMultiplier), float64(acc)},
		{"shift", fmt.Sprintf("%d >> %d (arithmetic: rounds half up, the bias holds 2^%d)", acc, k.Shift, k.Shift-1), float64(sh)},
	}
	steps = append(steps, zeroPointClampSteps(sh, k.ZeroPoint, k.Min, k.Max)...)
	return &Explanation{Steps: steps, Value: int64(k.value(a, b)),
		Arithmetic: "XNNPACK qs8/qu8 add: 21-bit integer multipliers s_in/s_out·2^shift (round half to even), sum shifted right with round half up"}, nil
}
