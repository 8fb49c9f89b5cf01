package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// SOFTMAX in the browser TFLite (tflite-xnnpack): the XNNPACK delegate does not
// take int8 or uint8 SOFTMAX; TFLite's builtin "generic optimized" kernel
// computes it through a float32 table (builtinSoftmaxNode).

func init() {
	registerBuiltin(tflite.BuiltinOperatorSOFTMAX, builtinSoftmax)
}

// builtinSoftmaxNode is TFLite's optimized int8 and uint8 SOFTMAX
// (PopulateSoftmaxLookupTable and optimized_ops::Softmax): a float32 table
// of exp(−s_in·β·d) for the distance d to the row maximum, a float32 sum in
// row order, and each output p = table·(1/(sum·s_out)) quantized by
// QuantizeSoftmaxOutput: int8 roundf(p) + zp_out; uint8 (outside aarch64)
// truncates float32(p + 0.5) and ignores the zero point (which is 0).
type builtinSoftmaxNode struct {
	Table     [256]float32 `json:"table"` // Table[d] = expf(−s_in·β·d)
	ZeroPoint int32        `json:"output_zero_point"`
	Scale     float32      `json:"output_scale"`
	depth     int
	in, out   int
	typ       DType
}

func builtinSoftmax(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	in, out := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
	if in == nil || (in.Type != Int8 && in.Type != Uint8) || out.Type != in.Type || len(in.Shape) == 0 {
		return nil, nil
	}
	beta := float32(1)
	if o, ok := op.Options.(*tflite.SoftmaxOptionsT); ok {
		beta = o.Beta
	}
	k := &builtinSoftmaxNode{ZeroPoint: out.ZeroPoint(), Scale: float32(out.Scale()),
		depth: in.Shape[len(in.Shape)-1], in: in.Index, out: out.Index, typ: in.Type}
	if k.depth == 0 {
		return nil, fmt.Errorf("empty rows")
	}
	s := -float32(in.Scale()) * beta
	for d := range k.Table {
		k.Table[d] = cExpf(s * float32(d))
	}
	return k, nil
}

// softmaxRowSum returns a row's maximum and the float32 sum, in order, of
// its table entries exp(−s_in·β·(max − x)).
func softmaxRowSum[T int8 | uint8](k *builtinSoftmaxNode, x []T) (mx int32, sum float32) {
	mx = math.MinInt32
	for _, v := range x {
		mx = max(mx, int32(v))
	}
	for _, v := range x {
		sum += k.Table[mx-int32(v)]
	}
	return mx, sum
}

// quantize is QuantizeSoftmaxOutput followed by the clamp to the type.
func (k *builtinSoftmaxNode) quantize(p float32) int32 {
	p = max(min(p, 1<<20), -1<<20)
	if k.typ == Uint8 {
		return clamp(int32(p+0.5), 0, 255)
	}
	return clamp(int32(roundf(p))+k.ZeroPoint, -128, 127)
}

func softmaxTable[T int8 | uint8](k *builtinSoftmaxNode, in, out []T) {
	for row := 0; row+k.depth <= len(in); row += k.depth {
		x, y := in[row:row+k.depth], out[row:row+k.depth]
		mx, sum := softmaxRowSum(k, x)
		inv := 1 / (sum * k.Scale)
		for i, v := range x {
			y[i] = T(k.quantize(k.Table[mx-int32(v)] * inv))
		}
	}
}

func (k *builtinSoftmaxNode) eval(r *run, op *Op) error {
	if k.typ == Uint8 {
		softmaxTable(k, r.u8(k.in), r.u8(k.out))
	} else {
		softmaxTable(k, r.i8(k.in), r.i8(k.out))
	}
	return nil
}

func (k *builtinSoftmaxNode) explain(res *Result, op *Op, index int) (*Explanation, error) {
	row := index / k.depth * k.depth
	var mx int32
	var sum float32
	if k.typ == Uint8 {
		mx, sum = softmaxRowSum(k, res.Tensors[k.in][row:row+k.depth])
	} else {
		mx, sum = softmaxRowSum(k, AsInt8(res.Tensors[k.in])[row:row+k.depth])
	}
	x := int32(res.intAt(k.in, index))
	t := k.Table[mx-x]
	inv := 1 / (sum * k.Scale)
	p := t * inv
	v := int64(k.quantize(p))
	rounding := fmt.Sprintf("roundf(%.9g) + zero point %d, clamped", p, k.ZeroPoint)
	arith := "TFLite builtin optimized softmax: float32 exp table, roundf"
	if k.typ == Uint8 {
		rounding = fmt.Sprintf("(int)(%.9g + 0.5f), clamped to [0, 255]", p)
		arith = "TFLite builtin optimized softmax: float32 exp table, uint8 output truncates p + 0.5f"
	}
	return &Explanation{Steps: []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(x)},
		{"row max", "max of the row", float64(mx)},
		{"exp", fmt.Sprintf("table[%d] = expf(−s_in·β·%d)", mx-x, mx-x), float64(t)},
		{"sum", "Σ table over the row, float32, in order", float64(sum)},
		{"scaled", fmt.Sprintf("%.9g · 1/(%.9g·s_out)", t, sum), float64(p)},
		{"round", rounding, float64(v)},
	}, Value: v, Arithmetic: arith}, nil
}
