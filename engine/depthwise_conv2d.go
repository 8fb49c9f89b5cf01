package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// DepthwiseConv2DParams are DEPTHWISE_CONV_2D's prepared parameters.
//
// Mirrors TFLite's reference kernels reference/integer_ops/depthwise_conv.h
// (DepthwiseConvPerChannel: int8, and int16 activations with int8 filters
// and int64 bias), reference/depthwiseconv_float.h and
// reference/depthwiseconv_uint8.h, with the parameters derived like TFLite
// Micro's depthwise_conv_common.cc. Input [N,H,W,C], filter
// [1,FH,FW,C·m] (m = DepthMultiplier), output [N,OH,OW,C·m]; output channel
// c = i·m + k reads input channel i only. For output element (b, y, x, c):
//
//	acc = Σ_{fy,fx; inside the input} (input[b, y·sh−PadH+fy·dh, x·sw−PadW+fx·dw, c/m] + InputOffset)
//	                                  ·(filter[0,fy,fx,c] + FilterOffset)  + bias[c]
//	out = Output(acc, c)
//
// with the profile's output stage (see FullyConnectedParams). Taps outside
// the input (padding) are skipped. TFLite's uint8 kernels requantize with
// double rounding in every build (the reference's kAwayFromZero); XNNPACK's
// QU8 node in float32.
type DepthwiseConv2DParams struct {
	Window
	DepthMultiplier int `json:"depth_multiplier"`
	ConvArith
	// AllPadding: see Conv2DParams.
	AllPadding bool `json:"xnnpack_all_padding,omitempty"`

	Batches int `json:"batches"`
	InH     int `json:"input_height"`
	InW     int `json:"input_width"`
	InC     int `json:"input_depth"`
	OutH    int `json:"output_height"`
	OutW    int `json:"output_width"`
	OutC    int `json:"output_depth"`

	in, filter, bias, out int // tensor indices; bias −1 if absent
	typ                   DType
	wide                  []int32       // int8, uint8: a constant filter widened once (depthwiseWiden), or nil
	wideSum               []int32       // Σ over the taps of wide, per output channel
	signedW               []int8        // uint8: a constant filter mapped by signedInt8, for evalInt8Accel
	wide9                 []int32       // a constant 3×3 filter's wide channel by channel (dw3x3Weights), for evalInt8Rows
	grouped               *gemmWeights  // one input channel, several output channels, int8 or uint8, constant filter: see evalGrouped
	packed9               []int64       // one input channel: wide9 three channels to an int64 (dw3x3PackedWeights), for dw3x3Row1Q
	rqc                   *dwRQCache    // the fused output stage of the 3×3 row kernels (depthwise_fused.go)
	accelRQ               *dwAccelCache // the SIMD kernel's fused output stage (depthwise_accel.go)
}

func init() { register(tflite.BuiltinOperatorDEPTHWISE_CONV_2D, prepareDepthwiseConv2D) }

func prepareDepthwiseConv2D(c *prepCtx) (kernel, error) {
	if err := c.io(2, 3, 1); err != nil {
		return nil, err
	}
	in, filter, bias, out := c.in(0), c.in(1), c.in(2), c.out(0)
	o, _ := c.op.Options.(*tflite.DepthwiseConv2DOptionsT)
	if o == nil {
		return nil, c.errorf("has no DepthwiseConv2DOptions")
	}
	if err := c.rank4(in, filter, out); err != nil {
		return nil, err
	}
	p := &DepthwiseConv2DParams{Batches: in.Shape[0], InH: in.Shape[1], InW: in.Shape[2], InC: in.Shape[3],
		OutC: filter.Shape[3], in: in.Index, filter: filter.Index, bias: -1, out: out.Index, typ: in.Type}
	if filter.Shape[0] != 1 {
		return nil, c.errorf("filter tensor %d has shape %v; want [1, height, width, channels]", filter.Index, filter.Shape)
	}
	if p.InC <= 0 || p.OutC%p.InC != 0 {
		return nil, c.errorf("filter has %d channels, not a multiple of the input depth %d", p.OutC, p.InC)
	}
	p.DepthMultiplier = p.OutC / p.InC
	if dm := int(o.DepthMultiplier); dm != 0 && dm != p.DepthMultiplier {
		return nil, c.errorf("depth_multiplier %d disagrees with the shapes: input depth %d, filter channels %d", dm, p.InC, p.OutC)
	}
	var err error
	if p.Window, p.OutH, p.OutW, err = c.window(o.Padding, o.StrideH, o.StrideW, o.DilationHFactor, o.DilationWFactor,
		p.InH, p.InW, filter.Shape[1], filter.Shape[2]); err != nil {
		return nil, err
	}
	if err := c.sameShape(out, []int{p.Batches, p.OutH, p.OutW, p.OutC}); err != nil {
		return nil, err
	}
	if in.Type == Float32 && filter.Type == Int8 && out.Type == Float32 { // hybrid
		return prepareDepthwiseConv2DHybrid(c, p, o)
	}
	qc := *c
	if in.Type == Uint8 {
		qc.rounding = RoundDouble // DepthwiseConvRound<kAwayFromZero> in every build
	}
	if p.ConvArith, err = qc.convArith(in, filter, out, 3, p.OutC, o.FusedActivationFunction); err != nil {
		return nil, err
	}
	if bias != nil {
		p.bias = bias.Index
		if _, err := c.convBias(bias, in.Type, p.OutC, Int64); err != nil {
			return nil, err
		}
	}
	if (in.Type == Int8 || in.Type == Uint8) && filter.Const && p.InC == 1 && p.OutC > 1 {
		p.grouped = depthwiseGroupedWeights(in.Type, filter.Data, p.OutC, p.FilterH*p.FilterW)
	}
	switch {
	case p.grouped != nil && (p.FilterH != 3 || p.FilterW != 3): // evalGrouped only
	case in.Type == Int8 && filter.Const:
		p.wide, p.wideSum = depthwiseWiden(AsInt8(filter.Data), p.OutC)
	case in.Type == Uint8 && filter.Const:
		p.wide, p.wideSum = depthwiseWiden(filter.Data, p.OutC, p.FilterOffset)
		p.signedW = signedInt8(nil, filter.Data)
	}
	if p.wide != nil && p.FilterH == 3 && p.FilterW == 3 {
		p.wide9 = dw3x3Weights(p.wide, p.OutC)
		if p.InC == 1 {
			p.packed9 = dw3x3PackedWeights(p.wide9, p.OutC)
		}
	}
	p.rqc, p.accelRQ = &dwRQCache{}, &dwAccelCache{}
	return p, nil
}

func (p *DepthwiseConv2DParams) macs() int64 {
	return int64(p.Batches*p.OutH*p.OutW*p.OutC) * int64(p.FilterH*p.FilterW)
}

func (p *DepthwiseConv2DParams) eval(r *run, op *Op) error {
	var acc []int64
	if p.typ != Float32 {
		acc = r.traceAcc(op, p.Batches*p.OutH*p.OutW*p.OutC)
	}
	switch {
	case p.typ == Float32:
		p.evalFloat(r)
	case p.AllPadding:
		evalAllPadding(r, p.bias, p.out, p.OutC, p.Output, acc)
	case p.grouped != nil && (p.wide9 == nil || p.accelerated()):
		p.evalGrouped(r, acc)
	case p.typ == Int8, p.typ == Uint8:
		p.evalInt8(r, acc)
	default:
		p.evalGeneric(r, acc)
	}
	return nil
}

// depthwiseGroupedWeights is a constant depthwise filter [1,FH,FW,channels]
// (int8, or uint8 mapped by signedInt8) transposed into the filter of the
// CONV_2D it equals, [channels,FH,FW,1], with its row sums: the weights of
// evalGrouped's matrix products.
func depthwiseGroupedWeights(typ DType, data []byte, channels, taps int) *gemmWeights {
	w := gemmOperand(typ, data, nil)
	t := make([]int8, len(w))
	for tap := 0; tap < taps; tap++ {
		for c, v := range w[tap*channels:][:channels] {
			t[c*taps+tap] = v
		}
	}
	return &gemmWeights{w: t, sum: rowSums(channels, taps, t, nil)}
}

// evalGrouped computes a depthwise convolution of one input channel with
// depth multiplier m > 1 (micro_speech's 1→8) as the CONV_2D it equals, of
// filter depth 1 and m output channels, as Conv2DParams.evalGEMM does: per
// block of pixels, im2col (im2colS8One when installed) and one matrix
// product (gemm: gemmPacked, or the SIMD gemm_s8), K = FH·FW taps per row,
// the offsets applied through precomputed sums (offsetGEMM), then the same
// output stage; int8 operands without a trace add bias + InputOffset·Σw in
// the output stage (requantizeRows' add). The integer sums are the
// reference's, so the result is identical. (With more input channels it
// would be one group, one short product, per input channel: measured 3×
// slower than evalInt8 at 16 channels × 2, so those stay there. A 3×3
// filter runs evalInt8Rows instead unless the accelerated kernels are
// installed: 1.2–1.7× faster than these products of k = 9 in Go's
// WebAssembly output at 8 and 16 output channels, 1.0–1.35× natively.)
func (p *DepthwiseConv2DParams) evalGrouped(r *run, trace []int64) {
	C, k := p.OutC, p.FilterH*p.FilterW
	cp := Conv2DParams{Window: p.Window, ConvArith: p.ConvArith, Batches: p.Batches, InH: p.InH, InW: p.InW, InC: 1,
		FilterC: 1, Groups: 1, OutH: p.OutH, OutW: p.OutW, OutC: C}
	in := gemmOperand(p.typ, r.vals[p.in], nil)
	ia, ib := gemmOffsets(p.typ, p.InputOffset, p.FilterOffset)
	var bias []int32
	if p.bias >= 0 {
		bias = r.i32(p.bias)[:C]
	}
	add := gemmColAdd(k, ia, ib, p.grouped.sum, bias)
	pixels := p.Batches * p.OutH * p.OutW
	// Blocks of patches of about 4 KiB (a quarter of gemmBlock's): the
	// scratch stays small beside these models' tensors (TestRunMemory).
	block := min(pixels, max(16, min((4<<10)/max(k, 1), (1<<10)/max(C, 1))))
	gs := &r.gs
	gs.patches = grow(gs.patches, block*k)
	gs.accs = grow(gs.accs, block*C)
	patches, accs := gs.patches, gs.accs
	out := r.i8(p.out) // uint8 outputs: the same bytes
	for p0 := 0; p0 < pixels; p0 += block {
		mb := min(block, pixels-p0)
		if im2colS8One != nil {
			im2colS8One(p, in, int8(-ia), p0, mb, patches)
		} else {
			cp.im2col(patches, in, p0, mb, 0, int8(-ia))
		}
		acc := accs[:mb*C]
		if ib == 0 && trace == nil {
			gemm(mb, C, k, patches, p.grouped.w, acc)
			requantizeRows(p.Output, acc, add, C, out[p0*C:])
			continue
		}
		gs.rows = offsetGEMM(mb, C, k, patches, p.grouped.w, ib, add, acc, gs.rows)
		if trace != nil {
			for i, a := range acc {
				trace[p0*C+i] = int64(a)
			}
		}
		requantizeRows(p.Output, acc, nil, C, out[p0*C:])
	}
}

// evalGeneric computes int16 outputs (int8 filters, int64 accumulators)
// element by element.
func (p *DepthwiseConv2DParams) evalGeneric(r *run, acc []int64) {
	var bias []int64
	if p.bias >= 0 {
		bias = int64Values(r.m.Tensors[p.bias].Type, r.vals[p.bias])
	}
	w8, in16, out16 := r.i8(p.filter), r.i16(p.in), r.i16(p.out)
	for i := range p.Batches * p.OutH * p.OutW * p.OutC {
		b, y, x, c := nhwc(i, p.OutH, p.OutW, p.OutC)
		a := depthwiseDot(p, in16, w8, b, y, x, c)
		if bias != nil {
			a += bias[c]
		}
		if acc != nil {
			acc[i] = a
		}
		out16[i] = int16(p.Output.requantize64(a, c))
	}
}

// taps calls f with the offsets, into the input and the filter, of the
// values output element (b, y, x, c) multiplies, for each tap inside the
// input, in filter order.
func (p *DepthwiseConv2DParams) taps(b, y, x, c int, f func(in, w int)) {
	ic := c / p.DepthMultiplier
	p.insideTaps(y, x, p.InH, p.InW, func(fy, fx, iy, ix int) {
		f(((b*p.InH+iy)*p.InW+ix)*p.InC+ic, (fy*p.FilterW+fx)*p.OutC+c)
	})
}

// depthwiseDot is one output element's Σ (input + InputOffset)·(filter +
// FilterOffset) over the taps inside the input, in int64.
func depthwiseDot[X int8 | uint8 | int16, W int8 | uint8](p *DepthwiseConv2DParams, in []X, w []W, b, y, x, c int) int64 {
	var a int64
	xoff, woff := int64(p.InputOffset), int64(p.FilterOffset)
	p.taps(b, y, x, c, func(io, wo int) {
		a += (int64(in[io]) + xoff) * (int64(w[wo]) + woff)
	})
	return a
}

// evalFloat is reference_ops::DepthwiseConv for float: products summed in
// filter order, each rounded to float32, then the bias added.
func (p *DepthwiseConv2DParams) evalFloat(r *run) {
	in, w, out := r.f32(p.in), r.f32(p.filter), r.f32(p.out)
	var bias []float32
	if p.bias >= 0 {
		bias = r.f32(p.bias)
	}
	for i := range out {
		b, y, x, c := nhwc(i, p.OutH, p.OutW, p.OutC)
		var total float32
		p.taps(b, y, x, c, func(io, wo int) { total += float32(in[io] * w[wo]) })
		var bv float32
		if bias != nil {
			bv = bias[c]
		}
		out[i] = clampF(total+bv, p.FloatMin, p.FloatMax)
	}
}

// depthwiseWiden returns the int8 or uint8 filter [1,FH,FW,channels] as
// int32 plus the filter offset (uint8; at most one given, 0 without) and
// the sum of each channel's taps.
func depthwiseWiden[W int8 | uint8](w []W, channels int, offset ...int32) (wide, sum []int32) {
	wide, sum = make([]int32, len(w)), make([]int32, channels)
	var off int32
	if len(offset) > 0 {
		off = offset[0]
	}
	for i, v := range w {
		wide[i] = int32(v) + off
		sum[i%channels] += wide[i]
	}
	return wide, sum
}

// evalInt8 is DepthwiseConvPerChannel for int8 (and reference_ops'
// uint8 DepthwiseConv: its input mapped to int8 by signedInt8 with the
// offset 128 higher, its filter widened with the filter offset added),
// arranged for speed with the same integer result in wrapping int32
// arithmetic. Per output pixel the
// accumulators of all channels start together and each filter row's taps
// inside the input are added in one pass over the channels (depthwiseRun),
// innermost over contiguous memory with the filter widened at Prepare (with
// a depth multiplier m > 1, the window's input rows are first copied with
// each value repeated m times, so channel c reads input channel c/m). A
// window wholly inside the input starts from bias + InputOffset·Σ filter
// and adds filter·input; one that overlaps the padding starts from the
// bias and adds filter·(input + InputOffset) over its inside taps.
func (p *DepthwiseConv2DParams) evalInt8(r *run, trace []int64) {
	if p.accelerated() {
		p.evalInt8Accel(r, trace) // depthwise_accel.go
		return
	}
	in, out := r.i8(p.in), r.i8(p.out) // uint8 outputs: the same bytes
	C, dm, off := p.OutC, p.DepthMultiplier, p.InputOffset
	if p.typ == Uint8 {
		in, off = signedInt8(nil, r.u8(p.in)), off+128
	}
	w, wsum := p.wide, p.wideSum
	switch {
	case w != nil:
	case p.typ == Uint8:
		w, wsum = depthwiseWiden(r.u8(p.filter), C, p.FilterOffset)
	default:
		w, wsum = depthwiseWiden(r.i8(p.filter), C)
	}
	if !dwRowsOff && p.evalInt8Rows(r, trace, in, off, w, wsum) { // depthwise_rows.go
		return
	}
	start := make([]int32, 2*C) // windows inside: bias + off·Σ w; others: bias
	full0, part0 := start[:C], start[C:]
	for c := range full0 {
		if p.bias >= 0 {
			part0[c] = r.i32(p.bias)[c]
		}
		full0[c] = part0[c] + off*wsum[c]
	}
	r.gs.accs = grow(r.gs.accs, C)
	accs := r.gs.accs
	var wide []int8 // depth multiplier > 1: the window's input rows, each value repeated dm times
	if dm > 1 {
		r.gs.patches = grow(r.gs.patches, p.FilterH*p.InW*C)
		wide = r.gs.patches
	}
	rows := make([][]int8, p.FilterH) // input row fy of the window, C values per pixel
	o := p.Output
	i := 0
	for b := 0; b < p.Batches; b++ {
		for y := 0; y < p.OutH; y++ {
			iy0 := y*p.StrideH - p.PadH
			fy0, fy1 := insideRange(iy0, p.DilationH, p.FilterH, p.InH)
			for fy := range rows {
				var src []int8
				if fy >= fy0 && fy < fy1 {
					src = in[(b*p.InH+iy0+fy*p.DilationH)*p.InW*p.InC:][:p.InW*p.InC]
				}
				if dm > 1 && src != nil {
					dst := wide[fy*p.InW*C:][:p.InW*C]
					for j, v := range src {
						fillInt8(dst[j*dm:][:dm], v)
					}
					src = dst
				}
				rows[fy] = src
			}
			for x := 0; x < p.OutW; x++ {
				ix0 := x*p.StrideW - p.PadW
				fx0, fx1 := insideRange(ix0, p.DilationW, p.FilterW, p.InW)
				xoff := off
				if fy0 == 0 && fy1 == p.FilterH && fx0 == 0 && fx1 == p.FilterW {
					copy(accs, full0)
					xoff = 0
				} else {
					copy(accs, part0)
				}
				for fy := fy0; fy < fy1 && fx0 < fx1; fy++ {
					wrow := w[fy*p.FilterW*C:]
					if p.DilationW == 1 {
						depthwiseRun(accs, rows[fy][(ix0+fx0)*C:][:(fx1-fx0)*C], wrow[fx0*C:fx1*C], xoff)
						continue
					}
					for fx := fx0; fx < fx1; fx++ {
						depthwiseRun(accs, rows[fy][(ix0+fx*p.DilationW)*C:][:C], wrow[fx*C:][:C], xoff)
					}
				}
				if trace != nil {
					for c, a := range accs {
						trace[i+c] = int64(a)
					}
				}
				o.requantizeInt8(accs, out[i:i+C])
				i += C
			}
		}
	}
}

// depthwiseRun adds Σ_t w[t·C + c]·(x[t·C + c] + off) to acc[c] for the
// len(x)/C taps of a filter row (C = len(acc)), up to three taps per pass.
func depthwiseRun(acc []int32, x []int8, w []int32, off int32) {
	n := len(acc)
	taps := len(x) / n
	w = w[:len(x)]
	t := 0
	for ; t+3 <= taps && off == 0; t += 3 { // windows wholly inside the input
		x0, x1, x2 := x[t*n:][:n], x[(t+1)*n:][:n], x[(t+2)*n:][:n]
		w0, w1, w2 := w[t*n:][:n], w[(t+1)*n:][:n], w[(t+2)*n:][:n]
		for c := range acc {
			acc[c] += w0[c]*int32(x0[c]) + w1[c]*int32(x1[c]) + w2[c]*int32(x2[c])
		}
	}
	for ; t+3 <= taps; t += 3 {
		x0, x1, x2 := x[t*n:][:n], x[(t+1)*n:][:n], x[(t+2)*n:][:n]
		w0, w1, w2 := w[t*n:][:n], w[(t+1)*n:][:n], w[(t+2)*n:][:n]
		for c := range acc {
			acc[c] += w0[c]*(int32(x0[c])+off) + w1[c]*(int32(x1[c])+off) + w2[c]*(int32(x2[c])+off)
		}
	}
	for ; t < taps; t++ {
		x0, w0 := x[t*n:][:n], w[t*n:][:n]
		for c := range acc {
			acc[c] += w0[c] * (int32(x0[c]) + off)
		}
	}
}

func (p *DepthwiseConv2DParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if p.typ == Float32 {
		return floatResult(res, op, index, fmt.Sprintf("Σ over the filter window of input·filter in order, each product and sum rounded to float32, + bias[%d], clamped to [%g, %g]", index%p.OutC, p.FloatMin, p.FloatMax)), nil
	}
	b, y, x, c := nhwc(index, p.OutH, p.OutW, p.OutC)
	e := &Explanation{TermsTotal: p.FilterH * p.FilterW, TermInput: p.in, TermFilter: p.filter}
	var sum int64
	iy0, ix0 := y*p.StrideH-p.PadH, x*p.StrideW-p.PadW
	for fy := 0; fy < p.FilterH; fy++ {
		for fx := 0; fx < p.FilterW; fx++ {
			iy, ix := iy0+fy*p.DilationH, ix0+fx*p.DilationW
			t := Term{InputIndex: -1, InputOffset: p.InputOffset, FilterOffset: p.FilterOffset,
				FilterIndex: (fy*p.FilterW+fx)*p.OutC + c}
			t.Filter = int32(res.intAt(p.filter, t.FilterIndex))
			if iy >= 0 && iy < p.InH && ix >= 0 && ix < p.InW {
				t.InputIndex = ((b*p.InH+iy)*p.InW+ix)*p.InC + c/p.DepthMultiplier
				t.Input = int32(res.intAt(p.in, t.InputIndex))
				t.Product = int64(t.Input+t.InputOffset) * int64(t.Filter+t.FilterOffset)
			}
			sum += t.Product
			if len(e.Terms) < res.termLimit() {
				e.Terms = append(e.Terms, t)
			}
		}
	}
	var bias int64
	if p.bias >= 0 {
		bias = res.intAt(p.bias, c)
	}
	if _, fixed := p.Output.(*FixedPointOutput); fixed && p.typ == Uint8 {
		e.Arithmetic = p.Output.arithmetic() + " (uint8 DEPTHWISE_CONV_2D always rounds twice)"
	}
	explainConvOutput(e, p.Output, sum, bias, c, p.typ == Int16, p.AllPadding)
	return e, nil
}
