package engine

import (
	"sync/atomic"
	"unsafe"
)

// The 3×3 row kernel of one input channel (evalRows1: a CONV_2D of one
// input channel such as mnist_dscnn's first layer, or a DEPTHWISE_CONV_2D
// of one input channel) with the output stage fused in: when it runs
// without a trace under TFLite's integer output stage (FixedPointOutput:
// the reference and single-rounding profiles), three output channels are
// summed per multiply and each accumulator is requantized as soon as it is
// summed, only the output byte stored, instead of storing a row of
// accumulators and requantizing it pixel by pixel (a call per pixel, every
// accumulator stored and loaded again, which Go's WebAssembly output pays
// for in memory). The integer sums are dw3x3Row1's, the output integers
// FixedPointOutput.requantizeInt8's (TestDwRQ, TestDw3x3Row1Q,
// TestDepthwiseFused). mnist_dscnn's first conv in Node's WebAssembly:
// 180–182 µs → 119–120 µs (medians, interleaved, same process), the
// whole model 462 → 399 µs.
//
// Measured and left out: the same fusion in dw3x3Rows (many input
// channels) changed nothing (0.94–1.10× on mnist_dscnn's three depthwise
// layers), and three output pixels per multiply on packed stride-1 rows
// was 1.1–1.2× slower on tiny_dscnn_kws' 5-pixel rows (the packing and the
// per-channel setup outweigh the multiplies saved).

// dwRQ is one output channel's MultiplyByQuantizedMultiplier (quantMul)
// as one multiply and one rounding shift:
//
//	t = int32(a·2^l)·m + k;  out = (t + h − [t < 0]·n) >> s
//
// Single rounding: k = 2^(s−1) (quantMul's round), h = n = 0, l = 0.
// Double rounding (SaturatingRoundingDoublingHighMul, then
// RoundingDivideByPOT by r): k = 2^30, h = ⌊2^r/2⌋·2^31, n = [r > 0]·2^31,
// s = 31 + r. quantMul.double is v = ⌊t/2^31⌋ (t = int32(a·2^l)·m + 2^30),
// then ⌊(v + ⌊2^r/2⌋ − [v < 0]·[r > 0]) / 2^r⌋; v < 0 exactly when t < 0,
// and ⌊(⌊t/B⌋ + c)/D⌋ = ⌊(t + c·B)/(B·D)⌋ for integers c and B, D > 0, so
// the two floors are one. Nothing overflows int64: |int32·m| < 2^62 and
// k + h ≤ 2^30 + 2^61.
type dwRQ struct {
	m, k, h, n int64
	l, s       uint64
}

func newDWRQ(q *quantMul) dwRQ {
	if q.single {
		return dwRQ{m: q.m, k: q.round, s: uint64(q.total)}
	}
	return dwRQ{m: q.m, k: 1 << 30, h: q.half << 31, n: q.neg << 31, l: uint64(q.left), s: 31 + uint64(q.right)}
}

// apply is MultiplyByQuantizedMultiplier of a (quantMul.apply).
func (q *dwRQ) apply(a int32) int32 { return dwApply(a, q.m, q.k, q.h, q.n, q.l, q.s) }

// dwApply is dwRQ.apply on the fields held in locals.
func dwApply(a int32, m, k, h, n int64, l, s uint64) int32 {
	t := int64(int32(int64(a)<<(l&63)))*m + k
	return int32((t + h - t>>63&n) >> (s & 63))
}

// dwRQSet is a FixedPointOutput's dwRQ per output channel.
type dwRQSet struct {
	o  *FixedPointOutput
	q  []dwRQ
	zp int32
	lo int32
	hi int32
}

// dwRQCache keeps the dwRQSet of the output stage an op last ran with
// (a profile's prepared stage does not change; several profiles may share
// the params).
type dwRQCache struct{ p atomic.Pointer[dwRQSet] }

// fusedOutput returns o's dwRQSet for channels output channels when o is a
// FixedPointOutput, else nil (the XNNPACK stage keeps requantizeInt8).
func (c *dwRQCache) fusedOutput(o outputStage, channels int) *dwRQSet {
	fp, ok := o.(*FixedPointOutput)
	if !ok || len(fp.qm) < channels {
		return nil
	}
	if c != nil {
		if s := c.p.Load(); s != nil && s.o == fp && len(s.q) == channels {
			return s
		}
	}
	s := &dwRQSet{o: fp, q: make([]dwRQ, channels), zp: fp.ZeroPoint, lo: fp.Min, hi: fp.Max}
	for i := range s.q {
		s.q[i] = newDWRQ(&fp.qm[i])
	}
	if c != nil {
		c.p.Store(s)
	}
	return s
}

// dwFusedOff makes the 3×3 row kernels store accumulators and requantize
// them afterwards: tests compare the two.
var dwFusedOff bool

// dw3x3PackedWeights packs a 3×3 filter (dw3x3Weights: tap t of channel c
// at 9·c + t) three channels to an int64 for dw3x3Row1Q: tap t of
// channels 3g, 3g+1, 3g+2 at 9·g + t as w_3g + w_3g+1·2^21 + w_3g+2·2^42
// (a missing channel 0); nil when a weight is outside [−255, 255] (a
// filter zero point outside its type's range), which the fields could
// not hold.
func dw3x3PackedWeights(w9 []int32, channels int) []int64 {
	groups := (channels + 2) / 3
	wp := make([]int64, 9*groups)
	for c := range channels {
		for t := range 9 {
			v := w9[9*c+t]
			if v < -255 || v > 255 {
				return nil
			}
			wp[9*(c/3)+t] += int64(v) << (21 * (c % 3))
		}
	}
	return wp
}

// dw3x3Row1Q is dw3x3Row1 (one input channel, every output channel reading
// the same value) with the output stage fused, three output channels per
// multiply: x·(w_a + w_b·2^21 + w_c·2^42) summed over the nine taps holds
// the three channels' sums A, B, C in 21-bit fields, each exactly
// recovered because |A|, |B|, |C| ≤ 9·128·255 < 2^20 (int8 inputs,
// filters widened from int8 or uint8 with their offset: |w| ≤ 255):
//
//	A = sext21(acc),  B = sext21((acc − A) >> 21),  C = (acc − A − B·2^21) >> 42
//
// then out[px·C + c] = clamp(rq_c(full[c] + sum_c) + zp, lo, hi) in
// wrapping int32 as dw3x3Row1. wp: dw3x3PackedWeights; s the stride and d
// the dilation in values.
func dw3x3Row1Q(out []int8, r0, r1, r2 []int8, n, s, d int, wp []int64, full []int32, rq *dwRQSet) {
	C := len(full)
	if n <= 0 || C == 0 {
		return
	}
	groups := (C + 2) / 3
	last := (n-1)*s + 2*d + 1
	if s < 0 || d < 0 || len(r0) < last || len(r1) < last || len(r2) < last || len(out) < n*C || len(wp) < 9*groups || len(rq.q) < C {
		panic("dw3x3Row1Q: rows too short")
	}
	p0, p1, p2 := unsafe.Pointer(unsafe.SliceData(r0)), unsafe.Pointer(unsafe.SliceData(r1)), unsafe.Pointer(unsafe.SliceData(r2))
	po := unsafe.Pointer(unsafe.SliceData(out))
	ld := func(p unsafe.Pointer, i int) int64 { return int64(*(*int8)(unsafe.Add(p, i))) }
	zp, lo, hi := rq.zp, rq.lo, rq.hi
	d2 := 2 * d
	end := n * C
	for g := range groups {
		ws := wp[9*g : 9*g+9 : 9*g+9]
		w0, w1, w2, w3, w4, w5, w6, w7, w8 := ws[0], ws[1], ws[2], ws[3], ws[4], ws[5], ws[6], ws[7], ws[8]
		// Channels of a last group with fewer than three alias the
		// first, whose output is stored last.
		ca := 3 * g
		cb, cc := min(ca+1, C-1), min(ca+2, C-1)
		fa, fb, fc := full[ca], full[cb], full[cc]
		qa, qb, qc := &rq.q[ca], &rq.q[cb], &rq.q[cc]
		// The three channels' requantization in locals (Go's WebAssembly
		// stack: one load each, not a pointer's load and then the field's;
		// measured 127–138 → 120 µs on mnist_dscnn's first conv).
		ma, ka, ha, na, la, sa := qa.m, qa.k, qa.h, qa.n, qa.l, qa.s
		mb, kb, hb, nb, lb, sb := qb.m, qb.k, qb.h, qb.n, qb.l, qb.s
		mc, kc, hc, nc, lc, sc := qc.m, qc.k, qc.h, qc.n, qc.l, qc.s
		ob, oc := cb-ca, cc-ca
		j := 0
		for k := ca; k < end; k += C {
			acc := w0*ld(p0, j) + w1*ld(p0, j+d) + w2*ld(p0, j+d2) +
				w3*ld(p1, j) + w4*ld(p1, j+d) + w5*ld(p1, j+d2) +
				w6*ld(p2, j) + w7*ld(p2, j+d) + w8*ld(p2, j+d2)
			a := acc << 43 >> 43
			acc = (acc - a) >> 21
			b := acc << 43 >> 43
			c := (acc - b) >> 21
			*(*int8)(unsafe.Add(po, k+oc)) = int8(min(max(dwApply(fc+int32(c), mc, kc, hc, nc, lc, sc)+zp, lo), hi))
			*(*int8)(unsafe.Add(po, k+ob)) = int8(min(max(dwApply(fb+int32(b), mb, kb, hb, nb, lb, sb)+zp, lo), hi))
			*(*int8)(unsafe.Add(po, k)) = int8(min(max(dwApply(fa+int32(a), ma, ka, ha, na, la, sa)+zp, lo), hi))
			j += s
		}
	}
}
