package engine

import (
	"fmt"
	"slices"

	"github.com/int8scope/int8scope/engine/tflite"
)

// HybridConv2DParams are the prepared parameters of a hybrid
// (dynamic-range) CONV_2D: float32 input and output, int8 filter.
//
// Mirrors TFLite's conv.cc EvalHybrid (optimized_ops::HybridConv) and
// EvalHybridPerChannel (HybridConvPerChannel), which the reference and the
// optimized builtin kernels share; the browser TFLite's XNNPACK delegate
// does not take int8 weights with a float input. Each batch image is
// quantized on the fly as a whole (quantizeRow): symmetric for a per-tensor
// filter, asymmetric for a per-channel one. For output (b, y, x, c), over
// the taps inside the input:
//
//	acc = Σ filter[c,fy,fx,i]·(q[b,…] − z_b)                          (int32)
//	out = clamp(float32(acc)·(s_b·FilterScale) + bias[c])              per tensor
//	out = clamp(float32(acc)·(Scales[c]·s_b) + bias[c])                per channel
//
// in float32. TFLite takes the per-channel path only when the filter's
// scales differ; otherwise the filter's legacy scale (0 when it has several
// scales) is used. The browser TFLite refuses a hybrid CONV_2D without a
// bias (tfliteRefuses).
type HybridConv2DParams struct {
	*Conv2DParams
	hybridConv
}

// hybridConv is what the hybrid convolutions share: each batch image
// quantized on the fly, integer accumulators over the (input, filter)
// pairs of each output, and their scaling back into float32: per tensor,
// float32(acc)·(s_b·FilterScale); per channel, float32(acc)·(Scales[c]·s_b)
// (CONV_2D) or (float32(acc)·s_b)·Scales[c] (DEPTHWISE_CONV_2D,
// inputFirst); then + bias and the activation's clamp.
type hybridConv struct {
	PerChannel  bool      `json:"per_channel"`
	FilterScale float32   `json:"filter_scale,omitempty"`
	Scales      []float32 `json:"scales,omitempty"`
	Min         float32   `json:"float_min"`
	Max         float32   `json:"float_max"`
	// inputFirst: float32(acc)·s_b first, then ·Scales[c] (depthwise).
	inputFirst bool

	batches, channels     int
	in, filter, bias, out int // bias −1 if absent
	// pairs calls f with the flat input and filter index of each product
	// of output i, over the taps inside the input, in filter order.
	pairs func(i int, f func(in, w int))
}

func prepareConv2DHybrid(c *prepCtx, p *Conv2DParams, o *tflite.Conv2DOptionsT) (kernel, error) {
	filter, bias := c.in(1), c.in(2)
	act, err := c.activation(o.FusedActivationFunction)
	if err != nil {
		return nil, err
	}
	if filter.Quant == nil || len(filter.Quant.Scale) == 0 {
		return nil, c.errorf("filter tensor %d has no quantization parameters", filter.Index)
	}
	if bias != nil {
		if bias.Type != Float32 || bias.NumElements() != p.OutC {
			return nil, c.errorf("bias tensor %d must be float32 with %d elements for a hybrid CONV_2D", bias.Index, p.OutC)
		}
		p.bias = bias.Index
	}
	h := &HybridConv2DParams{Conv2DParams: p}
	h.Min, h.Max = floatActivation(act)
	hc := &h.hybridConv
	hc.batches, hc.channels, hc.in, hc.filter, hc.bias, hc.out = p.Batches, p.OutC, p.in, p.filter, p.bias, p.out
	h.pairs = func(i int, f func(in, w int)) {
		b, y, x, c := nhwc(i, p.OutH, p.OutW, p.OutC)
		p.taps(b, y, x, c, func(io, wo int) {
			for k := 0; k < p.FilterC; k++ {
				f(io+k, wo+k)
			}
		})
	}
	s := filter.Quant.Scale
	switch {
	case len(s) == 1:
		h.FilterScale = s[0]
	case slices.ContainsFunc(s, func(v float32) bool { return v != s[0] }):
		if len(s) != p.OutC || filter.Quant.Axis != 0 {
			return nil, c.errorf("per-channel filter needs %d scales on axis 0", p.OutC)
		}
		h.PerChannel, h.Scales = true, s
	}
	return h, nil
}

// image quantizes batch image b of in (images of n values) into q, as a
// whole: one scale and zero point, asymmetric for a per-channel filter.
func (h *hybridConv) image(in []float32, q []int8, b, n int) (float32, int32) {
	return quantizeRow(in[b*n:(b+1)*n], q[b*n:(b+1)*n], h.PerChannel)
}

// images quantizes every batch image and records it in the trace.
func (h *hybridConv) images(r *run, in []float32, batches, outputs int) (q []int8, scale []float32, zp []int32) {
	q = make([]int8, len(in))
	scale, zp = make([]float32, batches), make([]int32, batches)
	for b := range scale {
		scale[b], zp[b] = h.image(in, q, b, len(in)/batches)
	}
	if r.tracing() {
		r.tr.Hybrid = &HybridTrace{RowScale: scale, RowZeroPoint: zp, Quantized: q}
		r.tr.Acc = make([]int64, outputs)
	}
	return q, scale, zp
}

// value is an output from its accumulator.
func (h *hybridConv) value(acc int32, c int, s float32, bias []float32) float32 {
	var v float32
	switch {
	case h.PerChannel && h.inputFirst:
		v = float32(float32(acc)*s) * h.Scales[c]
	case h.PerChannel:
		v = float32(acc) * float32(h.Scales[c]*s)
	default:
		v = float32(acc) * float32(s*h.FilterScale)
	}
	if bias != nil {
		v += bias[c]
	}
	return clampF(v, h.Min, h.Max)
}

// acc is output i's Σ filter·(q − zp).
func (h *hybridConv) acc(q, w []int8, zp int32, i int) int32 {
	var a int32
	h.pairs(i, func(io, wo int) { a += int32(w[wo]) * (int32(q[io]) - zp) })
	return a
}

func (h *HybridConv2DParams) eval(r *run, op *Op) error { return h.hybridConv.eval(r) }

func (h *HybridConv2DParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	return h.hybridConv.explain(res, index), nil
}

func (h *hybridConv) eval(r *run) error {
	in, w, out := r.f32(h.in), r.i8(h.filter), r.f32(h.out)
	var bias []float32
	if h.bias >= 0 {
		bias = r.f32(h.bias)
	}
	q, scale, zp := h.images(r, in, h.batches, len(out))
	per := len(out) / h.batches
	for i := range out {
		b := i / per
		a := h.acc(q, w, zp[b], i)
		if r.tracing() {
			r.tr.Acc[i] = int64(a)
		}
		out[i] = h.value(a, i%h.channels, scale[b], bias)
	}
	return nil
}

func (h *hybridConv) explain(res *Result, index int) *Explanation {
	in, w := AsFloat32(res.Tensors[h.in]), AsInt8(res.Tensors[h.filter])
	b, c := index/(res.Model.Tensors[h.out].NumElements()/h.batches), index%h.channels
	q := make([]int8, len(in))
	s, zp := h.image(in, q, b, len(in)/h.batches)
	e := &Explanation{TermInput: h.in, TermFilter: h.filter,
		Arithmetic: fmt.Sprintf("hybrid: input image %d quantized on the fly to int8, integer dot product, scaled back to float32", b)}
	h.pairs(index, func(io, wo int) {
		e.TermsTotal++
		t := Term{InputIndex: io, Input: int32(q[io]), InputOffset: -zp, FilterIndex: wo, Filter: int32(w[wo])}
		t.Product = int64(t.Input+t.InputOffset) * int64(t.Filter)
		if len(e.Terms) < res.termLimit() {
			e.Terms = append(e.Terms, t)
		}
	})
	var bias []float32
	if h.bias >= 0 {
		bias = AsFloat32(res.Tensors[h.bias])
	}
	e.Steps = h.steps(h.acc(q, w, zp, index), c, s, zp, bias)
	return e
}

// steps explains an output from its image's scale and zero point and its
// accumulator.
func (h *hybridConv) steps(a int32, c int, s float32, zp int32, bias []float32) []Step {
	formula := fmt.Sprintf("float32(%d) × (input scale %.9g × filter scale %.9g)", a, s, h.FilterScale)
	switch {
	case h.PerChannel && h.inputFirst:
		formula = fmt.Sprintf("(float32(%d) × input scale %.9g) × filter scale[%d] %.9g", a, s, c, h.Scales[c])
	case h.PerChannel:
		formula = fmt.Sprintf("float32(%d) × (filter scale[%d] %.9g × input scale %.9g)", a, c, h.Scales[c], s)
	}
	return []Step{
		{"input scale", "the whole image: symmetric (max |x| / 127) for a per-tensor filter, asymmetric (255 steps) per channel", float64(s)},
		{"input zero point", "0 when symmetric", float64(zp)},
		{"dot", "Σ filter·(q − zero point) over the taps inside the input, int32", float64(a)},
		{"output", formula + ", + bias, clamped to the activation range, float32", float64(h.value(a, c, s, bias))},
	}
}
