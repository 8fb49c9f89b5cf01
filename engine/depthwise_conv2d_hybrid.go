package engine

import "github.com/int8scope/int8scope/engine/tflite"

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
	hybridConv
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
	h := &HybridDepthwiseConv2DParams{DepthwiseConv2DParams: p, hybridConv: hybridConv{PerChannel: true, Scales: fq.Scale, inputFirst: true,
		batches: p.Batches, channels: p.OutC, in: p.in, filter: p.filter, bias: p.bias, out: p.out}}
	h.Min, h.Max = floatActivation(act)
	h.pairs = func(i int, f func(in, w int)) {
		b, y, x, c := nhwc(i, p.OutH, p.OutW, p.OutC)
		p.taps(b, y, x, c, f)
	}
	return h, nil
}

func (h *HybridDepthwiseConv2DParams) eval(r *run, op *Op) error { return h.hybridConv.eval(r) }

func (h *HybridDepthwiseConv2DParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	return h.hybridConv.explain(res, index), nil
}
