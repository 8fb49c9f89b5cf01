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
	// as Gates: rows g·Units … (g+1)·Units − 1 are gate g's.
	w, rw []int8
	// The same, two rows in one int64 (lstmPack2).
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
	f := &lstmInt8Prep{w: make([]int8, 0, 4*S*I), rw: make([]int8, 0, 4*S*S)}
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
		f.w, f.rw = append(f.w, AsInt8(w.Data)...), append(f.rw, AsInt8(rw.Data)...)
		f.ib = append(f.ib, foldZeroPoint(AsInt8(w.Data), AsInt32(b.Data), S, I, p.InputOffset)...)
		f.rb = append(f.rb, foldZeroPoint(AsInt8(rw.Data), nil, S, S, p.HiddenOffset)...)
	}
	if I >= 1<<17 || S >= 1<<17 { // lstmMatVec2 needs |Σ w·x| < 2^31
		return
	}
	f.wp, f.rwp = lstmPack2(f.w, 4*S, I), lstmPack2(f.rw, 4*S, S)
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
	hlo, hhi := qrange(p.typ)
	fcm, icm, hm := p.ForgetCellMul, p.InputCellMul, p.HiddenMul
	p.steps(func(x0, h0, out0, nb int) {
		x, h, c, m := in[x0:x0+nb*I], hidden[h0:h0+nb*S], cell[h0:h0+nb*S], nb*S
		gates := buf[:4*m] // gate g of row b at (g·nb + b)·S
		for row := range nb {
			for i, v := range x[row*I : (row+1)*I] {
				xw[i] = int64(v)
			}
			for i, v := range h[row*S : (row+1)*S] {
				hw[i] = int64(v)
			}
			lstmMatVec2(f.wp, xw, f.ib, accX)
			lstmMatVec2(f.rwp, hw, f.rb, accH)
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
		ig, fg, cg, og := gates[:m], gates[m:2*m], gates[2*m:3*m], gates[3*m:4*m]
		for j := range m {
			kept := clamp(lstmRequant(int32(fg[j])*int32(c[j]), fcm), math.MinInt16, math.MaxInt16)
			added := clamp(lstmRequant(int32(ig[j])*int32(cg[j]), icm), math.MinInt16, math.MaxInt16)
			v := int16(clamp(kept+added, math.MinInt16, math.MaxInt16))
			if p.CellClip > 0 {
				v = max(min(p.QuantizedCellClip, v), -p.QuantizedCellClip)
			}
			c[j] = v
		}
		for j := range m {
			t := f.cellTanh.at(c[j])
			h[j] = int8(clamp(lstmRequant(int32(t)*int32(og[j]), hm)+p.HiddenZeroPoint, hlo, hhi))
		}
		copy(out[out0:out0+m], h)
	})
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

// lstmPack2 packs a rows×cols int8 matrix two rows to an int64:
// element (k, i) is w[2k][i] + w[2k+1][i]·2^32 (the second row of an odd
// last pair is zero), so that one 64-bit multiply by x[i] forms both rows'
// products (lstmMatVec2).
func lstmPack2(w []int8, rows, cols int) []int64 {
	p := make([]int64, (rows+1)/2*cols)
	for r := range rows {
		for i, v := range w[r*cols : (r+1)*cols] {
			p[r/2*cols+i] += int64(v) << (32 * (r % 2))
		}
	}
	return p
}

// lstmMatVec2 sets dst[u] = bias[u] + Σ_i w[u][i]·x[i] for each row u of
// the matrix lstmPack2 packed into wp, wrapping in int32 like TFLite's int8
// FullyConnected accumulator. Each pair's int64 sum is A + B·2^32 (mod
// 2^64), A and B the two rows' dot products; |A| ≤ 2^14·len(x) < 2^31
// (prepare keeps len(x) < 2^17), so A is the sum's low 32 bits read as
// signed and B mod 2^32 the rest shifted down: both exactly the int32
// accumulators a row at a time would give.
func lstmMatVec2(wp, x []int64, bias, dst []int32) {
	n := len(x)
	bias = bias[:len(dst)]
	for k := 0; 2*k < len(dst); k++ {
		row := wp[k*n : (k+1)*n]
		row = row[:len(x)]
		var s int64
		for i, v := range x {
			s += row[i] * v
		}
		lo := int32(s)
		dst[2*k] = bias[2*k] + lo
		if 2*k+1 < len(dst) {
			dst[2*k+1] = bias[2*k+1] + int32((s-int64(lo))>>32)
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
