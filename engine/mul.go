package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// MulParams are MUL's prepared parameters.
//
// Mirrors TFLite Micro's mul_common.cc (CalculateOpDataMul) and the
// reference kernels reference/integer_ops/mul.h (MulElementwise,
// BroadcastMul4DSlow) and reference/mul.h (float and int32). For output
// element o reading x1 and x2:
//
//	out = clamp(MultiplyByQuantizedMultiplier((x1 + Input1Offset)·(x2 + Input2Offset), Requant) + OutputOffset, ActMin, ActMax)
//
// with the real multiplier s1·s2/s_out. Float and int32 outputs are x1·x2
// clamped to the fused activation.
type MulParams struct {
	Binary
	Requant Requant `json:"requant,omitzero"` // s1·s2/s_out
	// Note says how the browser TFLite's builtin kernel derives the
	// parameters, where it differs from the reference (mul_xnnpack.go).
	Note string `json:"note,omitempty"`

	row *mulRowParams // int8, uint8: mulRow's output stage (nil: per element)
}

func init() { register(tflite.BuiltinOperatorMUL, prepareMul) }

func prepareMul(c *prepCtx) (kernel, error) {
	var act tflite.ActivationFunctionType
	if o, ok := c.op.Options.(*tflite.MulOptionsT); ok {
		act = o.FusedActivationFunction
	}
	b, in1, in2, out, _, err := c.binary(act)
	if err != nil {
		return nil, err
	}
	p := &MulParams{Binary: b}
	if out.Type == Int8 || out.Type == Uint8 || out.Type == Int16 {
		if out.Type == Int16 && (in1.ZeroPoint() != 0 || in2.ZeroPoint() != 0 || out.ZeroPoint() != 0) {
			return nil, c.errorf("int16 inputs and output need zero point 0")
		}
		p.Requant = c.requant(float64(float32(in1.Scale())) * float64(float32(in2.Scale())) / float64(float32(out.Scale())))
		if out.Type != Int16 {
			p.row = newMulRow(p)
		}
	}
	return p, nil
}

func (p *MulParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Float32:
		p.bc.binaryFloats(r, p.in1, p.in2, p.out, p.float)
	case Int32:
		p.bc.binaryInts(r, p.typ, p.in1, p.in2, p.out, p.int32)
	case Int8:
		mulBytes(p, r.i8(p.in1), r.i8(p.in2), r.i8(p.out))
	case Uint8:
		mulBytes(p, r.u8(p.in1), r.u8(p.in2), r.u8(p.out))
	default:
		p.bc.binaryInts(r, p.typ, p.in1, p.in2, p.out, p.quantized)
	}
	return nil
}

// quantized is the integer kernel for one pair of input values.
func (p *MulParams) quantized(x, y int32) int32 {
	v := p.Requant.apply((x + p.Input1Offset) * (y + p.Input2Offset))
	return clamp(v+p.OutputOffset, p.ActMin, p.ActMax)
}

// mulBytes is quantized for every output element of an int8 or uint8 MUL:
// mulRow's loop when the multiplier allows it, else quantized per element.
func mulBytes[T int8 | uint8](p *MulParams, a, b, out []T) {
	if r := p.row; r != nil && r.from == p.rowKey() {
		binaryVec(p.bc, a, b, out, func(out, a, b []T) { mulRow(r, a, b, out) })
		return
	}
	binaryVec(p.bc, a, b, out, func(out, a, b []T) {
		a, b = a[:len(out)], b[:len(out)]
		for i := range out {
			out[i] = T(p.quantized(int32(a[i]), int32(b[i])))
		}
	})
}

// mulRowParams are mulRow's: the input offsets and the output stage.
type mulRowParams struct {
	off1, off2 int32
	m          int64
	single     bool
	total      uint  // single rounding: 31 − shift
	left       uint  // double rounding: max(shift, 0)
	right      uint  // double rounding: max(−shift, 0)
	h, nz      int64 // double rounding: 2^right / 2, and −1 if right > 0 (else 0)
	zp, lo, hi int32
	from       mulRowKey // the parameters these were made of
}

// mulRowKey is what mulRowParams are made of: a kernel whose parameters
// changed after newMulRow (and was not prepared again) runs per element.
type mulRowKey struct {
	q          Requant
	off1, off2 int32
	zp, lo, hi int32
}

func (p *MulParams) rowKey() mulRowKey {
	return mulRowKey{p.Requant, p.Input1Offset, p.Input2Offset, p.OutputOffset, p.ActMin, p.ActMax}
}

// newMulRow prepares mulRow for p, or returns nil when p's multiplier is
// outside the domain where mulRow is exact without branches (M ≥ 0, shift
// in [−31, 31], at most 30 for single rounding; TFLite's Prepare makes
// M > 0, and single rounding requires shift ≤ 30).
func newMulRow(p *MulParams) *mulRowParams {
	q := p.Requant
	if q.Multiplier < 0 || q.Shift < -31 || q.Shift > 31 || (q.Rounding == RoundSingle && q.Shift > 30) {
		return nil
	}
	return &mulRowParams{off1: p.Input1Offset, off2: p.Input2Offset, m: int64(q.Multiplier), single: q.Rounding == RoundSingle,
		total: uint(31 - q.Shift), left: uint(max(q.Shift, 0)), right: uint(max(-q.Shift, 0)), h: int64(1) << max(-q.Shift, 0) >> 1, nz: -int64(min(max(-q.Shift, 0), 1)),
		zp: p.OutputOffset, lo: p.ActMin, hi: p.ActMax, from: p.rowKey()}
}

// mulRow is the 8-bit MUL of TFLite's reference kernels
// (reference/integer_ops/mul.h MulElementwise) over one row, bit for bit
// as MulParams.quantized: x = (a + off1)·(b + off2), then
// MultiplyByQuantizedMultiplier(x, M, shift) without branches (as addRow):
// for double rounding v = (int64(x·2^left)·M + 2^30) >> 31 (x·2^left
// wrapping, M ≥ 0 never saturates) and q = (v + h − [v < 0 and right >
// 0]) >> right, h = 2^right / 2 (see addRow); for single rounding q = (int64(x)·M +
// 2^(A−1)) >> A, A = 31 − shift. Then clamp(q + zp, lo, hi).
func mulRow[T int8 | uint8](r *mulRowParams, a, b, out []T) {
	a, b = a[:len(out)], b[:len(out)]
	off1, off2, m, zp, lo, hi := r.off1, r.off2, r.m, r.zp, r.lo, r.hi
	if r.single {
		total, nudge := r.total&63, int64(1)<<(r.total-1) // &63, &31: no shift-range checks in the loop
		for i := range out {
			x := (int32(a[i]) + off1) * (int32(b[i]) + off2)
			q := int32((int64(x)*m + nudge) >> total)
			out[i] = T(min(max(q+zp, lo), hi))
		}
		return
	}
	left, right, h, nz := r.left&31, r.right&31, r.h, r.nz
	for i := range out {
		x := (int32(a[i]) + off1) * (int32(b[i]) + off2)
		v := (int64(x<<left)*m + 1<<30) >> 31
		q := int32((v + h + v>>63&nz) >> right)
		out[i] = T(min(max(q+zp, lo), hi))
	}
}

func (p *MulParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if p.typ == Float32 || p.typ == Int32 {
		return plainBinaryExplanation(res, p.bc, p.typ, p.in1, p.in2, index, "·", p.float, p.int32,
			[2]float32{p.FloatMin, p.FloatMax}, [2]int32{p.ActMin, p.ActMax}), nil
	}
	i1, i2 := p.bc.index(index)
	x := int32(Values(p.typ, res.Tensors[p.in1])[i1])
	y := int32(Values(p.typ, res.Tensors[p.in2])[i2])
	a, b := x+p.Input1Offset, y+p.Input2Offset
	e := &Explanation{Steps: []Step{
		{"input1", fmt.Sprintf("input1[%d]", i1), float64(x)},
		{"input1 offset", fmt.Sprintf("%d + input1_offset %d", x, p.Input1Offset), float64(a)},
		{"input2", fmt.Sprintf("input2[%d]", i2), float64(y)},
		{"input2 offset", fmt.Sprintf("%d + input2_offset %d", y, p.Input2Offset), float64(b)},
		{"product", fmt.Sprintf("%d · %d", a, b), float64(a * b)},
	}}
	s, v := scaleSteps("product", a*b, p.Requant)
	e.Steps = append(e.Steps, s...)
	e.Steps = append(e.Steps, zeroPointClampSteps(v, p.OutputOffset, p.ActMin, p.ActMax)...)
	e.Value = int64(clamp(v+p.OutputOffset, p.ActMin, p.ActMax))
	return e, nil
}

// float is the float32 MUL of one pair, clamped to the activation.
func (p *MulParams) float(x, y float32) float32 { return clampF(x*y, p.FloatMin, p.FloatMax) }

// int32 is the int32 MUL of one pair, clamped to the activation.
func (p *MulParams) int32(x, y int32) int32 { return clamp(x*y, p.ActMin, p.ActMax) }

func (p *MulParams) builtinNote() string { return p.Note }
