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
	// The four gates' input and recurrent weights, stacked in gate order
	// as Gates (rows g·Units … (g+1)·Units − 1 are gate g's), three rows
	// to an int64 (lstmPack3).
	wp, rwp []int64
	// Per stacked row: bias + input_offset·Σ w;  hidden_offset·Σ R.
	ib, rb []int32
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
	S, I := p.Units, p.InputSize
	f := &lstmInt8Prep{}
	w, rw := make([]int8, 0, 4*S*I), make([]int8, 0, 4*S*S)
	for g := range p.Gates {
		wt, rt, b := c.in(1+g), c.in(5+g), c.in(12+g)
		for _, t := range []*Tensor{wt, rt, b} {
			if t.Data == nil || t.Variable {
				return
			}
		}
		if p.Gates[g].InputWeightOffset != 0 || p.Gates[g].RecurrentWeightOffset != 0 {
			return
		}
		w, rw = append(w, AsInt8(wt.Data)...), append(rw, AsInt8(rt.Data)...)
		f.ib = append(f.ib, foldZeroPoint(AsInt8(wt.Data), AsInt32(b.Data), S, I, p.InputOffset)...)
		f.rb = append(f.rb, foldZeroPoint(AsInt8(rt.Data), nil, S, S, p.HiddenOffset)...)
	}
	f.wp, f.rwp = lstmPack3(w, 4*S, I), lstmPack3(rw, 4*S, S)
	f.sigmoid = lutMemoOf(memoLogistic, 3, 0)
	f.gateTanh = lutMemoOf(memoTanh, 3, 0)
	f.cellTanh = lutMemoOf(memoTanh, p.TanhCellMultiplier, p.TanhCellShift)
	p.fast = f
}

// lstmRequant is Requant.apply written out so that it inlines (a call per
// element costs more than the arithmetic, above all in WebAssembly): the
// same fixedpoint functions, so the same int32.
func lstmRequant(x int32, q *Requant) int32 {
	if q.Rounding == RoundSingle {
		return fixedpoint.MultiplyByQuantizedMultiplierSingleRounding(x, q.Multiplier, q.Shift)
	}
	return fixedpoint.RoundingDivideByPOT(fixedpoint.SaturatingRoundingDoublingHighMul(x<<max(q.Shift, 0), q.Multiplier), max(-q.Shift, 0))
}

// lstmEvalInt8 is lstmEvalInteger for int8 activations with p.fast
// prepared: the same TFLite Micro EvalLstm<int8_t, int8_t, int16_t,
// int32_t>, with the zero points folded into the biases at prepare. Each
// time step first computes all four gates' FullyConnected accumulators
// (they read only x and the previous h, so TFLite Micro's order — output
// gate after the cell update — changes nothing), then per gate unit the
// requantized int16 pre-activations, their saturating sum and its σ or
// tanh, then the cell and hidden updates.
func lstmEvalInt8(p *UnidirectionalSequenceLSTMParams, r *run) {
	f := p.fast
	S, I := p.Units, p.InputSize
	in, hidden, out, cell := r.i8(p.in), r.i8(p.hidden), r.i8(p.out), r.i16(p.cell)
	buf := make([]int16, 4*p.Batches*S)
	acc := make([]int32, 8*S)
	xh := make([]int64, I+S)
	xw, hw := xh[:I], xh[I:]
	accX, accH := acc[:4*S], acc[4*S:]
	p.steps(func(x0, h0, out0, nb int) {
		x, h, c, m := in[x0:x0+nb*I], hidden[h0:h0+nb*S], cell[h0:h0+nb*S], nb*S
		gates := buf[:4*m] // gate g of row b at (g·nb + b)·S
		for row := range nb {
			lstmGateSums(f.wp, f.rwp, f.ib, f.rb, x[row*I:(row+1)*I], h[row*S:(row+1)*S], xw, hw, accX, accH)
			for g := range 4 {
				gp := &p.Gates[g]
				act := f.sigmoid
				if gp.Activation == "TANH" {
					act = f.gateTanh
				}
				lstmGateRow(accX[g*S:(g+1)*S], accH[g*S:(g+1)*S], gp.InputFC, gp.RecurrentFC, act,
					gates[(g*nb+row)*S:(g*nb+row+1)*S])
			}
		}
		lstmCellHidden(p, gates, c, h)
		copy(out[out0:out0+m], h)
	})
}

// lstmCellHidden is the end of TFLite Micro's step (UpdateLstmCell,
// UpdateLstmHidden) on the gates of lstmEvalInt8: c = clip(sat16(f·c) +
// sat16(i·g)) and h = sat8(o·tanh(c) + zp), each product requantized by
// MulElementwise's multiplier, written out per rounding so that it inlines.
func lstmCellHidden(p *UnidirectionalSequenceLSTMParams, gates, c []int16, h []int8) {
	m := len(c)
	ig, fg, cg, og := gates[:m], gates[m:2*m], gates[2*m:3*m], gates[3*m:4*m]
	h = h[:m]
	fq, iq, hq := p.ForgetCellMul, p.InputCellMul, p.HiddenMul
	sat := func(v int32) int32 { return min(max(v, math.MinInt16), math.MaxInt16) }
	clip := p.CellClip > 0
	switch {
	case fq.Rounding == RoundSingle && iq.Rounding == RoundSingle:
		for j := range c {
			kept := sat(fixedpoint.MultiplyByQuantizedMultiplierSingleRounding(int32(fg[j])*int32(c[j]), fq.Multiplier, fq.Shift))
			added := sat(fixedpoint.MultiplyByQuantizedMultiplierSingleRounding(int32(ig[j])*int32(cg[j]), iq.Multiplier, iq.Shift))
			c[j] = int16(sat(kept + added))
		}
	case fq.Rounding != RoundSingle && iq.Rounding != RoundSingle:
		fm, fl, fr := fq.Multiplier, max(fq.Shift, 0), max(-fq.Shift, 0)
		im, il, ir := iq.Multiplier, max(iq.Shift, 0), max(-iq.Shift, 0)
		for j := range c {
			kept := sat(fixedpoint.RoundingDivideByPOT(fixedpoint.SaturatingRoundingDoublingHighMul(int32(fg[j])*int32(c[j])<<fl, fm), fr))
			added := sat(fixedpoint.RoundingDivideByPOT(fixedpoint.SaturatingRoundingDoublingHighMul(int32(ig[j])*int32(cg[j])<<il, im), ir))
			c[j] = int16(sat(kept + added))
		}
	default:
		for j := range c {
			c[j] = int16(sat(sat(lstmRequant(int32(fg[j])*int32(c[j]), fq)) + sat(lstmRequant(int32(ig[j])*int32(cg[j]), iq))))
		}
	}
	if clip {
		for j, v := range c {
			c[j] = max(min(p.QuantizedCellClip, v), -p.QuantizedCellClip)
		}
	}
	tanh, zp := p.fast.cellTanh, p.HiddenZeroPoint
	hlo, hhi := qrange(p.typ)
	single, hm, hl, hr := hq.Rounding == RoundSingle, hq.Multiplier, max(hq.Shift, 0), max(-hq.Shift, 0)
	for j, v := range c {
		t := int32(tanh.at(v)) * int32(og[j])
		var y int32
		if single {
			y = fixedpoint.MultiplyByQuantizedMultiplierSingleRounding(t, hm, hq.Shift)
		} else {
			y = fixedpoint.RoundingDivideByPOT(fixedpoint.SaturatingRoundingDoublingHighMul(t<<hl, hm), hr)
		}
		h[j] = int8(min(max(y+zp, hlo), hhi))
	}
}

// lstmGateRow sets d[u] = act(sat16(sat16(qx(ax[u])) + sat16(qh(ah[u])))):
// one gate's two FullyConnected outputs requantized onto Q3.12 and
// saturated to int16 (reference_integer_ops::FullyConnected), their
// saturating sum (TFLite Micro's AddElementWise) and the memoized σ or
// tanh. The requantizations are written out in the loop (the same inlined
// fixedpoint functions as Requant.apply).
func lstmGateRow(ax, ah []int32, qx, qh *Requant, act *memo16, d []int16) {
	ah, d = ah[:len(ax)], d[:len(ax)]
	sat := func(v int32) int32 { return min(max(v, math.MinInt16), math.MaxInt16) }
	look := func(v int32) int16 {
		x := int16(sat(v))
		if y := act.v[uint16(x)].Load(); y != 0 {
			return int16(uint16(y - 1))
		}
		return act.at(x)
	}
	switch {
	case qx.Rounding == RoundSingle && qh.Rounding == RoundSingle:
		mx, sx, mh, sh := qx.Multiplier, qx.Shift, qh.Multiplier, qh.Shift
		for u, a := range ax {
			a = sat(fixedpoint.MultiplyByQuantizedMultiplierSingleRounding(a, mx, sx))
			b := sat(fixedpoint.MultiplyByQuantizedMultiplierSingleRounding(ah[u], mh, sh))
			d[u] = look(a + b)
		}
	case qx.Rounding != RoundSingle && qh.Rounding != RoundSingle:
		mx, lx, rx := qx.Multiplier, max(qx.Shift, 0), max(-qx.Shift, 0)
		mh, lh, rh := qh.Multiplier, max(qh.Shift, 0), max(-qh.Shift, 0)
		for u, a := range ax {
			a = sat(fixedpoint.RoundingDivideByPOT(fixedpoint.SaturatingRoundingDoublingHighMul(a<<lx, mx), rx))
			b := sat(fixedpoint.RoundingDivideByPOT(fixedpoint.SaturatingRoundingDoublingHighMul(ah[u]<<lh, mh), rh))
			d[u] = look(a + b)
		}
	default:
		for u, a := range ax {
			d[u] = look(sat(lstmRequant(a, qx)) + sat(lstmRequant(ah[u], qh)))
		}
	}
}

// lstmPack3 packs a rows×cols int8 matrix three rows to an int64, in
// 21-bit lanes: element (k, i) is w[3k][i] + w[3k+1][i]·2^21 +
// w[3k+2][i]·2^42 (missing rows of the last triple are zero), so that one
// 64-bit multiply by x[i] forms three rows' products (lstmMatVec3).
func lstmPack3(w []int8, rows, cols int) []int64 {
	p := make([]int64, (rows+2)/3*cols)
	for r := range rows {
		for i, v := range w[r*cols : (r+1)*cols] {
			p[r/3*cols+i] += int64(v) << (21 * (r % 3))
		}
	}
	return p
}

// lstmChunk3 is the most products lstmMatVec3 sums before it splits the
// lanes: 63·2^14 < 2^20, so each lane's sum stays in [−2^20, 2^20).
const lstmChunk3 = 63

// lstmMatVec3 sets dst[u] = bias[u] + Σ_i w[u][i]·x[i] for each row u of
// the matrix lstmPack3 packed into wp, x holding int8 values, wrapping in
// int32 like TFLite's int8 FullyConnected accumulator. Over at most
// lstmChunk3 columns a triple's int64 sum is exactly A + B·2^21 + C·2^42
// with |A|, |B|, |C| < 2^20 (|w·x| ≤ 2^14), so A is its low 21 bits read as
// signed, B the next 21 of what remains, C the rest: the three rows' exact
// dot products, summed over the chunks in int64 and truncated to int32.
func lstmMatVec3(wp, x []int64, bias, dst []int32) {
	n := len(x)
	bias = bias[:len(dst)]
	for k := 0; 3*k < len(dst); k++ {
		row := wp[k*n : (k+1)*n]
		var a, b, c int64
		for lo := 0; lo < n; lo += lstmChunk3 {
			xs := x[lo:min(lo+lstmChunk3, n)]
			rs := row[lo : lo+len(xs)]
			var s int64
			for len(xs) >= 8 && len(rs) >= 8 { // unrolled: a loop iteration costs much in WebAssembly
				s += rs[0]*xs[0] + rs[1]*xs[1] + rs[2]*xs[2] + rs[3]*xs[3] +
					rs[4]*xs[4] + rs[5]*xs[5] + rs[6]*xs[6] + rs[7]*xs[7]
				xs, rs = xs[8:], rs[8:]
			}
			rs = rs[:len(xs)]
			for i, v := range xs {
				s += rs[i] * v
			}
			l0 := s << 43 >> 43
			s = (s - l0) >> 21
			l1 := s << 43 >> 43
			a, b, c = a+l0, b+l1, c+(s-l1)>>21
		}
		dst[3*k] = bias[3*k] + int32(a)
		if 3*k+1 < len(dst) {
			dst[3*k+1] = bias[3*k+1] + int32(b)
		}
		if 3*k+2 < len(dst) {
			dst[3*k+2] = bias[3*k+2] + int32(c)
		}
	}
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

// lstmGateSums is one batch row's int32 sums of the four stacked gates:
// accX = wp·x + ib and accH = rwp·h + rb (lstmMatVec3), x and h widened
// into xw and hw first.
func lstmGateSums(wp, rwp []int64, ib, rb []int32, x, h []int8, xw, hw []int64, accX, accH []int32) {
	for i, v := range x {
		xw[i] = int64(v)
	}
	for i, v := range h {
		hw[i] = int64(v)
	}
	lstmMatVec3(wp, xw, ib, accX)
	lstmMatVec3(rwp, hw, rb, accH)
}
