package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// DEPTHWISE_CONV_2D in the browser TFLite (tflite-xnnpack): the XNNPACK
// delegate takes int8 and uint8 depthwise convolutions with a constant
// filter and bias and requantizes in float32 (XNNPackOutput), and float32
// ones with static weights (xnnDepthwiseFloat); the rest run TFLite's
// builtin kernel, which rounds twice like the reference (int8, uint8) or,
// for float32, adds the bias first (builtinDepthwiseFloat).

func init() {
	registerXNNPack(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, xnnpackDepthwiseConv2D)
	registerBuiltin(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, builtinDepthwiseConv2D)
}

// xnnpackDepthwiseConv2D is the delegate's node: the reference kernel's
// accumulation with XNNPACK's output stage and padding.
func xnnpackDepthwiseConv2D(c *prepCtx) (kernel, error) {
	o, _ := c.op.Options.(*tflite.DepthwiseConv2DOptionsT)
	if o == nil {
		o = &tflite.DepthwiseConv2DOptionsT{}
	}
	if in := c.in(0); in != nil && in.Type == Float32 {
		return xnnpackDepthwiseFloat(c, o)
	}
	xo, allPadding, err := xnnConvOutput(c, o.FusedActivationFunction, 3, o.Padding, o.StrideH, o.StrideW, o.DilationHFactor, o.DilationWFactor)
	if err != nil {
		return nil, err
	}
	k, err := prepareDepthwiseConv2D(c)
	if err != nil {
		return nil, err
	}
	p := k.(*DepthwiseConv2DParams)
	p.Output, p.AllPadding = xo, allPadding
	return p, nil
}

// xnnDepthwiseFloat is a float32 DEPTHWISE_CONV_2D under the browser
// TFLite's XNNPACK delegate (WebAssembly SIMD, no fused multiply-add):
// each output starts from its bias and adds input·filter tap by tap, each
// product and sum rounded to float32, then min(max(acc, Min), Max). With a
// depth multiplier of 1 and a window of 3, 4, 9 or 25 taps the f32-dwconv
// microkernel runs (up8x9 and friends: one accumulator, taps column by
// column, fx outer); otherwise XNNPACK runs the convolution as an IGEMM with
// one input channel per group, taps row by row. A tap in the padding reads
// XNNPACK's zero buffer and adds 0·filter; the TF SAME padding bug of the
// int8 node applies (AllPadding). TFLite's reference kernel instead sums the
// products inside the input in row order and adds the bias last.
type xnnDepthwiseFloat struct {
	*DepthwiseConv2DParams
	Columns bool  `json:"xnnpack_taps_by_column"`
	Min     Bound `json:"xnnpack_min"`
	Max     Bound `json:"xnnpack_max"`
}

func xnnpackDepthwiseFloat(c *prepCtx, o *tflite.DepthwiseConv2DOptionsT) (kernel, error) {
	filter := c.in(1)
	lo, hi, err := xnnFloatConvWeights(c, o.FusedActivationFunction) // conv2d_xnnpack_float.go
	if err != nil {
		return nil, err
	}
	k, err := prepareDepthwiseConv2D(c)
	if err != nil {
		return nil, err
	}
	p := k.(*DepthwiseConv2DParams)
	p.AllPadding = xnnAllPadding(o.Padding, c.in(0), filter, o.StrideH, o.StrideW, o.DilationHFactor, o.DilationWFactor)
	return &xnnDepthwiseFloat{DepthwiseConv2DParams: p, Min: Bound(lo), Max: Bound(hi),
		Columns: p.DepthMultiplier == 1 && xnnDWConvTile(p.FilterH*p.FilterW)}, nil
}

// sum is output element i before the clamp.
func (k *xnnDepthwiseFloat) sum(in, w, bias []float32, i int) float32 {
	b, y, x, c := nhwc(i, k.OutH, k.OutW, k.OutC)
	ic := c / k.DepthMultiplier
	acc := bias[c]
	for t := range k.FilterH * k.FilterW {
		fy, fx := xnnTap(t, k.FilterH, k.FilterW, k.Columns)
		iy := y*k.StrideH - k.PadH + fy*k.DilationH
		ix := x*k.StrideW - k.PadW + fx*k.DilationW
		v := float32(0) // XNNPACK's zero buffer
		if !k.AllPadding && iy >= 0 && iy < k.InH && ix >= 0 && ix < k.InW {
			v = in[((b*k.InH+iy)*k.InW+ix)*k.InC+ic]
		}
		acc += float32(v * w[(fy*k.FilterW+fx)*k.OutC+c])
	}
	return acc
}

func (k *xnnDepthwiseFloat) eval(r *run, op *Op) error {
	in, w, bias, out := r.f32(k.in), r.f32(k.filter), r.f32(k.bias), r.f32(k.out)
	for i := range out {
		out[i] = k.sum(in, w, bias, i)
	}
	clampGo(out, float32(k.Min), float32(k.Max))
	return nil
}

func (k *xnnDepthwiseFloat) explain(res *Result, op *Op, index int) (*Explanation, error) {
	acc := k.sum(AsFloat32(res.Tensors[k.in]), AsFloat32(res.Tensors[k.filter]), AsFloat32(res.Tensors[k.bias]), index)
	order, kernel := "row by row (fy, fx)", "IGEMM"
	if k.Columns {
		order, kernel = "column by column (fx, fy)", "f32-dwconv"
	}
	return &Explanation{Steps: []Step{
		{"sum", fmt.Sprintf("acc = bias[%d], then += input·filter tap by tap %s, padding taps adding 0·filter, each product and sum rounded to float32", index%k.OutC, order), float64(acc)},
		{"clamp", fmt.Sprintf("min(max(%.9g, %g), %g)", acc, k.Min, k.Max), float64(min(max(acc, float32(k.Min)), float32(k.Max)))},
	}, Arithmetic: "XNNPACK " + kernel + " (float32): bias first, then the products in XNNPACK's tap order, no fused multiply-add"}, nil
}

// builtinDepthwiseConv2D is TFLite's builtin float32 DEPTHWISE_CONV_2D
// (optimized_ops::DepthwiseConv, depthwiseconv_float.h), which runs when
// the delegate does not take the op: its accumulation buffer starts at the
// bias and the rows of the filter window are added in order (fy outer, fx
// inner), taps outside the input skipped. Other types: the reference.
func builtinDepthwiseConv2D(c *prepCtx) (kernel, error) {
	k, err := prepareDepthwiseConv2D(c)
	p, ok := k.(*DepthwiseConv2DParams)
	if err != nil || !ok || p.typ != Float32 || c.out(0).Type != Float32 {
		return nil, nil
	}
	return &builtinDepthwiseFloat{p}, nil
}

// builtinDepthwiseFloat: see builtinDepthwiseConv2D.
type builtinDepthwiseFloat struct{ *DepthwiseConv2DParams }

func (k *builtinDepthwiseFloat) sum(in, w, bias []float32, i int) float32 {
	b, y, x, c := nhwc(i, k.OutH, k.OutW, k.OutC)
	var acc float32
	if bias != nil {
		acc = bias[c]
	}
	k.taps(b, y, x, c, func(io, wo int) { acc += float32(in[io] * w[wo]) })
	return acc
}

func (k *builtinDepthwiseFloat) biasValues(r *run) []float32 {
	if k.bias < 0 {
		return nil
	}
	return r.f32(k.bias)
}

func (k *builtinDepthwiseFloat) eval(r *run, op *Op) error {
	in, w, bias, out := r.f32(k.in), r.f32(k.filter), k.biasValues(r), r.f32(k.out)
	for i := range out {
		out[i] = clampF(k.sum(in, w, bias, i), k.FloatMin, k.FloatMax)
	}
	return nil
}

func (k *builtinDepthwiseFloat) explain(res *Result, op *Op, index int) (*Explanation, error) {
	var bias []float32
	if k.bias >= 0 {
		bias = AsFloat32(res.Tensors[k.bias])
	}
	acc := k.sum(AsFloat32(res.Tensors[k.in]), AsFloat32(res.Tensors[k.filter]), bias, index)
	return &Explanation{Steps: []Step{
		{"sum", fmt.Sprintf("acc = bias[%d], then += input·filter over the taps inside the input, row by row, each product and sum rounded to float32", index%k.OutC), float64(acc)},
		{"clamp", fmt.Sprintf("clamp(%.9g, %g, %g)", acc, k.FloatMin, k.FloatMax), float64(clampF(acc, k.FloatMin, k.FloatMax))},
	}, Arithmetic: "TFLite's optimized float DepthwiseConv: the bias first, then the products row by row"}, nil
}
