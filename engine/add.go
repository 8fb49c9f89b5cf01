package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// AddParams are ADD's prepared parameters (and SUB's, see SubParams).
//
// Mirrors TFLite Micro's add.cc (CalculateOpDataAdd) and the reference
// kernels reference/integer_ops/add.h (int8) and reference/add.h
// (AddElementwise for uint8 and int16, AddGeneralParamScale, float and int32
// Add, BroadcastAdd6DSlow). Both inputs are brought to a common scale with
// LeftShift bits of headroom (20 for 8-bit types, 15 for int16), added and
// scaled to the output. For output element o reading x1 and x2:
//
//	a1  = MultiplyByQuantizedMultiplier((x1 + Input1Offset)·2^LeftShift, Input1)
//	a2  = MultiplyByQuantizedMultiplier((x2 + Input2Offset)·2^LeftShift, Input2)
//	out = clamp(MultiplyByQuantizedMultiplier(a1 + a2, Output) + OutputOffset, ActMin, ActMax)
//
// As in TFLite Micro, int16 always takes this general path: the
// pot_scale_int16 option (TFLite's power-of-two int16 kernel) is ignored.
// Float and int32 outputs are x1 + x2 clamped to the fused activation.
type AddParams struct {
	Binary
	LeftShift int `json:"left_shift,omitempty"`
	// Input1 and Input2 are s_i / (2·max(s1, s2)); Output is
	// 2·max(s1, s2) / (2^LeftShift · s_out).
	Input1 Requant `json:"input1_multiplier,omitzero"`
	Input2 Requant `json:"input2_multiplier,omitzero"`
	Output Requant `json:"output_multiplier,omitzero"`

	sub      bool
	row      *addRowParams // int8, uint8: addRow's tables and output stage (nil: per element)
	accelTab []int32       // addTable, for addAccel (add_accel.go); nil for other types
}

func init() { register(tflite.BuiltinOperatorADD, prepareAdd) }

func prepareAdd(c *prepCtx) (kernel, error) { return prepareAddSub(c, false) }

// prepareAddSub is ADD's and SUB's Prepare. They differ in one respect:
// TFLite Micro's add derives the multipliers in double precision, its sub in
// float.
func prepareAddSub(c *prepCtx, sub bool) (*AddParams, error) {
	var act tflite.ActivationFunctionType
	if sub {
		if o, ok := c.op.Options.(*tflite.SubOptionsT); ok {
			act = o.FusedActivationFunction
		}
	} else if o, ok := c.op.Options.(*tflite.AddOptionsT); ok {
		act = o.FusedActivationFunction
	}
	b, in1, in2, out, a, err := c.binary(act)
	if err != nil {
		return nil, err
	}
	p := &AddParams{Binary: b, sub: sub}
	switch out.Type {
	case Int32:
		// TFLite Micro's int32 ADD ignores a fused activation, its SUB
		// applies it; refuse the ambiguous case rather than pick one.
		if !sub && a != fixedpoint.ActNone {
			return nil, c.errorf("int32 ADD with fused activation %v is not supported (TFLite Micro ignores the activation, TFLite applies it)", act)
		}
	case Int8, Uint8, Int16:
		p.LeftShift = 20
		if out.Type == Int16 {
			p.LeftShift = 15
		}
		s1, s2, so := float32(in1.Scale()), float32(in2.Scale()), float32(out.Scale())
		var r1, r2, ro float64
		if sub { // sub_common.cc: float arithmetic
			twice := 2 * max(s1, s2)
			r1 = float64(s1 / twice)
			r2 = float64(s2 / twice)
			ro = float64(twice / (float32(int32(1)<<p.LeftShift) * so))
		} else { // add_common.cc: double arithmetic
			twice := 2 * float64(max(s1, s2))
			r1 = float64(s1) / twice
			r2 = float64(s2) / twice
			ro = twice / (float64(int32(1)<<p.LeftShift) * float64(so))
		}
		for _, m := range []struct {
			dst  *Requant
			real float64
			what string
		}{{&p.Input1, r1, "input 1"}, {&p.Input2, r2, "input 2"}, {&p.Output, ro, "output"}} {
			if *m.dst, err = c.smallerThanOne(m.real); err != nil {
				return nil, c.errorf("%s multiplier: %v", m.what, err)
			}
		}
		if out.Type != Int16 {
			p.prepareRow(out.Type)
		}
	}
	return p, nil
}

// smallerThanOne is TFLite's QuantizeMultiplierSmallerThanOneExp, with its
// TFLITE_CHECKs (0 < real < 1, shift <= 0) turned into errors.
func (c *prepCtx) smallerThanOne(real float64) (Requant, error) {
	if !(real > 0 && real < 1) {
		return Requant{}, fmt.Errorf("real multiplier %v is not in (0, 1) as TFLite requires", real)
	}
	q := c.requant(real)
	if q.Shift > 0 {
		return Requant{}, fmt.Errorf("real multiplier %v rounds to 1", real)
	}
	return q, nil
}

func (p *AddParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Float32:
		p.bc.binaryFloats(r, p.in1, p.in2, p.out, p.float)
	case Int32:
		p.bc.binaryInts(r, p.typ, p.in1, p.in2, p.out, p.int32)
	case Int8:
		addBytes(p, r.i8(p.in1), r.i8(p.in2), r.i8(p.out))
	case Uint8:
		addBytes(p, r.u8(p.in1), r.u8(p.in2), r.u8(p.out))
	default:
		p.bc.binaryInts(r, p.typ, p.in1, p.in2, p.out, p.quantized)
	}
	return nil
}

// quantized is the integer kernel for one pair of input values.
func (p *AddParams) quantized(x, y int32) int32 {
	return p.output(p.input1(x), p.input2(y))
}

// input1 and input2 scale one input value to the common scale:
// MultiplyByQuantizedMultiplier((x + offset)·2^LeftShift, multiplier).
func (p *AddParams) input1(x int32) int32 {
	return p.Input1.apply((x + p.Input1Offset) * (1 << p.LeftShift))
}
func (p *AddParams) input2(y int32) int32 {
	return p.Input2.apply((y + p.Input2Offset) * (1 << p.LeftShift))
}

// output is the output value of two scaled inputs: their sum (or
// difference) requantized, offset and clamped.
func (p *AddParams) output(a1, a2 int32) int32 {
	sum := a1 + a2
	if p.sub {
		sum = a1 - a2
	}
	return clamp(p.Output.apply(sum)+p.OutputOffset, p.ActMin, p.ActMax)
}

// addBytes is the int8 or uint8 ADD or SUB: quantized for every output
// element. When the prepared multipliers allow it (addRow), each input is
// scaled by a lookup in a table of its 256 possible values (input1 and
// input2, made at Prepare, input2 negated for SUB) and the output stage is
// computed without branches, after an installed accelerated kernel (SetAdd)
// ran what it takes of same-shape inputs. Otherwise quantized runs per
// element.
func addBytes[T int8 | uint8](p *AddParams, a, b, out []T) {
	if p.row == nil || p.row.from != p.rowKey() {
		binaryInts(p.bc, a, b, out, p.quantized)
		return
	}
	done := addAccelBytes(p, a, b, out) // add_accel.go: same-shape inputs on SetAdd's kernel
	a, b, out = a[done:], b[done:], out[done:]
	r := p.row
	binaryVec(p.bc, a, b, out, func(out, a, b []T) { addRow(r, a, b, out) })
}

// addRow is the 8-bit ADD or SUB of TFLite's reference kernels
// (reference/integer_ops/add.h AddElementwise, reference/add.h,
// reference/sub.h) over one row, bit for bit as AddParams.quantized:
//
//	s   = t1[x1] + t2[x2]   (t_i[x] = input_i(x); t2 holds −input2(x) for SUB)
//	out = clamp(MultiplyByQuantizedMultiplier(s, M, shift) + zp, lo, hi)
//
// with M ≥ 0 and shift in [−31, 0], which make the output stage exact
// without branches: for double rounding (RoundingDivideByPOT(
// SaturatingRoundingDoublingHighMul(s, M), right), right = −shift)
//
//	v = (int64(s)·M + 2^30) >> 31          (M ≥ 0 never saturates; the floor equals the nudge-then-truncate)
//	q = (v + h − [v < 0 and right > 0]) >> right
//
// with h = 2^right / 2 (0 for right = 0): rounding half away from zero is
// the floor of (v + h)/2^right for v ≥ 0 and of (v + h − 1)/2^right for
// v < 0 (RoundingDivideByPOT's remainder test, computed in int64);
// and for single rounding q = (int64(s)·M + 2^(A−1)) >> A, A = 31 − shift.
// a − b equals a + (−b) in wrapping int32 arithmetic, so SUB's negated
// table gives its difference exactly.
func addRow[T int8 | uint8](r *addRowParams, a, b, out []T) {
	a, b = a[:len(out)], b[:len(out)]
	t1, t2 := &r.t1, &r.t2
	m, zp, lo, hi := r.m, r.zp, r.lo, r.hi
	if r.single {
		total, nudge := r.total&63, int64(1)<<(r.total-1) // &63, &31: no shift-range checks in the loop
		for i := range out {
			s := t1[uint8(a[i])] + t2[uint8(b[i])]
			q := int32((int64(s)*m + nudge) >> total)
			out[i] = T(min(max(q+zp, lo), hi))
		}
		return
	}
	right, h, nz := r.right&31, r.h, r.nz
	for i := range out {
		s := t1[uint8(a[i])] + t2[uint8(b[i])]
		v := (int64(s)*m + 1<<30) >> 31
		q := int32((v + h + v>>63&nz) >> right)
		out[i] = T(min(max(q+zp, lo), hi))
	}
}

// addRowParams are addRow's: the scaled inputs of every byte value (index
// uint8(x)) and the output stage (see addRow).
type addRowParams struct {
	t1, t2     [256]int32
	m          int64
	single     bool
	total      uint  // single rounding: 31 − shift
	right      uint  // double rounding: −shift
	h, nz      int64 // double rounding: 2^right / 2, and −1 if right > 0 (else 0)
	zp, lo, hi int32
	from       addRowKey // the parameters these were made of
}

// addRowKey is what addRowParams are made of: a kernel whose parameters
// changed after prepareRow (and was not prepared again) runs per element.
type addRowKey struct {
	in1, in2, out    Requant
	off1, off2, left int32
	zp, lo, hi       int32
	sub              bool
}

func (p *AddParams) rowKey() addRowKey {
	return addRowKey{p.Input1, p.Input2, p.Output, p.Input1Offset, p.Input2Offset, int32(p.LeftShift), p.OutputOffset, p.ActMin, p.ActMax, p.sub}
}

// prepareRow makes p.row and p.accelTab (addTable) for an int8 or uint8
// ADD or SUB (typ) when the multipliers are in the domain addRow and the
// accelerated kernel compute exactly (M ≥ 0, shift in [−31, 0]; TFLite's
// Prepare makes no others). The builtin SUB (sub_xnnpack.go) calls it again
// after it changes the multipliers.
func (p *AddParams) prepareRow(typ DType) {
	p.row, p.accelTab = nil, nil
	qs := []Requant{p.Input1, p.Input2, p.Output}
	for _, q := range qs {
		if q.Multiplier < 0 || q.Shift > 0 || q.Shift < -31 || q.Rounding != qs[0].Rounding {
			return
		}
	}
	o := p.Output
	r := &addRowParams{m: int64(o.Multiplier), single: o.Rounding == RoundSingle, total: uint(31 - o.Shift),
		right: uint(-o.Shift), h: int64(1) << -o.Shift >> 1, nz: -int64(min(-o.Shift, 1)), zp: p.OutputOffset, lo: p.ActMin, hi: p.ActMax,
		from: p.rowKey()}
	for v := range 256 {
		x := int32(int8(v))
		if typ == Uint8 {
			x = int32(v)
		}
		r.t1[v], r.t2[v] = p.input1(x), p.input2(x)
		if p.sub {
			r.t2[v] = -r.t2[v]
		}
	}
	p.row = r
	p.accelTab = p.addTable(typ == Uint8)
}

func (p *AddParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if p.typ == Float32 || p.typ == Int32 {
		sym := "+"
		if p.sub {
			sym = "−"
		}
		return plainBinaryExplanation(res, p.bc, p.typ, p.in1, p.in2, index, sym, p.float, p.int32,
			[2]float32{p.FloatMin, p.FloatMax}, [2]int32{p.ActMin, p.ActMax}), nil
	}
	i1, i2 := p.bc.index(index)
	x := int32(Values(p.typ, res.Tensors[p.in1])[i1])
	y := int32(Values(p.typ, res.Tensors[p.in2])[i2])
	e := &Explanation{}
	var scaled [2]int32
	for k, in := range []struct {
		v, off int32
		idx    int
		q      Requant
	}{{x, p.Input1Offset, i1, p.Input1}, {y, p.Input2Offset, i2, p.Input2}} {
		name := fmt.Sprintf("input%d", k+1)
		v := in.v + in.off
		sh := v * (1 << p.LeftShift)
		e.Steps = append(e.Steps,
			Step{name, fmt.Sprintf("%s[%d]", name, in.idx), float64(in.v)},
			Step{name + " offset", fmt.Sprintf("%d + %s_offset %d", in.v, name, in.off), float64(v)},
			Step{name + " left shift", fmt.Sprintf("%d · 2^%d", v, p.LeftShift), float64(sh)})
		s, sv := scaleSteps(name, sh, in.q)
		e.Steps = append(e.Steps, s...)
		scaled[k] = sv
	}
	sum, f := scaled[0]+scaled[1], "%d + %d"
	if p.sub {
		sum, f = scaled[0]-scaled[1], "%d − %d"
	}
	e.Steps = append(e.Steps, Step{"raw sum", fmt.Sprintf(f, scaled[0], scaled[1]), float64(sum)})
	s, v := scaleSteps("output", sum, p.Output)
	e.Steps = append(e.Steps, s...)
	e.Steps, e.Value = append(e.Steps, zeroPointClampSteps(v, p.OutputOffset, p.ActMin, p.ActMax)...), int64(clamp(v+p.OutputOffset, p.ActMin, p.ActMax))
	return e, nil
}

// float is the float32 ADD or SUB of one pair, clamped to the activation.
func (p *AddParams) float(x, y float32) float32 {
	if p.sub {
		return clampF(x-y, p.FloatMin, p.FloatMax)
	}
	return clampF(x+y, p.FloatMin, p.FloatMax)
}

// int32 is the int32 ADD or SUB of one pair, clamped to the activation.
func (p *AddParams) int32(x, y int32) int32 {
	if p.sub {
		return clamp(x-y, p.ActMin, p.ActMax)
	}
	return clamp(x+y, p.ActMin, p.ActMax)
}

// plainBinaryExplanation explains one element of a float32 or int32
// elementwise op (x sym y, computed by f or g in the tensor type, then
// clamped to the activation range fr or ir).
func plainBinaryExplanation(res *Result, bc *broadcast, typ DType, in1, in2, index int, sym string,
	f func(x, y float32) float32, g func(x, y int32) int32, fr [2]float32, ir [2]int32) *Explanation {
	i1, i2 := bc.index(index)
	x, y := Values(typ, res.Tensors[in1])[i1], Values(typ, res.Tensors[in2])[i2]
	e := &Explanation{Steps: []Step{
		{"input1", fmt.Sprintf("input1[%d]", i1), x},
		{"input2", fmt.Sprintf("input2[%d]", i2), y},
	}}
	if typ == Float32 {
		v := f(float32(x), float32(y))
		e.Arithmetic = "float32"
		e.Steps = append(e.Steps, Step{"result", fmt.Sprintf("clamp(%.9g %s %.9g rounded to float32, %g, %g)", x, sym, y, fr[0], fr[1]), float64(v)})
		return e
	}
	v := g(int32(x), int32(y))
	e.Arithmetic, e.Value = "int32, wrapping", int64(v)
	e.Steps = append(e.Steps, Step{"result", fmt.Sprintf("clamp(%.0f %s %.0f, %d, %d)", x, sym, y, ir[0], ir[1]), float64(v)})
	return e
}
