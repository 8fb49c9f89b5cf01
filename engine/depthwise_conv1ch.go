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
// they run evalInt8Rows (dw3x3Row) instead of im2col and a matrix product
// of k = 9, when no accelerated kernels are installed.

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
	}
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
// accelerated kernels are installed (with the SIMD module, evalGEMM's
// gemm_rq_s8 is faster) and the input zero point is an int8 value for
// evalInt8Rows' padding.
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
// (dwRuns): evalInt8Rows of the depthwise convolution it equals with the
// conv's ConvArith, uint8 operands mapped to int8 as evalInt8 maps them. The
// accumulators, hence the trace and the outputs, are evalGEMM's.
func (p *Conv2DParams) evalDepthwise(r *run, trace []int64) {
	d := *p.dw
	d.ConvArith = p.ConvArith // the profile's (XNNPACK's is set after prepareConv2D)
	if d.wide == nil {        // a filter fed at run time
		d.wide, d.wideSum = conv1chWiden(p.typ, r.vals[p.filter], p.OutC, p.FilterH*p.FilterW, p.FilterOffset)
	}
	in, off := r.i8(p.in), p.InputOffset
	if p.typ == Uint8 {
		in, off = signedInt8(nil, r.u8(p.in)), off+128
	}
	if !d.evalInt8Rows(r, trace, in, off, d.wide, d.wideSum) {
		panic("evalDepthwise: not a 3×3 filter with an int8 padding value")
	}
}

// conv1chOff makes CONV_2D of one input channel run evalGEMM: tests compare
// the two.
var conv1chOff bool
