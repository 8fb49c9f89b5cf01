package engine

import (
	"fmt"

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
// integer parameters once.
type prepareFunc func(c *prepCtx) (kernel, error)

var kernels = map[tflite.BuiltinOperator]prepareFunc{}

// register adds an op's prepare function; called from the op files' init.
func register(code tflite.BuiltinOperator, f prepareFunc) {
	if _, dup := kernels[code]; dup {
		panic("engine: op registered twice: " + code.String())
	}
	kernels[code] = f
}

// prepCtx gives a prepare function the op and its tensors.
type prepCtx struct {
	m  *Model
	op *Op
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

// sameShape checks that the output has the shape the op computes.
func (c *prepCtx) sameShape(t *Tensor, want []int) error {
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

// Requant is one prepared requantization: the real multiplier
// (e.g. s_input·s_filter/s_output) and TFLite's fixed-point form of it,
// Multiplier·2^(Shift−31).
type Requant struct {
	Real       float64 `json:"real_multiplier"`
	Multiplier int32   `json:"quantized_multiplier"`
	Shift      int     `json:"shift"`
}

// newRequant quantizes a real multiplier like TFLite's QuantizeMultiplier.
func newRequant(real float64) Requant {
	m, s := fixedpoint.QuantizeMultiplier(real)
	return Requant{Real: real, Multiplier: m, Shift: s}
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

// qrange returns the representable range of an integer type.
func qrange(t DType) (lo, hi int32) {
	switch t {
	case Int8:
		return -128, 127
	case Uint8:
		return 0, 255
	case Int16:
		return -32768, 32767
	}
	return -1 << 31, 1<<31 - 1
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

// quantizedActivation is TFLite's CalculateActivationRangeQuantized for the
// output tensor's scale, zero point and type.
func quantizedActivation(act fixedpoint.Activation, out *Tensor) (lo, hi int32, err error) {
	qmin, qmax := qrange(out.Type)
	return fixedpoint.ActivationRangeQuantized(act, out.Scale(), out.ZeroPoint(), qmin, qmax)
}

// floatActivation is TFLite's CalculateActivationRange for float.
func floatActivation(act fixedpoint.Activation) (lo, hi float32) {
	return fixedpoint.ActivationRangeFloat(act)
}
