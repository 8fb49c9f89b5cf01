package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// xnnConv2DFloat is a float32 CONV_2D under the browser TFLite's XNNPACK
// delegate (f32 IGEMM/GEMM microkernels, WebAssembly SIMD, no fused
// multiply-add): each output starts from its bias and adds the products
// input·filter tap by tap in filter order (fy, fx, i), each product and sum
// rounded to float32; with one input and one output channel per group and
// 3, 4, 9 or 25 taps XNNPACK runs a depthwise microkernel instead, whose taps go column by
// column (fx outer, fy inner). A tap in the padding reads XNNPACK's zero
// buffer, so it adds 0·filter. Then the clamp of the fused activation. The filter and
// bias must be static (constants, or weights the delegate dequantizes:
// xnnStatic). TFLite's reference kernel adds the bias last and skips the
// padding.
type xnnConv2DFloat struct {
	*Conv2DParams
	Min Bound `json:"xnnpack_min"`
	Max Bound `json:"xnnpack_max"`
}

// xnnFloatConvWeights checks what the delegate needs of a float32
// convolution (CONV_2D, DEPTHWISE_CONV_2D): float32 output, static float32
// filter and bias (constants, or weights it dequantizes: xnnStatic), and
// a fused activation it has; it returns the activation's clamp.
func xnnFloatConvWeights(c *prepCtx, act tflite.ActivationFunctionType) (lo, hi float32, err error) {
	filter, bias, out := c.in(1), c.in(2), c.out(0)
	if filter == nil || filter.Type != Float32 || out.Type != Float32 {
		return 0, 0, fmt.Errorf("the XNNPACK delegate takes float32 %s with float32 weights only", c.op.Builtin)
	}
	if bias == nil || bias.Type != Float32 {
		return 0, 0, fmt.Errorf("%s without a float32 bias is not supported by the XNNPACK delegate", c.op.Builtin)
	}
	if !xnnStatic(c.m, filter) || !xnnStatic(c.m, bias) {
		return 0, 0, fmt.Errorf("the filter or bias is not constant (XNNPACK needs static weights)")
	}
	return xnnFloatActivation(act)
}

func xnnpackConv2DFloat(c *prepCtx, o *tflite.Conv2DOptionsT) (kernel, error) {
	filter := c.in(1)
	lo, hi, err := xnnFloatConvWeights(c, o.FusedActivationFunction)
	if err != nil {
		return nil, err
	}
	k, err := prepareConv2D(c)
	if err != nil {
		return nil, err
	}
	p := k.(*Conv2DParams)
	p.AllPadding = xnnAllPadding(o.Padding, c.in(0), filter, o.StrideH, o.StrideW, o.DilationHFactor, o.DilationWFactor)
	return &xnnConv2DFloat{Conv2DParams: p, Min: Bound(lo), Max: Bound(hi)}, nil
}

// sum is output element i before the clamp.
func (k *xnnConv2DFloat) sum(in, w, bias []float32, i int) float32 {
	b, y, x, c := nhwc(i, k.OutH, k.OutW, k.OutC)
	g := c / (k.OutC / k.Groups)
	acc := bias[c]
	// One input and one output channel per group, and a window of 3, 4, 9
	// or 25 taps (a depthwise microkernel's tile): XNNPACK runs the
	// depthwise microkernel, whose taps go column by column (fx outer, fy
	// inner).
	n := k.FilterH * k.FilterW
	dw := k.FilterC == 1 && k.OutC == k.Groups && xnnDWConvTile(n)
	for t := 0; t < n; t++ {
		fy, fx := xnnTap(t, k.FilterH, k.FilterW, dw)
		{
			iy := y*k.StrideH - k.PadH + fy*k.DilationH
			ix := x*k.StrideW - k.PadW + fx*k.DilationW
			ws := w[((c*k.FilterH+fy)*k.FilterW+fx)*k.FilterC:][:k.FilterC]
			if k.AllPadding || iy < 0 || iy >= k.InH || ix < 0 || ix >= k.InW {
				for _, v := range ws {
					acc += float32(0 * v)
				}
				continue
			}
			xs := in[((b*k.InH+iy)*k.InW+ix)*k.InC+g*k.FilterC:][:k.FilterC]
			for j, v := range xs {
				acc += float32(v * ws[j])
			}
		}
	}
	return acc
}

func (k *xnnConv2DFloat) eval(r *run, op *Op) error {
	in, w, bias, out := r.f32(k.in), r.f32(k.filter), r.f32(k.bias), r.f32(k.out)
	for i := range out {
		out[i] = k.sum(in, w, bias, i)
	}
	clampGo(out, float32(k.Min), float32(k.Max))
	return nil
}

func (k *xnnConv2DFloat) explain(res *Result, op *Op, index int) (*Explanation, error) {
	acc := k.sum(AsFloat32(res.Tensors[k.in]), AsFloat32(res.Tensors[k.filter]), AsFloat32(res.Tensors[k.bias]), index)
	v := min(max(acc, float32(k.Min)), float32(k.Max))
	return &Explanation{Steps: []Step{
		{"sum", fmt.Sprintf("acc = bias[%d], then += input·filter tap by tap (fy, fx, i), padding taps adding 0·filter, each product and sum rounded to float32", index%k.OutC), float64(acc)},
		{"clamp", fmt.Sprintf("clamp(%.9g, %g, %g)", acc, k.Min, k.Max), float64(v)},
	}, Arithmetic: "XNNPACK f32 IGEMM: bias first, then products added in filter order, float32 throughout"}, nil
}

// xnnDWConvTile reports whether this XNNPACK has a float32 depthwise
// microkernel for a window of n taps (f32-dwconv up8x3, up8x4, up8x9,
// up8x25 in the WebAssembly SIMD build; up4x… on ARM hosts, the same
// arithmetic): a convolution with one input and one output channel per group
// and such a window runs it, any other the IGEMM.
func xnnDWConvTile(n int) bool { return n == 3 || n == 4 || n == 9 || n == 25 }

// xnnTap is the filter position (fy, fx) of XNNPACK's t-th tap: row by row
// for the IGEMM (its indirection buffer's order), column by column (fx
// outer, fy inner) for the depthwise microkernels
// (xnn_indirection_init_dwconv2d and the packed depthwise weights).
func xnnTap(t, fh, fw int, columns bool) (fy, fx int) {
	if columns {
		return t % fh, t / fh
	}
	return t / fw, t % fw
}

// builtinConvFloat is TFLite's builtin float32 CONV_2D as this build runs it
// (optimized_ops::Conv: im2col, then cpu_backend_gemm, which hands Eigen
// dst (channels×pixels) = filter · im2col): per output, the products of the
// whole window, padding included as zeros, in (fy, fx, i) order summed in
// Eigen's order (eigenGemmSplit), then the bias and the clamp.
type builtinConvFloat struct{ *Conv2DParams }

func (k *builtinConvFloat) sum(in, w, bias []float32, i int) float32 {
	b, y, x, c := nhwc(i, k.OutH, k.OutW, k.OutC)
	n := k.FilterH * k.FilterW * k.FilterC
	pix := (b*k.OutH+y)*k.OutW + x
	g := c / (k.OutC / k.Groups)
	acc := eigenDot(n, eigenGemmSplit(n, k.OutC, k.Batches*k.OutH*k.OutW, pix), func(t int) float32 {
		tap, ci := t/k.FilterC, t%k.FilterC
		fy, fx := tap/k.FilterW, tap%k.FilterW
		iy := y*k.StrideH - k.PadH + fy*k.DilationH
		ix := x*k.StrideW - k.PadW + fx*k.DilationW
		var v float32
		if iy >= 0 && iy < k.InH && ix >= 0 && ix < k.InW {
			v = in[((b*k.InH+iy)*k.InW+ix)*k.InC+g*k.FilterC+ci]
		}
		return float32(v * w[c*n+t])
	})
	if bias != nil {
		acc += bias[c]
	}
	return acc
}

func (k *builtinConvFloat) eval(r *run, op *Op) error {
	in, w, out := r.f32(k.in), r.f32(k.filter), r.f32(k.out)
	var bias []float32
	if k.bias >= 0 {
		bias = r.f32(k.bias)
	}
	for i := range out {
		out[i] = clampF(k.sum(in, w, bias, i), k.FloatMin, k.FloatMax)
	}
	return nil
}

func (k *builtinConvFloat) explain(res *Result, op *Op, index int) (*Explanation, error) {
	var bias []float32
	if k.bias >= 0 {
		bias = AsFloat32(res.Tensors[k.bias])
	}
	acc := k.sum(AsFloat32(res.Tensors[k.in]), AsFloat32(res.Tensors[k.filter]), bias, index)
	n := k.FilterH * k.FilterW * k.FilterC
	b, y, x, c := nhwc(index, k.OutH, k.OutW, k.OutC)
	f := fmt.Sprintf("Σ over the %d window positions (fy, fx, i) of input·filter, padding as 0, in order", n)
	if s := eigenGemmSplit(n, k.OutC, k.Batches*k.OutH*k.OutW, (b*k.OutH+y)*k.OutW+x); s > 0 {
		f = fmt.Sprintf("Σ over the %d window positions (fy, fx, i) of input·filter, padding as 0: the first %d as even and odd positions apart, the two added, then the rest in order", n, s)
	}
	if k.bias >= 0 {
		f += fmt.Sprintf(", then + bias[%d]", c)
	}
	return &Explanation{Arithmetic: "float32 TFLite's im2col + " + floatEigen, Steps: []Step{
		{"sum", f + "; float32 throughout", float64(acc)},
		{"clamp", fmt.Sprintf("clamp(%.9g, %g, %g)", acc, k.FloatMin, k.FloatMax), float64(clampF(acc, k.FloatMin, k.FloatMax))},
	}}, nil
}
