package engine

// Integer dot products for the int8 convolution loops, arranged for speed
// with the reference's exact (wrapping int32) result.

// packFilter packs the filter rows of channels 2q and 2q+1 (n elements
// each) into one int64 per element, w[2q]·1 + w[2q+1]·2^32, so that one
// multiply by an input value yields both products: summed over at most 2^16
// elements, the low 32 bits hold channel 2q's sum and the rest channel
// 2q+1's (see unpackSums). An odd last channel is paired with zeros.
func packFilter(w []int8, channels, n int) []int64 {
	pk := make([]int64, (channels+1)/2*n)
	for c := 0; c < channels; c++ {
		dst := pk[c/2*n:][:n]
		for k, v := range w[c*n:][:n] {
			dst[k] += int64(v) << (32 * (c % 2))
		}
	}
	return pk
}

// addPackedRun adds the packed dot products of the input run xs with the
// filter elements [wo, wo+len(xs)) of every channel pair.
func addPackedRun(sums []int64, xs []int8, packed []int64, n, wo int) {
	q := 0
	for ; q+2 <= len(sums); q += 2 {
		a, b := dotPacked2(xs, packed[q*n+wo:][:len(xs)], packed[(q+1)*n+wo:][:len(xs)])
		sums[q] += a
		sums[q+1] += b
	}
	if q < len(sums) {
		a, _ := dotPacked2(xs, packed[q*n+wo:][:len(xs)], packed[q*n+wo:][:len(xs)])
		sums[q] += a
	}
}

// dotPacked2 is Σ x[i]·a[i] and Σ x[i]·b[i] over packed filter pairs.
func dotPacked2(x []int8, a, b []int64) (sa, sb int64) {
	a, b = a[:len(x)], b[:len(x)]
	for i, v := range x {
		xv := int64(v)
		sa += xv * a[i]
		sb += xv * b[i]
	}
	return sa, sb
}

// unpackSums splits packed pair sums S = s0 + s1·2^32 (|s0| < 2^31) into
// the int32 sums of the two channels.
func unpackSums(accs []int32, sums []int64) {
	for q, s := range sums {
		lo := int32(s)
		accs[2*q] = lo
		if 2*q+1 < len(accs) {
			accs[2*q+1] = int32((s - int64(lo)) >> 32)
		}
	}
}

// convTapSums returns Σ_i filter[c, t, i] for every output channel c and
// filter tap t (a filter of shape [channels, taps, depth]).
func convTapSums(w []int8, channels, taps, depth int) []int32 {
	s := make([]int32, channels*taps)
	for k := range s {
		for _, v := range w[k*depth : (k+1)*depth] {
			s[k] += int32(v)
		}
	}
	return s
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
