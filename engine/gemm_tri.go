package engine

// The pure-Go GEMM for constant weights packed once per model, three
// output channels to an int64 (SWAR: one 64-bit multiplication forms three
// int8 products). Go's WebAssembly output has no SIMD, pays about a
// nanosecond per loop back edge and ten per call; this kernel does 24
// products per step of k with 8 multiplications, 6 loads and 8 additions,
// against the int32 4×4 block of XNNPACK's scalar qs8 GEMM microkernels
// (xnn_qs8_gemm_minmax_*_ukernel_4x4__scalar: 16 multiplications, 8 loads
// and 16 additions for 16 products).

// Lanes of a packed triple: channel c of a triple sits at bit triShift·c.
const triShift = 21

// triChunk is the most steps of k whose lane sums a packed triple
// accumulates before gemmTri splits them: each product of two int8 lies in
// [−16256, 16384], so up to 63 of them sum to within [−2^20, 2^20), the
// range of a 21-bit lane (the top lane, bits 42…63, holds 22 bits); 56 is
// a multiple of the kernels' eight steps per iteration.
const triChunk = 56

// triChunk127 is triChunk for weights none of which is −128 (TFLite's
// symmetric int8 weights lie in [−127, 127]): each product then lies in
// [−16256, 16256], and 64 of them sum to within ±1040384, inside
// [−2^20, 2^20). One chunk then covers k = 64 (1×1 convolutions of 64
// channels), two k = 128.
const triChunk127 = 64

// triChunkFor is the chunk length gemmTriChunk and gemmTri8 may use for
// the weights w: triChunk127 when no weight is −128, else triChunk.
func triChunkFor(w []int8) int {
	for _, v := range w {
		if v == -128 {
			return triChunk
		}
	}
	return triChunk127
}

// triGroup is how many channels gemmTri multiplies at a time: two packed
// triples.
const triGroup = 6

// gemmTriOff turns the gemmTri path off (tests and benchmarks compare it
// with gemmS8's).
var gemmTriOff bool

// triPacked is how many int64s packTriples makes for n rows of length k.
func triPacked(n, k int) int { return (n + triGroup - 1) / triGroup * 2 * k }

// packTriples packs the n×k int8 matrix b (one output channel per row)
// for gemmTri: channels in groups of six, each group 2·k int64s with the
// two triples of step kk side by side,
//
//	pk[g·2k + 2·kk + t] = Σ_{l<3} b[6g+3t+l][kk]·2^(21·l)
//
// (channels past n are zero). Each int64 is the exact integer sum; a
// product with an int8 x is x·b0 + x·b1·2^21 + x·b2·2^42, and sums of
// these keep each channel's sum in its lane while it stays in range (see
// triChunk, triSplit).
func packTriples(n, k int, b []int8, pk []int64) {
	pk = pk[:triPacked(n, k)]
	clear(pk)
	for c := 0; c < n; c++ {
		g, t, l := c/triGroup, c%triGroup/3, c%3
		dst := pk[g*2*k:][:2*k]
		for kk, v := range b[c*k:][:k] {
			dst[2*kk+t] += int64(v) << (triShift * l)
		}
	}
}

// The lanes start at triBias, 2^20 in each of the two low ones: a low
// lane's sum x in [−2^20, 2^20) then sits there as x + 2^20 in [0, 2^21),
// so the lanes never borrow from each other and come apart with a mask and
// a shift (the per-lane bias trick), the bias subtracted afterwards (folded
// into the offset terms where the lanes are stored).
const (
	triHalf = 1 << 20
	triMask = 1<<triShift - 1
	triBias = triHalf + triHalf<<triShift
)

// triLanes splits a packed sum s = triBias + x + y·2^21 + z·2^42 with x, y
// in [−2^20, 2^20) and z in [−2^21, 2^21) (exact in int64) into x + 2^20,
// y + 2^20 and z.
func triLanes(s int64) (xb, yb, z int32) {
	return int32(s & triMask), int32(s >> triShift & triMask), int32(s >> (2 * triShift))
}

// triSplit is triLanes without the biases: x, y, z.
func triSplit(s int64) (x, y, z int32) {
	xb, yb, z := triLanes(s)
	return xb - triHalf, yb - triHalf, z
}

// gemmTri is offsetGEMM's product and offset terms for weights packed by
// packTriples: in wrapping int32 arithmetic (exact, like gemmS8's),
//
//	out[i·n+j] = Σ_kk a[i·k+kk]·b[j·k+kk] + add[j] + ib·Σ_kk a[i·k+kk]
//
// with add gemmColAdd's n values. Rows of a go four at a time against a
// group of six channels (dotTri4x2), k in chunks of at most triChunk whose
// lane sums are split and added up in int32; the first chunk's store adds
// the offset terms. It returns rows, the scratch it keeps the row sums in
// when ib ≠ 0.
func gemmTri(m, n, k int, a []int8, pk []int64, ib int32, add, out []int32, sc *triScratch) {
	gemmTriChunk(m, n, k, a, pk, triChunk, ib, add, out, sc)
}

// begin is what gemmTriChunk and gemmTri8 do first for an m×k by k×n
// product: the row sums when the input offset ib is not zero, and, for k ≤
// 0, every output row set to add (ok false: nothing more to do); else the
// scratch for four interleaved rows.
func (sc *triScratch) begin(m, n, k int, a []int8, ib int32, add, out []int32) (quad []int8, ok bool) {
	if ib != 0 {
		sc.rows = rowSums(m, k, a, sc.rows)
	}
	if k <= 0 {
		for i := 0; i < m; i++ {
			copy(out[i*n:][:n], add)
		}
		return nil, false
	}
	sc.quad = grow(sc.quad, 4*k)
	return sc.quad, true
}

// gemmTriChunk is gemmTri with chunks of chunk steps of k: triChunk, or
// triChunk127 when triChunkFor(b) says so for the packed weights b.
func gemmTriChunk(m, n, k int, a []int8, pk []int64, chunk int, ib int32, add, out []int32, sc *triScratch) {
	if chunk != triChunk && chunk != triChunk127 {
		panic("gemmTriChunk: bad chunk")
	}
	if m <= 0 || n <= 0 {
		return
	}
	out, add = out[:m*n], add[:n]
	a = a[:m*k]
	quad, ok := sc.begin(m, n, k, a, ib, add, out)
	if !ok {
		return
	}
	groups := (n + triGroup - 1) / triGroup
	pk = pk[:groups*2*k]
	var tailAdd [triGroup]int32 // add of a partial last group, padded
	copy(tailAdd[:], add[n/triGroup*triGroup:])
	for i := 0; i < m; i += 4 {
		nr := min(4, m-i)
		// The four rows interleaved, missing ones repeating the last
		// (their sums are not stored).
		var rr [4]int32 // ib·Σ a of each row
		if ib != 0 {
			for r := 0; r < nr; r++ {
				rr[r] = ib * sc.rows[i+r]
			}
		}
		interleave4(quad, a[i*k:][:k], a[(i+min(1, nr-1))*k:][:k], a[(i+min(2, nr-1))*k:][:k], a[(i+min(3, nr-1))*k:][:k])
		if nr == 4 && k <= chunk { // every group in one call
			triRows4(quad, pk, n, add, &tailAdd, &rr, out[i*n:][:n], out[(i+1)*n:][:n], out[(i+2)*n:][:n], out[(i+3)*n:][:n])
			continue
		}
		for g := 0; g < groups; g++ {
			w := pk[g*2*k:][:2*k]
			c := g * triGroup
			for k0 := 0; k0 < k; k0 += chunk {
				k1 := min(k, k0+chunk)
				s00, s01, s10, s11, s20, s21, s30, s31 := dotTri4x2(quad[4*k0:4*k1], w[2*k0:2*k1])
				first := k0 == 0
				if c+triGroup <= n && nr == 4 {
					r := out[i*n+c:]
					r0, r1, r2, r3 := r[:triGroup:triGroup], r[n:][:triGroup:triGroup], r[2*n:][:triGroup:triGroup], r[3*n:][:triGroup:triGroup]
					if first { // written out: a call per six outputs costs as much as their sums
						d := add[c : c+triGroup : c+triGroup]
						d0, d1, d2, d3, d4, d5 := d[0]-triHalf, d[1]-triHalf, d[2], d[3]-triHalf, d[4]-triHalf, d[5] // less the lane biases
						v0, v1, v2 := triLanes(s00)
						v3, v4, v5 := triLanes(s01)
						q := rr[0]
						r0[0], r0[1], r0[2], r0[3], r0[4], r0[5] = v0+d0+q, v1+d1+q, v2+d2+q, v3+d3+q, v4+d4+q, v5+d5+q
						v0, v1, v2 = triLanes(s10)
						v3, v4, v5 = triLanes(s11)
						q = rr[1]
						r1[0], r1[1], r1[2], r1[3], r1[4], r1[5] = v0+d0+q, v1+d1+q, v2+d2+q, v3+d3+q, v4+d4+q, v5+d5+q
						v0, v1, v2 = triLanes(s20)
						v3, v4, v5 = triLanes(s21)
						q = rr[2]
						r2[0], r2[1], r2[2], r2[3], r2[4], r2[5] = v0+d0+q, v1+d1+q, v2+d2+q, v3+d3+q, v4+d4+q, v5+d5+q
						v0, v1, v2 = triLanes(s30)
						v3, v4, v5 = triLanes(s31)
						q = rr[3]
						r3[0], r3[1], r3[2], r3[3], r3[4], r3[5] = v0+d0+q, v1+d1+q, v2+d2+q, v3+d3+q, v4+d4+q, v5+d5+q
						continue
					}
					v0, v1, v2 := triSplit(s00) // triAdd written out: it does not inline
					v3, v4, v5 := triSplit(s01)
					r0[0], r0[1], r0[2], r0[3], r0[4], r0[5] = r0[0]+v0, r0[1]+v1, r0[2]+v2, r0[3]+v3, r0[4]+v4, r0[5]+v5
					v0, v1, v2 = triSplit(s10)
					v3, v4, v5 = triSplit(s11)
					r1[0], r1[1], r1[2], r1[3], r1[4], r1[5] = r1[0]+v0, r1[1]+v1, r1[2]+v2, r1[3]+v3, r1[4]+v4, r1[5]+v5
					v0, v1, v2 = triSplit(s20)
					v3, v4, v5 = triSplit(s21)
					r2[0], r2[1], r2[2], r2[3], r2[4], r2[5] = r2[0]+v0, r2[1]+v1, r2[2]+v2, r2[3]+v3, r2[4]+v4, r2[5]+v5
					v0, v1, v2 = triSplit(s30)
					v3, v4, v5 = triSplit(s31)
					r3[0], r3[1], r3[2], r3[3], r3[4], r3[5] = r3[0]+v0, r3[1]+v1, r3[2]+v2, r3[3]+v3, r3[4]+v4, r3[5]+v5
					continue
				}
				sums := [4][2]int64{{s00, s01}, {s10, s11}, {s20, s21}, {s30, s31}}
				for r := 0; r < nr; r++ {
					triPutTail(out[(i+r)*n:][:n], add, c, rr[r], sums[r][0], sums[r][1], first)
				}
			}
		}
	}
}

// triPutTail stores (first: plus add and q) or adds the six channel sums
// of the packed sums s0 and s1 for the group at channel c of a row, those
// before len(row).
func triPutTail(row, add []int32, c int, q int32, s0, s1 int64, first bool) {
	var v [triGroup]int32
	v[0], v[1], v[2] = triSplit(s0)
	v[3], v[4], v[5] = triSplit(s1)
	for l := 0; l < triGroup && c+l < len(row); l++ {
		if first {
			row[c+l] = v[l] + add[c+l] + q
		} else {
			row[c+l] += v[l]
		}
	}
}

// dotTri4x2 is Σ_kk x_r[kk]·w[2kk+t] for four rows x_r given interleaved
// in q (q[4kk+r] = x_r[kk]) and the two packed triples t of w
// (packTriples' layout), each sum starting at triBias: eight steps of k per
// iteration, each step's two weights held while the four rows multiply
// them (Go's WebAssembly output spills past 16 live values and pays for
// every subslice; 1.3× faster there than four separate rows).
func dotTri4x2(q []int8, w []int64) (s00, s01, s10, s11, s20, s21, s30, s31 int64) {
	n := len(q) / 4
	q, w = q[:4*n], w[:2*n]
	s00, s01, s10, s11, s20, s21, s30, s31 = triBias, triBias, triBias, triBias, triBias, triBias, triBias, triBias
	kk := 0
	for ; kk+8 <= n; kk += 8 {
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
	for ; kk < n; kk++ {
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
	return
}

// triRows4 is gemmTri for four whole rows of length k ≤ the chunk, given
// interleaved in q like dotTri4x2's, and all n channels: dotTri4x2's loop
// and the stores with the offset terms in one function, one call per four
// output pixels instead of one per 24 outputs (and eight per call for the
// stores). The outputs go to r0…r3 (each n long): the sums plus add[c]
// and rr[r]; a partial last group (n not a multiple of six) takes its
// additions from tailAdd (add's last n mod 6 values, padded) and stores
// only its channels, straight into the rows (through local rows and
// copies it cost four memmove calls per four pixels, in every layer of
// VWW and ResNet-8, whose channel counts are not multiples of six).
func triRows4(q []int8, pk []int64, n int, add []int32, tailAdd *[triGroup]int32, rr *[4]int32, r0, r1, r2, r3 []int32) {
	k := len(q) / 4
	q = q[:4*k]
	q0, q1, q2, q3 := rr[0], rr[1], rr[2], rr[3]
	groups := (n + triGroup - 1) / triGroup
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
			triStoreTail(r0[c:], tailAdd, q0, &sums[0])
			triStoreTail(r1[c:], tailAdd, q1, &sums[1])
			triStoreTail(r2[c:], tailAdd, q2, &sums[2])
			triStoreTail(r3[c:], tailAdd, q3, &sums[3])
			break
		}
		d := add[c : c+triGroup : c+triGroup]
		d0, d1, d2, d3, d4, d5 := d[0]-triHalf, d[1]-triHalf, d[2], d[3]-triHalf, d[4]-triHalf, d[5] // less the lane biases
		o := r0[c : c+triGroup : c+triGroup]
		v0, v1, v2 := triLanes(s00)
		v3, v4, v5 := triLanes(s01)
		o[0], o[1], o[2], o[3], o[4], o[5] = v0+d0+q0, v1+d1+q0, v2+d2+q0, v3+d3+q0, v4+d4+q0, v5+d5+q0
		o = r1[c : c+triGroup : c+triGroup]
		v0, v1, v2 = triLanes(s10)
		v3, v4, v5 = triLanes(s11)
		o[0], o[1], o[2], o[3], o[4], o[5] = v0+d0+q1, v1+d1+q1, v2+d2+q1, v3+d3+q1, v4+d4+q1, v5+d5+q1
		o = r2[c : c+triGroup : c+triGroup]
		v0, v1, v2 = triLanes(s20)
		v3, v4, v5 = triLanes(s21)
		o[0], o[1], o[2], o[3], o[4], o[5] = v0+d0+q2, v1+d1+q2, v2+d2+q2, v3+d3+q2, v4+d4+q2, v5+d5+q2
		o = r3[c : c+triGroup : c+triGroup]
		v0, v1, v2 = triLanes(s30)
		v3, v4, v5 = triLanes(s31)
		o[0], o[1], o[2], o[3], o[4], o[5] = v0+d0+q3, v1+d1+q3, v2+d2+q3, v3+d3+q3, v4+d4+q3, v5+d5+q3
	}
}

// triStoreTail sets o[l] = lane l of the packed sums s (less the lane
// biases) + d[l] + q for the one to five channels of o: written out by
// length (a loop over a local array cost as much as the partial group's
// products for 16 channels of k = 8, in Go's WebAssembly output).
func triStoreTail(o []int32, d *[triGroup]int32, q int32, s *[2]int64) {
	v0, v1, v2 := triSplit(s[0])
	v3, v4, _ := triSplit(s[1])
	switch len(o) {
	case 5:
		o := o[:5:5]
		o[0], o[1], o[2], o[3], o[4] = v0+d[0]+q, v1+d[1]+q, v2+d[2]+q, v3+d[3]+q, v4+d[4]+q
	case 4:
		o := o[:4:4]
		o[0], o[1], o[2], o[3] = v0+d[0]+q, v1+d[1]+q, v2+d[2]+q, v3+d[3]+q
	case 3:
		o := o[:3:3]
		o[0], o[1], o[2] = v0+d[0]+q, v1+d[1]+q, v2+d[2]+q
	case 2:
		o := o[:2:2]
		o[0], o[1] = v0+d[0]+q, v1+d[1]+q
	case 1:
		o[0] = v0 + d[0] + q
	}
}

// interleave4 sets q[4kk+r] = x_r[kk] for the four rows x0…x3 of q's
// length / 4.
func interleave4(q, x0, x1, x2, x3 []int8) {
	n := len(q) / 4
	x0, x1, x2, x3 = x0[:n], x1[:n], x2[:n], x3[:n]
	for kk, v := range x0 {
		d := q[4*kk : 4*kk+4 : 4*kk+4]
		d[0], d[1], d[2], d[3] = v, x1[kk], x2[kk], x3[kk]
	}
}

// triScratch is gemmTri's scratch: the row sums and four interleaved rows.
type triScratch struct {
	rows []int32
	quad []int8
	tail []int8 // gemmTriOut's last rows
}
