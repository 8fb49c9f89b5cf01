package engine

// convTri8 is CONV_2D's evalGEMM (ConvPerChannel, reference/integer_ops/
// conv.h, as a matrix product) for int8 convolutions of eight output
// channels whose patches are short (k = FilterH·FilterW·FilterC ≤ the
// weights' chunk, triChunkFor), such as VWW's first layer (3×3, stride 2,
// 3 → 8 channels): gemmTri8's packed weights (packTri8: three channels to
// an int64) multiplied straight from a padded copy of the input instead of
// im2col's patches and interleave4's reordering of them. For output pixel
// (y, x) and channel c,
//
//	acc = Σ_{fy,fx,i} (in[y·sh−PadH+fy, x·sw−PadW+fx, i] + InputOffset)·filter[c,fy,fx,i] + bias[c]
//
// computed as Σ in·filter + (InputOffset·Σ filter[c] + bias[c]) (gemmColAdd,
// exact in wrapping int32 like the reference); taps in the padding read
// −InputOffset and so add nothing. In Go's WebAssembly output, im2col
// (three memmove calls of nine bytes per pixel) and the interleaving cost
// as much as the products on VWW's first layer.

// convTri8Runs reports whether evalTri8 takes p's shape with the packed
// weights tri8 (packTri8's, nil when not packed): int8 (filter offset 0),
// eight channels, one group, no dilation, padding inside the filter.
func (p *Conv2DParams) convTri8Runs(tri8 []int64) bool {
	return tri8 != nil && p.typ == Int8 && p.FilterOffset == 0 && p.OutC == 8 && p.Groups == 1 &&
		p.DilationH == 1 && p.DilationW == 1 && p.PadH >= 0 && p.PadW >= 0 &&
		p.PadH < p.FilterH && p.PadW < p.FilterW && !convTri8Off
}

// convTri8Off turns evalTri8 off (tests compare it with the im2col path).
var convTri8Off bool

// evalTri8 computes every accumulator of p (convTri8Runs) into trace when
// it is not nil and the outputs through requantizeBlock: output rows in
// blocks whose accumulators fit in about 4096 int32s.
func (p *Conv2DParams) evalTri8(r *run, trace []int64, tri8 []int64, add []int32) {
	const n = 8
	fc, fw, fh := p.FilterC, p.FilterW, p.FilterH
	in := AsInt8(r.vals[p.in])
	out := r.i8(p.out)
	// The padded input of one batch: every row and column a tap reads.
	hp, wp := (p.OutH-1)*p.StrideH+fh, (p.OutW-1)*p.StrideW+fw
	rowLen := wp * fc
	// Four pixels read 3·sw·C bytes past the first's row start plus its
	// FilterW·C: pad the row so a last partial group of four may read
	// (and ignore) as far.
	stride := p.StrideW * fc
	span := 3*stride + fw*fc
	rowCap := max(rowLen, (p.OutW+3)/4*4*stride-stride+span)
	gs := &r.gs
	gs.patches = grow(gs.patches, hp*rowCap)
	padded := gs.patches
	fill := int8(-p.InputOffset)
	var d [tri8MaxN]int32 // the additions less the lane biases
	copy(d[:], add[:n])
	for t := 0; t < 3; t++ {
		d[3*t] -= triHalf
		d[3*t+1] -= triHalf
	}
	rowsPer := max(1, 4096/(p.OutW*n))
	gs.accs = grow(gs.accs, rowsPer*p.OutW*n)
	accs := gs.accs
	var rr [4]int32 // the filter offset is 0: no row-sum terms
	var part [4][tri8MaxN]int32
	for b := 0; b < p.Batches; b++ {
		// Copy the input rows into the padded plane.
		for py := 0; py < hp; py++ {
			row := padded[py*rowCap:][:rowCap]
			iy := py - p.PadH
			if iy < 0 || iy >= p.InH {
				fillInt8(row, fill)
				continue
			}
			c0 := p.PadW * fc
			c1 := min(rowLen, (p.PadW+p.InW)*fc)
			fillInt8(row[:c0], fill)
			copy(row[c0:c1], in[((b*p.InH+iy)*p.InW)*p.InC:][:c1-c0])
			fillInt8(row[c1:], fill)
		}
		for y0 := 0; y0 < p.OutH; y0 += rowsPer {
			ny := min(rowsPer, p.OutH-y0)
			for y := y0; y < y0+ny; y++ {
				o := accs[(y-y0)*p.OutW*n:][:p.OutW*n]
				top := y * p.StrideH
				for x := 0; x < p.OutW; x += 4 {
					var s [12]int64
					for i := range s {
						s[i] = triBias
					}
					for fy := 0; fy < fh; fy++ {
						row := padded[(top+fy)*rowCap+x*stride:][:span]
						tri8Taps(&s, row, stride, tri8[3*fy*fw*fc:][:3*fw*fc])
					}
					if x+4 <= p.OutW {
						tri8Store(o[x*n:], &d, rr[0], s[0], s[1], s[2], nil, 0)
						tri8Store(o[(x+1)*n:], &d, rr[1], s[3], s[4], s[5], nil, 1)
						tri8Store(o[(x+2)*n:], &d, rr[2], s[6], s[7], s[8], nil, 2)
						tri8Store(o[(x+3)*n:], &d, rr[3], s[9], s[10], s[11], nil, 3)
						continue
					}
					for j := 0; j < p.OutW-x; j++ { // the last pixels of the row
						tri8Store(part[j][:8], &d, rr[j], s[3*j], s[3*j+1], s[3*j+2], nil, j)
						copy(o[(x+j)*n:][:n], part[j][:n])
					}
				}
			}
			p0 := (b*p.OutH + y0) * p.OutW
			blk := accs[:ny*p.OutW*n]
			if trace != nil {
				for i, a := range blk {
					trace[p0*n+i] = int64(a)
				}
			}
			requantizeBlock(p.Output, blk, n, out[p0*n:]) // gemm_requant.go
		}
	}
}

// tri8Taps adds to the twelve packed sums s (four pixels by three triples,
// pixel j's at s[3j:3j+3]) the products of one filter row: w holds its L
// steps' triples (packTri8's layout, 3·L values) and pixel j's L inputs
// start at row[j·stride]. Three steps per iteration, written out (a filter
// row of a three-channel input is a multiple of three long; Go's
// WebAssembly output pays a dispatch per loop iteration).
func tri8Taps(s *[12]int64, row []int8, stride int, w []int64) {
	l := len(w) / 3
	x0, x1, x2, x3 := row[:l], row[stride:][:l], row[2*stride:][:l], row[3*stride:][:l]
	s00, s01, s02 := s[0], s[1], s[2]
	s10, s11, s12 := s[3], s[4], s[5]
	s20, s21, s22 := s[6], s[7], s[8]
	s30, s31, s32 := s[9], s[10], s[11]
	t := 0
	for ; t+3 <= l; t += 3 {
		u := w[3*t : 3*t+9 : 3*t+9]
		a, b, c, e := x0[t:t+3:t+3], x1[t:t+3:t+3], x2[t:t+3:t+3], x3[t:t+3:t+3]
		var u0, u1, u2, v int64
		u0, u1, u2 = u[0], u[1], u[2]
		v = int64(a[0])
		s00 += v * u0
		s01 += v * u1
		s02 += v * u2
		v = int64(b[0])
		s10 += v * u0
		s11 += v * u1
		s12 += v * u2
		v = int64(c[0])
		s20 += v * u0
		s21 += v * u1
		s22 += v * u2
		v = int64(e[0])
		s30 += v * u0
		s31 += v * u1
		s32 += v * u2
		u0, u1, u2 = u[3], u[4], u[5]
		v = int64(a[1])
		s00 += v * u0
		s01 += v * u1
		s02 += v * u2
		v = int64(b[1])
		s10 += v * u0
		s11 += v * u1
		s12 += v * u2
		v = int64(c[1])
		s20 += v * u0
		s21 += v * u1
		s22 += v * u2
		v = int64(e[1])
		s30 += v * u0
		s31 += v * u1
		s32 += v * u2
		u0, u1, u2 = u[6], u[7], u[8]
		v = int64(a[2])
		s00 += v * u0
		s01 += v * u1
		s02 += v * u2
		v = int64(b[2])
		s10 += v * u0
		s11 += v * u1
		s12 += v * u2
		v = int64(c[2])
		s20 += v * u0
		s21 += v * u1
		s22 += v * u2
		v = int64(e[2])
		s30 += v * u0
		s31 += v * u1
		s32 += v * u2
	}
	for ; t < l; t++ {
		u0, u1, u2 := w[3*t], w[3*t+1], w[3*t+2]
		v := int64(x0[t])
		s00 += v * u0
		s01 += v * u1
		s02 += v * u2
		v = int64(x1[t])
		s10 += v * u0
		s11 += v * u1
		s12 += v * u2
		v = int64(x2[t])
		s20 += v * u0
		s21 += v * u1
		s22 += v * u2
		v = int64(x3[t])
		s30 += v * u0
		s31 += v * u1
		s32 += v * u2
	}
	s[0], s[1], s[2] = s00, s01, s02
	s[3], s[4], s[5] = s10, s11, s12
	s[6], s[7], s[8] = s20, s21, s22
	s[9], s[10], s[11] = s30, s31, s32
}
