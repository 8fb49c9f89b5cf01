package engine

// gemmTri8 is gemmTri's layout for seven to nine output channels (VWW's
// first 3×3 convolution has eight): one group of three packed triples per
// step of k instead of two groups of two (a third of whose lanes would
// idle at eight channels), twelve multiplications for the 32 products of
// four pixels by eight channels against gemmTri's sixteen. Like gemmTri it
// mirrors the int32 sums of XNNPACK's scalar qs8 GEMM microkernels
// (xnn_qs8_gemm_minmax_*_ukernel_4x4__scalar), exact in any order.

// tri8MinN and tri8MaxN are the channel counts gemmTri8 takes.
const (
	tri8MinN = 7
	tri8MaxN = 9
)

// tri8Packed is how many int64s packTri8 makes for rows of length k.
func tri8Packed(k int) int { return 3 * k }

// packTri8 packs the n×k int8 matrix b (n ≤ tri8MaxN, one output channel
// per row) for gemmTri8: three triples per step of k,
//
//	pk[3·kk + t] = Σ_{l<3} b[3t+l][kk]·2^(21·l)
//
// (channels past n are zero), the exact integer sums (see packTriples).
func packTri8(n, k int, b []int8, pk []int64) {
	pk = pk[:tri8Packed(k)]
	clear(pk)
	for c := 0; c < n; c++ {
		t, l := c/3, c%3
		for kk, v := range b[c*k:][:k] {
			pk[3*kk+t] += int64(v) << (triShift * l)
		}
	}
}

// gemmTri8 is gemmTri for tri8MinN ≤ n ≤ tri8MaxN channels packed by
// packTri8 and k at most the weights' chunk (triChunkFor; one chunk: the
// lane sums never split): in
// wrapping int32 arithmetic,
//
//	out[i·n+j] = Σ_kk a[i·k+kk]·b[j·k+kk] + add[j] + ib·Σ_kk a[i·k+kk]
//
// with add gemmColAdd's n values. Rows of a go four at a time, interleaved
// (interleave4), through tri8Rows4.
func gemmTri8(m, n, k int, a []int8, pk []int64, ib int32, add, out []int32, sc *triScratch) {
	if m <= 0 || n <= 0 {
		return
	}
	if n < tri8MinN || n > tri8MaxN || k > triChunk127 {
		panic("gemmTri8: shape out of range")
	}
	out, add = out[:m*n], add[:n]
	a = a[:m*k]
	quad, ok := sc.begin(m, n, k, a, ib, add, out)
	if !ok {
		return
	}
	pk = pk[:tri8Packed(k)]
	// The nine lanes' additions less the lane biases (the low two lanes
	// of each triple start at 2^20), channels past n zero.
	var d [tri8MaxN]int32
	copy(d[:], add)
	for t := 0; t < 3; t++ {
		d[3*t] -= triHalf
		d[3*t+1] -= triHalf
	}
	var part [4][tri8MaxN]int32
	for i := 0; i < m; i += 4 {
		nr := min(4, m-i)
		var rr [4]int32 // ib·Σ a of each row
		if ib != 0 {
			for r := 0; r < nr; r++ {
				rr[r] = ib * sc.rows[i+r]
			}
		}
		// Missing rows repeat the last; their sums are not stored.
		interleave4(quad, a[i*k:][:k], a[(i+min(1, nr-1))*k:][:k], a[(i+min(2, nr-1))*k:][:k], a[(i+min(3, nr-1))*k:][:k])
		if nr == 4 && n == 8 {
			tri8Rows4(quad, pk, &d, &rr, out[i*n:][:8], out[(i+1)*n:][:8], out[(i+2)*n:][:8], out[(i+3)*n:][:8], nil)
			continue
		}
		tri8Rows4(quad, pk, &d, &rr, part[0][:8], part[1][:8], part[2][:8], part[3][:8], &part)
		for r := 0; r < nr; r++ {
			copy(out[(i+r)*n:][:n], part[r][:n])
		}
	}
}

// tri8Rows4 is gemmTri8 for four rows of length k ≤ the chunk given
// interleaved in q (q[4kk+r] = x_r[kk]): the eight sums of each row plus
// d (the additions less the lane biases) and rr[r] go to r0…r3, and when
// nine is not nil the ninth channel's to nine[r][8]. Four steps of k per
// iteration, each step's three weights held while the four rows multiply
// them.
func tri8Rows4(q []int8, w []int64, d *[tri8MaxN]int32, rr *[4]int32, r0, r1, r2, r3 []int32, nine *[4][tri8MaxN]int32) {
	k := len(q) / 4
	q, w = q[:4*k], w[:3*k]
	s00, s01, s02 := int64(triBias), int64(triBias), int64(triBias)
	s10, s11, s12 := int64(triBias), int64(triBias), int64(triBias)
	s20, s21, s22 := int64(triBias), int64(triBias), int64(triBias)
	s30, s31, s32 := int64(triBias), int64(triBias), int64(triBias)
	kk := 0
	for ; kk+4 <= k; kk += 4 {
		v := q[4*kk : 4*kk+16 : 4*kk+16]
		u := w[3*kk : 3*kk+12 : 3*kk+12]
		var a, u0, u1, u2 int64
		u0, u1, u2 = u[0], u[1], u[2]
		a = int64(v[0])
		s00 += a * u0
		s01 += a * u1
		s02 += a * u2
		a = int64(v[1])
		s10 += a * u0
		s11 += a * u1
		s12 += a * u2
		a = int64(v[2])
		s20 += a * u0
		s21 += a * u1
		s22 += a * u2
		a = int64(v[3])
		s30 += a * u0
		s31 += a * u1
		s32 += a * u2
		u0, u1, u2 = u[3], u[4], u[5]
		a = int64(v[4])
		s00 += a * u0
		s01 += a * u1
		s02 += a * u2
		a = int64(v[5])
		s10 += a * u0
		s11 += a * u1
		s12 += a * u2
		a = int64(v[6])
		s20 += a * u0
		s21 += a * u1
		s22 += a * u2
		a = int64(v[7])
		s30 += a * u0
		s31 += a * u1
		s32 += a * u2
		u0, u1, u2 = u[6], u[7], u[8]
		a = int64(v[8])
		s00 += a * u0
		s01 += a * u1
		s02 += a * u2
		a = int64(v[9])
		s10 += a * u0
		s11 += a * u1
		s12 += a * u2
		a = int64(v[10])
		s20 += a * u0
		s21 += a * u1
		s22 += a * u2
		a = int64(v[11])
		s30 += a * u0
		s31 += a * u1
		s32 += a * u2
		u0, u1, u2 = u[9], u[10], u[11]
		a = int64(v[12])
		s00 += a * u0
		s01 += a * u1
		s02 += a * u2
		a = int64(v[13])
		s10 += a * u0
		s11 += a * u1
		s12 += a * u2
		a = int64(v[14])
		s20 += a * u0
		s21 += a * u1
		s22 += a * u2
		a = int64(v[15])
		s30 += a * u0
		s31 += a * u1
		s32 += a * u2
	}
	for ; kk < k; kk++ {
		v := q[4*kk : 4*kk+4 : 4*kk+4]
		u0, u1, u2 := w[3*kk], w[3*kk+1], w[3*kk+2]
		a := int64(v[0])
		s00 += a * u0
		s01 += a * u1
		s02 += a * u2
		a = int64(v[1])
		s10 += a * u0
		s11 += a * u1
		s12 += a * u2
		a = int64(v[2])
		s20 += a * u0
		s21 += a * u1
		s22 += a * u2
		a = int64(v[3])
		s30 += a * u0
		s31 += a * u1
		s32 += a * u2
	}
	tri8Store(r0, d, rr[0], s00, s01, s02, nine, 0)
	tri8Store(r1, d, rr[1], s10, s11, s12, nine, 1)
	tri8Store(r2, d, rr[2], s20, s21, s22, nine, 2)
	tri8Store(r3, d, rr[3], s30, s31, s32, nine, 3)
}

// tri8Store sets o[c] = lane c of the sums s0, s1, s2 + d[c] + q for the
// first eight channels, and the ninth into nine[r][8] when nine is not
// nil.
func tri8Store(o []int32, d *[tri8MaxN]int32, q int32, s0, s1, s2 int64, nine *[4][tri8MaxN]int32, r int) {
	o = o[:8:8]
	v0, v1, v2 := triLanes(s0)
	v3, v4, v5 := triLanes(s1)
	v6, v7, v8 := triLanes(s2)
	o[0], o[1], o[2], o[3] = v0+d[0]+q, v1+d[1]+q, v2+d[2]+q, v3+d[3]+q
	o[4], o[5], o[6], o[7] = v4+d[4]+q, v5+d[5]+q, v6+d[6]+q, v7+d[7]+q
	if nine != nil {
		nine[r][8] = v8 + d[8] + q
	}
}
