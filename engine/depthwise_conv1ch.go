package engine

// A CONV_2D of one input channel is a DEPTHWISE_CONV_2D: its filter
// [C_out, FH, FW, 1] is the depthwise filter [1, FH, FW, C_out] of depth
// multiplier C_out, and output element (b, y, x, c) of both is
//
//	acc = Σ_{fy,fx; inside the input} (input[b, y·sh−PadH+fy·dh, x·sw−PadW+fx·dw, 0] + InputOffset)
//	                                  ·(filter_c[fy, fx] + FilterOffset)  + bias[c]
//	out = Output(acc, c)
//
// with the same per-channel multipliers, offsets, padding, strides,
// dilations and fused activation (the conv's ConvArith, whichever profile
// made it), in the same NHWC order. The first layers of the keyword and
// MNIST models (mnist_dscnn's 3×3 1→16) have this shape; with a 3×3 filter
// they run evalDepthwise (dw3x3Row1) instead of im2col and a matrix product
// of k = 9, when no accelerated kernels are installed: mnist_dscnn's first
// conv in Node's WebAssembly 199 → 126 µs (and then, with dw3x3Row1Q's
// packed multiplies and fused output stage, 181 → 120 µs on a busier
// machine). Larger filters stay on the
// matrix product, which amortizes its packing over k: the 10×4 and 8×10
// filters of the keyword models multiply at about 0.4 ns per MAC there,
// where the straight-line row kernel spends about 0.8 (measured at 3×3).

// conv1chDepthwise returns the depthwise convolution an int8 or uint8
// CONV_2D p of one input channel and a 3×3 filter equals (its ConvArith is
// the conv's, set at each run), with a constant filter transposed and
// widened once; nil for other convolutions.
func conv1chDepthwise(p *Conv2DParams, filter *Tensor) *DepthwiseConv2DParams {
	if (p.typ != Int8 && p.typ != Uint8) || p.InC != 1 || p.Groups != 1 || p.FilterH != 3 || p.FilterW != 3 {
		return nil
	}
	d := &DepthwiseConv2DParams{Window: p.Window, DepthMultiplier: p.OutC, Batches: p.Batches, InH: p.InH, InW: p.InW,
		InC: 1, OutH: p.OutH, OutW: p.OutW, OutC: p.OutC, in: p.in, filter: p.filter, bias: p.bias, out: p.out, typ: p.typ}
	if filter.Const {
		d.wide, d.wideSum = conv1chWiden(p.typ, filter.Data, p.OutC, p.FilterH*p.FilterW, p.FilterOffset)
		d.wide9 = dw3x3Weights(d.wide, p.OutC)
		d.packed9 = dw3x3PackedWeights(d.wide9, p.OutC)
	}
	d.rqc = &dwRQCache{}
	return d
}

// conv1chWiden is depthwiseWiden of the depthwise filter that the conv
// filter data [channels, taps] (int8, or uint8 with its filter offset
// added) transposes into: wide[t·channels + c] = filter[c·taps + t] +
// offset, and each channel's sum.
func conv1chWiden(typ DType, data []byte, channels, taps int, offset int32) (wide, sum []int32) {
	wide, sum = make([]int32, channels*taps), make([]int32, channels)
	for c := range channels {
		for t, b := range data[c*taps:][:taps] {
			v := int32(int8(b))
			if typ == Uint8 {
				v = int32(b) + offset
			}
			wide[t*channels+c] = v
			sum[c] += v
		}
	}
	return wide, sum
}

// dwRuns reports whether p runs as its depthwise convolution: when no
// accelerated kernels are installed and the input zero point is an int8
// value for evalDepthwise's padding. With the SIMD module evalGEMM's
// gemm_rq_s8 is faster: mnist_dscnn's first conv 41 µs, against 62 µs
// through the SIMD depthwise kernel (evalInt8Accel: the input repeated 16
// times, then dw_s8), Node, trace on.
func (p *Conv2DParams) dwRuns() bool {
	if conv1chOff || !gemmGo || gemmRequant != nil || depthwiseS8 != nil {
		return false
	}
	z := -p.InputOffset
	if p.typ == Uint8 {
		z -= 128
	}
	return z >= -128 && z <= 127
}

// evalDepthwise is eval for an int8 or uint8 CONV_2D of one input channel
// (dwRuns): evalRows1 of the depthwise convolution it equals, with the
// conv's ConvArith (uint8 operands mapped to int8 as evalInt8 maps them).
// The accumulators, hence the trace and the outputs, are evalGEMM's.
func (p *Conv2DParams) evalDepthwise(r *run, trace []int64) {
	d := *p.dw
	d.ConvArith = p.ConvArith // the profile's (XNNPACK's is set after prepareConv2D)
	w9, wsum := d.wide9, d.wideSum
	if w9 == nil { // a filter fed at run time
		var wide []int32
		wide, wsum = conv1chWiden(p.typ, r.vals[p.filter], p.OutC, p.FilterH*p.FilterW, p.FilterOffset)
		w9 = dw3x3Weights(wide, p.OutC)
	}
	in, off := r.i8(p.in), p.InputOffset
	if p.typ == Uint8 {
		in, off = signedInt8(nil, r.u8(p.in)), off+128
	}
	d.evalRows1(r, trace, in, off, w9, wsum)
}

// evalRows1 is evalInt8Rows for a 3×3 depthwise convolution of one input
// channel (depth multiplier C_out; also a CONV_2D of one input channel),
// on rows of the one input channel instead of rows with each value
// repeated C_out times: for each output row, the three input rows of its
// windows with the padding written as the input zero point z = −off (taps
// that add w·(z + off) = 0; z must be an int8), so that every window
// starts from bias + off·Σ w; dw3x3Row1 computes the row's accumulators
// (w9: dw3x3Weights, wsum: Σ w per channel), then come the trace and the
// profile's output stage. Without a trace, under FixedPointOutput and with
// every weight in [−255, 255], dw3x3Row1Q does both at once
// (depthwise_fused.go). in is the input as int8 (uint8 mapped, off 128
// higher).
func (p *DepthwiseConv2DParams) evalRows1(r *run, trace []int64, in []int8, off int32, w9, wsum []int32) {
	C := p.OutC
	cols := (p.OutW-1)*p.StrideW + (p.FilterW-1)*p.DilationW + 1 // input columns the windows span, from −PadW
	direct := p.PadW == 0 && cols <= p.InW                       // rows inside are read in place
	// Scratch: three built rows and one of padding; the accumulators of
	// an output row, then bias + off·Σ w.
	r.gs.patches = grow(r.gs.patches, 4*cols)
	bufs := r.gs.patches
	pad := bufs[3*cols:][:cols]
	dwFill(pad, int8(-off))
	r.gs.accs = grow(r.gs.accs, (p.OutW+1)*C)
	accs, full := r.gs.accs[:p.OutW*C], r.gs.accs[p.OutW*C:][:C]
	clear(full)
	if p.bias >= 0 {
		copy(full, r.i32(p.bias)[:C])
	}
	for c := range full {
		full[c] += off * wsum[c]
	}
	x0 := min(p.PadW, cols)               // padded columns on the left
	x1 := max(min(p.InW, cols-p.PadW), 0) // input columns used: [0, x1)
	out := r.i8(p.out)                    // uint8 outputs: the same bytes
	o := p.Output
	var rq *dwRQSet // the fused output stage, without a trace
	wp := p.packed9
	if trace == nil && !dwFusedOff {
		if rq = p.rqc.fusedOutput(o, C); rq != nil && wp == nil {
			wp = dw3x3PackedWeights(w9, C) // a filter fed at run time
		}
	}
	fused := rq != nil && wp != nil
	var rows [3][]int8
	i := 0
	for b := 0; b < p.Batches; b++ {
		for y := 0; y < p.OutH; y++ {
			for fy := range rows {
				iy := y*p.StrideH - p.PadH + fy*p.DilationH
				switch {
				case iy < 0 || iy >= p.InH:
					rows[fy] = pad
				case direct:
					rows[fy] = in[(b*p.InH+iy)*p.InW:][:p.InW]
				default:
					dst := bufs[fy*cols:][:cols]
					copy(dst[:x0], pad)
					copy(dst[x0:], in[(b*p.InH+iy)*p.InW:][:x1])
					copy(dst[x0+x1:], pad)
					rows[fy] = dst
				}
			}
			if fused {
				dw3x3Row1Q(out[i:][:p.OutW*C], rows[0], rows[1], rows[2], p.OutW, p.StrideW, p.DilationW, wp, full, rq)
				i += p.OutW * C
				continue
			}
			dw3x3Row1(accs, rows[0], rows[1], rows[2], p.OutW, p.StrideW, p.DilationW, w9, full)
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
}

// dw3x3Row1 is dw3x3Row for a depthwise convolution of one input channel
// (every output channel reads the same value): the accumulators of n
// output pixels of one output row, every tap inside r0, r1, r2,
//
//	acc[px·C + c] = full[c] + Σ_{fy,fx} w[9·c + fy·3 + fx] · r_fy[px·s + fx·d]
//
// with C = len(full), in wrapping int32 arithmetic, s the stride and d the
// dilation in values (w: dw3x3Weights). It mirrors TFLite's
// reference_integer_ops::DepthwiseConvPerChannel with depth multiplier C
// (equally ConvPerChannel of input depth 1), started from the bias and
// input_offset·Σ w as XNNPACK's 9-tap dwconv microkernels start theirs.
func dw3x3Row1(acc []int32, r0, r1, r2 []int8, n, s, d int, w, full []int32) {
	dw3x3Rows(acc, r0, r1, r2, n, s, d, 0, w, full)
}

// conv1chOff makes CONV_2D of one input channel run evalGEMM: tests compare
// the two.
var conv1chOff bool
