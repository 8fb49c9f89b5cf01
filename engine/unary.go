package engine

import (
	"fmt"
	"math"
)

// Shared by the elementwise unary ops (ABS, NEG, SQRT, RSQRT, SQUARE, EXP,
// LOG, SIN, COS, ...): their float32 kernel, the typed integer loop, and the
// explanation of a float32 element. The binary ops' loops are in
// broadcast.go.

// FloatUnaryParams are the prepared parameters of a float32 elementwise op:
// out[i] = f(in[i]) in float32, f being the C library's float function
// (sinf, expf, ...) or exact float arithmetic, as TFLite's EvalNumeric.
type FloatUnaryParams struct {
	// Formula is f, e.g. "sinf(x)" or "x·x".
	Formula string `json:"formula"`

	f       func(float32) float32
	in, out int
}

// prepareFloatUnary checks a one-input op whose input and output are
// float32 tensors of the same shape and returns its float kernel.
func prepareFloatUnary(c *prepCtx, formula string, f func(float32) float32) (*FloatUnaryParams, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	if in.Type != Float32 || out.Type != Float32 {
		return nil, c.unsupportedTypes()
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	return &FloatUnaryParams{Formula: formula, f: f, in: in.Index, out: out.Index}, nil
}

func (p *FloatUnaryParams) eval(r *run, op *Op) error {
	in, out := r.f32(p.in), r.f32(p.out)
	for i, x := range in {
		out[i] = p.f(x)
	}
	return nil
}

func (p *FloatUnaryParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	x := AsFloat32(res.Tensors[p.in])[index]
	return floatExplanation([]Step{{"input", fmt.Sprintf("x = input[%d]", index), float64(x)}},
		p.Formula, p.f(x)), nil
}

// unaryInts applies f, computed in int32, to every element of a same-typed
// integer unary op; f's result must already be clamped to the type's range.
func unaryInts(r *run, typ DType, in, out int, f func(x int32) int32) {
	switch typ {
	case Int8:
		unaryBytes(r.i8(in), r.i8(out), f)
	case Uint8:
		unaryBytes(r.u8(in), r.u8(out), f)
	case Int16:
		unaryLoop(r.i16(in), r.i16(out), f)
	case Int32:
		unaryLoop(r.i32(in), r.i32(out), f)
	}
}

// unaryTableMin is the tensor size from which an int8 or uint8 unary op
// computes its function once per byte value, into a table it then looks
// every element up in.
const unaryTableMin = 512

// unaryBytes is unaryLoop for int8 or uint8, through a table of f's 256
// values when the tensor is large enough (the same values: f depends on x
// only).
func unaryBytes[T int8 | uint8](in, out []T, f func(x int32) int32) { mapBytes(in, out, f) }

// mapBytes sets out[i] = U(f(int32(in[i]))) for an int8 or uint8 input,
// through a table of f's 256 values from unaryTableMin elements.
func mapBytes[T int8 | uint8, U integer](in []T, out []U, f func(x int32) int32) {
	out = out[:len(in)]
	if len(in) < unaryTableMin {
		for i, x := range in {
			out[i] = U(f(int32(x)))
		}
		return
	}
	var t [256]U
	for v := range 256 {
		t[v] = U(f(int32(T(v))))
	}
	for i, x := range in {
		out[i] = t[uint8(x)]
	}
}

func unaryLoop[T integer](in, out []T, f func(x int32) int32) {
	for i, x := range in {
		out[i] = T(f(int32(x)))
	}
}

// cSqrtf is C's sqrtf, correctly rounded (float64's square root rounded to
// float32 is). The other float functions are in libm.go.
func cSqrtf(x float32) float32 { return float32(math.Sqrt(float64(x))) }
