package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// HybridDepthwiseConv2DParams are the prepared parameters of a hybrid
// (dynamic-range) DEPTHWISE_CONV_2D: float32 input and output, int8 filter
// quantized per channel (TFLite requires one scale per output channel).
//
// Mirrors TFLite's depthwise_conv.cc EvalHybridPerChannel
// (DepthwiseConvHybridPerChannel), shared by the reference and optimized
// builtin kernels; the browser TFLite's XNNPACK delegate does not take it.
// Each batch image is quantized asymmetrically on the fly as a whole
// (quantizeRow); for output (b, y, x, c), over the taps inside the input,
//
//	acc = Σ filter[0,fy,fx,c]·(q[b,…,c/DepthMultiplier] − z_b)     (int32)
//	out = clamp((float32(acc)·s_b)·Scales[c] + bias[c])              (float32)
//
// (the product in that order, unlike CONV_2D's; found against the browser
// TFLite).
type HybridDepthwiseConv2DParams struct {
	*DepthwiseConv2DParams
	hybridScale
}

func prepareDepthwiseConv2DHybrid(c *prepCtx, p *DepthwiseConv2DParams, o *tflite.DepthwiseConv2DOptionsT) (kernel, error) {
	filter, bias := c.in(1), c.in(2)
	act, err := c.activation(o.FusedActivationFunction)
	if err != nil {
		return nil, err
	}
	fq := filter.Quant
	if fq == nil || len(fq.Scale) != p.OutC || (p.OutC > 1 && fq.Axis != 3) {
		return nil, c.errorf("filter tensor %d: a hybrid DEPTHWISE_CONV_2D needs %d scales on axis 3 (TFLite's depthwise_conv.cc)", filter.Index, p.OutC)
	}
	if bias != nil {
		if bias.Type != Float32 || bias.NumElements() != p.OutC {
			return nil, c.errorf("bias tensor %d must be float32 with %d elements for a hybrid DEPTHWISE_CONV_2D", bias.Index, p.OutC)
		}
		p.bias = bias.Index
	}
	h := &HybridDepthwiseConv2DParams{DepthwiseConv2DParams: p, hybridScale: hybridScale{PerChannel: true, Scales: fq.Scale, inputFirst: true}}
	h.Min, h.Max = floatActivation(act)
	return h, nil
}

// acc is output i's Σ filter·(q − zp) over the taps inside the input.
func (h *HybridDepthwiseConv2DParams) acc(q, w []int8, zp int32, i int) int32 {
	b, y, x, c := nhwc(i, h.OutH, h.OutW, h.OutC)
	var a int32
	h.taps(b, y, x, c, func(io, wo int) { a += int32(w[wo]) * (int32(q[io]) - zp) })
	return a
}

func (h *HybridDepthwiseConv2DParams) eval(r *run, op *Op) error {
	in, w, out := r.f32(h.in), r.i8(h.filter), r.f32(h.out)
	var bias []float32
	if h.bias >= 0 {
		bias = r.f32(h.bias)
	}
	q, scale, zp := h.images(r, in, h.Batches, len(out))
	per := h.OutH * h.OutW * h.OutC
	for i := range out {
		b := i / per
		a := h.acc(q, w, zp[b], i)
		if r.tracing() {
			r.tr.Acc[i] = int64(a)
		}
		out[i] = h.value(a, i%h.OutC, scale[b], bias)
	}
	return nil
}

func (h *HybridDepthwiseConv2DParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	in, w := AsFloat32(res.Tensors[h.in]), AsInt8(res.Tensors[h.filter])
	b, y, x, c := nhwc(index, h.OutH, h.OutW, h.OutC)
	q := make([]int8, len(in))
	s, zp := h.image(in, q, b, len(in)/h.Batches)
	e := &Explanation{TermInput: h.in, TermFilter: h.filter,
		Arithmetic: fmt.Sprintf("hybrid: input image %d quantized on the fly to int8, integer dot product, scaled back to float32", b)}
	h.taps(b, y, x, c, func(io, wo int) {
		e.TermsTotal++
		t := Term{InputIndex: io, Input: int32(q[io]), InputOffset: -zp, FilterIndex: wo, Filter: int32(w[wo])}
		t.Product = int64(t.Input+t.InputOffset) * int64(t.Filter)
		if len(e.Terms) < MaxTerms {
			e.Terms = append(e.Terms, t)
		}
	})
	var bias []float32
	if h.bias >= 0 {
		bias = AsFloat32(res.Tensors[h.bias])
	}
	e.Steps = h.steps(h.acc(q, w, zp, index), c, s, zp, bias)
	return e, nil
}
