package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// FULLY_CONNECTED in the browser TFLite (tflite-xnnpack): the XNNPACK
// delegate takes int8, uint8 and float32 FULLY_CONNECTED with constant
// weights; TFLite's builtin kernel, which runs the rest, multiplies through
// ruy (int8) or gemmlowp (uint8).

func init() {
	registerXNNPack(tflite.BuiltinOperatorFULLY_CONNECTED, xnnpackFullyConnected)
	registerBuiltin(tflite.BuiltinOperatorFULLY_CONNECTED, func(c *prepCtx) (kernel, error) {
		k, err := prepareFullyConnected(ruyRounding(c))
		if p, ok := k.(*FullyConnectedParams); ok && err == nil && p.typ == Float32 {
			return &builtinFCFloat{p}, nil
		}
		return k, err
	})
}

// builtinFCFloat is TFLite's builtin float32 FULLY_CONNECTED
// (optimized_ops::FullyConnected through cpu_backend_gemm, which this build
// hands to Eigen): dst (channels×batches) = weights · inputᵀ summed in
// Eigen's order (eigenGemmSplit), then the bias added and the activation's
// clamp (BiasAndClamp). The reference sums in order of k; the two agree
// for one batch row or one channel (Eigen's GEMV) and for small products.
type builtinFCFloat struct{ *FullyConnectedParams }

func (k *builtinFCFloat) sum(x, w, bias []float32, b, c int) float32 {
	xr, wr := x[b*k.Depth:(b+1)*k.Depth], w[c*k.Depth:(c+1)*k.Depth]
	acc := eigenDot(k.Depth, eigenGemmSplit(k.Depth, k.Channels, k.Batches, b), func(i int) float32 { return float32(xr[i] * wr[i]) })
	if bias != nil {
		acc += bias[c]
	}
	return acc
}

func (k *builtinFCFloat) biasValues(vals [][]byte) []float32 {
	if k.bias < 0 {
		return nil
	}
	return AsFloat32(vals[k.bias])
}

func (k *builtinFCFloat) eval(r *run, op *Op) error {
	x, w, bias, out := r.f32(k.in), r.f32(k.filter), k.biasValues(r.vals), r.f32(k.out)
	for b := 0; b < k.Batches; b++ {
		for c := 0; c < k.Channels; c++ {
			out[b*k.Channels+c] = clampF(k.sum(x, w, bias, b, c), k.FloatMin, k.FloatMax)
		}
	}
	return nil
}

func (k *builtinFCFloat) explain(res *Result, op *Op, index int) (*Explanation, error) {
	b, c := index/k.Channels, index%k.Channels
	acc := k.sum(AsFloat32(res.Tensors[k.in]), AsFloat32(res.Tensors[k.filter]), k.biasValues(res.Tensors), b, c)
	f := fmt.Sprintf("Σ_k input[%d, k]·weights[%d, k] in order of k", b, c)
	if s := eigenGemmSplit(k.Depth, k.Channels, k.Batches, b); s > 0 {
		f = fmt.Sprintf("Σ_k input[%d, k]·weights[%d, k]: for k < %d even k into one sum and odd k into another, the two added, then k = %d..%d in order", b, c, s, s, k.Depth-1)
	}
	if k.bias >= 0 {
		f += fmt.Sprintf(", then + bias[%d]", c)
	}
	return &Explanation{Arithmetic: "float32 " + floatEigen, Steps: []Step{
		{"sum", f + "; float32 throughout", float64(acc)},
		{"clamp", fmt.Sprintf("clamp(%.9g, %g, %g)", acc, k.FloatMin, k.FloatMax), float64(clampF(acc, k.FloatMin, k.FloatMax))},
	}}, nil
}

// xnnpackFullyConnected is the delegate's node: int8 is the reference
// kernel's accumulation with XNNPACK's output stage (XNNPackOutput); float32
// is xnnFCFloat.
func xnnpackFullyConnected(c *prepCtx) (kernel, error) {
	o, _ := c.op.Options.(*tflite.FullyConnectedOptionsT)
	if o == nil {
		o = &tflite.FullyConnectedOptionsT{}
	}
	if o.WeightsFormat != tflite.FullyConnectedOptionsWeightsFormatDEFAULT {
		return nil, fmt.Errorf("unsupported non-default weights format")
	}
	in, filter, bias, out := c.in(0), c.in(1), c.in(2), c.out(0)
	if in != nil && in.Type == Float32 {
		return xnnFullyConnectedFloat(c.m, in, filter, bias, out, o.FusedActivationFunction)
	}
	xo, err := xnnGemmOutput(in, filter, bias, out, 0, false, o.FusedActivationFunction)
	if err != nil {
		return nil, err
	}
	k, err := prepareFullyConnected(c)
	if err != nil {
		return nil, err
	}
	k.(*FullyConnectedParams).Output = xo
	return k, nil
}

// xnnFCFloat is a float32 FULLY_CONNECTED under XNNPACK (f32-gemm
// microkernels): each output starts from its bias and adds the products
// x[k]·w[c][k] one k at a time, each multiplication and addition rounded to
// float32 (WebAssembly SIMD has no fused multiply-add), then clamps to the
// activation's range with XNNPACK's min and max. TFLite's reference adds
// the bias last.
type xnnFCFloat struct {
	Min, Max         Bound
	depth, channels  int
	in, filter, bias int
	out              int
}

func xnnFullyConnectedFloat(m *Model, in, filter, bias, out *Tensor, act tflite.ActivationFunctionType) (kernel, error) {
	if filter == nil || filter.Type != Float32 || out.Type != Float32 || len(filter.Shape) != 2 || filter.Shape[1] <= 0 {
		return nil, fmt.Errorf("the XNNPACK delegate takes float32 FULLY_CONNECTED with float32 weights only")
	}
	if !xnnStatic(m, filter) || (bias != nil && (!xnnStatic(m, bias) || bias.Type != Float32)) {
		return nil, fmt.Errorf("the weights or bias are not constant (XNNPACK needs static weights)")
	}
	k := &xnnFCFloat{channels: filter.Shape[0], depth: filter.Shape[1],
		in: in.Index, filter: filter.Index, bias: -1, out: out.Index}
	if bias != nil {
		k.bias = bias.Index
	}
	lo, hi, err := xnnFloatActivation(act)
	k.Min, k.Max = Bound(lo), Bound(hi)
	return k, err
}

// xnnFloatActivation is the clamp XNNPACK applies for a fused activation
// of a float32 op.
func xnnFloatActivation(act tflite.ActivationFunctionType) (lo, hi float32, err error) {
	lo, hi = float32(math.Inf(-1)), float32(math.Inf(1))
	switch act {
	case tflite.ActivationFunctionTypeNONE:
	case tflite.ActivationFunctionTypeRELU:
		lo = 0
	case tflite.ActivationFunctionTypeRELU_N1_TO_1:
		lo, hi = -1, 1
	case tflite.ActivationFunctionTypeRELU6:
		lo, hi = 0, 6
	default:
		return 0, 0, fmt.Errorf("fused activation %v is not supported by the XNNPACK delegate", act)
	}
	return lo, hi, nil
}

// sum is output (b, c) before the clamp.
func (k *xnnFCFloat) sum(x, w, bias []float32, b, c int) float32 {
	var acc float32
	if bias != nil {
		acc = bias[c]
	}
	wr := w[c*k.depth : (c+1)*k.depth]
	for d, v := range x[b*k.depth : (b+1)*k.depth] {
		acc += float32(v * wr[d])
	}
	return acc
}

func (k *xnnFCFloat) eval(r *run, op *Op) error {
	x, w, out := r.f32(k.in), r.f32(k.filter), r.f32(k.out)
	var bias []float32
	if k.bias >= 0 {
		bias = r.f32(k.bias)
	}
	for b := 0; b < len(x)/k.depth; b++ {
		for c := 0; c < k.channels; c++ {
			out[b*k.channels+c] = k.sum(x, w, bias, b, c)
		}
	}
	clampGo(out, float32(k.Min), float32(k.Max))
	return nil
}

func (k *xnnFCFloat) explain(res *Result, op *Op, index int) (*Explanation, error) {
	b, c := index/k.channels, index%k.channels
	var bias []float32
	var steps []Step
	if k.bias >= 0 {
		bias = AsFloat32(res.Tensors[k.bias])
		steps = append(steps, Step{"bias", fmt.Sprintf("acc = bias[%d]", c), float64(bias[c])})
	}
	acc := k.sum(AsFloat32(res.Tensors[k.in]), AsFloat32(res.Tensors[k.filter]), bias, b, c)
	steps = append(steps, Step{"sum", fmt.Sprintf("acc += x[k]·w[k] for k = 0..%d, each product and sum rounded to float32", k.depth-1), float64(acc)})
	v := min(max(acc, float32(k.Min)), float32(k.Max))
	steps = append(steps, Step{"clamp", fmt.Sprintf("clamp(%.9g, %g, %g)", acc, k.Min, k.Max), float64(v)})
	return &Explanation{Steps: steps, Arithmetic: "XNNPACK f32 GEMM: bias first, then products added in order, float32 throughout", Value: int64(v)}, nil
}
