package engine

import (
	"sync"
)

// The int8 matrix product behind FULLY_CONNECTED and CONV_2D (im2col), in
// pure Go. Its sums are integers, so any order of summation gives the same
// wrapping int32 result as the reference kernels' loops; the WebAssembly
// build may replace it with a SIMD module through SetGEMM (accel.go).

// gemmS8 sets out[i*n+j] = Σ_{kk<k} int32(a[i*k+kk])·int32(b[j*k+kk]) for i<m, j<n.
// a is m×k, b is n×k, both row-major int8; out has m·n elements. Integer sums: any order is exact.
func gemmS8(m, n, k int, a, b []int8, out []int32) {
	if m <= 0 || n <= 0 {
		return
	}
	out = out[:m*n]
	if k <= 0 {
		clear(out)
		return
	}
	a, b = a[:m*k], b[:n*k]
	if m >= 4 && k <= packedMaxK {
		gemmPacked(m, n, k, a, b, out)
		return
	}
	gemmRows(m, n, k, a, b, out)
}

// packedMaxK is the longest row gemmPacked takes: a channel's sum of at
// most 2^16 int8 products has magnitude at most 2^30, so it never carries
// out of the low 32 bits of a packed pair (see packPairs).
const packedMaxK = 1 << 16

// pairBufs holds packPairs buffers between calls (unlike a sync.Pool,
// kept across garbage collections).
var pairBufs struct {
	sync.Mutex
	free [][]int64
}

// pairBuf returns a buffer of n int64s from pairBufs, or a new one.
func pairBuf(n int) []int64 {
	pairBufs.Lock()
	defer pairBufs.Unlock()
	for i, b := range pairBufs.free {
		if cap(b) >= n {
			last := len(pairBufs.free) - 1
			pairBufs.free[i] = pairBufs.free[last]
			pairBufs.free = pairBufs.free[:last]
			return b[:n]
		}
	}
	return make([]int64, n)
}

// putPairBuf returns b to pairBufs, dropping the smallest buffer when more
// than four are kept.
func putPairBuf(b []int64) {
	pairBufs.Lock()
	defer pairBufs.Unlock()
	pairBufs.free = append(pairBufs.free, b)
	if len(pairBufs.free) > 4 {
		small := 0
		for i, f := range pairBufs.free {
			if cap(f) < cap(pairBufs.free[small]) {
				small = i
			}
		}
		pairBufs.free = append(pairBufs.free[:small], pairBufs.free[small+1:]...)
	}
}

// packPairs packs the rows 2q and 2q+1 of b (n×k) into one int64 per
// element, b[2q]·1 + b[2q+1]·2^32, so that one multiplication by an int8
// yields both products; summed over at most packedMaxK elements, the low 32
// bits hold row 2q's sum exactly and the rest row 2q+1's (unpackPair). An
// odd last row is paired with zeros.
func packPairs(n, k int, b []int8, pk []int64) {
	for q := 0; q < n/2; q++ {
		lo, hi, dst := b[2*q*k:][:k], b[(2*q+1)*k:][:k], pk[q*k:][:k]
		hi = hi[:len(lo)]
		for kk, v := range lo {
			dst[kk] = int64(v) + int64(hi[kk])<<32
		}
	}
	if n%2 == 1 {
		q := n / 2
		dst := pk[q*k:][:k]
		for kk, v := range b[2*q*k:][:k] {
			dst[kk] = int64(v)
		}
	}
}

// unpackPair splits a packed pair sum S = s0 + s1·2^32 (|s0| < 2^31) into
// s0 and s1.
func unpackPair(s int64) (s0, s1 int32) {
	lo := int32(s)
	return lo, int32((s - int64(lo)) >> 32)
}

// gemmPacked is gemmS8 with b packed in pairs of rows (packPairs): blocks of
// two rows of a by two pairs (four rows) of b, four multiplications per two
// loads of a and two of b.
func gemmPacked(m, n, k int, a, b []int8, out []int32) {
	pairs := (n + 1) / 2
	pk := pairBuf(pairs * k)
	packPairs(n, k, b, pk)
	store := func(row []int32, q int, s int64) {
		lo, hi := unpackPair(s)
		row[2*q] = lo
		if 2*q+1 < len(row) {
			row[2*q+1] = hi
		}
	}
	i := 0
	for ; i+2 <= m; i += 2 {
		a0, a1 := a[i*k:][:k], a[(i+1)*k:][:k]
		r0, r1 := out[i*n:][:n], out[(i+1)*n:][:n]
		q := 0
		for ; q+2 <= pairs; q += 2 {
			s00, s01, s10, s11 := dotPacked2x2(a0, a1, pk[q*k:][:k], pk[(q+1)*k:][:k])
			store(r0, q, s00)
			store(r0, q+1, s01)
			store(r1, q, s10)
			store(r1, q+1, s11)
		}
		if q < pairs {
			s0, s1 := dotPacked2x1(a0, a1, pk[q*k:][:k])
			store(r0, q, s0)
			store(r1, q, s1)
		}
	}
	if i < m {
		a0, r0 := a[i*k:][:k], out[i*n:][:n]
		for q := 0; q < pairs; q++ {
			s0, _ := dotPacked2x1(a0, a0, pk[q*k:][:k])
			store(r0, q, s0)
		}
	}
	putPairBuf(pk)
}

// dotPacked2x2 is Σ x·p for the rows x0, x1 and packed pairs p0, p1:
// eight elements per step, then four, then one (Go's WebAssembly output
// pays a dispatch per loop iteration; eight per step ran 1.1–1.2× faster
// there than four).
func dotPacked2x2(x0, x1 []int8, p0, p1 []int64) (s00, s01, s10, s11 int64) {
	n := len(x0)
	x1, p0, p1 = x1[:n], p0[:n], p1[:n]
	kk := 0
	for ; kk+8 <= n; kk += 8 {
		a, b := x0[kk:kk+8:kk+8], x1[kk:kk+8:kk+8]
		u, v := p0[kk:kk+8:kk+8], p1[kk:kk+8:kk+8]
		a0, a1, a2, a3 := int64(a[0]), int64(a[1]), int64(a[2]), int64(a[3])
		s00 += a0*u[0] + a1*u[1] + a2*u[2] + a3*u[3]
		s01 += a0*v[0] + a1*v[1] + a2*v[2] + a3*v[3]
		a0, a1, a2, a3 = int64(a[4]), int64(a[5]), int64(a[6]), int64(a[7])
		s00 += a0*u[4] + a1*u[5] + a2*u[6] + a3*u[7]
		s01 += a0*v[4] + a1*v[5] + a2*v[6] + a3*v[7]
		b0, b1, b2, b3 := int64(b[0]), int64(b[1]), int64(b[2]), int64(b[3])
		s10 += b0*u[0] + b1*u[1] + b2*u[2] + b3*u[3]
		s11 += b0*v[0] + b1*v[1] + b2*v[2] + b3*v[3]
		b0, b1, b2, b3 = int64(b[4]), int64(b[5]), int64(b[6]), int64(b[7])
		s10 += b0*u[4] + b1*u[5] + b2*u[6] + b3*u[7]
		s11 += b0*v[4] + b1*v[5] + b2*v[6] + b3*v[7]
	}
	if kk+4 <= n {
		a, b := x0[kk:kk+4:kk+4], x1[kk:kk+4:kk+4]
		u, v := p0[kk:kk+4:kk+4], p1[kk:kk+4:kk+4]
		a0, a1, a2, a3 := int64(a[0]), int64(a[1]), int64(a[2]), int64(a[3])
		s00 += a0*u[0] + a1*u[1] + a2*u[2] + a3*u[3]
		s01 += a0*v[0] + a1*v[1] + a2*v[2] + a3*v[3]
		b0, b1, b2, b3 := int64(b[0]), int64(b[1]), int64(b[2]), int64(b[3])
		s10 += b0*u[0] + b1*u[1] + b2*u[2] + b3*u[3]
		s11 += b0*v[0] + b1*v[1] + b2*v[2] + b3*v[3]
		kk += 4
	}
	for ; kk < n; kk++ {
		a, b := int64(x0[kk]), int64(x1[kk])
		s00 += a * p0[kk]
		s01 += a * p1[kk]
		s10 += b * p0[kk]
		s11 += b * p1[kk]
	}
	return s00, s01, s10, s11
}

// dotPacked2x1 is Σ x·p for the rows x0, x1 and the packed pair p.
func dotPacked2x1(x0, x1 []int8, p []int64) (s0, s1 int64) {
	n := len(x0)
	x1, p = x1[:n], p[:n]
	kk := 0
	for ; kk+4 <= n; kk += 4 {
		a, b, u := x0[kk:kk+4:kk+4], x1[kk:kk+4:kk+4], p[kk:kk+4:kk+4]
		s0 += int64(a[0])*u[0] + int64(a[1])*u[1] + int64(a[2])*u[2] + int64(a[3])*u[3]
		s1 += int64(b[0])*u[0] + int64(b[1])*u[1] + int64(b[2])*u[2] + int64(b[3])*u[3]
	}
	for ; kk < n; kk++ {
		s0 += int64(x0[kk]) * p[kk]
		s1 += int64(x1[kk]) * p[kk]
	}
	return s0, s1
}

// gemmRows is gemmS8 for few rows of a (packing b would cost as much as
// the product): each row of a against four rows of b at a time, in int32.
func gemmRows(m, n, k int, a, b []int8, out []int32) {
	for i := 0; i < m; i++ {
		x, row := a[i*k:][:k], out[i*n:][:n]
		j := 0
		for ; j+4 <= n; j += 4 {
			row[j], row[j+1], row[j+2], row[j+3] = dot1x4(x, b[j*k:][:k], b[(j+1)*k:][:k], b[(j+2)*k:][:k], b[(j+3)*k:][:k])
		}
		for ; j < n; j++ {
			row[j] = dotInt8(x, b[j*k:][:k])
		}
	}
}

// dot1x4 is Σ x·w for the rows w0…w3: four elements of x per step, each
// row's four products summed before they join its accumulator. Go's
// WebAssembly output pays a dispatch per loop iteration and passes through
// memory what does not fit its 16 registers; this shape (four-element
// subslices, no bounds checks, one accumulator per row) ran 1.4–1.6×
// faster there than two elements per step, and no slower natively.
func dot1x4(x, w0, w1, w2, w3 []int8) (s0, s1, s2, s3 int32) {
	n := len(x)
	w0, w1, w2, w3 = w0[:n], w1[:n], w2[:n], w3[:n]
	kk := 0
	for ; kk+4 <= n; kk += 4 {
		xv := x[kk : kk+4 : kk+4]
		a, b, c, d := int32(xv[0]), int32(xv[1]), int32(xv[2]), int32(xv[3])
		v := w0[kk : kk+4 : kk+4]
		s0 += a*int32(v[0]) + b*int32(v[1]) + c*int32(v[2]) + d*int32(v[3])
		v = w1[kk : kk+4 : kk+4]
		s1 += a*int32(v[0]) + b*int32(v[1]) + c*int32(v[2]) + d*int32(v[3])
		v = w2[kk : kk+4 : kk+4]
		s2 += a*int32(v[0]) + b*int32(v[1]) + c*int32(v[2]) + d*int32(v[3])
		v = w3[kk : kk+4 : kk+4]
		s3 += a*int32(v[0]) + b*int32(v[1]) + c*int32(v[2]) + d*int32(v[3])
	}
	for ; kk < n; kk++ {
		xv := int32(x[kk])
		s0 += xv * int32(w0[kk])
		s1 += xv * int32(w1[kk])
		s2 += xv * int32(w2[kk])
		s3 += xv * int32(w3[kk])
	}
	return s0, s1, s2, s3
}

// dotInt8 is Σ x[i]·w[i] with an int32 accumulator (wrapping, like C).
func dotInt8(x, w []int8) int32 {
	w = w[:len(x)]
	var s0, s1, s2, s3 int32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xv, wv := x[i:i+4:i+4], w[i:i+4:i+4]
		s0 += int32(xv[0]) * int32(wv[0])
		s1 += int32(xv[1]) * int32(wv[1])
		s2 += int32(xv[2]) * int32(wv[2])
		s3 += int32(xv[3]) * int32(wv[3])
	}
	for ; i < len(x); i++ {
		s0 += int32(x[i]) * int32(w[i])
	}
	return s0 + s1 + s2 + s3
}

// rowSums returns Σ_kk x[i*k+kk] for each of the m rows of x.
func rowSums(m, k int, x []int8, sums []int32) []int32 {
	sums = append(sums[:0], make([]int32, m)...)
	for i := range sums {
		var s int32
		for _, v := range x[i*k:][:k] {
			s += int32(v)
		}
		sums[i] = s
	}
	return sums
}

// gemmColAdd returns what offsetGEMM adds to column j of a product of
// rows of length k: bias[j] + ia·colSum[j] + k·ia·ib, with colSum[j] the
// sum of row j of b (bias nil for none).
func gemmColAdd(k int, ia, ib int32, colSum, bias []int32) []int32 {
	add := make([]int32, len(colSum))
	for j, s := range colSum {
		add[j] = ia*s + int32(k)*ia*ib
		if bias != nil {
			add[j] += bias[j]
		}
	}
	return add
}

// offsetGEMM sets, in wrapping int32 arithmetic,
//
//	out[i*n+j] = Σ_kk (a[i*k+kk] + ia)·(b[j*k+kk] + ib) + bias[j]
//
// through gemm and the expansion Σ a·b + ib·Σ_kk a[i] + ia·Σ_kk b[j] + k·ia·ib,
// exact modulo 2^32; add is gemmColAdd's (n values). It returns rows, the
// scratch it keeps the row sums in when ib ≠ 0.
func offsetGEMM(m, n, k int, a, b []int8, ib int32, add []int32, out []int32, rows []int32) []int32 {
	gemm(m, n, k, a, b, out)
	return gemmOffsets2(m, n, k, a, ib, add, out, rows)
}

// gemmOffsets2 is offsetGEMM's second half: it adds the offsets' terms to
// the product out of a (m×k) by the weights.
func gemmOffsets2(m, n, k int, a []int8, ib int32, add []int32, out []int32, rows []int32) []int32 {
	add = add[:n]
	if ib != 0 {
		rows = rowSums(m, k, a, rows)
	}
	for i := 0; i < m; i++ {
		row := out[i*n:][:n]
		var r int32
		if ib != 0 {
			r = ib * rows[i]
		}
		ad := add[:len(row)]
		j := 0
		for ; j+4 <= len(row); j += 4 { // four per step: a dispatch per iteration in WebAssembly
			o, v := row[j:j+4:j+4], ad[j:j+4:j+4]
			o[0], o[1], o[2], o[3] = o[0]+v[0]+r, o[1]+v[1]+r, o[2]+v[2]+r, o[3]+v[3]+r
		}
		for ; j < len(row); j++ {
			row[j] += ad[j] + r
		}
	}
	return rows
}

// signedInt8 maps uint8 values to int8 by subtracting 128 (flipping the top
// bit) into dst, which it returns: (u + off) = (u − 128) + (off + 128), so
// uint8 operands with offset off become int8 ones with offset off + 128.
func signedInt8(dst []int8, src []uint8) []int8 {
	dst = append(dst[:0], make([]int8, len(src))...)
	for i, v := range src {
		dst[i] = int8(v ^ 0x80)
	}
	return dst
}

// gemmWeights is a constant int8 or uint8 weight matrix of rows×k prepared
// for offsetGEMM: its values as int8 (uint8 ones minus 128) and the sum of
// each row.
type gemmWeights struct {
	w   []int8
	sum []int32
	// packed is w packed in pairs of rows (packPairs) for gemmRowsPacked,
	// or nil: FULLY_CONNECTED's weights, packed once per model (see
	// packRows).
	packed []int64
	// tri is w packed for gemmTri (packTriples), made on the first run
	// of the pure-Go GEMM (triples), not for the SIMD kernels.
	tri     []int64
	triOnce sync.Once
	// triK is the chunk length of tri and tri8 (triChunkFor).
	triK int
	// tri8 is w packed for gemmTri8 (packTri8), made like tri.
	tri8     []int64
	tri8Once sync.Once
}

// triples8 returns g's rows×k weights packed for gemmTri8, packing them on
// the first call, or nil when gemmTri8 does not take their shape (k longer
// than their chunk, triChunkFor).
func (g *gemmWeights) triples8(rows, k int) []int64 {
	g.tri8Once.Do(func() {
		if rows >= tri8MinN && rows <= tri8MaxN && k > 0 && k <= triChunkFor(g.w) && len(g.w) == rows*k {
			g.tri8 = make([]int64, tri8Packed(k))
			packTri8(rows, k, g.w, g.tri8)
		}
	})
	return g.tri8
}

// triPackedMax bounds the weights triples packs: 8 bytes per three, 32 MiB
// at most.
const triPackedMax = 1 << 22

// triples returns g's rows×k weights packed for gemmTri, packing them on
// the first call, or nil when they are too many.
func (g *gemmWeights) triples(rows, k int) []int64 {
	g.triOnce.Do(func() {
		if rows > 0 && k > 0 && len(g.w) == rows*k && triPacked(rows, k) <= triPackedMax {
			g.tri = make([]int64, triPacked(rows, k))
			packTriples(rows, k, g.w, g.tri)
			g.triK = triChunkFor(g.w)
		}
	})
	return g.tri
}

// packedRowsMax bounds the weights packRows packs: 4 bytes each (an int64
// per pair), 16 MiB at most.
const packedRowsMax = 1 << 22

// packRows packs g's rows×k weights into g.packed, once, when they are
// few enough and rows short enough for packed sums to stay exact.
func (g *gemmWeights) packRows(rows, k int) {
	if g.packed != nil || rows <= 0 || k <= 0 || k > packedMaxK || rows*k > packedRowsMax || len(g.w) != rows*k {
		return
	}
	pk := make([]int64, (rows+1)/2*k)
	packPairs(rows, k, g.w, pk)
	g.packed = pk
}

// gemmRowsPacked is gemmS8 for an n×k b given packed in pairs of rows
// (packPairs) ahead of time, for few rows of a: each row of a against four
// pairs (eight rows of b) at a time, one multiplication for two products.
// Packed sums over k ≤ packedMaxK are exact (see packPairs).
func gemmRowsPacked(m, n, k int, a []int8, pk []int64, out []int32) {
	pairs := (n + 1) / 2
	pk = pk[:pairs*k]
	out = out[:m*n]
	store := func(row []int32, q int, s int64) {
		lo, hi := unpackPair(s)
		row[2*q] = lo
		if 2*q+1 < len(row) {
			row[2*q+1] = hi
		}
	}
	for i := 0; i < m; i++ {
		x, row := a[i*k:][:k], out[i*n:][:n]
		q := 0
		for ; q+4 <= pairs; q += 4 {
			s0, s1, s2, s3 := dotPacked1x4(x, pk[q*k:][:k], pk[(q+1)*k:][:k], pk[(q+2)*k:][:k], pk[(q+3)*k:][:k])
			store(row, q, s0)
			store(row, q+1, s1)
			store(row, q+2, s2)
			store(row, q+3, s3)
		}
		if q+2 <= pairs {
			s0, s1 := dotPacked1x2(x, pk[q*k:][:k], pk[(q+1)*k:][:k])
			store(row, q, s0)
			store(row, q+1, s1)
			q += 2
		}
		if q < pairs {
			store(row, q, dotPacked1x1(x, pk[q*k:][:k]))
		}
	}
}

// dotPacked1x4 is Σ x·p for the packed pairs p0…p3: four elements of x
// per step (Go's WebAssembly output pays a dispatch per loop iteration;
// 1.3× faster there than two per step), four multiplications (eight
// products) per element.
func dotPacked1x4(x []int8, p0, p1, p2, p3 []int64) (s0, s1, s2, s3 int64) {
	n := len(x)
	p0, p1, p2, p3 = p0[:n], p1[:n], p2[:n], p3[:n]
	i := 0
	for ; i+4 <= n; i += 4 {
		xv := x[i : i+4 : i+4]
		a, b, c, d := int64(xv[0]), int64(xv[1]), int64(xv[2]), int64(xv[3])
		u := p0[i : i+4 : i+4]
		s0 += a*u[0] + b*u[1] + c*u[2] + d*u[3]
		u = p1[i : i+4 : i+4]
		s1 += a*u[0] + b*u[1] + c*u[2] + d*u[3]
		u = p2[i : i+4 : i+4]
		s2 += a*u[0] + b*u[1] + c*u[2] + d*u[3]
		u = p3[i : i+4 : i+4]
		s3 += a*u[0] + b*u[1] + c*u[2] + d*u[3]
	}
	for ; i < n; i++ {
		a := int64(x[i])
		s0 += a * p0[i]
		s1 += a * p1[i]
		s2 += a * p2[i]
		s3 += a * p3[i]
	}
	return
}

// dotPacked1x2 is Σ x·p for the packed pairs p0 and p1, eight elements of
// x per step.
func dotPacked1x2(x []int8, p0, p1 []int64) (s0, s1 int64) {
	n := len(x)
	p0, p1 = p0[:n], p1[:n]
	i := 0
	for ; i+8 <= n; i += 8 {
		xv := x[i : i+8 : i+8]
		u, v := p0[i:i+8:i+8], p1[i:i+8:i+8]
		a, b, c, d := int64(xv[0]), int64(xv[1]), int64(xv[2]), int64(xv[3])
		s0 += a*u[0] + b*u[1] + c*u[2] + d*u[3]
		s1 += a*v[0] + b*v[1] + c*v[2] + d*v[3]
		a, b, c, d = int64(xv[4]), int64(xv[5]), int64(xv[6]), int64(xv[7])
		s0 += a*u[4] + b*u[5] + c*u[6] + d*u[7]
		s1 += a*v[4] + b*v[5] + c*v[6] + d*v[7]
	}
	for ; i < n; i++ {
		a := int64(x[i])
		s0 += a * p0[i]
		s1 += a * p1[i]
	}
	return
}

// dotPacked1x1 is Σ x·p for the packed pair p, eight elements of x per
// step.
func dotPacked1x1(x []int8, p []int64) (s int64) {
	n := len(x)
	p = p[:n]
	i := 0
	for ; i+8 <= n; i += 8 {
		xv, u := x[i:i+8:i+8], p[i:i+8:i+8]
		s += int64(xv[0])*u[0] + int64(xv[1])*u[1] + int64(xv[2])*u[2] + int64(xv[3])*u[3] +
			int64(xv[4])*u[4] + int64(xv[5])*u[5] + int64(xv[6])*u[6] + int64(xv[7])*u[7]
	}
	for ; i < n; i++ {
		s += int64(x[i]) * p[i]
	}
	return
}

// gemmWeightsOf prepares the constant weight tensor t as a rows×k matrix
// once per model, shared by the profiles' plans.
func (m *Model) gemmWeightsOf(t *Tensor, rows, k int) *gemmWeights {
	if g := m.weights[t.Index]; g != nil {
		return g
	}
	g := &gemmWeights{w: gemmOperand(t.Type, t.Data, nil)}
	g.sum = rowSums(rows, k, g.w, nil)
	if m.weights == nil {
		m.weights = map[int]*gemmWeights{}
	}
	m.weights[t.Index] = g
	return g
}

// gemmOperand is an int8 or uint8 tensor's data as int8: a view of int8
// data, uint8 mapped by signedInt8 into dst.
func gemmOperand(typ DType, data []byte, dst []int8) []int8 {
	if typ == Uint8 {
		return signedInt8(dst, data)
	}
	return AsInt8(data)
}

// gemmOffsets are the offsets offsetGEMM takes for operands of type typ
// with offsets ia (input) and ib (weights): uint8 operands become int8 ones
// whose offsets are 128 higher.
func gemmOffsets(typ DType, ia, ib int32) (int32, int32) {
	if typ == Uint8 {
		return ia + 128, ib + 128
	}
	return ia, ib
}

// gemmScratch is the scratch of a run's matrix products, reused from op to
// op.
type gemmScratch struct {
	patches         []int8
	accs, tmp, rows []int32
	quad            []int8 // gemmTri's interleaved rows
	tail            []int8 // gemmTriOut's last rows
	out             triOut // gemmTriOut's output stage
}

// gemmScratches keeps gemmScratch buffers from run to run (allocating
// them anew was 8% of a small CNN's run in the WebAssembly build).
var gemmScratches struct {
	sync.Mutex
	free []gemmScratch
}

// takeGemmScratch returns kept scratch buffers for a run, or none.
func takeGemmScratch() gemmScratch {
	gemmScratches.Lock()
	defer gemmScratches.Unlock()
	n := len(gemmScratches.free)
	if n == 0 {
		return gemmScratch{}
	}
	gs := gemmScratches.free[n-1]
	gemmScratches.free = gemmScratches.free[:n-1]
	return gs
}

// putGemmScratch keeps a finished run's scratch buffers (at most four
// runs' worth, for runs on several goroutines).
func putGemmScratch(gs *gemmScratch) {
	if gs.patches == nil && gs.accs == nil && gs.tmp == nil && gs.rows == nil && gs.quad == nil {
		return
	}
	gemmScratches.Lock()
	defer gemmScratches.Unlock()
	if len(gemmScratches.free) < 4 {
		gemmScratches.free = append(gemmScratches.free, *gs)
	}
	*gs = gemmScratch{}
}

// gemmBlock is how many rows (output pixels) an op multiplies at a time:
// patches of about 16 KiB and accumulators of about 16 KiB (cache-sized,
// and scratch small beside the tensors of small models), at least 16 rows
// and at most total.
func gemmBlock(total, k, n int) int {
	return min(total, max(16, min((16<<10)/max(k, 1), (4<<10)/max(n, 1))))
}

// grow returns s with length n, reallocated if too short.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
