package engine

import (
	"fmt"
	"slices"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// kernel is an op's prepared parameters and its evaluation. Each op file
// defines an exported params struct (shown verbatim by the CLI and the page)
// whose eval method computes the op, like a TFLite Micro kernel's OpData and
// Eval.
type kernel interface {
	eval(r *run, op *Op) error
}

// explainer is implemented by kernels that can derive one output element.
type explainer interface {
	explain(res *Result, op *Op, index int) (*Explanation, error)
}

// prepareFunc is an op's Prepare: it checks types and shapes and derives the
// integer parameters once, for the arithmetic its prepCtx names.
type prepareFunc func(c *prepCtx) (kernel, error)

// opDef is everything the engine knows of one builtin op: TFLite's
// reference kernel, and the browser TFLite's variants of it where their
// arithmetic differs (the op's sibling file NAME_xnnpack.go).
type opDef struct {
	// prepare is TFLite's reference kernel; the prepCtx's rounding says how
	// its MultiplyByQuantizedMultiplier rounds (reference, single rounding,
	// or the browser build's builtin kernel).
	prepare prepareFunc
	// xnnpack prepares the XNNPACK delegate's node for the op; an error
	// leaves the op to TFLite's builtin kernel and says why (an *xnnFatal
	// error makes TFLite drop the whole delegate). Nil: the delegate does
	// not take the op.
	xnnpack prepareFunc
	// builtin prepares TFLite's builtin kernel of the browser build where
	// its arithmetic differs from the reference kernel's; nil kernel and
	// nil error mean "the reference kernel, double rounding".
	builtin prepareFunc
}

var (
	ops       = map[tflite.BuiltinOperator]*opDef{}
	customOps = map[string]*opDef{} // by custom_code
)

// defOf returns what the engine knows of op, nil for an op it lacks:
// builtin ops by their code, custom ops by their custom_code.
func defOf(op *Op) *opDef {
	if op.code == tflite.BuiltinOperatorCUSTOM {
		return customOps[op.CustomCode]
	}
	return ops[op.code]
}

// registerCustom adds a custom op (an operator code CUSTOM with this
// custom_code, options in the op's flexbuffer CustomOptions); called from
// the op file's init.
func registerCustom(name string, f prepareFunc) {
	if customOps[name] != nil {
		panic("engine: custom op registered twice: " + name)
	}
	customOps[name] = &opDef{prepare: f}
}

func opDefFor(code tflite.BuiltinOperator) *opDef {
	d := ops[code]
	if d == nil {
		d = &opDef{}
		ops[code] = d
	}
	return d
}

// register adds an op's reference kernel; called from the op files' init.
func register(code tflite.BuiltinOperator, f prepareFunc) {
	d := opDefFor(code)
	if d.prepare != nil {
		panic("engine: op registered twice: " + code.String())
	}
	d.prepare = f
}

// registerXNNPack adds the XNNPACK delegate's node for an op.
func registerXNNPack(code tflite.BuiltinOperator, f prepareFunc) { opDefFor(code).xnnpack = f }

// registerBuiltin adds the browser TFLite's builtin kernel of an op whose
// arithmetic is not the reference kernel's.
func registerBuiltin(code tflite.BuiltinOperator, f prepareFunc) { opDefFor(code).builtin = f }

// prepCtx gives a prepare function the op, its tensors, and the rounding
// of the TFLite build being prepared for.
type prepCtx struct {
	m        *Model
	op       *Op
	rounding Rounding
	// vals, set when a dynamic model's op is prepared during a run, are
	// the values the ops before it computed.
	vals [][]byte
}

// dynamicError defers an op's Prepare to run time: its output shape
// depends on the value of a tensor that only a run computes (a shape,
// paddings or begin input computed by earlier ops). TFLite's kernels mark
// such an output dynamic (SetTensorToDynamic) and resize it in Eval; from
// that op on, the interpreter prepares each op just before it runs.
type dynamicError struct{ msg string }

func (e *dynamicError) Error() string { return e.msg }

// known returns the value of tensor t that Prepare may read: its constant
// data, the value an earlier Prepare computed (SHAPE's), or, while a
// dynamic model runs, the value earlier ops computed. Otherwise the op is
// dynamic and known returns a *dynamicError.
func (c *prepCtx) known(role string, t *Tensor) ([]byte, error) {
	switch {
	case t.Const:
		return t.Data, nil
	case t.prepared != nil:
		return t.prepared, nil
	case c.vals != nil && len(c.vals[t.Index]) == t.NumBytes():
		c.m.runRead = append(c.m.runRead, RunRead{Op: c.op.Index, Role: role, Tensor: t.Index, Data: slices.Clone(c.vals[t.Index])})
		return c.vals[t.Index], nil
	}
	return nil, &dynamicError{fmt.Sprintf("op %d (%s): its %s input, tensor %d (%q), is computed when the model runs, so its output shape is worked out then", c.op.Index, c.op.Builtin, role, t.Index, t.Name)}
}

// requant quantizes a real multiplier like TFLite's QuantizeMultiplier, to
// be applied with the prepared build's rounding.
func (c *prepCtx) requant(real float64) Requant {
	q := newRequant(real)
	q.Rounding = c.rounding
	return q
}

// errorf returns a load error that names the op.
func (c *prepCtx) errorf(format string, args ...any) error {
	return loadErrorf("op %d (%s): %s", c.op.Index, c.op.Builtin, fmt.Sprintf(format, args...))
}

// io checks the number of inputs (at least minIn, at most maxIn) and outputs.
func (c *prepCtx) io(minIn, maxIn, nOut int) error {
	if n := len(c.op.Inputs); n < minIn || n > maxIn {
		if minIn == maxIn {
			return c.errorf("has %d inputs, want %d", n, minIn)
		}
		return c.errorf("has %d inputs, want %d to %d", n, minIn, maxIn)
	}
	if n := len(c.op.Outputs); n != nOut {
		return c.errorf("has %d outputs, want %d", n, nOut)
	}
	for i := 0; i < minIn; i++ {
		if c.op.Inputs[i] < 0 {
			return c.errorf("required input %d is missing", i)
		}
	}
	return nil
}

// in returns input i, or nil when it is absent (optional, -1).
func (c *prepCtx) in(i int) *Tensor {
	if i >= len(c.op.Inputs) || c.op.Inputs[i] < 0 {
		return nil
	}
	return c.m.Tensors[c.op.Inputs[i]]
}

// out returns output i.
func (c *prepCtx) out(i int) *Tensor { return c.m.Tensors[c.op.Outputs[i]] }

// unsupportedTypes is the error for a type combination the op lacks.
func (c *prepCtx) unsupportedTypes() error {
	s := ""
	for i := range c.op.Inputs {
		if t := c.in(i); t != nil {
			if s != "" {
				s += ", "
			}
			s += t.Type.String()
		}
	}
	return c.errorf("input types (%s) → output %v are not supported", s, c.out(0).Type)
}

// needQuant checks that t has per-tensor quantization with a positive scale.
func (c *prepCtx) needQuant(role string, t *Tensor) error {
	if t.Quant == nil || len(t.Quant.Scale) == 0 {
		return c.errorf("%s tensor %d (%q) of type %v has no quantization parameters", role, t.Index, t.Name, t.Type)
	}
	if t.Quant.Scale[0] <= 0 {
		return c.errorf("%s tensor %d (%q) has scale %v; a quantized tensor needs a positive scale", role, t.Index, t.Name, t.Quant.Scale[0])
	}
	return nil
}

// elementwise checks a one-input, one-output op whose output has the
// input's type and shape: float32, or one of the quantized types given,
// with both tensors quantized. quantized is false for float32.
func (c *prepCtx) elementwise(quantTypes ...DType) (in, out *Tensor, quantized bool, err error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, nil, false, err
	}
	in, out = c.in(0), c.out(0)
	if in.Type != out.Type || (in.Type != Float32 && !slices.Contains(quantTypes, in.Type)) {
		return nil, nil, false, c.unsupportedTypes()
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, nil, false, err
	}
	if in.Type == Float32 {
		return in, out, false, nil
	}
	for _, t := range []*Tensor{in, out} {
		if err := c.needQuant("input/output", t); err != nil {
			return nil, nil, false, err
		}
	}
	return in, out, true, nil
}

// sameShape checks that the output has the shape the op computes or, for a
// tensor whose shape is inferred (stored without one, or in a resized or
// dynamic model), gives it that shape, as TFLite's Prepare resizes its
// outputs.
func (c *prepCtx) sameShape(t *Tensor, want []int) error {
	if t.inferred {
		t.Shape = slices.Clone(want)
		return nil
	}
	if !equalInts(t.Shape, want) {
		return c.errorf("output tensor %d (%q) has shape %v, but the op computes %v", t.Index, t.Name, t.Shape, want)
	}
	return nil
}

// activation reads a fused activation and rejects the ones TFLite does not fuse.
func (c *prepCtx) activation(a tflite.ActivationFunctionType) (fixedpoint.Activation, error) {
	switch a {
	case tflite.ActivationFunctionTypeNONE, tflite.ActivationFunctionTypeRELU,
		tflite.ActivationFunctionTypeRELU_N1_TO_1, tflite.ActivationFunctionTypeRELU6:
		return fixedpoint.Activation(a), nil
	}
	return 0, c.errorf("fused activation %v is not supported", a)
}

// Rounding is how a TFLite build's MultiplyByQuantizedMultiplier rounds.
type Rounding string

// The two roundings of TFLite's MultiplyByQuantizedMultiplier.
const (
	// RoundDouble is the reference kernels' and TFLite Micro's:
	// SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT.
	RoundDouble Rounding = "double"
	// RoundSingle is TFLITE_SINGLE_ROUNDING's (and ruy's):
	// (x·M + 2^(30−shift)) >> (31−shift).
	RoundSingle Rounding = "single"
)

// Requant is one prepared requantization: the real multiplier
// (e.g. s_input·s_filter/s_output), TFLite's fixed-point form of it,
// Multiplier·2^(Shift−31), and the rounding the kernel applies it with.
type Requant struct {
	Real       float64  `json:"real_multiplier"`
	Multiplier int32    `json:"quantized_multiplier"`
	Shift      int      `json:"shift"`
	Rounding   Rounding `json:"rounding"`
}

// newRequant quantizes a real multiplier like TFLite's QuantizeMultiplier,
// with double rounding (kernels whose TFLite builds all round twice; the
// others use prepCtx.requant).
func newRequant(real float64) Requant {
	m, s := fixedpoint.QuantizeMultiplier(real)
	return Requant{Real: real, Multiplier: m, Shift: s, Rounding: RoundDouble}
}

// apply is MultiplyByQuantizedMultiplier(x, Multiplier, Shift) with q's
// rounding.
func (q Requant) apply(x int32) int32 {
	if q.Rounding == RoundSingle {
		return fixedpoint.MultiplyByQuantizedMultiplierSingleRounding(x, q.Multiplier, q.Shift)
	}
	return fixedpoint.MultiplyByQuantizedMultiplier(x, q.Multiplier, q.Shift)
}

// apply64 is apply for the int64 accumulators of 16x8 ops.
func (q Requant) apply64(x int64) int32 {
	if q.Rounding == RoundSingle {
		return fixedpoint.MultiplyByQuantizedMultiplier64SingleRounding(x, q.Multiplier, q.Shift)
	}
	return fixedpoint.MultiplyByQuantizedMultiplier64(x, q.Multiplier, q.Shift)
}

// check64 rejects multipliers outside the domain of TFLite's 64-bit
// MultiplyByQuantizedMultiplier (shift in [-31, 7], a DCHECK in TFLite and
// undefined behaviour beyond it), which the 16x8 kernels use.
func (c *prepCtx) check64(what string, qs ...Requant) error {
	for _, q := range qs {
		if q.Shift > 7 {
			return c.errorf("%s requantization multiplier %g is too large for TFLite's 16-bit path (at most 2^7; check the input, filter and output scales)", what, q.Real)
		}
	}
	return nil
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// macCounter is implemented by the kernels that multiply and accumulate:
// macs counts their multiply-accumulates per inference (Model.MACs), and
// their trace records one accumulator per output element (RunBytes).
type macCounter interface {
	macs() int64
}
