package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// HybridLSTMParams are the prepared parameters of a hybrid (dynamic-range)
// UNIDIRECTIONAL_SEQUENCE_LSTM: float32 input, output, hidden and cell
// state, float32 biases, int8 weights with one scale each.
//
// Mirrors TFLite's lstm_eval.cc EvalHybrid / LstmStepHybrid with the
// portable tensor_utils (TFLite Micro has no hybrid LSTM and the XNNPACK
// delegate does not take the op, so every profile runs this kernel). At each
// time step, with x the input rows and h, c the state rows of the step:
//
//	unless x is all zero:  q_x, s_x[b], z_x[b] = quantize(x[b,:])    (quantizeRow)
//	unless h is all zero:  q_h, s_h[b], z_h[b] = quantize(h[b,:])
//	gate[b,u] = bias[u]
//	          + float32(Σ_i W[u,i]·q_x[b,i] − RowSum(W)[u]·z_x[b]) · float32(s_x[b]·s_W)
//	          + float32(Σ_j R[u,j]·q_h[b,j] − RowSum(R)[u]·z_h[b]) · float32(s_h[b]·s_R)
//	i, f, o = σ(gate);  g = tanh(gate)   (Eigen's: eigenLogisticf, eigenTanhf)
//	c = f·c;  c = c + g·i;  c = clip(c)   (cell_clip > 0)
//	h = o·tanh(c);  output[t] = h
//
// in float32 operation by operation; a term whose input (the step's whole
// input, or the whole hidden state) is zero is skipped, as TFLite does.
// The integer dot products are int32 (TFLite's
// MatrixBatchVectorMultiplyAccumulate with row sums).
type HybridLSTMParams struct {
	*UnidirectionalSequenceLSTMParams
	Asymmetric bool `json:"asymmetric_quantize_inputs"`
	// InputWeightScale and RecurrentWeightScale are the weights' scales per
	// gate (input, forget, cell, output); TFLite ignores their zero points.
	InputWeightScale     [4]float32 `json:"input_weight_scale"`
	RecurrentWeightScale [4]float32 `json:"recurrent_weight_scale"`
}

func prepareLSTMHybrid(c *prepCtx, p *UnidirectionalSequenceLSTMParams, o *tflite.UnidirectionalSequenceLSTMOptionsT) (kernel, error) {
	h := &HybridLSTMParams{UnidirectionalSequenceLSTMParams: p, Asymmetric: o.AsymmetricQuantizeInputs}
	for i := range 8 {
		w := c.in(1 + i)
		if w.Quant == nil || len(w.Quant.Scale) != 1 {
			return nil, c.errorf("weight tensor %d (%q) needs one scale (a hybrid LSTM's weights are quantized per tensor)", w.Index, w.Name)
		}
		if i < 4 {
			h.InputWeightScale[i] = w.Quant.Scale[0]
		} else {
			h.RecurrentWeightScale[i-4] = w.Quant.Scale[0]
		}
	}
	return h, nil
}

func (p *HybridLSTMParams) macs() int64 {
	return 4 * int64(p.Batches) * int64(p.TimeSteps) * int64(p.Units) * int64(p.InputSize+p.Units)
}

// lstmQuantized is one step's on-the-fly quantization of nb rows.
type lstmQuantized struct {
	zero  bool // the whole step's vector is zero: the term is skipped
	q     []int8
	scale []float32
	zp    []int32
}

func quantizeRows(x []float32, nb, n int, asymmetric bool) lstmQuantized {
	z := lstmQuantized{zero: true, q: make([]int8, nb*n), scale: make([]float32, nb), zp: make([]int32, nb)}
	for _, v := range x[:nb*n] {
		z.zero = z.zero && v == 0
	}
	if !z.zero {
		for b := range nb {
			z.scale[b], z.zp[b] = quantizeRow(x[b*n:(b+1)*n], z.q[b*n:(b+1)*n], asymmetric)
		}
	}
	return z
}

// dot is Σ w·q − RowSum(w)·zp in int32 for row b of the quantized vector.
func (z *lstmQuantized) dot(w []int8, b int) int32 {
	n := len(w)
	var dot, sum int32
	for i, v := range z.q[b*n : (b+1)*n] {
		dot += int32(w[i]) * int32(v)
		sum += int32(w[i])
	}
	return dot - sum*z.zp[b]
}

// gatePre is a gate's pre-activation for row b, unit u.
func (p *HybridLSTMParams) gatePre(g int, bias float32, w, rw []int8, x, h *lstmQuantized, b, u int) float32 {
	I, S := p.InputSize, p.Units
	v := bias
	if !x.zero {
		v += float32(float32(x.dot(w[u*I:(u+1)*I], b)) * float32(x.scale[b]*p.InputWeightScale[g]))
	}
	if !h.zero {
		v += float32(float32(h.dot(rw[u*S:(u+1)*S], b)) * float32(h.scale[b]*p.RecurrentWeightScale[g]))
	}
	return v
}

// lstmGateAct is TFLite's ApplySigmoidToVector or, for the cell gate,
// ApplyTanhToVector (tensor_utils.h): Eigen's array logistic and tanh
// (eigenLogisticf, eigenTanhf).
func lstmGateAct(g int, v float32) float32 {
	if g == lstmCellGate {
		return eigenTanhf(v)
	}
	return eigenLogisticf(v)
}

// eigenLogisticf is Eigen's scalar_logistic_op<float> of the browser
// TFLite's build: e/(1 + e) with e = expf(min(x, 88.3762626647949)) (the
// cap keeps e finite; above about 17.33 the quotient is 1 anyway).
func eigenLogisticf(x float32) float32 {
	e := muslExpf(min32(x, 88.3762626647949))
	return e / (1 + e)
}

// cellUpdate is UpdateLstmCellFloat for one element.
func (p *HybridLSTMParams) cellUpdate(c, f, i, g float32) float32 {
	return lstmCellUpdate(c, f, i, g, p.CellClip)
}

// lstmCellUpdate is TFLite's UpdateLstmCellFloat for one element: c = f·c,
// c += g·i, clipped to ±clip when clip > 0.
func lstmCellUpdate(c, f, i, g, clip float32) float32 {
	c = f * c
	c += float32(g * i)
	if clip > 0 {
		c = lstmClipF(c, clip)
	}
	return c
}

func (p *HybridLSTMParams) eval(r *run, op *Op) error {
	S, I := p.Units, p.InputSize
	in, hidden, cell, out := r.f32(p.in), r.f32(p.hidden), r.f32(p.cell), r.f32(p.out)
	var w, rw [4][]int8
	var bias [4][]float32
	for g := range 4 {
		w[g], rw[g], bias[g] = r.i8(p.weights[g]), r.i8(p.recurrent[g]), r.f32(p.bias[g])
	}
	var tr *HybridTrace
	if r.tracing() {
		tr = &HybridTrace{State: &HybridTrace{}}
		r.tr.Hybrid = tr
	}
	var gates [4][]float32
	for g := range gates {
		gates[g] = make([]float32, p.Batches*S)
	}
	p.steps(func(x0, h0, out0, nb int) {
		x, h, c, m := in[x0:x0+nb*I], hidden[h0:h0+nb*S], cell[h0:h0+nb*S], nb*S
		qx, qh := quantizeRows(x, nb, I, p.Asymmetric), quantizeRows(h, nb, S, p.Asymmetric)
		if tr != nil {
			tr.add(&qx)
			tr.State.add(&qh)
			tr.Cell = append(tr.Cell, c...)
		}
		for g := range 4 {
			for b := range nb {
				for u := range S {
					gates[g][b*S+u] = lstmGateAct(g, p.gatePre(g, bias[g][u], w[g], rw[g], &qx, &qh, b, u))
				}
			}
		}
		for j := range m {
			c[j] = p.cellUpdate(c[j], gates[lstmForgetGate][j], gates[lstmInputGate][j], gates[lstmCellGate][j])
		}
		for j := range m {
			h[j] = gates[lstmOutputGate][j] * eigenTanhf(c[j])
		}
		copy(out[out0:out0+m], h)
	})
	return nil
}

// add appends one step's rows to the trace.
func (t *HybridTrace) add(z *lstmQuantized) {
	t.RowScale = append(t.RowScale, z.scale...)
	t.RowZeroPoint = append(t.RowZeroPoint, z.zp...)
	t.Quantized = append(t.Quantized, z.q...)
}

// explain derives output element index from the run's trace: the output
// row's quantized input and hidden state, the eight integer dot products,
// the gates, and the cell and hidden update from the cell state before the
// step.
func (p *HybridLSTMParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	var tr *HybridTrace
	if res.Trace != nil {
		for i := range res.Trace.Ops {
			if res.Trace.Ops[i].Op == op.Index && res.Trace.Ops[i].Hybrid != nil {
				tr = res.Trace.Ops[i].Hybrid
			}
		}
	}
	if tr == nil || tr.State == nil {
		return nil, fmt.Errorf("explaining a hybrid LSTM needs the run's trace (the state before each step)")
	}
	S, I := p.Units, p.InputSize
	row, u := index/S, index%S // the output row is the trace's row, in both layouts
	if row >= len(tr.RowScale) || row >= len(tr.State.RowScale) || len(tr.Cell) < (row+1)*S {
		return nil, fmt.Errorf("output element %d: trace has %d rows", index, len(tr.RowScale))
	}
	one := func(t *HybridTrace, n int) lstmQuantized {
		z := lstmQuantized{q: t.Quantized[row*n : (row+1)*n], scale: t.RowScale[row : row+1], zp: t.RowZeroPoint[row : row+1]}
		z.zero = z.scale[0] == 0
		return z
	}
	qx, qh := one(tr, I), one(tr.State, S)
	var steps []Step
	for _, v := range []struct {
		what string
		z    *lstmQuantized
	}{{"input", &qx}, {"hidden state", &qh}} {
		if v.z.zero {
			steps = append(steps, Step{v.what, "all zero at this step: TFLite skips its products", 0})
			continue
		}
		steps = append(steps, Step{v.what + " scale", "quantized on the fly (" + quantizeHow(p.Asymmetric) + ")", float64(v.z.scale[0])},
			Step{v.what + " zero point", "", float64(v.z.zp[0])})
	}
	var act [4]float32
	for _, g := range []int{lstmInputGate, lstmForgetGate, lstmCellGate, lstmOutputGate} {
		w, rw := AsInt8(res.Tensors[p.weights[g]]), AsInt8(res.Tensors[p.recurrent[g]])
		bias := AsFloat32(res.Tensors[p.bias[g]])[u]
		name := p.Gates[g].Gate
		if !qx.zero {
			d := qx.dot(w[u*I:(u+1)*I], 0)
			steps = append(steps, Step{name + " input dot", fmt.Sprintf("Σ W·q_x − RowSum·z_x (int32), scaled by float32(s_x·%.9g)", p.InputWeightScale[g]), float64(d)})
		}
		if !qh.zero {
			d := qh.dot(rw[u*S:(u+1)*S], 0)
			steps = append(steps, Step{name + " recurrent dot", fmt.Sprintf("Σ R·q_h − RowSum·z_h (int32), scaled by float32(s_h·%.9g)", p.RecurrentWeightScale[g]), float64(d)})
		}
		pre := p.gatePre(g, bias, w, rw, &qx, &qh, 0, u)
		act[g] = lstmGateAct(g, pre)
		steps = append(steps, Step{name + " gate", fmt.Sprintf("%s(bias %.9g + float32(input dot·scale) + float32(recurrent dot·scale)) = %s(%.9g)",
			p.Gates[g].Activation, bias, p.Gates[g].Activation, pre), float64(act[g])})
	}
	prev := tr.Cell[row*S+u]
	c := p.cellUpdate(prev, act[lstmForgetGate], act[lstmInputGate], act[lstmCellGate])
	steps = append(steps, Step{"cell", fmt.Sprintf("forget·%.9g + cell gate·input gate (cell state before the step %.9g)%s", prev, prev, clipNote(p.CellClip)), float64(c)})
	h := act[lstmOutputGate] * eigenTanhf(c)
	steps = append(steps, Step{"output", "output gate · tanh(cell) (Eigen's), the new hidden state", float64(h)})
	return &Explanation{Steps: steps, Arithmetic: "hybrid LSTM (TFLite lstm_eval EvalHybrid): input and hidden state quantized to int8 on the fly per batch row, int32 dot products with the int8 weights, float32 gates"}, nil
}

func quantizeHow(asymmetric bool) string {
	if asymmetric {
		return "AsymmetricQuantizeFloats: (max(0, max) − min(0, min))/255, zero point nudged into [−128, 127]"
	}
	return "SymmetricQuantizeFloats: max|row|/127, zero point 0"
}

func clipNote(clip float32) string {
	if clip > 0 && !math.IsNaN(float64(clip)) {
		return fmt.Sprintf(", clipped to ±%g", clip)
	}
	return ""
}
