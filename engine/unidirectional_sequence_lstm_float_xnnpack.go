package engine

import "fmt"

// builtinLSTMFloat is TFLite's builtin float32 UNIDIRECTIONAL_SEQUENCE_LSTM
// (lstm_eval.cc EvalFloat / LstmStepFloat), which the browser TFLite runs
// (XNNPACK does not take the op). It differs from TFLite Micro's float LSTM
// (evalFloat) in its summation order and its activations:
//
//	gate = bias;  unless the step's whole input is zero:
//	gate = FC(x; W) + gate        (optimized_ops::FullyConnected through
//	                               Eigen, eigenGemmSplit/eigenDot, with the
//	                               running gate as its bias)
//	gate = FC(h; R) + gate
//	i, f, o = σ(gate);  g = tanh(gate)   (Eigen's: eigenLogisticf, eigenTanhf)
//	c = f·c;  c = c + g·i;  c = clip(c)
//	h = o·tanh(c)                        (Eigen's tanh)
//
// each operation in float32. TFLite Micro adds the products in order of k,
// then the bias, and uses std::exp and std::tanh.
type builtinLSTMFloat struct {
	*UnidirectionalSequenceLSTMParams
}

// accumulate adds FC(x; w) (rows units, depth columns, nb batch rows) onto
// dst in Eigen's order.
func (k *builtinLSTMFloat) accumulate(x, w []float32, nb, depth int, dst []float32) {
	S := k.Units
	for b := range nb {
		xr := x[b*depth : (b+1)*depth]
		split := eigenGemmSplit(depth, S, nb, b)
		for u := range S {
			wr := w[u*depth : (u+1)*depth]
			dst[b*S+u] += eigenDot(depth, split, func(i int) float32 { return float32(xr[i] * wr[i]) })
		}
	}
}

func (k *builtinLSTMFloat) eval(r *run, op *Op) error {
	p := k.UnidirectionalSequenceLSTMParams
	S, I := p.Units, p.InputSize
	in, hidden, cell, out := r.f32(p.in), r.f32(p.hidden), r.f32(p.cell), r.f32(p.out)
	var gates [4][]float32
	for g := range gates {
		gates[g] = make([]float32, p.Batches*S)
	}
	p.steps(func(x0, h0, out0, nb int) {
		x, h, c, m := in[x0:x0+nb*I], hidden[h0:h0+nb*S], cell[h0:h0+nb*S], nb*S
		zero := true
		for _, v := range x {
			zero = zero && v == 0
		}
		for g := range 4 {
			dst, bias := gates[g][:m], r.f32(p.bias[g])
			for b := range nb {
				copy(dst[b*S:(b+1)*S], bias)
			}
			if !zero {
				k.accumulate(x, r.f32(p.weights[g]), nb, I, dst)
			}
			k.accumulate(h, r.f32(p.recurrent[g]), nb, S, dst)
			for j, v := range dst {
				dst[j] = lstmGateAct(g, v)
			}
		}
		for j := range m {
			c[j] = lstmCellUpdate(c[j], gates[lstmForgetGate][j], gates[lstmInputGate][j], gates[lstmCellGate][j], p.CellClip)
		}
		for j := range m {
			h[j] = gates[lstmOutputGate][j] * eigenTanhf(c[j])
		}
		copy(out[out0:out0+m], h)
	})
	return nil
}

func (k *builtinLSTMFloat) explain(res *Result, op *Op, index int) (*Explanation, error) {
	v := float64(AsFloat32(res.Tensors[k.out])[index])
	return &Explanation{Arithmetic: "TFLite builtin float LSTM (lstm_eval EvalFloat): Eigen-ordered fully connected sums onto the bias, Eigen's logistic and tanh",
		Steps: []Step{{"output", fmt.Sprintf("hidden state after the time step: output gate · tanh(cell) (Eigen's tanh) = %.9g", v), v}}}, nil
}
