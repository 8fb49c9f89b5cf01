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
	tapSum                []int32 // int8: Σ_i filter[c,fy,fx,i], nil unless the filter is constant
	packed                []int64 // int8: packFilter of a constant filter, if packable
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
	if in.Type == Int8 && filter.Const {
		p.tapSum = convTapSums(AsInt8(filter.Data), p.OutC, p.FilterH*p.FilterW, p.FilterC)
		if p.packable() {
			p.packed = c.m.packedFilter(filter.Index, func() []int64 {
				return packFilter(AsInt8(filter.Data), p.OutC, p.FilterH*p.FilterW*p.FilterC)
			})
		}
	}
	return p, nil
}

func (p *Conv2DParams) macs() int64 {
	return int64(p.Batches*p.OutH*p.OutW*p.OutC) * int64(p.FilterH*p.FilterW*p.FilterC)
}

// perGroup is the number of output channels in a group.
func (p *Conv2DParams) perGroup() int { return p.OutC / p.Groups }

func (p *Conv2DParams) eval(r *run, op *Op) error {
	var acc []int64
	if r.tracing() && p.typ != Float32 {
		acc = make([]int64, p.Batches*p.OutH*p.OutW*p.OutC)
		r.tr.Acc = acc
	}
	switch {
	case p.typ == Float32:
		p.evalFloat(r)
	case p.AllPadding:
		evalAllPadding(r, p.bias, p.out, p.OutC, p.Output, acc)
	case p.typ == Int8:
		p.evalInt8(r, acc)
	case p.typ == Uint8:
		p.evalGeneric(r, acc, func(i int, a int64, c int) {
			r.u8(p.out)[i] = uint8(p.Output.requantize(int32(a), c))
		})
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

// evalGeneric computes every accumulator with convDot (uint8 and int16) and
// hands it, with the bias added, to store.
func (p *Conv2DParams) evalGeneric(r *run, acc []int64, store func(i int, a int64, c int)) {
	var bias []int64
	if p.bias >= 0 {
		bias = int64Values(r.m.Tensors[p.bias].Type, r.vals[p.bias])
	}
	in8, w8, in16 := r.u8(p.in), r.u8(p.filter), r.i16(p.in)
	for i := range p.Batches * p.OutH * p.OutW * p.OutC {
		b, y, x, c := nhwc(i, p.OutH, p.OutW, p.OutC)
		var a int64
		if p.typ == Uint8 {
			a = convDot(p, in8, w8, b, y, x, c)
		} else {
			a = convDot(p, in16, AsInt8(w8), b, y, x, c)
		}
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

// evalInt8 is ConvPerChannel for int8, arranged for speed with the same
// integer result. Per output pixel, each output channel's Σ filter·input is
// summed over the taps inside the input, then InputOffset·Σ filter is added
// over the same taps: together exactly the reference's
// Σ filter·(input + InputOffset) in wrapping int32 arithmetic.
//
// The products are summed two output channels at a time in one int64 (see
// packFilter) over runs of input values that are contiguous in memory: a
// whole window row when there is no horizontal dilation.
func (p *Conv2DParams) evalInt8(r *run, trace []int64) {
	in, w, out := r.i8(p.in), r.i8(p.filter), r.i8(p.out)
	var bias []int32
	if p.bias >= 0 {
		bias = r.i32(p.bias)[:p.OutC]
	}
	taps := p.FilterH * p.FilterW
	fsize := taps * p.FilterC // filter elements per output channel
	tapSum, packed := p.tapSum, p.packed
	if tapSum == nil {
		tapSum = convTapSums(w, p.OutC, taps, p.FilterC)
		if p.packable() {
			packed = packFilter(w, p.OutC, fsize)
		}
	}
	fullSum := make([]int32, p.OutC) // Σ over all taps, for windows inside the input
	for c := range fullSum {
		for _, s := range tapSum[c*taps : (c+1)*taps] {
			fullSum[c] += s
		}
	}
	accs := make([]int32, p.OutC)
	sums := make([]int64, (p.OutC+1)/2)
	o := p.Output
	perGroup := p.perGroup()
	i := 0
	for b := 0; b < p.Batches; b++ {
		for y := 0; y < p.OutH; y++ {
			iy0 := y*p.StrideH - p.PadH
			fy0, fy1 := insideRange(iy0, p.DilationH, p.FilterH, p.InH)
			for x := 0; x < p.OutW; x++ {
				ix0 := x*p.StrideW - p.PadW
				fx0, fx1 := insideRange(ix0, p.DilationW, p.FilterW, p.InW)
				clear(accs)
				clear(sums)
				for fy := fy0; fy < fy1; fy++ {
					row := (b*p.InH + iy0 + fy*p.DilationH) * p.InW
					switch {
					case packed != nil && p.DilationW == 1:
						n := (fx1 - fx0) * p.InC
						addPackedRun(sums, in[(row+ix0+fx0)*p.InC:][:n], packed, fsize, (fy*p.FilterW+fx0)*p.InC)
					case packed != nil:
						for fx := fx0; fx < fx1; fx++ {
							xs := in[(row+ix0+fx*p.DilationW)*p.InC:][:p.InC]
							addPackedRun(sums, xs, packed, fsize, (fy*p.FilterW+fx)*p.InC)
						}
					default:
						for fx := fx0; fx < fx1; fx++ {
							px := (row + ix0 + fx*p.DilationW) * p.InC
							wo := (fy*p.FilterW + fx) * p.FilterC
							for c := range accs {
								xs := in[px+(c/perGroup)*p.FilterC:][:p.FilterC]
								accs[c] += dotInt8(xs, w[c*fsize+wo:][:p.FilterC])
							}
						}
					}
				}
				if packed != nil {
					unpackSums(accs, sums)
				}
				full := fy0 == 0 && fy1 == p.FilterH && fx0 == 0 && fx1 == p.FilterW
				for c, a := range accs {
					var s int32
					if full {
						s = fullSum[c]
					} else {
						for fy := fy0; fy < fy1; fy++ {
							for _, t := range tapSum[c*taps+fy*p.FilterW+fx0 : c*taps+fy*p.FilterW+fx1] {
								s += t
							}
						}
					}
					a += p.InputOffset * s
					if bias != nil {
						a += bias[c]
					}
					accs[c] = a
					if trace != nil {
						trace[i+c] = int64(a)
					}
				}
				o.requantizeInt8(accs, out[i:i+p.OutC])
				i += p.OutC
			}
		}
	}
}

// packable reports whether the int8 filter can be packed: one group (both
// channels of a pair read the same inputs), few enough products per channel
// that a channel's sum of raw int8 products stays below 2^30, and a packed
// copy (4 bytes per weight) of at most 64 MiB.
func (p *Conv2DParams) packable() bool {
	n := p.FilterH * p.FilterW * p.FilterC
	return p.Groups == 1 && n < 1<<16 && n*p.OutC <= 16<<20
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
