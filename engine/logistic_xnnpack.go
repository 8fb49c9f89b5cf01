package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// LOGISTIC in the browser TFLite (tflite-xnnpack): the XNNPACK delegate takes
// int8 and uint8 LOGISTIC as a lookup table built in float32 (xnnLUT);
// TFLite's builtin "generic optimized" kernel, which runs the rest, uses its
// own float32 table (builtinLUT, shared with TANH).

func init() {
	registerXNNPack(tflite.BuiltinOperatorLOGISTIC, xnnLogisticNode)
	registerBuiltin(tflite.BuiltinOperatorLOGISTIC, func(c *prepCtx) (kernel, error) { return builtinLUT(c, cLogistic) })
}

// cLogistic is the float function of TFLite's logistic table: 1/(1 + expf(−x)).
func cLogistic(x float32) float32 { return 1 / (1 + cExpf(-x)) }

// xnnLUT is an int8 → int8 or uint8 → uint8 op computed with a 256-entry
// lookup table built in float32 when the operator is created.
type xnnLUT struct {
	Table   [256]int32 `json:"table"` // int8: indexed by input + 128; uint8: by input
	in, out int
	offset  int // 128 for int8, 0 for uint8
}

func (k *xnnLUT) eval(r *run, op *Op) error {
	out := r.vals[k.out] // int8 or uint8: the low byte
	for i, x := range r.vals[k.in] {
		v := int(x)
		if k.offset != 0 {
			v = int(int8(x)) + k.offset
		}
		out[i] = byte(k.Table[v])
	}
	return nil
}

// lutTensors checks that op maps int8 to int8 or uint8 to uint8 and returns
// an empty table for it.
func lutTensors(m *Model, op *Op) (in, out *Tensor, k *xnnLUT) {
	in, out = opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
	if in == nil || (in.Type != Int8 && in.Type != Uint8) || out.Type != in.Type {
		return nil, nil, nil
	}
	k = &xnnLUT{in: in.Index, out: out.Index}
	if in.Type == Int8 {
		k.offset = 128
	}
	return in, out, k
}

// xnnSigmoid is XNNPACK's float32 sigmoid for the lookup table
// (calculate_sigmoid): 1/(1 + e^−x) for negative x, 1 − 1/(1 + e^x) for the
// others. The two forms round differently; the oracle picks this one.
func xnnSigmoid(x float32) float32 {
	if math.Signbit(float64(x)) {
		return 1 / (1 + cExpf(-x))
	}
	return 1 - 1/(1+cExpf(x))
}

func xnnLogisticNode(c *prepCtx) (kernel, error) {
	if in := c.in(0); in != nil && in.Type == Float32 {
		return prepareFloatUnary(c, "XNNPACK f32-vsigmoid (rr2-p5-div): e = exp(−|x|) by the rr2-p5 polynomial, f = e/(e+1), 0 past the cutoff, 1 − f for x ≥ 0", xnnSigmoidF32)
	}
	in, out, k := lutTensors(c.m, c.op)
	if k == nil {
		return nil, fmt.Errorf("the XNNPACK delegate takes only int8, uint8 (and float32) LOGISTIC")
	}
	lo, hi := qrange(out.Type)
	if float32(out.Scale()) != 1.0/256 || out.ZeroPoint() != lo {
		return nil, &xnnFatal{fmt.Sprintf("XNNPACK's %v sigmoid needs output scale 1/256 and zero point %d", out.Type, lo)}
	}
	s, zp := float32(in.Scale()), in.ZeroPoint()
	inv := 1 / float32(out.Scale())
	for v := lo; v <= hi; v++ {
		y := xnnSigmoid(float32(v-zp) * s)
		q := int32(math.RoundToEven(float64(y*inv))) + out.ZeroPoint()
		k.Table[int(v)+k.offset] = clamp(q, lo, hi)
	}
	return k, nil
}

// builtinLUT is TFLite's PopulateLookupTable for an int8 → int8 or uint8 →
// uint8 op, which TFLite's reference and optimized kernels both use for
// LOGISTIC and TANH (only its fixed-point-optimized kernel does not): for
// every input value v,
//
//	table[v] = clamp(roundf(f(s_in·(v − zp_in)) · (1/s_out)) + zp_out)
//
// in float32, with f the float function.
func builtinLUT(c *prepCtx, f func(float32) float32) (kernel, error) {
	in, out, k := lutTensors(c.m, c.op)
	if k == nil {
		return nil, nil
	}
	s, zp := float32(in.Scale()), in.ZeroPoint()
	inv := 1 / float32(out.Scale())
	lo, hi := qrange(in.Type)
	for v := lo; v <= hi; v++ {
		y := roundf(f(s*float32(v-zp)) * inv)
		q := int32(max(min(y, 1<<20), -1<<20)) + out.ZeroPoint()
		k.Table[int(v)+k.offset] = clamp(q, lo, hi)
	}
	return k, nil
}

func (k *xnnLUT) explain(res *Result, op *Op, index int) (*Explanation, error) {
	x := int32(res.intAt(k.in, index))
	v := int64(k.Table[int(x)+k.offset])
	return &Explanation{Steps: []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(x)},
		{"table", fmt.Sprintf("table[%d], built in float32 when the model was loaded: clamp(round(f(s_in·(x − zp_in))/s_out) + zp_out)", x), float64(v)},
	}, Value: v, Arithmetic: "256-entry lookup table computed in float32"}, nil
}

// xnnSigmoidF32 is XNNPACK's f32-vsigmoid (wasmsimd rr2-p5-div, XNNPACK of mid
// 2022): z = |x|; exp(−z) by the magic-bias rounding n = round(−z·log2 e),
// s = 2^n from n's bits, t = z + n·ln2 in two steps and a degree-5
// polynomial; f = e/(e + 1), 0 when z exceeds the denormal cutoff, and
// 1 − f unless x's sign bit is set. Every operation rounds to float32 (no
// fused multiply-add).
func xnnSigmoidF32(x float32) float32 {
	const (
		magic      = float32(0x1.8000FEp23)
		minusLog2e = float32(-0x1.715476p+0)
		ln2Hi      = float32(0x1.62E400p-1)
		ln2Lo      = float32(0x1.7F7D1Cp-20)
		c5, c4, c3 = float32(-0x1.0F9F9Cp-7), float32(0x1.573A1Ap-5), float32(-0x1.555A80p-3)
		c2, c1     = float32(0x1.FFFDC6p-2), float32(-0x1.FFFFF6p-1)
		denormCut  = float32(0x1.5D589Ep+6)
	)
	z := float32(math.Abs(float64(x)))
	n := magic + float32(z*minusLog2e)
	s := math.Float32frombits(math.Float32bits(n) << 23)
	n -= magic
	t := z + float32(n*ln2Hi)
	t += float32(n * ln2Lo)
	p := c4 + float32(t*c5)
	p = c3 + float32(t*p)
	p = c2 + float32(t*p)
	p = c1 + float32(t*p)
	t *= s
	e := s + float32(t*p)
	f := e / (e + 1)
	if z > denormCut {
		f = 0
	}
	if math.Signbit(float64(x)) {
		return f
	}
	return 1 - f
}
