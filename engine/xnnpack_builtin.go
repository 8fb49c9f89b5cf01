package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// TFLite builtin kernels whose int8 arithmetic in the browser build differs
// from the reference kernels (TFLite Micro): the "generic optimized"
// kernels that TFLite registers by default compute LOGISTIC, TANH and
// SOFTMAX through float32 lookup tables. Under XNNPack they run when the
// delegate leaves the op to TFLite.

func init() {
	builtinBuilders[tflite.BuiltinOperatorLOGISTIC] = func(m *Model, op *Op) (xnnNode, error) {
		return builtinLUT(m, op, func(x float32) float32 { return 1 / (1 + cExpf(-x)) })
	}
	builtinBuilders[tflite.BuiltinOperatorTANH] = func(m *Model, op *Op) (xnnNode, error) {
		return builtinLUT(m, op, cTanhf)
	}
	builtinBuilders[tflite.BuiltinOperatorSOFTMAX] = builtinSoftmax
}

// cTanhf is the C library's tanhf.
func cTanhf(x float32) float32 { return float32(math.Tanh(float64(x))) }

// roundf is C's roundf: halves away from zero.
func roundf(x float32) float32 { return float32(math.Round(float64(x))) }

// builtinLUT is TFLite's PopulateLookupTable for an int8 → int8 op: for
// every input value v,
//
//	table[v] = clamp(roundf(f(s_in·(v − zp_in)) · (1/s_out)) + zp_out)
//
// in float32, with f the float function.
func builtinLUT(m *Model, op *Op, f func(float32) float32) (xnnNode, error) {
	in, out := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
	if in == nil || in.Type != Int8 || out.Type != Int8 {
		return nil, nil
	}
	k := &xnnLUT{in: in.Index, out: out.Index}
	s, zp := float32(in.Scale()), in.ZeroPoint()
	inv := 1 / float32(out.Scale())
	for v := int32(-128); v < 128; v++ {
		y := roundf(f(s*float32(v-zp)) * inv)
		q := int32(max(min(y, 1<<20), -1<<20)) + out.ZeroPoint()
		k.Table[v+128] = int8(clamp(q, -128, 127))
	}
	return k, nil
}

// builtinSoftmaxNode is TFLite's optimized int8 SOFTMAX
// (PopulateSoftmaxLookupTable and optimized_ops::Softmax): a float32 table
// of exp(−s_in·β·d) for the distance d to the row maximum, a float32 sum in
// row order, and each output roundf(table·(1/(sum·s_out))) + zp_out.
type builtinSoftmaxNode struct {
	Table     [256]float32 `json:"table"` // Table[d] = expf(−s_in·β·d)
	ZeroPoint int32        `json:"output_zero_point"`
	Scale     float32      `json:"output_scale"`
	depth     int
	in, out   int
}

func builtinSoftmax(m *Model, op *Op) (xnnNode, error) {
	in, out := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
	if in == nil || in.Type != Int8 || out.Type != Int8 || len(in.Shape) == 0 {
		return nil, nil
	}
	beta := float32(1)
	if o, ok := op.Options.(*tflite.SoftmaxOptionsT); ok {
		beta = o.Beta
	}
	k := &builtinSoftmaxNode{ZeroPoint: out.ZeroPoint(), Scale: float32(out.Scale()),
		depth: in.Shape[len(in.Shape)-1], in: in.Index, out: out.Index}
	if k.depth == 0 {
		return nil, fmt.Errorf("empty rows")
	}
	s := -float32(in.Scale()) * beta
	for d := range k.Table {
		k.Table[d] = cExpf(s * float32(d))
	}
	return k, nil
}

// rowSum returns a row's maximum and the float32 sum, in order, of its
// table entries exp(−s_in·β·(max − x)).
func (k *builtinSoftmaxNode) rowSum(x []int8) (mx int32, sum float32) {
	mx = -128
	for _, v := range x {
		mx = max(mx, int32(v))
	}
	for _, v := range x {
		sum += k.Table[mx-int32(v)]
	}
	return mx, sum
}

func (k *builtinSoftmaxNode) eval(r *run, op *Op) error {
	in, out := r.i8(k.in), r.i8(k.out)
	for row := 0; row+k.depth <= len(in); row += k.depth {
		x, y := in[row:row+k.depth], out[row:row+k.depth]
		mx, sum := k.rowSum(x)
		inv := 1 / (sum * k.Scale)
		for i, v := range x {
			p := roundf(k.Table[mx-int32(v)] * inv)
			y[i] = int8(clamp(int32(max(min(p, 1<<20), -1<<20))+k.ZeroPoint, -128, 127))
		}
	}
	return nil
}

func init() {
	builtinBuilders[tflite.BuiltinOperatorMEAN] = builtinMean
}

// builtinMeanNode is TFLite's optimized int8 MEAN over H and W of a 4-D
// tensor with keep_dims (optimized_integer_ops::Mean), which TFLite's
// reduce.cc picks for exactly that case (axes given as 1 and 2). It sums
// the raw values and folds both zero points into one integer bias:
//
//	temp = zp_in·s_in/s_out (float32), rounded half away from zero
//	Bias = zp_out − temp
//	out  = clamp(MultiplyByQuantizedMultiplier(Σ x, M, shift) + Bias)
//
// with M, shift = QuantizeMultiplier(s_in/(H·W·s_out)), computed in float32.
type builtinMeanNode struct {
	Requant  Requant `json:"requant"`
	Bias     int32   `json:"bias"`
	n, hw, c int
	in, out  int
}

func builtinMean(m *Model, op *Op) (xnnNode, error) {
	in, axes, out := opTensor(m, op, 0), opTensor(m, op, 1), m.Tensors[op.Outputs[0]]
	o, _ := op.Options.(*tflite.ReducerOptionsT)
	other := func() (xnnNode, error) { // reduce.cc's other paths (mean.go)
		if p, ok := op.Params.(*MeanParams); ok {
			return meanTFLite{p}, nil
		}
		return nil, nil
	}
	if in == nil || axes == nil || o == nil || !o.KeepDims || in.Type != Int8 || out.Type != Int8 ||
		len(in.Shape) != 4 || !axes.Const || axes.Type != Int32 {
		return other()
	}
	av := AsInt32(axes.Data)
	if len(av) != 2 || min(av[0], av[1]) != 1 || max(av[0], av[1]) != 2 {
		return other()
	}
	si, so := float32(in.Scale()), float32(out.Scale())
	temp := float32(in.ZeroPoint()) * si / so
	if temp > 0 {
		temp += 0.5
	} else {
		temp -= 0.5
	}
	hw := in.Shape[1] * in.Shape[2]
	real := si / (float32(hw) * so)
	return &builtinMeanNode{Requant: newRequant(float64(real)), Bias: out.ZeroPoint() - int32(temp),
		n: in.Shape[0], hw: hw, c: in.Shape[3], in: in.Index, out: out.Index}, nil
}

func (k *builtinMeanNode) eval(r *run, op *Op) error {
	out := r.i8(k.out)
	sumHW(r.i8(k.in), k.n, k.hw, k.c, func(o int, sum int32) {
		out[o] = int8(clamp(requant(Reference, sum, k.Requant)+k.Bias, -128, 127))
	})
	return nil
}

func init() {
	builtinBuilders[tflite.BuiltinOperatorSUB] = builtinSub
}

// builtinSub is TFLite's SUB: TFLite Micro's kernel (the engine's) derives
// the three multipliers in float32, TFLite's sub.cc in double, as ADD does.
func builtinSub(m *Model, op *Op) (xnnNode, error) {
	p, ok := op.Params.(*SubParams)
	if !ok || (p.typ != Int8 && p.typ != Uint8) {
		return nil, nil
	}
	s1, s2, so := m.Tensors[p.in1].Scale(), m.Tensors[p.in2].Scale(), m.Tensors[p.out].Scale()
	twice := 2 * float64(max(float32(s1), float32(s2)))
	q := *p
	var err error
	for _, x := range []struct {
		dst  *Requant
		real float64
	}{{&q.Input1, s1 / twice}, {&q.Input2, s2 / twice}, {&q.Output, twice / (float64(int32(1)<<q.LeftShift) * so)}} {
		if *x.dst, err = smallerThanOne(x.real); err != nil {
			return nil, nil
		}
	}
	return builtinKernel{&q, Reference, "TFLite's sub.cc derives the three multipliers in double precision (TFLite Micro: float32)"}, nil
}

// builtinKernel evaluates prepared engine parameters k (the op's own, or a
// variant of them) under profile p, whose arithmetic is the builtin
// kernel's.
type builtinKernel struct {
	k    kernel
	p    Profile
	note string // how the parameters differ from the engine's kernel, if they do
}

func (b builtinKernel) eval(r *run, op *Op) error {
	saved := r.profile
	r.profile = b.p
	err := b.k.eval(r, op)
	r.profile = saved
	return err
}

func init() {
	builtinBuilders[tflite.BuiltinOperatorMUL] = builtinMul
}

// builtinMul is TFLite's MUL: its Prepare computes the real multiplier
// s1·s2/s_out in float32 (then widens it to double), TFLite Micro's in
// double; the multipliers differ in rare cases.
func builtinMul(m *Model, op *Op) (xnnNode, error) {
	p, ok := op.Params.(*MulParams)
	if !ok || (p.typ != Int8 && p.typ != Uint8) {
		return nil, nil
	}
	s1, s2, so := float32(m.Tensors[p.in1].Scale()), float32(m.Tensors[p.in2].Scale()), float32(m.Tensors[p.out].Scale())
	q := *p
	prod := s1 * s2
	q.Requant = newRequant(float64(prod / so))
	return builtinKernel{&q, Reference, "TFLite's mul.cc computes the real multiplier s1·s2/s_out in float32 (TFLite Micro: double)"}, nil
}
