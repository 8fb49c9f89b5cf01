package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ComparisonParams are the prepared parameters of EQUAL, NOT_EQUAL, LESS,
// LESS_EQUAL, GREATER and GREATER_EQUAL.
//
// Mirrors TFLite's kernels/comparisons.cc (reference/comparisons.h) and
// TFLite Micro's kernels/comparisons.cc: the two inputs broadcast against
// each other and each output element is the bool x OP y. float32, int32,
// int64 (and bool for EQUAL and NOT_EQUAL) compare their values. int8 and
// uint8 inputs are first rescaled, ComparisonWithScaling:
//
//	x' = MultiplyByQuantizedMultiplierSmallerThanOneExp((x − zp_1)·2^8, M_1)
//	y' = MultiplyByQuantizedMultiplierSmallerThanOneExp((y − zp_2)·2^8, M_2)
//	M_k = QuantizeMultiplierSmallerThanOneExp(s_k)
//
// and x' OP y' is the output. The multipliers are the scales themselves
// (not their ratio), so each input's scale must be below 1: TFLite and
// TFLite Micro abort on a larger one (TFLITE_CHECK_LT), and so values
// differing by less than one step of the fixed-point scale compare equal.
type ComparisonParams struct {
	Op        string   `json:"op"` // ==, !=, <, <=, >, >=
	LeftShift int      `json:"left_shift,omitempty"`
	Offset1   int32    `json:"input1_offset,omitempty"`
	Offset2   int32    `json:"input2_offset,omitempty"`
	Input1    *Requant `json:"input1_multiplier,omitempty"`
	Input2    *Requant `json:"input2_multiplier,omitempty"`

	bc           *broadcast
	cmp          func(a, b float64) bool
	in1, in2     int
	out          int
	typ          DType
	intCmp       func(a, b int64) bool
	wantsScaling bool
}

var comparisons = []struct {
	code tflite.BuiltinOperator
	op   string
	f    func(a, b float64) bool
	i    func(a, b int64) bool
	bool bool // has bool inputs
}{
	{tflite.BuiltinOperatorEQUAL, "==", func(a, b float64) bool { return a == b }, func(a, b int64) bool { return a == b }, true},
	{tflite.BuiltinOperatorNOT_EQUAL, "!=", func(a, b float64) bool { return a != b }, func(a, b int64) bool { return a != b }, true},
	{tflite.BuiltinOperatorLESS, "<", func(a, b float64) bool { return a < b }, func(a, b int64) bool { return a < b }, false},
	{tflite.BuiltinOperatorLESS_EQUAL, "<=", func(a, b float64) bool { return a <= b }, func(a, b int64) bool { return a <= b }, false},
	{tflite.BuiltinOperatorGREATER, ">", func(a, b float64) bool { return a > b }, func(a, b int64) bool { return a > b }, false},
	{tflite.BuiltinOperatorGREATER_EQUAL, ">=", func(a, b float64) bool { return a >= b }, func(a, b int64) bool { return a >= b }, false},
}

func init() {
	for _, cm := range comparisons {
		register(cm.code, func(c *prepCtx) (kernel, error) { return prepareComparison(c, cm.op, cm.f, cm.i, cm.bool) })
	}
}

func prepareComparison(c *prepCtx, op string, f func(a, b float64) bool, fi func(a, b int64) bool, hasBool bool) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	a, b, out := c.in(0), c.in(1), c.out(0)
	if a.Type != b.Type {
		return nil, c.errorf("inputs are %v and %v; %s compares one type", a.Type, b.Type, c.op.Builtin)
	}
	if out.Type != Bool {
		return nil, c.errorf("output tensor %d is %v; %s writes bool", out.Index, out.Type, c.op.Builtin)
	}
	switch a.Type {
	case Float32, Int32, Int64, Int8, Uint8:
	case Bool:
		if !hasBool {
			return nil, c.unsupportedTypes()
		}
	default:
		return nil, c.unsupportedTypes()
	}
	bc, err := newBroadcast(a.Shape, b.Shape)
	if err != nil {
		return nil, c.errorf("%v", err)
	}
	if err := c.sameShape(out, bc.out); err != nil {
		return nil, err
	}
	p := &ComparisonParams{Op: op, bc: bc, cmp: f, intCmp: fi, in1: a.Index, in2: b.Index, out: out.Index, typ: a.Type}
	if a.Type == Int8 || a.Type == Uint8 {
		for _, t := range []*Tensor{a, b} {
			if err := c.needQuant("input", t); err != nil {
				return nil, err
			}
		}
		var m [2]Requant
		for k, t := range []*Tensor{a, b} {
			var err error
			if m[k], err = c.smallerThanOne(float64(t.Quant.Scale[0])); err != nil {
				return nil, c.errorf("input %d scale: %v; TFLite's quantized %s uses each input's scale as a multiplier below 1 (it aborts otherwise)", k, err, c.op.Builtin)
			}
		}
		m1, m2 := m[0], m[1]
		p.LeftShift, p.Offset1, p.Offset2, p.Input1, p.Input2 = 8, -a.ZeroPoint(), -b.ZeroPoint(), &m1, &m2
		p.wantsScaling = true
	}
	return p, nil
}

// scaled is ComparisonWithScaling's rescaling of one quantized input value.
func (p *ComparisonParams) scaled(v int64, offset int32, m *Requant) int32 {
	return m.apply((int32(v) + offset) * (1 << p.LeftShift))
}

// compare computes output element o.
func (p *ComparisonParams) compare(a, b []byte, i1, i2 int) bool {
	switch p.typ {
	case Float32:
		return p.cmp(float64(AsFloat32(a)[i1]), float64(AsFloat32(b)[i2]))
	case Int8, Uint8:
		x := p.scaled(intValue(p.typ, a, i1), p.Offset1, p.Input1)
		y := p.scaled(intValue(p.typ, b, i2), p.Offset2, p.Input2)
		return p.intCmp(int64(x), int64(y))
	}
	return p.intCmp(intValue(p.typ, a, i1), intValue(p.typ, b, i2))
}

func (p *ComparisonParams) eval(r *run, op *Op) error {
	a, b, dst := r.vals[p.in1], r.vals[p.in2], r.vals[p.out]
	p.bc.runs(func(o, i1, i2, n int, step1, step2 bool) {
		d1, d2 := 0, 0 // how far each input moves per output element
		if step1 {
			d1 = 1
		}
		if step2 {
			d2 = 1
		}
		for k := range n {
			dst[o+k] = b2u(p.compare(a, b, i1+k*d1, i2+k*d2))
		}
	})
	return nil
}

func (p *ComparisonParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	i1, i2 := p.bc.index(index)
	a, b := res.Tensors[p.in1], res.Tensors[p.in2]
	x, y := elementValue(p.typ, a, i1), elementValue(p.typ, b, i2)
	v := p.compare(a, b, i1, i2)
	steps := []Step{{Name: "input 1", Formula: fmt.Sprintf("input 1 element %d", i1), Value: x}, {Name: "input 2", Formula: fmt.Sprintf("input 2 element %d", i2), Value: y}}
	arith := "compares the values"
	if p.wantsScaling {
		arith = "ComparisonWithScaling: both inputs brought to a common scale"
		xs, ys := p.scaled(int64(x), p.Offset1, p.Input1), p.scaled(int64(y), p.Offset2, p.Input2)
		steps = append(steps,
			Step{Name: "scaled 1", Formula: fmt.Sprintf("MultiplyByQuantizedMultiplier((%v + %d)·2^%d, %d, %d)", x, p.Offset1, p.LeftShift, p.Input1.Multiplier, p.Input1.Shift), Value: float64(xs)},
			Step{Name: "scaled 2", Formula: fmt.Sprintf("MultiplyByQuantizedMultiplier((%v + %d)·2^%d, %d, %d)", y, p.Offset2, p.LeftShift, p.Input2.Multiplier, p.Input2.Shift), Value: float64(ys)})
		x, y = float64(xs), float64(ys)
	}
	steps = append(steps, Step{Name: "compare", Formula: fmt.Sprintf("%v %s %v", x, p.Op, y), Value: float64(b2u(v))})
	return &Explanation{Arithmetic: arith, Steps: steps, Value: int64(b2u(v))}, nil
}
