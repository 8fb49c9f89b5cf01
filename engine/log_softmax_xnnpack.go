package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// LOG_SOFTMAX in the browser TFLite (tflite-xnnpack): the XNNPACK delegate
// does not take it; TFLite's builtin "generic optimized" kernel computes
// int8 and uint8 through a float32 table (builtinLogSoftmaxNode). float32 is the
// reference arithmetic (LogSoftmaxParams).

func init() { registerBuiltin(tflite.BuiltinOperatorLOG_SOFTMAX, builtinLogSoftmax) }

// builtinLogSoftmaxNode is TFLite's optimized int8 and uint8 LOG_SOFTMAX
// (PopulateSoftmaxLookupTable with β = 1, optimized_ops::LogSoftmax, one
// template for both types): the
// same float32 table of exp(−s_in·d) as the optimized SOFTMAX, then per row,
// in float32,
//
//	sum  = Σ Table[max − x_j]            (in order)
//	pre  = (s_in·max + logf(sum)) / s_out
//	out  = clamp(rintf((s_in/s_out)·x − pre) + zp_out, qmin, qmax)
//
// with x and max the stored values (the input zero point cancels), zp_out
// 127 (int8) or 255 (uint8). rintf rounds half to even; logf is musl's.
type builtinLogSoftmaxNode struct {
	builtinSoftmaxNode
	InputScale float32 `json:"input_scale"`
}

func builtinLogSoftmax(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	in, out := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
	if in == nil || (in.Type != Int8 && in.Type != Uint8) || out.Type != in.Type || len(in.Shape) == 0 {
		return nil, nil
	}
	if err := checkLogSoftmaxQuant(c, in, out); err != nil {
		return nil, err
	}
	k := &builtinLogSoftmaxNode{InputScale: float32(in.Scale())}
	k.builtinSoftmaxNode = builtinSoftmaxNode{ZeroPoint: out.ZeroPoint(), Scale: float32(out.Scale()),
		depth: in.Shape[len(in.Shape)-1], in: in.Index, out: out.Index, typ: in.Type}
	if k.depth == 0 {
		return nil, fmt.Errorf("empty rows")
	}
	s := -k.InputScale
	for d := range k.Table {
		k.Table[d] = muslExpf(s * float32(d))
	}
	return k, nil
}

// row returns a row's maximum, its float32 sum of table entries, logf of
// it and the precomputed (s_in·max + log sum)/s_out.
func logSoftmaxTableRow[T int8 | uint8](k *builtinLogSoftmaxNode, x []T) (mx int32, sum, logSum, pre float32) {
	mx, sum = softmaxRowSum(&k.builtinSoftmaxNode, x)
	logSum = muslLogf(sum)
	pre = (float32(k.InputScale*float32(mx)) + logSum) / k.Scale
	return mx, sum, logSum, pre
}

// quantizeLog is one output: rintf(scale·x − pre) + zp, clamped.
func (k *builtinLogSoftmaxNode) quantizeLog(x int32, pre float32) (logProb float32, q int32) {
	scale := k.InputScale / k.Scale
	logProb = float32(scale*float32(x)) - pre
	r := float32(math.RoundToEven(float64(logProb)))
	r = max(min(r, 1<<20), -1<<20)
	lo, hi := quantRange(k.typ)
	return logProb, clamp(int32(r)+k.ZeroPoint, lo, hi)
}

func logSoftmaxTable[T int8 | uint8](k *builtinLogSoftmaxNode, in, out []T) {
	for row := 0; row+k.depth <= len(in); row += k.depth {
		x, y := in[row:row+k.depth], out[row:row+k.depth]
		_, _, _, pre := logSoftmaxTableRow(k, x)
		for i, v := range x {
			_, q := k.quantizeLog(int32(v), pre)
			y[i] = T(q)
		}
	}
}

func (k *builtinLogSoftmaxNode) eval(r *run, op *Op) error {
	if k.typ == Uint8 {
		logSoftmaxTable(k, r.u8(k.in), r.u8(k.out))
	} else {
		logSoftmaxTable(k, r.i8(k.in), r.i8(k.out))
	}
	return nil
}

func (k *builtinLogSoftmaxNode) explain(res *Result, op *Op, index int) (*Explanation, error) {
	row := index / k.depth * k.depth
	if k.typ == Uint8 {
		return explainLogSoftmaxTable(k, res.Tensors[k.in][row:row+k.depth], index)
	}
	return explainLogSoftmaxTable(k, AsInt8(res.Tensors[k.in])[row:row+k.depth], index)
}

// explainLogSoftmaxTable explains output index of the builtin int8 or
// uint8 LOG_SOFTMAX, xs being its row.
func explainLogSoftmaxTable[T int8 | uint8](k *builtinLogSoftmaxNode, xs []T, index int) (*Explanation, error) {
	mx, sum, ls, pre := logSoftmaxTableRow(k, xs)
	x := int32(xs[index%k.depth])
	lp, q := k.quantizeLog(x, pre)
	return &Explanation{Steps: []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(x)},
		{"row max", "max of the row", float64(mx)},
		{"sum", "Σ table[max − x_j] = expf(−s_in·(max − x_j)), float32, in order", float64(sum)},
		{"log sum", "logf(sum)", float64(ls)},
		{"precomputed", fmt.Sprintf("(%.9g·%d + %.9g) / %.9g", k.InputScale, mx, ls, k.Scale), float64(pre)},
		{"log prob", fmt.Sprintf("(s_in/s_out)·%d − %.9g", x, pre), float64(lp)},
		{"round", fmt.Sprintf("rintf(%.9g) + zero point %d, clamped", lp, k.ZeroPoint), float64(q)},
	}, Value: int64(q), Arithmetic: "TFLite builtin optimized log softmax: float32 exp table, logf, rintf"}, nil
}
