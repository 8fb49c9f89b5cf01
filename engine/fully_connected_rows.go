package engine

// FULLY_CONNECTED's product for one to three input rows (batch 1: the
// dense MNIST model, the FC autoencoder) in pure Go, with the weights
// packed once per model three channels to an int64 (packTriples,
// gemm_tri.go): one 64-bit multiplication forms three int8 products, where
// gemmRowsPacked's pairs form two. Measured in Node (Go's WebAssembly
// output, CPU time): 784×10 and 128×128 FCs take about 2/3 of
// gemmRowsPacked's time.

// fcTriRows sets out[i·n + j] = Σ_kk a[i·k + kk]·b[j·k + kk] for the m rows
// of a (m×k) and the n×k weights b packed by packTriples into pk, in
// chunks of at most chunk steps of k (triChunkFor(b)), whose lane sums stay
// exact and are split and added up in wrapping int32 (exact modulo 2^32,
// as gemmS8's). Two groups of six channels go at a time (four
// multiplications per step of k), then a last group alone.
func fcTriRows(m, n, k int, a []int8, pk []int64, chunk int, out []int32) {
	groups := (n + triGroup - 1) / triGroup
	pk = pk[:groups*2*k]
	out = out[:m*n]
	var sums [2 * triGroup]int32
	for i := 0; i < m; i++ {
		x, row := a[i*k:][:k], out[i*n:][:n]
		for g := 0; g < groups; g += 2 {
			two := g+1 < groups
			w0 := pk[g*2*k:][:2*k]
			w1 := w0
			if two {
				w1 = pk[(g+1)*2*k:][:2*k]
			}
			sums = [2 * triGroup]int32{}
			for k0 := 0; k0 < k; k0 += chunk {
				k1 := min(k, k0+chunk)
				var s0, s1, s2, s3 int64
				if two {
					s0, s1, s2, s3 = dotTri1x4(x[k0:k1], w0[2*k0:2*k1], w1[2*k0:2*k1])
				} else {
					s0, s1 = dotTri1x2(x[k0:k1], w0[2*k0:2*k1])
				}
				triAddLanes(sums[0:3:3], s0)
				triAddLanes(sums[3:6:6], s1)
				if two {
					triAddLanes(sums[6:9:9], s2)
					triAddLanes(sums[9:12:12], s3)
				}
			}
			copy(row[g*triGroup:], sums[:])
		}
	}
}

// triAddLanes adds the three channel sums of the packed sum s
// (triSplit) to d.
func triAddLanes(d []int32, s int64) {
	x, y, z := triSplit(s)
	d[0] += x
	d[1] += y
	d[2] += z
}

// dotTri1x4 is the packed sums Σ x[kk]·w[2kk + t] (t = 0, 1) of the two
// groups w0 and w1, each from triBias: four elements of x per loop
// iteration (Go's WebAssembly output pays a dispatch per iteration).
func dotTri1x4(x []int8, w0, w1 []int64) (s0, s1, s2, s3 int64) {
	n := len(x)
	w0, w1 = w0[:2*n], w1[:2*n]
	s0, s1, s2, s3 = triBias, triBias, triBias, triBias
	i := 0
	for ; i+4 <= n; i += 4 {
		xv := x[i : i+4 : i+4]
		u, v := w0[2*i:2*i+8:2*i+8], w1[2*i:2*i+8:2*i+8]
		a, b, c, d := int64(xv[0]), int64(xv[1]), int64(xv[2]), int64(xv[3])
		s0 += a*u[0] + b*u[2] + c*u[4] + d*u[6]
		s1 += a*u[1] + b*u[3] + c*u[5] + d*u[7]
		s2 += a*v[0] + b*v[2] + c*v[4] + d*v[6]
		s3 += a*v[1] + b*v[3] + c*v[5] + d*v[7]
	}
	for ; i < n; i++ {
		a := int64(x[i])
		s0 += a * w0[2*i]
		s1 += a * w0[2*i+1]
		s2 += a * w1[2*i]
		s3 += a * w1[2*i+1]
	}
	return
}

// dotTri1x2 is dotTri1x4 for one group.
func dotTri1x2(x []int8, w []int64) (s0, s1 int64) {
	n := len(x)
	w = w[:2*n]
	s0, s1 = triBias, triBias
	i := 0
	for ; i+4 <= n; i += 4 {
		xv := x[i : i+4 : i+4]
		u := w[2*i : 2*i+8 : 2*i+8]
		a, b, c, d := int64(xv[0]), int64(xv[1]), int64(xv[2]), int64(xv[3])
		s0 += a*u[0] + b*u[2] + c*u[4] + d*u[6]
		s1 += a*u[1] + b*u[3] + c*u[5] + d*u[7]
	}
	for ; i < n; i++ {
		a := int64(x[i])
		s0 += a * w[2*i]
		s1 += a * w[2*i+1]
	}
	return
}
