package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// HybridFullyConnectedParams are the prepared parameters of a hybrid
// (dynamic-range) FULLY_CONNECTED: float32 input and output, int8 weights.
//
// Mirrors TFLite's fully_connected.cc EvalHybrid / EvalHybridDense with
// tensor_utils' portable kernels, which the reference and the optimized
// builtin kernels share (TFLite Micro has no hybrid kernels; the XNNPACK
// delegate of the browser TFLite does not take int8 weights with a float
// input, so TFLite's builtin kernel runs it there too). For batch row b and
// output channel c:
//
//	q, s_b, z_b = quantize(input[b,:])                 (quantizeRow)
//	dot         = Σ_d (q[d] − z_b)·filter[c,d]          (int32)
//	out         = act(bias[c] + float32(dot) × (s_b × FilterScale))
//
// all in float32. TFLite takes the filter's single (legacy) scale and
// ignores its zero point; a per-channel filter has no legacy scale, so
// FilterScale is 0 and the output is the bias (TFLite 2.9's kernel). If the
// whole input is zero, TFLite skips the product and the output is
// act(bias).
type HybridFullyConnectedParams struct {
	Asymmetric  bool                  `json:"asymmetric_quantize_inputs"`
	FilterScale float32               `json:"filter_scale"`
	Activation  fixedpoint.Activation `json:"activation"`
	// RowSums are Σ_d filter[c,d] per channel (the asymmetric zero-point
	// correction).
	RowSums []int32 `json:"row_sums,omitempty"`

	Batches               int `json:"batches"`
	Depth                 int `json:"depth"`
	Channels              int `json:"channels"`
	in, filter, bias, out int
}

// prepareFullyConnectedHybrid prepares the hybrid kernel from the checked
// shapes of p.
func prepareFullyConnectedHybrid(c *prepCtx, p *FullyConnectedParams, o *tflite.FullyConnectedOptionsT, act fixedpoint.Activation) (kernel, error) {
	filter := c.m.Tensors[p.filter]
	if filter.Quant == nil || len(filter.Quant.Scale) == 0 {
		return nil, c.errorf("filter tensor %d has no quantization parameters", filter.Index)
	}
	if p.bias >= 0 && c.m.Tensors[p.bias].Type != Float32 {
		return nil, c.errorf("bias tensor %d has type %v, want float32 for a hybrid FULLY_CONNECTED", p.bias, c.m.Tensors[p.bias].Type)
	}
	h := &HybridFullyConnectedParams{Asymmetric: o.AsymmetricQuantizeInputs, Activation: act,
		Batches: p.Batches, Depth: p.Depth, Channels: p.Channels, in: p.in, filter: p.filter, bias: p.bias, out: p.out}
	if len(filter.Quant.Scale) == 1 {
		h.FilterScale = filter.Quant.Scale[0]
	}
	if h.Asymmetric && filter.Const {
		h.RowSums = rowSums(p.Channels, p.Depth, AsInt8(filter.Data), nil)
	}
	return h, nil
}

func (p *HybridFullyConnectedParams) macs() int64 {
	return int64(p.Batches) * int64(p.Channels) * int64(p.Depth)
}

func (p *HybridFullyConnectedParams) eval(r *run, op *Op) error {
	in, w, out := r.f32(p.in), r.i8(p.filter), r.f32(p.out)
	var bias []float32
	if p.bias >= 0 {
		bias = r.f32(p.bias)
	}
	for i := range out {
		out[i] = 0
		if bias != nil {
			out[i] = bias[i%p.Channels]
		}
	}
	zero := true
	for _, v := range in[:p.Batches*p.Depth] {
		zero = zero && v == 0
	}
	var tr *HybridTrace
	if r.tracing() {
		tr = &HybridTrace{RowScale: make([]float32, p.Batches), RowZeroPoint: make([]int32, p.Batches), Quantized: make([]int8, p.Batches*p.Depth)}
		r.tr.Hybrid, r.tr.Acc = tr, make([]int64, len(out))
	}
	q := make([]int8, p.Depth)
	for b := 0; b < p.Batches && !zero; b++ {
		s, zp := quantizeRow(in[b*p.Depth:(b+1)*p.Depth], q, p.Asymmetric)
		scale := s * p.FilterScale
		if tr != nil {
			tr.RowScale[b], tr.RowZeroPoint[b] = s, zp
			copy(tr.Quantized[b*p.Depth:], q)
		}
		for c := 0; c < p.Channels; c++ {
			dot := p.dot(q, w[c*p.Depth:(c+1)*p.Depth], zp)
			if tr != nil {
				r.tr.Acc[b*p.Channels+c] = int64(dot)
			}
			out[b*p.Channels+c] += float32(float32(dot) * scale)
		}
	}
	for i, v := range out {
		out[i] = hybridActivation(p.Activation, v)
	}
	return nil
}

// dot is Σ_d (q[d] − zp)·w[d], computed as TFLite does: Σ q·w − zp·Σ w.
func (p *HybridFullyConnectedParams) dot(q, w []int8, zp int32) int32 {
	var dot, sum int32
	for d, v := range q {
		dot += int32(v) * int32(w[d])
		sum += int32(w[d])
	}
	return dot - sum*zp
}

func (p *HybridFullyConnectedParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	b, c := index/p.Channels, index%p.Channels
	in := AsFloat32(res.Tensors[p.in])
	w := AsInt8(res.Tensors[p.filter])
	row := in[b*p.Depth : (b+1)*p.Depth]
	q := make([]int8, p.Depth)
	_, zp := quantizeRow(row, q, p.Asymmetric)
	e := &Explanation{TermsTotal: p.Depth, TermInput: p.in, TermFilter: p.filter,
		Arithmetic: fmt.Sprintf("hybrid: input row %d quantized on the fly to int8, integer dot product, scaled back to float32", b)}
	for d := 0; d < p.Depth && d < res.termLimit(); d++ {
		t := Term{InputIndex: b*p.Depth + d, Input: int32(q[d]), InputOffset: -zp, FilterIndex: c*p.Depth + d, Filter: int32(w[c*p.Depth+d])}
		t.Product = int64(t.Input+t.InputOffset) * int64(t.Filter)
		e.Terms = append(e.Terms, t)
	}
	var bias *float32
	if p.bias >= 0 {
		bias = &AsFloat32(res.Tensors[p.bias])[c]
	}
	zero := true
	for _, v := range in[:p.Batches*p.Depth] {
		zero = zero && v == 0
	}
	if zero {
		v := float32(0)
		if bias != nil {
			v = *bias
		}
		e.Steps = []Step{{"zero input", "the whole input is zero: TFLite skips the product, output = bias", float64(v)},
			{"activation", "TFLite's ApplyActivationToVector", float64(hybridActivation(p.Activation, v))}}
		return e, nil
	}
	e.Steps, _ = hybridSteps(row, p.Asymmetric, p.FilterScale, p.dot(q, w[c*p.Depth:(c+1)*p.Depth], zp), bias, p.Activation)
	return e, nil
}
