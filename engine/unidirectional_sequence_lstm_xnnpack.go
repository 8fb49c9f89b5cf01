package engine

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

// TFLite's builtin integer LSTM (lstm_eval.cc, EvalInteger8x8_16 with the
// portable tensor_utils), which the browser TFLite runs for int8
// UNIDIRECTIONAL_SEQUENCE_LSTM (XNNPACK does not take the op). It differs
// from TFLite Micro's LSTM (the engine's kernel) in four ways:
//
//   - σ and tanh are gemmlowp's int16 fixed-point logistic and tanh
//     (FixedPoint<int16_t, 3> for the gates, <int16_t, 15 + cell scale power>
//     for tanh of the cell state), not the int16 lookup tables;
//   - the cell update multiplies the Q0.15 gates by plain rounding shifts
//     (f·c >> 15, i·g >> 30 + cell scale power) instead of requantizing by
//     multipliers;
//   - the gate pre-activation scales are TFLite's float32 "effective scales"
//     s_x·s_W/2^−12, with the input and hidden zero points folded into
//     per-gate biases (input_to_gate_effective_bias = bias − zp_x·Σ W,
//     recurrent_to_gate_effective_bias = −zp_h·Σ R), and the hidden state
//     is quantized with the scale of the op's fifth intermediate tensor,
//     (2^−15/s_hidden)·2^−15 computed in double;
//   - that quantization SUBTRACTS the intermediate's zero point:
//     tensor_utils::PortableCwiseMul does `value -= output_zp` and the
//     kernel passes it hidden_zp = zp. So with the usual zero point −1 the
//     hidden state and the output are 2 above TFLite Micro's (which adds
//     it), before the difference feeds back. Checked on keras_lstm_mnist_ptq
//     (zero point −1) and micro_speech_lstm (−1), every tensor and the
//     state (internal/difftest TestWildLSTMXNNPack); with zero point 0 both
//     agree.

func init() {
	registerBuiltin(tflite.BuiltinOperatorUNIDIRECTIONAL_SEQUENCE_LSTM, builtinLSTM)
}

// builtinLSTMNode holds TFLite's prepared integer LSTM parameters.
type builtinLSTMNode struct {
	p *UnidirectionalSequenceLSTMParams
	// Per gate (input, forget, cell, output): the input and recurrent
	// effective scales and biases with the zero points folded in.
	InputScale     [4]Requant `json:"input_scale"`
	RecurrentScale [4]Requant `json:"recurrent_scale"`
	inputBias      [4][]int32
	recurrentBias  [4][]int32
	// The four gates' weights stacked three rows to an int64 (lstmPack3)
	// and their folded biases stacked alike, for lstmMatVec3.
	wp, rwp     []int64
	ib, rb      []int32
	HiddenScale Requant `json:"hidden_scale"`
	HiddenZP    int32   `json:"hidden_zero_point"` // subtracted, as TFLite does

	CellScale int   `json:"cell_scale_power"`
	CellClip  int16 `json:"quantized_cell_clip"`

	// Memos of the gates' σ and tanh (3 integer bits) and of tanh of the
	// cell state (15 + CellScale integer bits); cellTanh is nil when that
	// is outside [0, 15].
	sigmoid, gateTanh, cellTanh *memo16
}

func builtinLSTM(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	pk, err := prepareOp(m, op, RoundDouble)
	p, ok := pk.(*UnidirectionalSequenceLSTMParams)
	if err == nil && ok && p.typ == Float32 {
		return &builtinLSTMFloat{p}, nil
	}
	if err != nil || !ok || p.typ != Int8 || len(op.Intermediates) != 5 {
		return nil, nil
	}
	hiddenInter := m.Tensors[op.Intermediates[4]]
	if hiddenInter.Quant == nil || len(hiddenInter.Quant.Scale) == 0 {
		return nil, nil
	}
	in, state, cell := m.Tensors[p.in], m.Tensors[p.hidden], m.Tensors[p.cell]
	k := &builtinLSTMNode{p: p, HiddenZP: int32(hiddenInter.Quant.ZeroPoint[0]), CellScale: checkedLog2(cell.Quant.Scale[0])}
	k.sigmoid, k.gateTanh, k.cellTanh = memoOf(memoLogistic, 3), memoOf(memoTanh, 3), memoOf(memoTanh, 15+k.CellScale)
	gateScale := float32(math.Pow(2, -12)) // Q3.12, without layer normalization
	si, ss := float32(in.Scale()), float32(state.Scale())
	for g := range 4 {
		w, rw := m.Tensors[p.weights[g]], m.Tensors[p.recurrent[g]]
		k.InputScale[g] = newRequant(float64(float32(float32(w.Scale())*si) / gateScale))
		k.RecurrentScale[g] = newRequant(float64(float32(float32(rw.Scale())*ss) / gateScale))
		bias := AsInt32(m.Tensors[p.bias[g]].Data)
		k.inputBias[g] = foldZeroPoint(AsInt8(w.Data), bias, p.Units, p.InputSize, -in.ZeroPoint())
		k.recurrentBias[g] = foldZeroPoint(AsInt8(rw.Data), nil, p.Units, p.Units, -state.ZeroPoint())
	}
	if p.fast != nil { // constant weights with zero point 0
		var w, rw []int8
		for g := range 4 {
			w, rw = append(w, AsInt8(m.Tensors[p.weights[g]].Data)...), append(rw, AsInt8(m.Tensors[p.recurrent[g]].Data)...)
			k.ib, k.rb = append(k.ib, k.inputBias[g]...), append(k.rb, k.recurrentBias[g]...)
		}
		k.wp, k.rwp = lstmPack3(w, 4*p.Units, p.InputSize), lstmPack3(rw, 4*p.Units, p.Units)
	}
	hs := math.Pow(2, -15) / float64(hiddenInter.Quant.Scale[0]) * math.Pow(2, -15)
	k.HiddenScale = newRequant(float64(float32(hs)))
	if p.CellClip > 0 {
		k.CellClip = int16(min(max(p.CellClip/cell.Quant.Scale[0], -32768), 32767))
	}
	return k, nil
}

// foldZeroPoint is TFLite's PrecomputeZeroPointTimesWeightWithBias: for
// each row, bias + zp·Σ weights (int32).
func foldZeroPoint(w []int8, bias []int32, rows, cols int, zp int32) []int32 {
	out := make([]int32, rows)
	for r := range rows {
		if bias != nil {
			out[r] = bias[r]
		}
		var s int32
		for _, v := range w[r*cols : (r+1)*cols] {
			s += int32(v)
		}
		out[r] += s * zp
	}
	return out
}

func (k *builtinLSTMNode) eval(r *run, op *Op) error {
	p := k.p
	S, I := p.Units, p.InputSize
	in, hidden, out, cell := r.i8(p.in), r.i8(p.hidden), r.i8(p.out), r.i16(p.cell)
	n := p.Batches * S
	var gates [4][]int16
	for g := range gates {
		gates[g] = make([]int16, n)
	}
	var xw, hw []int64
	var acc []int32
	if k.wp != nil {
		xw, hw, acc = make([]int64, I), make([]int64, S), make([]int32, 8*S)
	}
	// matmul is PortableMatrixBatchVectorMultiplyAccumulate onto int16.
	matmul := func(x []int8, bias []int32, w []int8, q Requant, nb, depth int, dst []int16) {
		for b := range nb {
			for u := range S {
				acc := bias[u]
				for d := range depth {
					acc += int32(x[b*depth+d]) * int32(w[u*depth+d])
				}
				v := fixedpoint.MultiplyByQuantizedMultiplier(acc, q.Multiplier, q.Shift) + int32(dst[b*S+u])
				dst[b*S+u] = int16(clamp(v, math.MinInt16, math.MaxInt16))
			}
		}
	}
	p.steps(func(x0, h0, out0, nb int) {
		x, h, c, m := in[x0:x0+nb*I], hidden[h0:h0+nb*S], cell[h0:h0+nb*S], nb*S
		if k.wp != nil {
			k.gatesPacked(x, h, nb, xw, hw, acc, gates)
		} else {
			for g := range 4 {
				dst := gates[g][:m]
				clear(dst)
				matmul(x, k.inputBias[g], r.i8(p.weights[g]), k.InputScale[g], nb, I, dst)
				matmul(h, k.recurrentBias[g], r.i8(p.recurrent[g]), k.RecurrentScale[g], nb, S, dst)
				act := k.sigmoid
				if g == lstmCellGate {
					act = k.gateTanh
				}
				for j, v := range dst {
					dst[j] = act.at(v)
				}
			}
		}
		k.cellHidden(gates, c[:m], h[:m])
		copy(out[out0:out0+m], h)
	})
	return nil
}

// gatesPacked is eval's two matmuls per gate (TFLite's
// PortableMatrixBatchVectorMultiplyAccumulate onto a zeroed int16 gate,
// input then recurrent) and the gate's σ or tanh, for all four gates at
// once through lstmMatVec3: the same int32 accumulators, requantized and
// saturated in the same order (builtinGateRow).
func (k *builtinLSTMNode) gatesPacked(x, h []int8, nb int, xw, hw []int64, acc []int32, gates [4][]int16) {
	S, I := k.p.Units, k.p.InputSize
	accX, accH := acc[:4*S], acc[4*S:8*S]
	for b := range nb {
		lstmGateSums(k.wp, k.rwp, k.ib, k.rb, x[b*I:(b+1)*I], h[b*S:(b+1)*S], xw, hw, accX, accH)
		for g := range 4 {
			act := k.sigmoid
			if g == lstmCellGate {
				act = k.gateTanh
			}
			builtinGateRow(accX[g*S:(g+1)*S], accH[g*S:(g+1)*S], k.InputScale[g], k.RecurrentScale[g], act, gates[g][b*S:(b+1)*S])
		}
	}
}

// builtinGateRow sets d[u] = act(sat16(qh(ah[u]) + sat16(qx(ax[u])))):
// the input matmul's output requantized and saturated onto the zeroed
// int16 gate, the recurrent one's requantized and added to it, saturated
// (PortableMatrixBatchVectorMultiplyAccumulate's int16 output, twice), then
// the memoized σ or tanh. MultiplyByQuantizedMultiplier is written out with
// its shifts split once per row, so that the loop body inlines (a call per
// element costs more than the arithmetic in WebAssembly): the same int32.
func builtinGateRow(ax, ah []int32, qx, qh Requant, act *memo16, d []int16) {
	ah, d = ah[:len(ax)], d[:len(ax)]
	mx, lx, rx := qx.Multiplier, max(qx.Shift, 0), max(-qx.Shift, 0)
	mh, lh, rh := qh.Multiplier, max(qh.Shift, 0), max(-qh.Shift, 0)
	for u, a := range ax {
		v := clamp(fixedpoint.RoundingDivideByPOT(fixedpoint.SaturatingRoundingDoublingHighMul(a<<lx, mx), rx), math.MinInt16, math.MaxInt16)
		y := int16(clamp(fixedpoint.RoundingDivideByPOT(fixedpoint.SaturatingRoundingDoublingHighMul(ah[u]<<lh, mh), rh)+v, math.MinInt16, math.MaxInt16))
		if w := act.v[uint16(y)].Load(); w != 0 {
			d[u] = int16(uint16(w - 1))
		} else {
			d[u] = act.at(y)
		}
	}
}

// cellHidden is the end of TFLite's step: the cell update by rounding
// shifts, c = clip(sat16(f·c >> 15 + i·g >> (30 + cell scale power))), and
// the hidden state h = sat8(q(o·tanh(c)) − zp), q the hidden scale's
// MultiplyByQuantizedMultiplier written out as in builtinGateRow.
func (k *builtinLSTMNode) cellHidden(gates [4][]int16, c []int16, h []int8) {
	m := len(c)
	ig, fg, cg, og := gates[lstmInputGate][:m], gates[lstmForgetGate][:m], gates[lstmCellGate][:m], gates[lstmOutputGate][:m]
	h = h[:m]
	shift := 30 + k.CellScale
	for j := range c {
		kept := int16(fixedpoint.RoundingDivideByPOT(int32(fg[j])*int32(c[j]), 15))
		added := int16(fixedpoint.RoundingDivideByPOT(int32(ig[j])*int32(cg[j]), shift))
		v := int16(clamp(int32(kept)+int32(added), math.MinInt16, math.MaxInt16))
		if k.CellClip > 0 {
			v = max(-k.CellClip, min(k.CellClip, v))
		}
		c[j] = v
	}
	hm, hl, hr := k.HiddenScale.Multiplier, max(k.HiddenScale.Shift, 0), max(-k.HiddenScale.Shift, 0)
	for j, cj := range c {
		var t int16
		if k.cellTanh != nil {
			t = k.cellTanh.at(cj)
		} else {
			t = fixedpoint.Tanh16(cj, 15+k.CellScale)
		}
		v := fixedpoint.RoundingDivideByPOT(fixedpoint.SaturatingRoundingDoublingHighMul(int32(og[j])*int32(t)<<hl, hm), hr)
		h[j] = int8(clamp(v-k.HiddenZP, -128, 127)) // sic: CwiseMul subtracts output_zp
	}
}

func (k *builtinLSTMNode) explain(res *Result, op *Op, index int) (*Explanation, error) {
	v := int64(AsInt8(res.Tensors[k.p.out])[index])
	return &Explanation{Steps: []Step{{"output", fmt.Sprintf("hidden state after the time step: clamp(MultiplyByQuantizedMultiplier(o·tanh(c), %d, %d) − %d) (TFLite's CwiseMul subtracts the zero point)",
		k.HiddenScale.Multiplier, k.HiddenScale.Shift, k.HiddenZP), float64(v)}}, Value: v,
		Arithmetic: "TFLite builtin integer LSTM (lstm_eval EvalInteger8x8_16): gemmlowp int16 sigmoid/tanh, cell update by rounding shifts, float32 effective scales"}, nil
}

// memo16 remembers a function of an int16 (gemmlowp's int16 fixed-point
// logistic or tanh, fixedpoint.Logistic16 and Tanh16, at one number of
// integer bits) at each input the first time it is asked for, so the
// LSTM's activations cost a load once warm: the same int16 as computing
// it, with none of the 65,536 values computed before they are needed.
// v holds the value + 1 as a uint16 pattern; 0 is not yet computed. The
// loads and stores are atomic: runs of one model may share a memo across
// goroutines.
type memo16 struct {
	f    func(int16, int) int16
	bits int
	v    [1 << 16]atomic.Uint32
}

// at returns f(x, bits).
func (m *memo16) at(x int16) int16 {
	i := uint16(x)
	if v := m.v[i].Load(); v != 0 {
		return int16(uint16(v - 1))
	}
	y := m.f(x, m.bits)
	m.v[i].Store(uint32(uint16(y)) + 1)
	return y
}

// The functions memoOf memoizes.
const (
	memoLogistic = iota
	memoTanh
)

// memos holds one memo16 per function and number of integer bits, made
// when a model first needs it and kept for the process (256 KiB each).
var memos struct {
	sync.Mutex
	m [2][16]*memo16
}

// memoOf returns the memo of fixedpoint.Logistic16 (fn memoLogistic) or
// Tanh16 (memoTanh) at integer bits bits, or nil when bits is outside
// [0, 15].
func memoOf(fn, bits int) *memo16 {
	if bits < 0 || bits > 15 {
		return nil
	}
	memos.Lock()
	defer memos.Unlock()
	if memos.m[fn][bits] == nil {
		f := fixedpoint.Logistic16
		if fn == memoTanh {
			f = fixedpoint.Tanh16
		}
		memos.m[fn][bits] = &memo16{f: f, bits: bits}
	}
	return memos.m[fn][bits]
}
