package engine

import (
	"math"
	"sync"

	"github.com/int8scope/int8scope/engine/fixedpoint"
)

// lstmInt8Prep is what prepare computes once for the common integer LSTM —
// int8 activations, constant int8 weights with zero point 0 and constant
// int32 biases — so that each run does only the dot products (TFLite
// Micro's kernel, lstmEvalInteger, computes the same numbers step by step).
//
// TFLite Micro's FullyConnected accumulates Σ (w + w_off)·(x + x_off) + b
// in int32. With w_off = 0 that is Σ w·x + (b + x_off·Σ w) modulo 2^32,
// so each row's b + x_off·Σ w (TFLite's own
// PrecomputeZeroPointTimesWeightWithBias, done here at prepare) is added to
// a plain int8 dot product, with the same wrapping int32 result.
type lstmInt8Prep struct {
	w, rw  [4][]int8  // input and recurrent weights, gate order as Gates
	ib, rb [4][]int32 // bias + input_offset·Σ w;  hidden_offset·Σ R
	// σ and tanh of the gates (TFLite's int16 LUT kernels at input
	// multiplier 3, shift 0) and tanh of the cell state, memoized.
	sigmoid, gateTanh, cellTanh *memo16
}

// prepareInt8Fast fills p.fast when the LSTM takes lstmEvalInt8; otherwise
// lstmEvalInteger runs.
func (p *UnidirectionalSequenceLSTMParams) prepareInt8Fast(c *prepCtx) {
	if p.typ != Int8 {
		return
	}
	f := &lstmInt8Prep{}
	for g := range p.Gates {
		w, rw, b := c.in(1+g), c.in(5+g), c.in(12+g)
		for _, t := range []*Tensor{w, rw, b} {
			if t.Data == nil || t.Variable {
				return
			}
		}
		if p.Gates[g].InputWeightOffset != 0 || p.Gates[g].RecurrentWeightOffset != 0 {
			return
		}
		f.w[g], f.rw[g] = AsInt8(w.Data), AsInt8(rw.Data)
		f.ib[g] = foldZeroPoint(f.w[g], AsInt32(b.Data), p.Units, p.InputSize, p.InputOffset)
		f.rb[g] = foldZeroPoint(f.rw[g], nil, p.Units, p.Units, p.HiddenOffset)
	}
	f.sigmoid = lutMemoOf(memoLogistic, 3, 0)
	f.gateTanh = lutMemoOf(memoTanh, 3, 0)
	f.cellTanh = lutMemoOf(memoTanh, p.TanhCellMultiplier, p.TanhCellShift)
	p.fast = f
}

// lstmEvalInt8 is lstmEvalInteger for int8 activations with p.fast
// prepared: the same TFLite Micro EvalLstm<int8_t, int8_t, int16_t,
// int32_t>, each gate's two FullyConnected layers, their int16-saturating
// sum and its σ or tanh computed unit by unit, with the zero points folded
// into the biases at prepare.
func lstmEvalInt8(p *UnidirectionalSequenceLSTMParams, r *run) {
	f := p.fast
	S, I := p.Units, p.InputSize
	in, hidden, out, cell := r.i8(p.in), r.i8(p.hidden), r.i8(p.out), r.i16(p.cell)
	n := p.Batches * S
	buf := make([]int16, 4*n)
	fg, ig, cg, og := buf[:n], buf[n:2*n], buf[2*n:3*n], buf[3*n:]
	hlo, hhi := qrange(p.typ)
	gate := func(g int, x, h []int8, nb int, dst []int16) {
		gp := &p.Gates[g]
		qi, qr := gp.InputFC, gp.RecurrentFC
		w, rw, ib, rb := f.w[g], f.rw[g], f.ib[g], f.rb[g]
		act := f.sigmoid
		if gp.Activation == "TANH" {
			act = f.gateTanh
		}
		for row := range nb {
			xr, hr := x[row*I:(row+1)*I], h[row*S:(row+1)*S]
			d := dst[row*S : (row+1)*S]
			for u := range d {
				a := clamp(qi.apply(ib[u]+lstmDot8(w[u*I:(u+1)*I], xr)), math.MinInt16, math.MaxInt16)
				b := clamp(qr.apply(rb[u]+lstmDot8(rw[u*S:(u+1)*S], hr)), math.MinInt16, math.MaxInt16)
				d[u] = act.at(int16(clamp(a+b, math.MinInt16, math.MaxInt16)))
			}
		}
	}
	fcm, icm, hm := p.ForgetCellMul, p.InputCellMul, p.HiddenMul
	p.steps(func(x0, h0, out0, nb int) {
		x, h, c, m := in[x0:x0+nb*I], hidden[h0:h0+nb*S], cell[h0:h0+nb*S], nb*S
		gate(lstmForgetGate, x, h, nb, fg[:m])
		gate(lstmInputGate, x, h, nb, ig[:m])
		gate(lstmCellGate, x, h, nb, cg[:m])
		for j := range m {
			kept := clamp(fcm.apply(int32(fg[j])*int32(c[j])), math.MinInt16, math.MaxInt16)
			added := clamp(icm.apply(int32(ig[j])*int32(cg[j])), math.MinInt16, math.MaxInt16)
			v := int16(clamp(kept+added, math.MinInt16, math.MaxInt16))
			if p.CellClip > 0 {
				v = max(min(p.QuantizedCellClip, v), -p.QuantizedCellClip)
			}
			c[j] = v
		}
		gate(lstmOutputGate, x, h, nb, og[:m])
		for j := range m {
			t := f.cellTanh.at(c[j])
			h[j] = int8(clamp(hm.apply(int32(t)*int32(og[j]))+p.HiddenZeroPoint, hlo, hhi))
		}
		copy(out[out0:out0+m], h)
	})
}

// lstmDot8 is Σ w[i]·x[i] over len(x), wrapping in int32 like TFLite's
// int8 FullyConnected accumulator.
func lstmDot8(w, x []int8) int32 {
	w = w[:len(x)]
	var s0, s1, s2, s3 int32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += int32(w[i]) * int32(x[i])
		s1 += int32(w[i+1]) * int32(x[i+1])
		s2 += int32(w[i+2]) * int32(x[i+2])
		s3 += int32(w[i+3]) * int32(x[i+3])
	}
	for ; i < len(x); i++ {
		s0 += int32(w[i]) * int32(x[i])
	}
	return s0 + s1 + s2 + s3
}

// lutMemos holds one memo16 per function (memoLogistic, memoTanh) and
// input scaling of TFLite's int16 LUT kernels (fixedpoint.LogisticInt16,
// TanhInt16), made when a model first needs it and kept for the process
// (256 KiB each).
var lutMemos struct {
	sync.Mutex
	m map[[3]int32]*memo16
}

// lutMemoOf returns the memo of fixedpoint.LogisticInt16 (fn memoLogistic)
// or TanhInt16 (memoTanh) at input multiplier mul and shift shift.
func lutMemoOf(fn int, mul int32, shift int) *memo16 {
	lutMemos.Lock()
	defer lutMemos.Unlock()
	key := [3]int32{int32(fn), mul, int32(shift)}
	if m := lutMemos.m[key]; m != nil {
		return m
	}
	lut := fixedpoint.LogisticInt16
	if fn == memoTanh {
		lut = fixedpoint.TanhInt16
	}
	m := &memo16{f: func(x int16, _ int) int16 { return lut(x, mul, shift) }}
	if lutMemos.m == nil {
		lutMemos.m = map[[3]int32]*memo16{}
	}
	lutMemos.m[key] = m
	return m
}
