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
	return p, nil
}

func (p *DepthwiseConv2DParams) macs() int64 {
	return int64(p.Batches*p.OutH*p.OutW*p.OutC) * int64(p.FilterH*p.FilterW)
}

func (p *DepthwiseConv2DParams) eval(r *run, op *Op) error {
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
	default:
		p.evalGeneric(r, acc)
	}
	return nil
}

// evalGeneric computes uint8 and int16 outputs element by element.
func (p *DepthwiseConv2DParams) evalGeneric(r *run, acc []int64) {
	var bias []int64
	if p.bias >= 0 {
		bias = int64Values(r.m.Tensors[p.bias].Type, r.vals[p.bias])
	}
	in8, w8, in16 := r.u8(p.in), r.u8(p.filter), r.i16(p.in)
	out8, out16 := r.u8(p.out), r.i16(p.out)
	for i := range p.Batches * p.OutH * p.OutW * p.OutC {
		b, y, x, c := nhwc(i, p.OutH, p.OutW, p.OutC)
		var a int64
		if p.typ == Uint8 {
			a = depthwiseDot(p, in8, w8, b, y, x, c)
		} else {
			a = depthwiseDot(p, in16, AsInt8(w8), b, y, x, c)
		}
		if bias != nil {
			a += bias[c]
		}
		if p.typ == Uint8 {
			a = int64(int32(a)) // the reference's int32 accumulator wraps
		}
		if acc != nil {
			acc[i] = a
		}
		if p.typ == Uint8 {
			out8[i] = uint8(p.Output.requantize(int32(a), c))
		} else {
			out16[i] = int16(p.Output.requantize64(a, c))
		}
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

// evalInt8 is DepthwiseConvPerChannel for int8, arranged for speed with the
// same integer result: per output pixel, every tap inside the input adds
// filter·(input + InputOffset) to all channels at once. For windows wholly
// inside the input the offset term is added once as InputOffset·Σ filter,
// exact in wrapping int32 arithmetic.
func (p *DepthwiseConv2DParams) evalInt8(r *run, trace []int64) {
	if depthwiseS8 != nil && p.DepthMultiplier == 1 && p.FilterOffset == 0 {
		p.evalInt8Accel(r, trace) // depthwise_accel.go
		return
	}
	in, w, out := r.i8(p.in), r.i8(p.filter), r.i8(p.out)
	var bias []int32
	if p.bias >= 0 {
		bias = r.i32(p.bias)[:p.OutC]
	}
	off, dm := p.InputOffset, p.DepthMultiplier
	offSum := make([]int32, p.OutC) // InputOffset·Σ_taps filter
	for t := 0; t < p.FilterH*p.FilterW; t++ {
		for c, v := range w[t*p.OutC : (t+1)*p.OutC] {
			offSum[c] += off * int32(v)
		}
	}
	accs := make([]int32, p.OutC)
	o := p.Output
	i := 0
	for b := 0; b < p.Batches; b++ {
		for y := 0; y < p.OutH; y++ {
			iy0 := y*p.StrideH - p.PadH
			fy0, fy1 := insideRange(iy0, p.DilationH, p.FilterH, p.InH)
			for x := 0; x < p.OutW; x++ {
				ix0 := x*p.StrideW - p.PadW
				fx0, fx1 := insideRange(ix0, p.DilationW, p.FilterW, p.InW)
				full := fy0 == 0 && fy1 == p.FilterH && fx0 == 0 && fx1 == p.FilterW
				if full {
					copy(accs, offSum)
				} else {
					clear(accs)
				}
				for fy := fy0; fy < fy1; fy++ {
					row := (b*p.InH + iy0 + fy*p.DilationH) * p.InW
					for fx := fx0; fx < fx1; fx++ {
						xs := in[(row+ix0+fx*p.DilationW)*p.InC:][:p.InC]
						ws := w[(fy*p.FilterW+fx)*p.OutC:][:p.OutC]
						switch {
						case dm == 1 && full:
							depthwiseTap(accs, xs, ws)
						case dm == 1:
							depthwiseTapOffset(accs, xs, ws, off)
						default:
							xoff := off
							if full {
								xoff = 0
							}
							for ic, v := range xs {
								xv := int32(v) + xoff
								wm := ws[ic*dm:][:dm]
								a := accs[ic*dm:][:len(wm)]
								for k, f := range wm {
									a[k] += int32(f) * xv
								}
							}
						}
					}
				}
				for c, b := range bias { // bias is nil without a bias tensor
					accs[c] += b
				}
				if trace != nil {
					for c, a := range accs {
						trace[i+c] = int64(a)
					}
				}
				o.requantizeInt8(accs, out[i:i+p.OutC])
				i += p.OutC
			}
		}
	}
}

// depthwiseTap adds w[c]·x[c] to acc[c].
func depthwiseTap(acc []int32, x, w []int8) {
	acc, w = acc[:len(x)], w[:len(x)]
	for c, v := range x {
		acc[c] += int32(w[c]) * int32(v)
	}
}

// depthwiseTapOffset adds w[c]·(x[c] + off) to acc[c].
func depthwiseTapOffset(acc []int32, x, w []int8, off int32) {
	acc, w = acc[:len(x)], w[:len(x)]
	for c, v := range x {
		acc[c] += int32(w[c]) * (int32(v) + off)
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
