package engine

import "unsafe"

// dw3x3Row computes the int32 accumulators of n output pixels of one
// output row of a 3×3 depthwise convolution (depth multiplier 1, or its
// input widened so), every tap inside r0, r1, r2: the sums of TFLite's
// reference_integer_ops::DepthwiseConvPerChannel, started from the bias and
// input_offset·Σ w as XNNPACK's 9-tap dwconv microkernels start theirs,
//
//	acc[px·C + c] = full[c] + Σ_{fy,fx} w[9·c + fy·3 + fx] · r_fy[px·sC + fx·dC + c]
//
// with C = len(full), in wrapping int32 arithmetic (w: dw3x3Weights). Rows
// are the input rows of the window (padded, so that every tap reads a
// value), each starting at the first pixel's left tap; sC is the stride in
// values (StrideW·C), dC the dilation (DilationW·C). Channels outer, pixels
// inner: the nine weights of a channel stay in locals, and each pixel is
// one straight line of nine multiply-adds, which Go's WebAssembly output
// runs without the per-iteration dispatch of a tap loop.
func dw3x3Row(acc []int32, r0, r1, r2 []int8, n, sC, dC int, w, full []int32) {
	dw3x3Rows(acc, r0, r1, r2, n, sC, dC, 1, w, full)
}

// dw3x3Rows is dw3x3Row and dw3x3Row1 (depthwise_conv1ch.go): channel c of
// pixel px reads r_fy[px·s + fx·d + c·cstep], cstep 1 for rows of C
// interleaved channels, 0 for rows of the one input channel every output
// channel reads.
func dw3x3Rows(acc []int32, r0, r1, r2 []int8, n, s, d, cstep int, w, full []int32) {
	C := len(full)
	if n <= 0 || C == 0 {
		return
	}
	last := (n-1)*s + 2*d + (C-1)*cstep + 1 // one past the largest offset read in a row
	if s < 0 || d < 0 || len(r0) < last || len(r1) < last || len(r2) < last || len(acc) < n*C || len(w) < 9*C {
		panic("dw3x3Row: rows too short")
	}
	// Every offset below is < last in r0, r1, r2 and < n·C in acc.
	p0, p1, p2 := unsafe.Pointer(unsafe.SliceData(r0)), unsafe.Pointer(unsafe.SliceData(r1)), unsafe.Pointer(unsafe.SliceData(r2))
	pa := unsafe.Pointer(unsafe.SliceData(acc))
	ld := func(p unsafe.Pointer, i int) int32 { return int32(*(*int8)(unsafe.Add(p, i))) }
	d2 := 2 * d
	end := n * C
	for c := 0; c < C; c++ {
		ws := w[9*c : 9*c+9 : 9*c+9]
		w0, w1, w2, w3, w4, w5, w6, w7, w8 := ws[0], ws[1], ws[2], ws[3], ws[4], ws[5], ws[6], ws[7], ws[8]
		f := full[c]
		j := c * cstep
		k := c
		for ; k+C < end; k += 2 * C { // two pixels per iteration
			a := f + w0*ld(p0, j) + w1*ld(p0, j+d) + w2*ld(p0, j+d2) +
				w3*ld(p1, j) + w4*ld(p1, j+d) + w5*ld(p1, j+d2) +
				w6*ld(p2, j) + w7*ld(p2, j+d) + w8*ld(p2, j+d2)
			j2 := j + s
			b := f + w0*ld(p0, j2) + w1*ld(p0, j2+d) + w2*ld(p0, j2+d2) +
				w3*ld(p1, j2) + w4*ld(p1, j2+d) + w5*ld(p1, j2+d2) +
				w6*ld(p2, j2) + w7*ld(p2, j2+d) + w8*ld(p2, j2+d2)
			*(*int32)(unsafe.Add(pa, 4*k)) = a
			*(*int32)(unsafe.Add(pa, 4*(k+C))) = b
			j = j2 + s
		}
		if k < end {
			a := f + w0*ld(p0, j) + w1*ld(p0, j+d) + w2*ld(p0, j+d2) +
				w3*ld(p1, j) + w4*ld(p1, j+d) + w5*ld(p1, j+d2) +
				w6*ld(p2, j) + w7*ld(p2, j+d) + w8*ld(p2, j+d2)
			*(*int32)(unsafe.Add(pa, 4*k)) = a
		}
	}
}

// evalInt8Rows is evalInt8 for a 3×3 filter, output row by output row, on
// padded input rows: for each output row, the three input rows of its
// windows with the padding written as the input zero point z = −off, whose
// taps add w·(z + off) = 0, so that every window is wholly inside and
// starts from bias + off·Σ w (the integer sums are evalInt8's), each value
// repeated DepthMultiplier times. A built row is kept while the next output
// row reads it again; rows inside the input that need neither padding nor
// repeating are read in place, and rows wholly in the padding are one row
// of z. dw3x3Row computes the output row's accumulators, then come the
// trace and the profile's output stage, pixel by pixel. It reports false,
// computing nothing, for other filter sizes and when z is not an int8 (a
// zero point outside the type's range), which evalInt8's loops run.
func (p *DepthwiseConv2DParams) evalInt8Rows(r *run, trace []int64, in []int8, off int32, w, wsum []int32) bool {
	z := -off
	if z < -128 || z > 127 || p.FilterH != 3 || p.FilterW != 3 {
		return false
	}
	w9 := p.wide9
	if w9 == nil {
		w9 = dw3x3Weights(w, p.OutC)
	}
	if p.InC == 1 { // one-channel rows, not repeated (depthwise_conv1ch.go)
		p.evalRows1(r, trace, in, off, w9, wsum)
		return true
	}
	C, dm := p.OutC, p.DepthMultiplier
	cols := (p.OutW-1)*p.StrideW + (p.FilterW-1)*p.DilationW + 1 // input columns the windows span, from −PadW
	rowLen := cols * C
	inRow := p.InW * p.InC
	direct := p.PadW == 0 && cols <= p.InW && dm == 1 // rows inside are read in place
	// Scratch: FilterH built rows, one row of padding; the accumulators
	// of an output row, then bias + off·Σ w.
	r.gs.patches = grow(r.gs.patches, (p.FilterH+1)*rowLen)
	bufs := r.gs.patches
	pad := bufs[p.FilterH*rowLen:]
	dwFill(pad, int8(z))
	r.gs.accs = grow(r.gs.accs, (p.OutW+1)*C)
	accs, full := r.gs.accs[:p.OutW*C], r.gs.accs[p.OutW*C:]
	clear(full)
	if p.bias >= 0 {
		copy(full, r.i32(p.bias)[:C])
	}
	for c := range full {
		full[c] += off * wsum[c]
	}
	var rows [3][]int8
	out := r.i8(p.out) // uint8 outputs: the same bytes
	o := p.Output
	x0 := min(p.PadW, cols)               // padded columns on the left
	x1 := max(min(p.InW, cols-p.PadW), 0) // input columns used: [0, x1)
	build := func(dst, src []int8) {
		copy(dst[:x0*C], pad)
		if dm == 1 {
			copy(dst[x0*C:], src[:x1*C])
		} else {
			dwRepeat(dst[x0*C:][:x1*C], src[:x1*p.InC], dm)
		}
		copy(dst[(x0+x1)*C:], pad)
	}
	i := 0
	for b := 0; b < p.Batches; b++ {
		tags := [3]int{-1, -1, -1} // the input row each built row holds
		for y := 0; y < p.OutH; y++ {
			var used [3]bool
			need := [3]int{-1, -1, -1} // input rows to build, by fy
			for fy := range len(rows) {
				iy := y*p.StrideH - p.PadH + fy*p.DilationH
				switch {
				case iy < 0 || iy >= p.InH:
					rows[fy] = pad
				case direct:
					rows[fy] = in[(b*p.InH+iy)*inRow:][:inRow]
				case tags[0] == iy, tags[1] == iy, tags[2] == iy: // built for the last output row
					k := 0
					for tags[k] != iy {
						k++
					}
					rows[fy], used[k] = bufs[k*rowLen:][:rowLen], true
				default:
					need[fy] = iy
				}
			}
			for fy, iy := range need {
				if iy < 0 {
					continue
				}
				k := 0
				for used[k] {
					k++
				}
				dst := bufs[k*rowLen:][:rowLen]
				build(dst, in[(b*p.InH+iy)*inRow:][:inRow])
				rows[fy], used[k], tags[k] = dst, true, iy
			}
			dw3x3Row(accs, rows[0], rows[1], rows[2], p.OutW, p.StrideW*C, p.DilationW*C, w9, full)
			if trace != nil {
				for j, a := range accs {
					trace[i+j] = int64(a)
				}
			}
			for x := 0; x < p.OutW; x++ {
				o.requantizeInt8(accs[x*C:][:C], out[i:i+C])
				i += C
			}
		}
	}
	return true
}

// dw3x3Weights is a widened 3×3 filter (depthwiseWiden: tap t of
// channel c at t·channels + c) channel by channel, tap t at 9·c + t.
func dw3x3Weights(wide []int32, channels int) []int32 {
	w9 := make([]int32, 9*channels)
	for t := range 9 {
		for c, v := range wide[t*channels:][:channels] {
			w9[9*c+t] = v
		}
	}
	return w9
}

// dwFill sets every element of s to v, doubling copies (memory.copy in
// WebAssembly) instead of a loop per byte.
func dwFill(s []int8, v int8) {
	if len(s) == 0 {
		return
	}
	s[0] = v
	for n := 1; n < len(s); n *= 2 {
		copy(s[n:], s[:n])
	}
}

// dwRepeat writes each value of src m times into dst (len(src)·m values):
// the input channel i of a depth multiplier m feeds output channels
// i·m … i·m+m−1.
func dwRepeat(dst, src []int8, m int) {
	dst = dst[:len(src)*m]
	if m == 2 {
		for j, v := range src {
			dst[2*j], dst[2*j+1] = v, v
		}
		return
	}
	for j, v := range src {
		d := dst[j*m:][:m]
		for k := range d {
			d[k] = v
		}
	}
}

// dwRowsOff makes evalInt8 skip evalInt8Rows: tests compare the two.
var dwRowsOff bool
