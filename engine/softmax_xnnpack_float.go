package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// xnnSoftmaxFloat is a float32 SOFTMAX (β = 1) under the browser TFLite's
// XNNPACK delegate: XNNPACK's three-pass softmax. Per row: the maximum m;
// then f_i = exp(x_i − m) by XNNPACK's rr2-p5 approximation (xnnExpMinus)
// with their sum; then y_i = f_i × float32(1/sum). The sum is the one
// f32-raddstoreexpminusmax wasmsimd x16_acc2 computes: four lanes, element i
// of the first 4·⌊n/4⌋ added in order into lane i mod 4, the lanes combined
// as (l0 + l2) + (l1 + l3), then the last n mod 4 elements added one by
// one. TFLite's builtin kernel uses std::exp and a plain sum instead.
type xnnSoftmaxFloat struct {
	depth   int
	in, out int
}

func init() {
	registerXNNPack(tflite.BuiltinOperatorSOFTMAX, xnnpackSoftmax)
}

func xnnpackSoftmax(c *prepCtx) (kernel, error) {
	in, out := c.in(0), c.out(0)
	if in == nil || in.Type != Float32 || out.Type != Float32 || len(in.Shape) == 0 {
		return nil, fmt.Errorf("the XNNPACK delegate takes SOFTMAX only in float32")
	}
	if o, ok := c.op.Options.(*tflite.SoftmaxOptionsT); ok && o.Beta != 1 {
		return nil, fmt.Errorf("the XNNPACK delegate takes SOFTMAX only with beta 1 (beta is %g)", o.Beta)
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	k := &xnnSoftmaxFloat{depth: in.Shape[len(in.Shape)-1], in: in.Index, out: out.Index}
	if k.depth <= 0 {
		return nil, fmt.Errorf("empty rows")
	}
	return k, nil
}

// XNNPACK's rr2-p5 constants for exp(x), x ≤ 0.
var (
	xnnLog2e      = float32(0x1.715476p+0)
	xnnMagicBias  = float32(0x1.8000FEp23)
	xnnMinusLn2Hi = float32(-0x1.62E400p-1)
	xnnMinusLn2Lo = float32(-0x1.7F7D1Cp-20)
	xnnExpC       = [5]float32{0x1.FFFFF6p-1, 0x1.FFFDC6p-2, 0x1.555A80p-3, 0x1.573A1Ap-5, 0x1.0F9F9Cp-7} // c1..c5
	xnnDenormCut  = float32(-0x1.5D589Ep6)
)

// xnnExpMinus is XNNPACK's exp(x) for x = input − max ≤ 0 (rr2-p5): n =
// round(x·log2(e)) by the magic-bias trick, s = 2^n from n's bits,
// t = x − n·ln2 in two steps, p a degree-5 polynomial in t, and
// f = s + (t·s)·p, 0 below the denormal cutoff. Every operation rounds to
// float32 (WebAssembly SIMD has no fused multiply-add).
func xnnExpMinus(x float32) float32 {
	n := xnnMagicBias + float32(x*xnnLog2e)
	s := math.Float32frombits(math.Float32bits(n) << 23)
	n -= xnnMagicBias
	t := x + float32(n*xnnMinusLn2Hi)
	t += float32(n * xnnMinusLn2Lo)
	c := xnnExpC
	p := c[3] + float32(c[4]*t)
	p = c[2] + float32(p*t)
	p = c[1] + float32(p*t)
	p = c[0] + float32(p*t)
	t = t * s
	f := s + float32(t*p)
	if x < xnnDenormCut {
		return 0
	}
	return f
}

// row computes one row's exponentials into y and returns the row maximum,
// the sum and the scale 1/sum.
func (k *xnnSoftmaxFloat) row(x, y []float32) (mx, sum, scale float32) {
	mx = x[0]
	for _, v := range x[1:] {
		mx = max(mx, v)
	}
	var lane [4]float32
	full := len(x) / 4 * 4
	for i, v := range x {
		y[i] = xnnExpMinus(v - mx)
		if i < full {
			lane[i%4] += y[i]
		}
	}
	sum = (lane[0] + lane[2]) + (lane[1] + lane[3])
	for _, f := range y[full:] {
		sum += f
	}
	return mx, sum, 1 / sum
}

func (k *xnnSoftmaxFloat) eval(r *run, op *Op) error {
	in, out := r.f32(k.in), r.f32(k.out)
	for b := 0; b+k.depth <= len(in); b += k.depth {
		y := out[b : b+k.depth]
		_, _, scale := k.row(in[b:b+k.depth], y)
		for i := range y {
			y[i] *= scale
		}
	}
	return nil
}

func (k *xnnSoftmaxFloat) explain(res *Result, op *Op, index int) (*Explanation, error) {
	b := index / k.depth * k.depth
	x := AsFloat32(res.Tensors[k.in])[b : b+k.depth]
	y := make([]float32, k.depth)
	mx, sum, scale := k.row(x, y)
	i := index - b
	v := y[i] * scale
	return &Explanation{Steps: []Step{
		{"max", "row maximum", float64(mx)},
		{"exp", fmt.Sprintf("XNNPACK rr2-p5 exp(%.9g − %.9g)", x[i], mx), float64(y[i])},
		{"sum", "Σ exp over the row: four lanes (i mod 4), (l0 + l2) + (l1 + l3), then the last n mod 4 in order", float64(sum)},
		{"scale", "1 / sum, rounded to float32", float64(scale)},
		{"output", fmt.Sprintf("%.9g × %.9g", y[i], scale), float64(v)},
	}, Arithmetic: "XNNPACK f32 softmax: rr2-p5 exponentials, lane sums, multiply by 1/sum"}, nil
}
