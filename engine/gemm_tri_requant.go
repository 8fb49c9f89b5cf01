package engine

// The output stage fused into gemmTri's four-row kernel: for the
// reference profiles' double rounding (FixedPointOutput, no multiplier
// shifting left: oneShift) with no trace, the int32 accumulators never go
// to memory: each is requantized as it is formed and its byte stored.
// Writing the accumulators and then reading them back in
// requantizeBlock cost a third of a 1×1 convolution of few input channels
// (VWW's 8 → 16) in Go's WebAssembly output.

// triOut is the output stage triRows4Out applies: oneShift's constants per
// channel, the zero point and the clamp.
type triOut struct {
	cs         []oneShift
	zp, lo, hi int32
}

// oneShiftOf is q's oneShift (q.left must be 0).
func oneShiftOf(q *quantMul) oneShift {
	return oneShift{m: q.m, h: q.half << 31, n: q.neg << 31, r: 31 + q.right}
}

// out is FixedPointOutput.requantize for an accumulator of the channel
// whose oneShift is k (see fixedPointBlockOne): the byte stored.
func (k *oneShift) out(acc, zp, lo, hi int32) int8 {
	p := int64(acc)*k.m + 1<<30
	return int8(min(max(int32((p+k.h-(p>>63&k.n))>>(k.r&63))+zp, lo), hi))
}

// triRows4Out is triRows4 with the output stage st applied: the n output
// bytes of each of the four rows go to r0…r3. Its loop is triRows4's,
// copied (a call per group of six channels to a shared loop cost 10–15%
// for k ≤ 16 in Go's WebAssembly output).
func triRows4Out(q []int8, pk []int64, n int, add []int32, tailAdd *[triGroup]int32, rr *[4]int32, st *triOut, r0, r1, r2, r3 []int8) {
	k := len(q) / 4
	q = q[:4*k]
	q0, q1, q2, q3 := rr[0], rr[1], rr[2], rr[3]
	groups := (n + triGroup - 1) / triGroup
	zp, lo, hi := st.zp, st.lo, st.hi
	cs := st.cs[:n]
	for g := 0; g < groups; g++ {
		w := pk[g*2*k:][:2*k]
		s00, s01, s10, s11, s20, s21, s30, s31 := int64(triBias), int64(triBias), int64(triBias), int64(triBias), int64(triBias), int64(triBias), int64(triBias), int64(triBias)
		kk := 0
		for ; kk+8 <= k; kk += 8 {
			v := q[4*kk : 4*kk+32 : 4*kk+32]
			u := w[2*kk : 2*kk+16 : 2*kk+16]
			u0, u1 := u[0], u[1]
			a := int64(v[0])
			s00 += a * u0
			s01 += a * u1
			a = int64(v[1])
			s10 += a * u0
			s11 += a * u1
			a = int64(v[2])
			s20 += a * u0
			s21 += a * u1
			a = int64(v[3])
			s30 += a * u0
			s31 += a * u1
			u0, u1 = u[2], u[3]
			a = int64(v[4])
			s00 += a * u0
			s01 += a * u1
			a = int64(v[5])
			s10 += a * u0
			s11 += a * u1
			a = int64(v[6])
			s20 += a * u0
			s21 += a * u1
			a = int64(v[7])
			s30 += a * u0
			s31 += a * u1
			u0, u1 = u[4], u[5]
			a = int64(v[8])
			s00 += a * u0
			s01 += a * u1
			a = int64(v[9])
			s10 += a * u0
			s11 += a * u1
			a = int64(v[10])
			s20 += a * u0
			s21 += a * u1
			a = int64(v[11])
			s30 += a * u0
			s31 += a * u1
			u0, u1 = u[6], u[7]
			a = int64(v[12])
			s00 += a * u0
			s01 += a * u1
			a = int64(v[13])
			s10 += a * u0
			s11 += a * u1
			a = int64(v[14])
			s20 += a * u0
			s21 += a * u1
			a = int64(v[15])
			s30 += a * u0
			s31 += a * u1
			u0, u1 = u[8], u[9]
			a = int64(v[16])
			s00 += a * u0
			s01 += a * u1
			a = int64(v[17])
			s10 += a * u0
			s11 += a * u1
			a = int64(v[18])
			s20 += a * u0
			s21 += a * u1
			a = int64(v[19])
			s30 += a * u0
			s31 += a * u1
			u0, u1 = u[10], u[11]
			a = int64(v[20])
			s00 += a * u0
			s01 += a * u1
			a = int64(v[21])
			s10 += a * u0
			s11 += a * u1
			a = int64(v[22])
			s20 += a * u0
			s21 += a * u1
			a = int64(v[23])
			s30 += a * u0
			s31 += a * u1
			u0, u1 = u[12], u[13]
			a = int64(v[24])
			s00 += a * u0
			s01 += a * u1
			a = int64(v[25])
			s10 += a * u0
			s11 += a * u1
			a = int64(v[26])
			s20 += a * u0
			s21 += a * u1
			a = int64(v[27])
			s30 += a * u0
			s31 += a * u1
			u0, u1 = u[14], u[15]
			a = int64(v[28])
			s00 += a * u0
			s01 += a * u1
			a = int64(v[29])
			s10 += a * u0
			s11 += a * u1
			a = int64(v[30])
			s20 += a * u0
			s21 += a * u1
			a = int64(v[31])
			s30 += a * u0
			s31 += a * u1
		}
		for ; kk < k; kk++ {
			v := q[4*kk : 4*kk+4 : 4*kk+4]
			u0, u1 := w[2*kk], w[2*kk+1]
			a := int64(v[0])
			s00 += a * u0
			s01 += a * u1
			a = int64(v[1])
			s10 += a * u0
			s11 += a * u1
			a = int64(v[2])
			s20 += a * u0
			s21 += a * u1
			a = int64(v[3])
			s30 += a * u0
			s31 += a * u1
		}
		c := g * triGroup
		if c+triGroup > n { // the partial last group
			sums := [4][2]int64{{s00, s01}, {s10, s11}, {s20, s21}, {s30, s31}}
			for r, o := range [4][]int8{r0[c:], r1[c:], r2[c:], r3[c:]} {
				var v [triGroup]int32
				v[0], v[1], v[2] = triSplit(sums[r][0])
				v[3], v[4], v[5] = triSplit(sums[r][1])
				for l := range o[:min(len(o), triGroup)] {
					o[l] = cs[c+l].out(v[l]+tailAdd[l]+rr[r], zp, lo, hi)
				}
			}
			break
		}
		d := add[c : c+triGroup : c+triGroup]
		d0, d1, d2, d3, d4, d5 := d[0]-triHalf, d[1]-triHalf, d[2], d[3]-triHalf, d[4]-triHalf, d[5] // less the lane biases
		k6 := cs[c : c+triGroup : c+triGroup]
		o0 := r0[c : c+triGroup : c+triGroup]
		v0, v1, v2 := triLanes(s00)
		v3, v4, v5 := triLanes(s01)
		o0[0], o0[1], o0[2] = k6[0].out(v0+d0+q0, zp, lo, hi), k6[1].out(v1+d1+q0, zp, lo, hi), k6[2].out(v2+d2+q0, zp, lo, hi)
		o0[3], o0[4], o0[5] = k6[3].out(v3+d3+q0, zp, lo, hi), k6[4].out(v4+d4+q0, zp, lo, hi), k6[5].out(v5+d5+q0, zp, lo, hi)
		o1 := r1[c : c+triGroup : c+triGroup]
		v0, v1, v2 = triLanes(s10)
		v3, v4, v5 = triLanes(s11)
		o1[0], o1[1], o1[2] = k6[0].out(v0+d0+q1, zp, lo, hi), k6[1].out(v1+d1+q1, zp, lo, hi), k6[2].out(v2+d2+q1, zp, lo, hi)
		o1[3], o1[4], o1[5] = k6[3].out(v3+d3+q1, zp, lo, hi), k6[4].out(v4+d4+q1, zp, lo, hi), k6[5].out(v5+d5+q1, zp, lo, hi)
		o2 := r2[c : c+triGroup : c+triGroup]
		v0, v1, v2 = triLanes(s20)
		v3, v4, v5 = triLanes(s21)
		o2[0], o2[1], o2[2] = k6[0].out(v0+d0+q2, zp, lo, hi), k6[1].out(v1+d1+q2, zp, lo, hi), k6[2].out(v2+d2+q2, zp, lo, hi)
		o2[3], o2[4], o2[5] = k6[3].out(v3+d3+q2, zp, lo, hi), k6[4].out(v4+d4+q2, zp, lo, hi), k6[5].out(v5+d5+q2, zp, lo, hi)
		o3 := r3[c : c+triGroup : c+triGroup]
		v0, v1, v2 = triLanes(s30)
		v3, v4, v5 = triLanes(s31)
		o3[0], o3[1], o3[2] = k6[0].out(v0+d0+q3, zp, lo, hi), k6[1].out(v1+d1+q3, zp, lo, hi), k6[2].out(v2+d2+q3, zp, lo, hi)
		o3[3], o3[4], o3[5] = k6[3].out(v3+d3+q3, zp, lo, hi), k6[4].out(v4+d4+q3, zp, lo, hi), k6[5].out(v5+d5+q3, zp, lo, hi)
	}
}

// gemmTriOutOff turns gemmTriOut off (tests compare it with gemmTri and
// requantizeBlock).
var gemmTriOutOff bool

// triOutOf sets st to o's stage for n channels when triRows4Out takes it:
// a FixedPointOutput with one double-rounding multiplier per channel, none
// shifting left.
func triOutOf(o outputStage, n int, st *triOut) bool {
	f, ok := o.(*FixedPointOutput)
	if !ok || len(f.qm) != n {
		return false
	}
	for i := range f.qm {
		if f.qm[i].single || f.qm[i].left != 0 {
			return false
		}
	}
	st.cs = grow(st.cs, n)
	for c := range f.qm {
		st.cs[c] = oneShiftOf(&f.qm[c])
	}
	st.zp, st.lo, st.hi = f.ZeroPoint, f.Min, f.Max
	return true
}

// gemmTriOut is gemmTriChunk for k ≤ chunk followed by the output stage
// st (triOutOf): the m×n output bytes of the product, in out.
func gemmTriOut(m, n, k int, a []int8, pk []int64, ib int32, add []int32, out []int8, sc *triScratch, st *triOut) {
	if m <= 0 || n <= 0 {
		return
	}
	out, add = out[:m*n], add[:n]
	a = a[:m*k]
	if k <= 0 {
		for i := range out {
			out[i] = st.cs[i%n].out(add[i%n], st.zp, st.lo, st.hi)
		}
		return
	}
	if ib != 0 {
		sc.rows = rowSums(m, k, a, sc.rows)
	}
	sc.quad = grow(sc.quad, 4*k)
	quad := sc.quad
	pk = pk[:(n+triGroup-1)/triGroup*2*k]
	var tailAdd [triGroup]int32 // add of a partial last group, padded
	copy(tailAdd[:], add[n/triGroup*triGroup:])
	for i := 0; i < m; i += 4 {
		nr := min(4, m-i)
		var rr [4]int32 // ib·Σ a of each row
		if ib != 0 {
			for r := 0; r < nr; r++ {
				rr[r] = ib * sc.rows[i+r]
			}
		}
		// Missing rows repeat the last, into scratch rows.
		interleave4(quad, a[i*k:][:k], a[(i+min(1, nr-1))*k:][:k], a[(i+min(2, nr-1))*k:][:k], a[(i+min(3, nr-1))*k:][:k])
		if nr == 4 {
			triRows4Out(quad, pk, n, add, &tailAdd, &rr, st, out[i*n:][:n], out[(i+1)*n:][:n], out[(i+2)*n:][:n], out[(i+3)*n:][:n])
			continue
		}
		sc.tail = grow(sc.tail, 4*n)
		t := sc.tail
		triRows4Out(quad, pk, n, add, &tailAdd, &rr, st, t[:n], t[n:2*n], t[2*n:3*n], t[3*n:])
		copy(out[i*n:], t[:nr*n])
	}
}
