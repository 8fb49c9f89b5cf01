package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// SOFTMAX in the browser TFLite (tflite-xnnpack): the XNNPACK delegate does not
// take int8 SOFTMAX; TFLite's builtin "generic optimized" kernel computes it
// through a float32 table (builtinSoftmaxNode).

func init() {
	registerBuiltin(tflite.BuiltinOperatorSOFTMAX, builtinSoftmax)
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

func builtinSoftmax(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
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

func (k *builtinSoftmaxNode) explain(res *Result, op *Op, index int) (*Explanation, error) {
	in := AsInt8(res.Tensors[k.in])
	row := index / k.depth * k.depth
	mx, sum := k.rowSum(in[row : row+k.depth])
	t := k.Table[mx-int32(in[index])]
	inv := 1 / (sum * k.Scale)
	p := t * inv
	v := int64(AsInt8(res.Tensors[k.out])[index])
	return &Explanation{Steps: []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(in[index])},
		{"row max", "max of the row", float64(mx)},
		{"exp", fmt.Sprintf("table[%d] = expf(−s_in·β·%d)", mx-int32(in[index]), mx-int32(in[index])), float64(t)},
		{"sum", "Σ table over the row, float32, in order", float64(sum)},
		{"scaled", fmt.Sprintf("%.9g · 1/(%.9g·s_out)", t, sum), float64(p)},
		{"round", fmt.Sprintf("roundf(%.9g) + zero point %d, clamped", p, k.ZeroPoint), float64(v)},
	}, Value: v, Arithmetic: "TFLite builtin optimized softmax: float32 exp table, roundf"}, nil
}
