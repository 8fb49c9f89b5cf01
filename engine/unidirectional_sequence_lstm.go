package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// UnidirectionalSequenceLSTMParams are UNIDIRECTIONAL_SEQUENCE_LSTM's prepared
// parameters.
//
// Mirrors TFLite Micro's kernel (micro/kernels/unidirectional_sequence_lstm.cc,
// lstm_eval.h, lstm_eval.cc, lstm_eval_common.cc): the standard LSTM of Keras,
// without CIFG, peephole, projection or layer normalization, which TFLite
// Micro rejects too. For each time step, with x the input row and h, c the
// hidden and cell state (variable tensors, updated in place):
//
//	f = σ(FC(x; W_f, b_f) + FC(h; R_f))      // forget gate
//	i = σ(FC(x; W_i, b_i) + FC(h; R_i))      // input gate
//	g = tanh(FC(x; W_c, b_c) + FC(h; R_c))   // cell gate
//	c = clip(f·c + i·g)
//	o = σ(FC(x; W_o, b_o) + FC(h; R_o))      // output gate
//	h = o·tanh(c);  output[t] = h
//
// Integer LSTMs (int8 or int16 activations, int8 weights, int16 cell state):
// each FC is reference_integer_ops::FullyConnected writing int16 in Q3.12
// (scale 2^-12) with its own multiplier, the two FCs of a gate are added with
// int16 saturation, σ and tanh are TFLite's int16 table interpolations giving
// Q0.15, and each product is requantized by MulElementwise to the cell state
// (scale 2^CellScalePower) or to the hidden state.
type UnidirectionalSequenceLSTMParams struct {
	TimeMajor bool `json:"time_major"`
	Batches   int  `json:"batches"`
	TimeSteps int  `json:"time_steps"`
	InputSize int  `json:"input_size"`
	Units     int  `json:"units"` // state dimension
	// CellGateActivation is the cell gate's nonlinearity (the op's fused
	// activation, always TANH); the other gates use SIGMOID, the hidden
	// update TANH.
	CellGateActivation string  `json:"cell_gate_activation"`
	CellClip           float32 `json:"cell_clip,omitempty"` // 0 = no clipping
	// Gates in TFLite's tensor order: input, forget, cell, output. They are
	// evaluated in TFLite Micro's order: forget, input, cell, then the cell
	// update, then output.
	Gates [4]LSTMGate `json:"gates"`

	// Integer LSTMs only.
	InputOffset     int32 `json:"input_offset,omitempty"`      // −input zero point
	HiddenOffset    int32 `json:"hidden_offset,omitempty"`     // −hidden-state zero point (recurrent FC input)
	HiddenZeroPoint int32 `json:"hidden_zero_point,omitempty"` // output offset of the h = o·tanh(c) product
	// CellScalePower is log2 of the cell state's scale (rounded, as TFLite's
	// CheckedLog2; TFLite Micro does not insist on a power of two).
	CellScalePower    int   `json:"cell_scale_power,omitempty"`
	QuantizedCellClip int16 `json:"quantized_cell_clip,omitempty"` // trunc(CellClip/s_cell), clamped to int16
	// The three products, on TFLite Micro's nonlinear output scale
	// s_σ = 2^-15: f·c: s_σ·s_cell/s_cell,
	// i·g: s_σ²/s_cell, o·tanh(c): s_σ²/s_hidden.
	ForgetCellMul *Requant `json:"forget_cell_mul,omitempty"`
	InputCellMul  *Requant `json:"input_cell_mul,omitempty"`
	HiddenMul     *Requant `json:"hidden_mul,omitempty"`
	// tanh(c) scales the cell state to the table's input as
	// (c·TanhCellMultiplier + round) >> TanhCellShift; the gates use (3, 0).
	TanhCellMultiplier int32 `json:"tanh_cell_multiplier,omitempty"`
	TanhCellShift      int   `json:"tanh_cell_shift,omitempty"`

	in, out, hidden, cell int
	weights, recurrent    [4]int // tensor indices, gate order as Gates
	bias                  [4]int
	typ                   DType         // activation type
	fast                  *lstmInt8Prep // nil: lstmEvalInteger
}

// LSTMGate is one gate's pair of fully connected layers.
type LSTMGate struct {
	Gate       string `json:"gate"`
	Activation string `json:"activation"`
	// Integer LSTMs: the input FC's multiplier s_x·s_W/2^-12 and the
	// recurrent FC's s_h·s_R/2^-12, each onto the gate's Q3.12 pre-activation.
	InputFC               *Requant `json:"input_fc,omitempty"`
	RecurrentFC           *Requant `json:"recurrent_fc,omitempty"`
	InputWeightOffset     int32    `json:"input_weight_offset,omitempty"` // −weight zero point
	RecurrentWeightOffset int32    `json:"recurrent_weight_offset,omitempty"`
}

// Gate indices, in the order of the op's weight and bias inputs.
const (
	lstmInputGate = iota
	lstmForgetGate
	lstmCellGate
	lstmOutputGate
)

// TFLite Micro's fixed gate scales (lstm_eval_common.cc,
// PrepareGateParametersInteger): the FC outputs are Q3.12, the
// nonlinearities' outputs Q0.15, both exact powers of two since TFLite
// Micro's 2023 LSTM rewrite (before it, the Q0.15 scale was the decimal
// 0.00003051757, slightly below 2^-15, which moved the cell state by 1–2).
const (
	lstmGateInputScale  = float32(0x1p-12)
	lstmGateOutputScale = float32(0x1p-15)
)

func init() {
	register(tflite.BuiltinOperatorUNIDIRECTIONAL_SEQUENCE_LSTM, prepareUnidirectionalSequenceLSTM)
}

func prepareUnidirectionalSequenceLSTM(c *prepCtx) (kernel, error) {
	if n := len(c.op.Inputs); n != 24 {
		return nil, c.errorf("has %d inputs, want 24", n)
	}
	if n := len(c.op.Outputs); n != 1 {
		return nil, c.errorf("has %d outputs, want 1", n)
	}
	for _, f := range []struct {
		inputs []int
		what   string
	}{
		{[]int{9, 10, 11}, "peephole connections (cell-to-gate weights, inputs 9-11)"},
		{[]int{16, 17}, "projection (inputs 16-17)"},
		{[]int{20, 21, 22, 23}, "layer normalization (inputs 20-23)"},
	} {
		for _, i := range f.inputs {
			if c.in(i) != nil {
				return nil, c.errorf("%s: not supported (TFLite Micro's LSTM lacks it too)", f.what)
			}
		}
	}
	if c.in(1) == nil || c.in(5) == nil {
		return nil, c.errorf("CIFG (coupled input and forget gate: no input-to-input or recurrent-to-input weights): not supported (TFLite Micro's LSTM lacks it too)")
	}
	required := map[int]string{0: "input", 2: "input-to-forget weights", 3: "input-to-cell weights",
		4: "input-to-output weights", 6: "recurrent-to-forget weights", 7: "recurrent-to-cell weights",
		8: "recurrent-to-output weights", 12: "input gate bias", 13: "forget gate bias", 14: "cell gate bias",
		15: "output gate bias", 18: "output (hidden) state", 19: "cell state"}
	for i := 0; i < 24; i++ {
		if name, ok := required[i]; ok && c.in(i) == nil {
			return nil, c.errorf("required input %d (%s) is missing", i, name)
		}
	}
	o, _ := c.op.Options.(*tflite.UnidirectionalSequenceLSTMOptionsT)
	if o == nil {
		o = &tflite.UnidirectionalSequenceLSTMOptionsT{}
	}
	if o.DiagonalRecurrentTensors {
		return nil, c.errorf("diagonal recurrent weights are not supported")
	}
	in, hidden, cell, out := c.in(0), c.in(18), c.in(19), c.out(0)
	p := &UnidirectionalSequenceLSTMParams{TimeMajor: o.TimeMajor, CellClip: o.CellClip,
		in: in.Index, out: out.Index, hidden: hidden.Index, cell: cell.Index, typ: in.Type}
	// TFLite Micro's gates take kTfLiteActTanh or kTfLiteActSigmoid, and a
	// .tflite file can only express the former.
	if o.FusedActivationFunction != tflite.ActivationFunctionTypeTANH {
		return nil, c.errorf("cell gate activation %v is not supported (TFLite Micro's LSTM needs TANH)", o.FusedActivationFunction)
	}
	p.CellGateActivation = "TANH"
	names := [4]string{"input", "forget", "cell", "output"}
	for g := range p.Gates {
		p.weights[g], p.recurrent[g], p.bias[g] = c.in(1+g).Index, c.in(5+g).Index, c.in(12+g).Index
		p.Gates[g] = LSTMGate{Gate: names[g], Activation: "SIGMOID"}
	}
	p.Gates[lstmCellGate].Activation = p.CellGateActivation

	// Shapes (TFLite Micro's CreateLstmSizeInfo and ValidateTensorSize).
	if len(in.Shape) != 3 {
		return nil, c.errorf("input tensor %d has shape %v, want 3-D [batch, time, input] (or [time, batch, input] when time_major)", in.Index, in.Shape)
	}
	p.Batches, p.TimeSteps, p.InputSize = in.Shape[0], in.Shape[1], in.Shape[2]
	if p.TimeMajor {
		p.Batches, p.TimeSteps = p.TimeSteps, p.Batches
	}
	if w := c.in(2); len(w.Shape) == 2 {
		p.Units = w.Shape[0]
	}
	for g := range 4 {
		for _, x := range []struct {
			t    *Tensor
			want []int
		}{{c.in(1 + g), []int{p.Units, p.InputSize}}, {c.in(5 + g), []int{p.Units, p.Units}}, {c.in(12 + g), []int{p.Units}}} {
			if !equalInts(x.t.Shape, x.want) {
				return nil, c.errorf("%s gate tensor %d (%q) has shape %v, want %v", names[g], x.t.Index, x.t.Name, x.t.Shape, x.want)
			}
		}
	}
	for _, t := range []*Tensor{hidden, cell} {
		if t.NumElements() != p.Batches*p.Units {
			return nil, c.errorf("state tensor %d (%q) has shape %v, want %d×%d elements", t.Index, t.Name, t.Shape, p.Batches, p.Units)
		}
		if !t.Variable {
			return nil, c.errorf("state tensor %d (%q) must be a variable tensor", t.Index, t.Name)
		}
	}
	if err := c.sameShape(out, []int{in.Shape[0], in.Shape[1], p.Units}); err != nil {
		return nil, err
	}

	// Types: every weight alike, every bias alike, input = hidden = output.
	wt, bt := c.in(2).Type, c.in(13).Type
	for g := range 4 {
		if c.in(1+g).Type != wt || c.in(5+g).Type != wt || c.in(12+g).Type != bt {
			return nil, c.unsupportedTypes()
		}
	}
	if hidden.Type != in.Type || out.Type != in.Type {
		return nil, c.unsupportedTypes()
	}
	switch {
	case in.Type == Float32 && wt == Float32 && bt == Float32 && cell.Type == Float32:
		return p, nil
	case in.Type == Float32 && wt == Int8 && bt == Float32 && cell.Type == Float32:
		return prepareLSTMHybrid(c, p, o)
	case in.Type == Float32 && wt == Int8:
		return nil, c.errorf("hybrid LSTM (float32 activations, int8 weights) needs float32 biases and cell state, not %v and %v", bt, cell.Type)
	case (in.Type == Int8 && bt == Int32 || in.Type == Int16 && bt == Int64) && wt == Int8 && cell.Type == Int16:
		if err := p.prepareInteger(c); err != nil {
			return nil, err
		}
		return p, nil
	}
	return nil, c.unsupportedTypes()
}

// prepareInteger derives the integer parameters like TFLite Micro's
// PrepareGateParametersInteger and CreateLstmCellStateInfo.
func (p *UnidirectionalSequenceLSTMParams) prepareInteger(c *prepCtx) error {
	in, hidden, cell := c.in(0), c.in(18), c.in(19)
	for _, x := range []struct {
		role string
		t    *Tensor
	}{{"input", in}, {"hidden state", hidden}, {"cell state", cell}} {
		if err := c.needQuant(x.role, x.t); err != nil {
			return err
		}
	}
	for i := range 8 {
		w := c.in(1 + i)
		if w.Quant == nil || len(w.Quant.Scale) == 0 {
			return c.errorf("weight tensor %d (%q) has no quantization parameters", w.Index, w.Name)
		}
		if w.Quant.PerChannel() {
			// TFLite Micro's LSTM only reads the per-tensor multiplier.
			return c.errorf("weight tensor %d (%q) is quantized per channel; the LSTM needs per-tensor weights", w.Index, w.Name)
		}
	}
	p.InputOffset, p.HiddenOffset, p.HiddenZeroPoint = -in.ZeroPoint(), -hidden.ZeroPoint(), hidden.ZeroPoint()
	// Each gate's FCs write int16 at scale 2^-12, zero point 0
	// (CreateGateParams → CalculateOpDataFullyConnected).
	for g := range p.Gates {
		w, rw := c.in(1+g), c.in(5+g)
		iq := c.requant(in.Scale() * w.Scale() / float64(lstmGateInputScale))
		rq := c.requant(hidden.Scale() * rw.Scale() / float64(lstmGateInputScale))
		if in.Type == Int16 {
			if err := c.check64("gate", iq, rq); err != nil {
				return err
			}
		}
		p.Gates[g].InputFC, p.Gates[g].RecurrentFC = &iq, &rq
		p.Gates[g].InputWeightOffset, p.Gates[g].RecurrentWeightOffset = -w.ZeroPoint(), -rw.ZeroPoint()
	}
	sc, sn := cell.Scale(), float64(lstmGateOutputScale)
	fc, ic, hm := c.requant(sn*sc/sc), c.requant(sn*sn/sc), c.requant(sn*sn/hidden.Scale())
	p.ForgetCellMul, p.InputCellMul, p.HiddenMul = &fc, &ic, &hm

	p.CellScalePower = checkedLog2(cell.Quant.Scale[0])
	p.QuantizedCellClip = int16(min(max(float64(p.CellClip)/sc, -32768), 32767))
	// lstm_internal::Tanh: left shift (15 + power) − 3 onto the table's
	// input, or, when negative, multiplier 3 and that many right shifts.
	shift := 15 + p.CellScalePower - 3
	if shift < -31 || shift > 28 {
		return c.errorf("cell state scale 2^%d is out of the range the int16 tanh can take", p.CellScalePower)
	}
	p.TanhCellMultiplier, p.TanhCellShift = 3<<max(shift, 0), max(-shift, 0)
	p.prepareInt8Fast(c)
	return nil
}

// checkedLog2 is TFLite's CheckedLog2 without its check: log2(x) in float32,
// rounded half away from zero.
func checkedLog2(x float32) int {
	l := float32(math.Log(float64(x))) * (1 / float32(math.Log(2)))
	return int(math.Round(float64(l)))
}

// steps calls f for each time step in TFLite Micro's order: time major runs
// all batches at once; batch major runs one batch's sequence after another,
// each with its own row of the state.
func (p *UnidirectionalSequenceLSTMParams) steps(f func(x0, h0, out0, nb int)) {
	I, S := p.InputSize, p.Units
	if p.TimeMajor {
		for t := range p.TimeSteps {
			f(t*p.Batches*I, 0, t*p.Batches*S, p.Batches)
		}
		return
	}
	for b := range p.Batches {
		for t := range p.TimeSteps {
			f((b*p.TimeSteps+t)*I, b*S, (b*p.TimeSteps+t)*S, 1)
		}
	}
}

func (p *UnidirectionalSequenceLSTMParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Float32:
		p.evalFloat(r)
	case Int8:
		if p.fast != nil {
			lstmEvalInt8(p, r)
			return nil
		}
		lstmEvalInteger(p, r, r.i8(p.in), r.i8(p.hidden), r.i8(p.out), false)
	case Int16:
		lstmEvalInteger(p, r, r.i16(p.in), r.i16(p.hidden), r.i16(p.out), true)
	default:
		return fmt.Errorf("unexpected activation type %v", p.typ)
	}
	return nil
}

// lstmEvalInteger is TFLite Micro's EvalLstm<ActivationType, int8_t,
// int16_t, BiasType> (int32 bias for int8 activations, int64 for int16).
func lstmEvalInteger[T int8 | int16](p *UnidirectionalSequenceLSTMParams, r *run, in, hidden, out []T, wide bool) {
	S, I := p.Units, p.InputSize
	cell := r.i16(p.cell)
	var bias [4][]int64
	for g := range bias {
		if wide {
			bias[g] = r.i64(p.bias[g])
			continue
		}
		bias[g] = make([]int64, S)
		for j, v := range r.i32(p.bias[g]) {
			bias[g][j] = int64(v)
		}
	}
	n := p.Batches * S
	fg, ig, cg, og, tmp := make([]int16, n), make([]int16, n), make([]int16, n), make([]int16, n), make([]int16, n)
	hlo, hhi := qrange(p.typ)

	// fc is reference_integer_ops::FullyConnected onto int16 Q3.12, output
	// offset 0; int8 activations accumulate in int32 (wrapping), int16 in int64.
	fc := func(x []T, xOff int32, w []int8, wOff int32, b []int64, q *Requant, nb, depth int, dst []int16) {
		for row := range nb {
			for u := range S {
				var acc int64
				for d := range depth {
					acc += int64((int32(w[u*depth+d]) + wOff) * (int32(x[row*depth+d]) + xOff))
				}
				if b != nil {
					acc += b[u]
				}
				var v int32
				if wide {
					v = q.apply64(acc)
				} else {
					v = q.apply(int32(acc))
				}
				dst[row*S+u] = int16(clamp(v, math.MinInt16, math.MaxInt16))
			}
		}
	}
	gate := func(g int, x, h []T, nb int, dst []int16) {
		gp := &p.Gates[g]
		fc(x, p.InputOffset, r.i8(p.weights[g]), gp.InputWeightOffset, bias[g], gp.InputFC, nb, I, dst)
		fc(h, p.HiddenOffset, r.i8(p.recurrent[g]), gp.RecurrentWeightOffset, nil, gp.RecurrentFC, nb, S, tmp)
		tanh := gp.Activation == "TANH"
		for j := range nb * S {
			v := clamp(int32(dst[j])+int32(tmp[j]), math.MinInt16, math.MaxInt16)
			if tanh {
				dst[j] = fixedpoint.TanhInt16(int16(v), 3, 0) // cell_state_scale_power −12: no shift
			} else {
				dst[j] = fixedpoint.LogisticInt16(int16(v), 3, 0)
			}
		}
	}
	// mul is MulElementwise: int16 × int16, requantized, offset, clamped.
	mul := func(a, b int16, q *Requant, off, lo, hi int32) int32 {
		return clamp(q.apply(int32(a)*int32(b))+off, lo, hi)
	}
	p.steps(func(x0, h0, out0, nb int) {
		x, h, c, m := in[x0:x0+nb*I], hidden[h0:h0+nb*S], cell[h0:h0+nb*S], nb*S
		gate(lstmForgetGate, x, h, nb, fg[:m])
		gate(lstmInputGate, x, h, nb, ig[:m])
		gate(lstmCellGate, x, h, nb, cg[:m])
		for j := range m {
			kept := mul(fg[j], c[j], p.ForgetCellMul, 0, math.MinInt16, math.MaxInt16)
			added := mul(ig[j], cg[j], p.InputCellMul, 0, math.MinInt16, math.MaxInt16)
			v := int16(clamp(kept+added, math.MinInt16, math.MaxInt16))
			if p.CellClip > 0 {
				v = max(min(p.QuantizedCellClip, v), -p.QuantizedCellClip)
			}
			c[j] = v
		}
		gate(lstmOutputGate, x, h, nb, og[:m])
		for j := range m {
			t := fixedpoint.TanhInt16(c[j], p.TanhCellMultiplier, p.TanhCellShift)
			h[j] = T(mul(t, og[j], p.HiddenMul, p.HiddenZeroPoint, hlo, hhi))
		}
		copy(out[out0:out0+m], h)
	})
}

// evalFloat is TFLite Micro's EvalLstm<float, float, float, float>, with
// glibc's tanhf and expf (glibcTanhf, lstmSigmoidF) as TFLite Micro calls them
// on Linux.
func (p *UnidirectionalSequenceLSTMParams) evalFloat(r *run) {
	S, I := p.Units, p.InputSize
	in, hidden, cell, out := r.f32(p.in), r.f32(p.hidden), r.f32(p.cell), r.f32(p.out)
	n := p.Batches * S
	fg, ig, cg, og, tmp := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	// fc is reference_ops::FullyConnected with no activation (±FLT_MAX).
	fc := func(x, w, b []float32, nb, depth int, dst []float32) {
		for row := range nb {
			for u := range S {
				var total float32
				for d := range depth {
					total += float32(x[row*depth+d] * w[u*depth+d])
				}
				var bv float32
				if b != nil {
					bv = b[u]
				}
				dst[row*S+u] = lstmClampF(total+bv, -math.MaxFloat32, math.MaxFloat32)
			}
		}
	}
	gate := func(g int, x, h []float32, nb int, dst []float32) {
		fc(x, r.f32(p.weights[g]), r.f32(p.bias[g]), nb, I, dst)
		fc(h, r.f32(p.recurrent[g]), nil, nb, S, tmp)
		tanh := p.Gates[g].Activation == "TANH"
		for j := range nb * S {
			v := dst[j] + tmp[j]
			if tanh {
				dst[j] = glibcTanhf(v)
			} else {
				dst[j] = lstmSigmoidF(v)
			}
		}
	}
	mul := func(a, b float32) float32 { return lstmClampF(a*b, -math.MaxFloat32, math.MaxFloat32) }
	p.steps(func(x0, h0, out0, nb int) {
		x, h, c, m := in[x0:x0+nb*I], hidden[h0:h0+nb*S], cell[h0:h0+nb*S], nb*S
		gate(lstmForgetGate, x, h, nb, fg[:m])
		gate(lstmInputGate, x, h, nb, ig[:m])
		gate(lstmCellGate, x, h, nb, cg[:m])
		for j := range m {
			v := mul(fg[j], c[j]) + mul(ig[j], cg[j])
			if p.CellClip > 0 {
				v = lstmClipF(v, p.CellClip)
			}
			c[j] = v
		}
		gate(lstmOutputGate, x, h, nb, og[:m])
		for j := range m {
			h[j] = mul(glibcTanhf(c[j]), og[j])
		}
		copy(out[out0:out0+m], h)
	})
}

// lstmSigmoidF is reference_ops::Logistic for float, with TFLite Micro's
// std::exp: glibc's expf, the same Arm algorithm as musl's (muslExpf); its
// x86-64 FMA build gives the same float32 results (equal to glibc 2.36 on
// 22,755,181 inputs in [−25, 25]), not those of the correctly rounded exp.
func lstmSigmoidF(v float32) float32 {
	switch {
	case v > 16.619047164916992188:
		return 1
	case v < -9:
		return muslExpf(v)
	}
	return 1 / (1 + muslExpf(-v))
}

// lstmClampF is std::min(std::max(v, lo), hi), NaN included: std::max(NaN,
// lo) is NaN and std::min(NaN, hi) is NaN. (TFLite's float Clipping,
// max(min(clip, v), −clip), maps NaN to clip instead; see lstmClipF.)
func lstmClampF(v, lo, hi float32) float32 {
	if v < lo {
		v = lo
	}
	if hi < v {
		v = hi
	}
	return v
}

// lstmClipF is TFLite Micro's float Clipping, std::max(std::min(clip, v),
// −clip), which maps NaN to clip.
func lstmClipF(v, clip float32) float32 {
	if !(v < clip) {
		v = clip
	}
	if v < -clip {
		v = -clip
	}
	return v
}

// glibcTanhf is glibc's tanhf (sysdeps/ieee754/flt-32/s_tanhf.c, Sun's
// algorithm, what TFLite Micro's std::tanh calls on Linux), in float32:
// for 1 ≤ |x| < 22, 1 − 2/(expm1f(2|x|) + 2); below 1, −t/(t + 2) with
// t = expm1f(−2|x|); ±1 from 22 on; x itself below 2^−55, with the sign of
// x. It differs from the correctly rounded tanh by one ulp on about 5 % of
// inputs; it equals glibc 2.36's on 22,755,181 inputs in [−25, 25].
func glibcTanhf(x float32) float32 {
	a := float32(math.Abs(float64(x)))
	var z float32
	switch {
	case a != a || math.IsInf(float64(a), 0):
		if x != x {
			return x
		}
		z = 1
	case a >= 22:
		z = 1
	case a == 0 || a < 0x1p-55:
		return x
	case a >= 1:
		t := glibcExpm1f(2 * a)
		z = 1 - 2/(t+2)
	default:
		t := glibcExpm1f(-2 * a)
		z = -t / (t + 2)
	}
	if math.Signbit(float64(x)) {
		return -z
	}
	return z
}
