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
	DepthMultiplier int   `json:"depth_multiplier"`
	InputOffset     int32 `json:"input_offset"`  // −input zero point
	FilterOffset    int32 `json:"filter_offset"` // −filter zero point (uint8 only)
	// Output turns each accumulator into an output integer (quantized
	// models).
	Output outputStage `json:"output,omitempty"`
	// Float models: the clamp of the fused activation.
	FloatMin float32 `json:"float_min,omitempty"`
	FloatMax float32 `json:"float_max,omitempty"`
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
	act, err := c.activation(o.FusedActivationFunction)
	if err != nil {
		return nil, err
	}
	switch {
	case in.Type == Float32 && filter.Type == Float32 && out.Type == Float32:
		p.FloatMin, p.FloatMax = floatActivation(act)
	case (in.Type == Int8 || in.Type == Int16) && filter.Type == Int8 && out.Type == in.Type,
		in.Type == Uint8 && filter.Type == Uint8 && out.Type == Uint8:
		qc := *c
		if in.Type == Uint8 {
			qc.rounding = RoundDouble // DepthwiseConvRound<kAwayFromZero> in every build
		}
		q, err := qc.convQuant(in, filter, out, 3, p.OutC, act)
		if err != nil {
			return nil, err
		}
		p.InputOffset, p.FilterOffset, p.Output = q.inOff, q.filterOff, q.out
	default:
		return nil, c.unsupportedTypes()
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
	i := 0
	for b := 0; b < p.Batches; b++ {
		for y := 0; y < p.OutH; y++ {
			for x := 0; x < p.OutW; x++ {
				for c := 0; c < p.OutC; c++ {
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
					i++
				}
			}
		}
	}
}

// depthwiseDot is one output element's Σ (input + InputOffset)·(filter +
// FilterOffset) over the taps inside the input, in int64.
func depthwiseDot[X int8 | uint8 | int16, W int8 | uint8](p *DepthwiseConv2DParams, in []X, w []W, b, y, x, c int) int64 {
	var a int64
	xoff, woff := int64(p.InputOffset), int64(p.FilterOffset)
	iy0, ix0 := y*p.StrideH-p.PadH, x*p.StrideW-p.PadW
	ic := c / p.DepthMultiplier
	for fy := 0; fy < p.FilterH; fy++ {
		iy := iy0 + fy*p.DilationH
		if iy < 0 || iy >= p.InH {
			continue
		}
		for fx := 0; fx < p.FilterW; fx++ {
			ix := ix0 + fx*p.DilationW
			if ix < 0 || ix >= p.InW {
				continue
			}
			a += (int64(in[((b*p.InH+iy)*p.InW+ix)*p.InC+ic]) + xoff) * (int64(w[(fy*p.FilterW+fx)*p.OutC+c]) + woff)
		}
	}
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
	i := 0
	for b := 0; b < p.Batches; b++ {
		for y := 0; y < p.OutH; y++ {
			iy0 := y*p.StrideH - p.PadH
			for x := 0; x < p.OutW; x++ {
				ix0 := x*p.StrideW - p.PadW
				for c := 0; c < p.OutC; c++ {
					var total float32
					for fy := 0; fy < p.FilterH; fy++ {
						iy := iy0 + fy*p.DilationH
						if iy < 0 || iy >= p.InH {
							continue
						}
						for fx := 0; fx < p.FilterW; fx++ {
							ix := ix0 + fx*p.DilationW
							if ix < 0 || ix >= p.InW {
								continue
							}
							v := in[((b*p.InH+iy)*p.InW+ix)*p.InC+c/p.DepthMultiplier]
							total += float32(v * w[(fy*p.FilterW+fx)*p.OutC+c])
						}
					}
					var bv float32
					if bias != nil {
						bv = bias[c]
					}
					out[i] = clampF(total+bv, p.FloatMin, p.FloatMax)
					i++
				}
			}
		}
	}
}

// evalInt8 is DepthwiseConvPerChannel for int8, arranged for speed with the
// same integer result: per output pixel, every tap inside the input adds
// filter·(input + InputOffset) to all channels at once. For windows wholly
// inside the input the offset term is added once as InputOffset·Σ filter,
// exact in wrapping int32 arithmetic.
func (p *DepthwiseConv2DParams) evalInt8(r *run, trace []int64) {
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
				for c, a := range accs {
					if bias != nil {
						a += bias[c]
					}
					if trace != nil {
						trace[i+c] = int64(a)
					}
					out[i+c] = int8(o.requantize(a, c))
				}
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
		return nil, fmt.Errorf("op %d is a float DEPTHWISE_CONV_2D; explanations are for quantized ops", op.Index)
	}
	c := index % p.OutC
	x := index / p.OutC % p.OutW
	y := index / (p.OutC * p.OutW) % p.OutH
	b := index / (p.OutC * p.OutW * p.OutH)
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
			if len(e.Terms) < MaxTerms {
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
