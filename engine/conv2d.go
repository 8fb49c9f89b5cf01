package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// Conv2DParams are CONV_2D's prepared parameters.
//
// Mirrors TFLite's reference kernels reference/integer_ops/conv.h
// (ConvPerChannel: int8, and int16 activations with int8 filters, "16x8")
// and reference/conv.h (float, uint8), with the parameters derived like
// TFLite Micro's conv_common.cc (ComputePaddingHeightWidth,
// PopulateConvolutionQuantizationParams). Input [N,H,W,C], filter
// [C_out,FH,FW,C_f], output [N,OH,OW,C_out]; output channel c reads the
// C_f input channels of its group g = c / (C_out/groups). For output
// element (b, y, x, c):
//
//	acc = Σ_{fy,fx,i; inside the input} (input[b, y·sh−PadH+fy·dh, x·sw−PadW+fx·dw, g·C_f+i] + InputOffset)
//	                                    ·(filter[c,fy,fx,i] + FilterOffset)  + bias[c]
//	out = Output(acc, c)
//
// with the profile's output stage (see FullyConnectedParams). Taps outside
// the input (padding) are skipped. int8 and int16 filters are
// symmetric (FilterOffset 0); int16 tensors have zero point 0, and their
// accumulator is int64 when the bias is int64 (int32 otherwise).
type Conv2DParams struct {
	Window
	ConvArith
	// AllPadding is XNNPACK's TensorFlow-SAME padding quirk
	// (xnnSamePaddingWraps): every tap reads the padding, so every
	// accumulator is the bias.
	AllPadding bool `json:"xnnpack_all_padding,omitempty"`

	Batches int  `json:"batches"`
	InH     int  `json:"input_height"`
	InW     int  `json:"input_width"`
	InC     int  `json:"input_depth"`
	FilterC int  `json:"filter_depth"` // input channels per group
	Groups  int  `json:"groups"`
	OutH    int  `json:"output_height"`
	OutW    int  `json:"output_width"`
	OutC    int  `json:"output_depth"`
	Wide    bool `json:"int64_accumulator,omitempty"`

	in, filter, bias, out int // tensor indices; bias −1 if absent
	typ                   DType
	weights               *gemmWeights // int8 and uint8: a constant filter prepared for offsetGEMM, or nil
	adds                  colAdds      // evalGEMM's gemmColAdd values per group
	rqTable               simdTable    // requantTable(Output), for gemmRequant

	// dw is the depthwise convolution that a convolution of one input
	// channel equals (depthwise_conv1ch.go), or nil.
	dw *DepthwiseConv2DParams
}

func init() { register(tflite.BuiltinOperatorCONV_2D, prepareConv2D) }

func prepareConv2D(c *prepCtx) (kernel, error) {
	if err := c.io(2, 3, 1); err != nil {
		return nil, err
	}
	in, filter, bias, out := c.in(0), c.in(1), c.in(2), c.out(0)
	o, _ := c.op.Options.(*tflite.Conv2DOptionsT)
	if o == nil {
		return nil, c.errorf("has no Conv2DOptions")
	}
	if err := c.rank4(in, filter, out); err != nil {
		return nil, err
	}
	p := &Conv2DParams{Batches: in.Shape[0], InH: in.Shape[1], InW: in.Shape[2], InC: in.Shape[3],
		FilterC: filter.Shape[3], OutC: filter.Shape[0],
		in: in.Index, filter: filter.Index, bias: -1, out: out.Index, typ: in.Type}
	if p.FilterC <= 0 || p.InC%p.FilterC != 0 {
		return nil, c.errorf("input depth %d is not a multiple of the filter depth %d", p.InC, p.FilterC)
	}
	p.Groups = p.InC / p.FilterC
	if p.OutC%p.Groups != 0 {
		return nil, c.errorf("%d output channels do not divide into %d groups", p.OutC, p.Groups)
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
		return prepareConv2DHybrid(c, p, o)
	}
	if p.ConvArith, err = c.convArith(in, filter, out, 0, p.OutC, o.FusedActivationFunction); err != nil {
		return nil, err
	}
	if bias != nil {
		p.bias = bias.Index
		if p.Wide, err = c.convBias(bias, in.Type, p.OutC, Int32, Int64); err != nil {
			return nil, err
		}
	}
	if (in.Type == Int8 || in.Type == Uint8) && filter.Const {
		p.weights = c.m.gemmWeightsOf(filter, p.OutC, p.FilterH*p.FilterW*p.FilterC)
	}
	p.dw = conv1chDepthwise(p, filter) // depthwise_conv1ch.go
	return p, nil
}

func (p *Conv2DParams) macs() int64 {
	return int64(p.Batches*p.OutH*p.OutW*p.OutC) * int64(p.FilterH*p.FilterW*p.FilterC)
}

// perGroup is the number of output channels in a group.
func (p *Conv2DParams) perGroup() int { return p.OutC / p.Groups }

func (p *Conv2DParams) eval(r *run, op *Op) error {
	var acc []int64
	if p.typ != Float32 {
		acc = r.traceAcc(op, p.Batches*p.OutH*p.OutW*p.OutC)
	}
	switch {
	case p.typ == Float32:
		p.evalFloat(r)
	case p.AllPadding:
		evalAllPadding(r, p.bias, p.out, p.OutC, p.Output, acc)
	case p.dw != nil && p.dwRuns(): // depthwise_conv1ch.go
		p.evalDepthwise(r, acc)
	case p.typ == Int8, p.typ == Uint8:
		p.evalGEMM(r, acc)
	case p.typ == Int16:
		p.evalGeneric(r, acc, func(i int, a int64, c int) {
			if p.Wide {
				r.i16(p.out)[i] = int16(p.Output.requantize64(a, c))
			} else {
				r.i16(p.out)[i] = int16(p.Output.requantize(int32(a), c))
			}
		})
	}
	return nil
}

// evalGeneric computes every accumulator with convDot (int16) and
// hands it, with the bias added, to store.
func (p *Conv2DParams) evalGeneric(r *run, acc []int64, store func(i int, a int64, c int)) {
	var bias []int64
	if p.bias >= 0 {
		bias = int64Values(r.m.Tensors[p.bias].Type, r.vals[p.bias])
	}
	w8, in16 := r.u8(p.filter), r.i16(p.in)
	for i := range p.Batches * p.OutH * p.OutW * p.OutC {
		b, y, x, c := nhwc(i, p.OutH, p.OutW, p.OutC)
		a := convDot(p, in16, AsInt8(w8), b, y, x, c)
		if bias != nil {
			a += bias[c]
		}
		if !p.Wide {
			a = int64(int32(a)) // the reference's int32 accumulator wraps
		}
		if acc != nil {
			acc[i] = a
		}
		store(i, a, c)
	}
}

// taps calls f with the offsets, into the input and the filter, of the
// FilterC-long runs that output element (b, y, x, c) multiplies, for each
// tap inside the input, in filter order.
func (p *Conv2DParams) taps(b, y, x, c int, f func(in, w int)) {
	g := c / p.perGroup()
	p.insideTaps(y, x, p.InH, p.InW, func(fy, fx, iy, ix int) {
		f(((b*p.InH+iy)*p.InW+ix)*p.InC+g*p.FilterC, ((c*p.FilterH+fy)*p.FilterW+fx)*p.FilterC)
	})
}

// convDot is one output element's Σ (input + InputOffset)·(filter +
// FilterOffset) over the taps inside the input, in int64.
func convDot[X int8 | uint8 | int16, W int8 | uint8](p *Conv2DParams, in []X, w []W, b, y, x, c int) int64 {
	var a int64
	xoff, woff := int64(p.InputOffset), int64(p.FilterOffset)
	p.taps(b, y, x, c, func(io, wo int) {
		xs := in[io:][:p.FilterC]
		ws := w[wo:][:len(xs)]
		for i, v := range xs {
			a += (int64(v) + xoff) * (int64(ws[i]) + woff)
		}
	})
	return a
}

// evalFloat is reference_ops::Conv for float: the products are summed in
// filter order (fy, fx, i), each rounded to float32, then the bias added.
func (p *Conv2DParams) evalFloat(r *run) {
	in, w, out := r.f32(p.in), r.f32(p.filter), r.f32(p.out)
	var bias []float32
	if p.bias >= 0 {
		bias = r.f32(p.bias)
	}
	for i := range out {
		b, y, x, c := nhwc(i, p.OutH, p.OutW, p.OutC)
		var total float32
		p.taps(b, y, x, c, func(io, wo int) {
			xs := in[io:][:p.FilterC]
			ws := w[wo:][:len(xs)]
			for k, v := range xs {
				total += float32(v * ws[k])
			}
		})
		var bv float32
		if bias != nil {
			bv = bias[c]
		}
		out[i] = clampF(total+bv, p.FloatMin, p.FloatMax)
	}
}

// evalGEMM is ConvPerChannel (int8) and reference_ops::Conv (uint8)
// arranged as a matrix product with the same integer result: im2col packs
// the input patch of each output pixel into a row (taps in the padding get
// the value that the input offset brings to zero, so they add nothing),
// and offsetGEMM multiplies the rows by the filter's, one group at a time,
// applying the offsets through precomputed sums. Pixels go in blocks of
// gemmBlock's size. A 1×1 convolution with stride 1 and one group
// multiplies the input itself.
func (p *Conv2DParams) evalGEMM(r *run, trace []int64) {
	k := p.FilterH * p.FilterW * p.FilterC
	in := gemmOperand(p.typ, r.vals[p.in], nil)
	ws := p.weights
	if ws == nil {
		w := gemmOperand(p.typ, r.vals[p.filter], nil)
		ws = &gemmWeights{w: w, sum: rowSums(p.OutC, k, w, nil)}
	}
	ia, ib := gemmOffsets(p.typ, p.InputOffset, p.FilterOffset)
	var bias []int32
	if p.bias >= 0 {
		bias = r.i32(p.bias)[:p.OutC]
	}
	perGroup := p.perGroup()
	adds := p.adds.get(r.constAdds(p.weights, p.bias), func() [][]int32 {
		adds := make([][]int32, p.Groups)
		for g := range adds {
			var gb []int32
			if bias != nil {
				gb = bias[g*perGroup:][:perGroup]
			}
			adds[g] = gemmColAdd(k, ia, ib, ws.sum[g*perGroup:][:perGroup], gb)
		}
		return adds
	})
	pixels := p.Batches * p.OutH * p.OutW
	direct := p.FilterH == 1 && p.FilterW == 1 && p.StrideH == 1 && p.StrideW == 1 &&
		p.PadH == 0 && p.PadW == 0 && p.Groups == 1 && p.OutH == p.InH && p.OutW == p.InW
	// The constant weights packed for gemmTri, not for eight channels or fewer
	// (a third or more of its lanes would idle) nor fewer than four pixels
	// (it multiplies four at a time).
	var tri, tri8 []int64
	if gemmRequant == nil && gemmGo && p.Groups == 1 && p.weights != nil && p.OutC > 8 && pixels >= 4 && !gemmTriOff {
		tri = p.weights.triples(p.OutC, k)
	}
	// Seven or eight channels with k in one chunk: gemmTri8's three triples per step.
	if gemmRequant == nil && gemmGo && p.Groups == 1 && p.weights != nil && p.OutC >= tri8MinN && p.OutC <= 8 && k <= triChunk127 && pixels >= 4 && !gemmTriOff {
		tri8 = p.weights.triples8(p.OutC, k)
	}
	if p.convTri8Runs(tri8) { // conv2d_tri8.go: straight from the input, no im2col
		p.evalTri8(r, trace, tri8, adds[0])
		return
	}
	// Untraced, k in one chunk and the reference profiles' double rounding:
	// gemmTriOut stores the output bytes (no accumulators in memory).
	fused := trace == nil && tri != nil && k <= p.weights.triK && !gemmTriOutOff && triOutOf(p.Output, p.OutC, &r.gs.out)
	block := gemmBlock(pixels, k, p.OutC)
	if (tri != nil || tri8 != nil) && block < pixels {
		block = max(4, block&^3) // whole blocks of four pixels for gemmTri
	}
	gs := &r.gs
	var patches []int8
	if !direct {
		gs.patches = grow(gs.patches, block*k)
		patches = gs.patches
	}
	gs.accs = grow(gs.accs, block*p.OutC)
	accs, rows := gs.accs, gs.rows
	defer func() { gs.rows = rows }()
	var tmp []int32
	if p.Groups > 1 {
		gs.tmp = grow(gs.tmp, block*perGroup)
		tmp = gs.tmp
	}
	out := r.i8(p.out) // uint8 outputs: the same bytes
	var rq []int32
	if gemmRequant != nil {
		rq = p.rqTable.get(p.Output, p.OutC)
	}
	for p0 := 0; p0 < pixels; p0 += block {
		mb := min(block, pixels-p0)
		for g := 0; g < p.Groups; g++ {
			a := patches
			if direct {
				a = in[p0*k:]
			} else {
				if im2colAccel != nil {
					im2colAccel(p, patches, in, p0, mb, g, int8(-ia))
				} else {
					p.im2col(patches, in, p0, mb, g, int8(-ia))
				}
			}
			w := ws.w[g*perGroup*k:][:perGroup*k]
			if rq != nil { // the product and the output stage in one call
				acc := accs
				if p.Groups > 1 {
					acc = tmp
				}
				gemmRequant(mb, perGroup, k, a, w, acc, adds[g], ib, out[p0*p.OutC+g*perGroup:], p.OutC, rq, g*perGroup)
				if p.Groups > 1 && trace != nil {
					for i := 0; i < mb; i++ {
						copy(accs[i*p.OutC+g*perGroup:][:perGroup], tmp[i*perGroup:][:perGroup])
					}
				}
				continue
			}
			if p.Groups == 1 {
				if tri != nil || tri8 != nil {
					ts := triScratch{rows: rows, quad: gs.quad, tail: gs.tail}
					if fused { // the output stage too: gemm_tri_requant.go
						gemmTriOut(mb, p.OutC, k, a, tri, ib, adds[g], out[p0*p.OutC:][:mb*p.OutC], &ts, &gs.out)
					} else if tri8 != nil {
						gemmTri8(mb, p.OutC, k, a, tri8, ib, adds[g], accs, &ts)
					} else {
						gemmTriChunk(mb, p.OutC, k, a, tri, p.weights.triK, ib, adds[g], accs, &ts)
					}
					rows, gs.quad, gs.tail = ts.rows, ts.quad, ts.tail
					continue
				}
				rows = offsetGEMM(mb, p.OutC, k, a, w, ib, adds[g], accs, rows)
				continue
			}
			rows = offsetGEMM(mb, perGroup, k, a, w, ib, adds[g], tmp, rows)
			for i := 0; i < mb; i++ {
				copy(accs[i*p.OutC+g*perGroup:][:perGroup], tmp[i*perGroup:][:perGroup])
			}
		}
		if trace != nil {
			for i, a := range accs[:mb*p.OutC] {
				trace[p0*p.OutC+i] = int64(a)
			}
		}
		if rq != nil || fused { // gemmRequant or gemmTriOut wrote the outputs
			continue
		}
		requantizeBlock(p.Output, accs[:mb*p.OutC], p.OutC, out[p0*p.OutC:]) // gemm_requant.go
	}
}

// im2col writes into patches the input patches of group g of the mb output
// pixels from pixel p0 on (pixels numbered (b·OutH + y)·OutW + x), one row
// of FilterH·FilterW·FilterC values each in filter order; taps outside the
// input get fill.
func (p *Conv2DParams) im2col(patches, in []int8, p0, mb, g int, fill int8) {
	k := p.FilterH * p.FilterW * p.FilterC
	fc := p.FilterC
	x := p0 % p.OutW
	y := p0 / p.OutW % p.OutH
	b := p0 / (p.OutW * p.OutH)
	for i := 0; i < mb; i++ {
		dst := patches[i*k:][:k]
		iy0, ix0 := y*p.StrideH-p.PadH, x*p.StrideW-p.PadW
		for fy := 0; fy < p.FilterH; fy++ {
			row := dst[fy*p.FilterW*fc:][:p.FilterW*fc]
			iy := iy0 + fy*p.DilationH
			if iy < 0 || iy >= p.InH {
				fillInt8(row, fill)
				continue
			}
			base := (b*p.InH + iy) * p.InW
			fx0, fx1 := insideRange(ix0, p.DilationW, p.FilterW, p.InW)
			fillInt8(row[:fx0*fc], fill)
			fillInt8(row[fx1*fc:], fill)
			if p.DilationW == 1 && p.Groups == 1 {
				copy(row[fx0*fc:fx1*fc], in[(base+ix0+fx0)*p.InC:][:(fx1-fx0)*fc])
				continue
			}
			for fx := fx0; fx < fx1; fx++ {
				copy(row[fx*fc:][:fc], in[(base+ix0+fx*p.DilationW)*p.InC+g*fc:][:fc])
			}
		}
		if x++; x == p.OutW {
			x = 0
			if y++; y == p.OutH {
				y = 0
				b++
			}
		}
	}
}

// fillInt8 sets every element of s to v.
func fillInt8(s []int8, v int8) {
	for i := range s {
		s[i] = v
	}
}

func (p *Conv2DParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if p.typ == Float32 {
		return floatResult(res, op, index, fmt.Sprintf("Σ over the filter window of input·filter in order, each product and sum rounded to float32, + bias[%d], clamped to [%g, %g]", index%p.OutC, p.FloatMin, p.FloatMax)), nil
	}
	b, y, x, c := nhwc(index, p.OutH, p.OutW, p.OutC)
	e := &Explanation{TermsTotal: p.FilterH * p.FilterW * p.FilterC, TermInput: p.in, TermFilter: p.filter}
	var sum int64
	iy0, ix0 := y*p.StrideH-p.PadH, x*p.StrideW-p.PadW
	g := c / p.perGroup()
	for fy := 0; fy < p.FilterH; fy++ {
		for fx := 0; fx < p.FilterW; fx++ {
			iy, ix := iy0+fy*p.DilationH, ix0+fx*p.DilationW
			inside := iy >= 0 && iy < p.InH && ix >= 0 && ix < p.InW
			for i := 0; i < p.FilterC; i++ {
				t := Term{InputIndex: -1, InputOffset: p.InputOffset, FilterOffset: p.FilterOffset,
					FilterIndex: ((c*p.FilterH+fy)*p.FilterW+fx)*p.FilterC + i}
				t.Filter = int32(res.intAt(p.filter, t.FilterIndex))
				if inside {
					t.InputIndex = ((b*p.InH+iy)*p.InW+ix)*p.InC + g*p.FilterC + i
					t.Input = int32(res.intAt(p.in, t.InputIndex))
					t.Product = int64(t.Input+t.InputOffset) * int64(t.Filter+t.FilterOffset)
				}
				sum += t.Product
				if len(e.Terms) < res.termLimit() {
					e.Terms = append(e.Terms, t)
				}
			}
		}
	}
	var bias int64
	if p.bias >= 0 {
		bias = res.intAt(p.bias, c)
	}
	explainConvOutput(e, p.Output, sum, bias, c, p.Wide, p.AllPadding)
	return e, nil
}
