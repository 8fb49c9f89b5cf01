package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// HybridSVDFParams are the prepared parameters of a hybrid (dynamic-range)
// SVDF: float32 input, state and output, int8 weights_feature and
// weights_time.
//
// Mirrors TFLite's svdf.cc hybrid path (reference_ops::EvalHybridSVDF with
// the portable tensor_utils, the only ones the browser build has; TFLite
// Micro and the XNNPACK delegate have no hybrid SVDF, so every profile runs
// this kernel). Each inference:
//
//	state ← state shifted left by one element
//	if the whole input is zero (IsZeroVector): the new column is 0; otherwise
//	q, s_b, z_b = quantize(input[b,:])                                     (quantizeRow)
//	dot         = Σ_i wf[f,i]·q[i] − RowSum[f]·z_b                            (int32)
//	state[b, f, M−1] = 0 + float32(dot)·float32(s_b·FeatureScale)
//
// then the float SVDF's time step with weights_time dequantized once as
// float32(wt·TimeScale): per filter Σ_m wt·state from 0, per unit bias + the
// rank filters' sums, the activation.
type HybridSVDFParams struct {
	*SVDFParams
	Asymmetric   bool    `json:"asymmetric_quantize_inputs"`
	FeatureScale float32 `json:"weights_feature_scale"`
	TimeScale    float32 `json:"weights_time_scale"`
	// RowSums are Σ_i weights_feature[f,i] (the asymmetric correction).
	RowSums []int32 `json:"row_sums,omitempty"`
	// wtF is floatTime of a constant weights_time, made once at Prepare
	// (nil: made per run).
	wtF []float32
}

func prepareSVDFHybrid(c *prepCtx, p *SVDFParams, o *tflite.SVDFOptionsT) (kernel, error) {
	wf, wt := c.in(1), c.in(2)
	for _, t := range []*Tensor{wf, wt} {
		if t.Quant == nil || len(t.Quant.Scale) != 1 {
			return nil, c.errorf("tensor %d (%q) needs one scale (hybrid SVDF weights are quantized per tensor)", t.Index, t.Name)
		}
	}
	p.RankSumFirst = true // TFLite's kernel (TFLite Micro has no hybrid SVDF)
	h := &HybridSVDFParams{SVDFParams: p, Asymmetric: o.AsymmetricQuantizeInputs,
		FeatureScale: wf.Quant.Scale[0], TimeScale: wt.Quant.Scale[0]}
	if wf.Const {
		h.RowSums = rowSums(p.Filters, p.InputSize, AsInt8(wf.Data), nil)
	}
	if wt.Const && len(wt.Data) == p.Filters*p.Memory {
		h.wtF = h.floatTime(AsInt8(wt.Data))
	}
	return h, nil
}

func (p *HybridSVDFParams) eval(r *run, op *Op) error {
	B, I, F, M := p.Batches, p.InputSize, p.Filters, p.Memory
	in, wf, state := r.f32(p.in), r.i8(p.wf), r.f32(p.state)
	if len(state) > 0 {
		copy(state, state[1:])
	}
	zero := true
	for _, v := range in[:B*I] {
		zero = zero && v == 0
	}
	var tr *HybridTrace
	if r.tracing() {
		tr = &HybridTrace{RowScale: make([]float32, B), RowZeroPoint: make([]int32, B), Quantized: make([]int8, B*I)}
		r.tr.Hybrid, r.tr.Acc = tr, make([]int64, B*F)
	}
	q := make([]int8, I)
	for b := range B {
		var s float32
		var zp int32
		if !zero {
			s, zp = quantizeRow(in[b*I:(b+1)*I], q, p.Asymmetric)
		}
		if tr != nil {
			tr.RowScale[b], tr.RowZeroPoint[b] = s, zp
			copy(tr.Quantized[b*I:], q)
		}
		scale := s * p.FeatureScale
		for f := range F {
			var v float32
			if !zero {
				dot := p.dot(q, wf[f*I:(f+1)*I], zp)
				if tr != nil {
					r.tr.Acc[b*F+f] = int64(dot)
				}
				v = 0 + float32(float32(dot)*scale)
			}
			state[(b*F+f)*M+M-1] = v
		}
	}
	wtF := p.wtF
	if wtF == nil {
		wtF = p.floatTime(r.i8(p.wt))
	}
	p.timeWeights(r, wtF)
	return nil
}

// dot is Σ_i w[i]·q[i] − Σ_i w[i]·zp in int32, as TFLite's portable
// MatrixBatchVectorMultiplyAccumulate computes it.
func (p *HybridSVDFParams) dot(q, w []int8, zp int32) int32 {
	var dot, sum int32
	for i, v := range q {
		dot += int32(w[i]) * int32(v)
		sum += int32(w[i])
	}
	return dot - sum*zp
}

// floatTime is weights_time dequantized as svdf.cc does once:
// float32(wt·TimeScale).
func (p *HybridSVDFParams) floatTime(wt []int8) []float32 {
	f := make([]float32, len(wt))
	for i, v := range wt {
		f[i] = float32(v) * p.TimeScale
	}
	return f
}

func (p *HybridSVDFParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	b, u := index/p.Units, index%p.Units
	state, wt := AsFloat32(res.Tensors[p.state]), p.floatTime(AsInt8(res.Tensors[p.wt]))
	var steps []Step
	v := float32(0)
	for f := u * p.Rank; f < (u+1)*p.Rank; f++ {
		var s float32
		for m := range p.Memory {
			s += float32(wt[f*p.Memory+m] * state[(b*p.Filters+f)*p.Memory+m])
		}
		v += s
		steps = append(steps, Step{"filter", fmt.Sprintf("+ Σ_m float32(weights_time[%d, m]·%.9g)·state[%d, %d, m] (the state after this run's update; its newest column is the quantized feature dot product × input scale × %.9g)", f, p.TimeScale, b, f, p.FeatureScale), float64(v)})
	}
	if p.bias >= 0 {
		v += AsFloat32(res.Tensors[p.bias])[u]
		steps = append(steps, Step{"bias", fmt.Sprintf("+ bias[%d]", u), float64(v)})
	}
	out := clampF(v, p.FloatMin, p.FloatMax)
	steps = append(steps, Step{"activation", fmt.Sprintf("clamp to [%g, %g]", p.FloatMin, p.FloatMax), float64(out)})
	return &Explanation{Steps: steps, Arithmetic: "hybrid SVDF: float32 time step over the state, whose newest column came from the int8 input quantized on the fly"}, nil
}
