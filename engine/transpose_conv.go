package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// TransposeConvParams are TRANSPOSE_CONV's prepared parameters.
//
// Mirrors TFLite's reference kernels reference/integer_ops/transpose_conv.h
// (int8, and int16 activations with int8 filters and an int64 accumulator)
// and reference/transpose_conv.h (float, uint8), with the parameters derived
// like TFLite Micro's transpose_conv.cc: the padding is
// ComputePaddingHeightWidth applied to the output size. Inputs are the
// output shape, the filter [C_out,FH,FW,C_in], the input [N,H,W,C_in] and an
// optional bias. Every input element is scattered over the window it
// influences, so output element (b, y, x, c) sums the taps with
// y = iy·sh − PadH + fy and x = ix·sw − PadW + fx:
//
//	acc = Σ_{iy,ix,i,fy,fx} (input[b,iy,ix,i] + InputOffset)·(filter[c,fy,fx,i] + FilterOffset) + bias[c]
//	out = Output(acc, c)
//
// with the profile's output stage (see FullyConnectedParams). The fused activation is applied as TFLite applies it; TFLite Micro's
// quantized kernel ignores it (it prepares with kTfLiteActNone), which only
// matters for models that fuse one.
type TransposeConvParams struct {
	Window
	ConvArith

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

func (p *TransposeConvParams) macs() int64 {
	return int64(p.Batches*p.InH*p.InW*p.InC) * int64(p.FilterH*p.FilterW*p.OutC)
}

func init() { register(tflite.BuiltinOperatorTRANSPOSE_CONV, prepareTransposeConv) }

func prepareTransposeConv(c *prepCtx) (kernel, error) {
	if err := c.io(3, 4, 1); err != nil {
		return nil, err
	}
	shape, filter, in, bias, out := c.in(0), c.in(1), c.in(2), c.in(3), c.out(0)
	o, _ := c.op.Options.(*tflite.TransposeConvOptionsT)
	if o == nil {
		return nil, c.errorf("has no TransposeConvOptions")
	}
	if err := c.rank4(in, filter); err != nil {
		return nil, err
	}
	if shape.Type != Int32 || shape.NumElements() != 4 {
		return nil, c.errorf("output shape tensor %d is %v %v; want 4 int32 values", shape.Index, shape.Type, shape.Shape)
	}
	// TFLite's Prepare resizes the output to output_shape; one computed
	// by earlier ops makes the output dynamic (resized when it runs).
	want, err := indexValues(c, "output_shape", shape, false)
	if err != nil {
		return nil, err
	}
	if err := c.sameShape(out, want); err != nil {
		return nil, err
	}
	p := &TransposeConvParams{Batches: in.Shape[0], InH: in.Shape[1], InW: in.Shape[2], InC: in.Shape[3],
		OutH: out.Shape[1], OutW: out.Shape[2], OutC: filter.Shape[0],
		in: in.Index, filter: filter.Index, bias: -1, out: out.Index, typ: in.Type}
	if filter.Shape[3] != p.InC {
		return nil, c.errorf("filter tensor %d has shape %v; its depth must be the input depth %d", filter.Index, filter.Shape, p.InC)
	}
	if err := c.sameShape(out, []int{p.Batches, p.OutH, p.OutW, p.OutC}); err != nil {
		return nil, err
	}
	// TFLite pads as if the output were the input of a conv of the
	// transposed geometry; dilation is always 1.
	if p.Window, _, _, err = c.window(o.Padding, o.StrideH, o.StrideW, 1, 1, p.OutH, p.OutW, filter.Shape[1], filter.Shape[2]); err != nil {
		return nil, err
	}
	if p.ConvArith, err = c.convArith(in, filter, out, 0, p.OutC, o.FusedActivationFunction); err != nil {
		return nil, err
	}
	if bias != nil {
		p.bias = bias.Index
		// 16x8 takes an int64 bias, or the int16 one of older converters.
		if _, err := c.convBias(bias, in.Type, p.OutC, Int64, Int16); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *TransposeConvParams) eval(r *run, op *Op) error {
	if p.typ == Float32 {
		p.evalFloat(r)
		return nil
	}
	var s []int64
	switch p.typ {
	case Int8:
		s = transposeConvScatter(p, r.i8(p.in), r.i8(p.filter))
	case Uint8:
		s = transposeConvScatter(p, r.u8(p.in), r.u8(p.filter))
	case Int16:
		s = transposeConvScatter(p, r.i16(p.in), r.i8(p.filter))
	}
	var bias []int64
	if p.bias >= 0 {
		bias = int64Values(r.m.Tensors[p.bias].Type, r.vals[p.bias])
	}
	if r.tracing() {
		r.tr.Acc = s
	}
	out8, outU8, out16 := r.i8(p.out), r.u8(p.out), r.i16(p.out)
	for i, a := range s {
		c := i % p.OutC
		if bias != nil {
			a += bias[c]
		}
		if p.typ != Int16 {
			a = int64(int32(a)) // the reference's int32 accumulator wraps
		}
		s[i] = a
		switch p.typ {
		case Int8:
			out8[i] = int8(p.Output.requantize(int32(a), c))
		case Uint8:
			outU8[i] = uint8(p.Output.requantize(int32(a), c))
		case Int16:
			out16[i] = int16(p.Output.requantize64(a, c))
		}
	}
	return nil
}

// tapRange returns the filter taps [lo, hi) whose output position o0 + tap
// lies in [0, n): the reference loops over every tap and skips the others,
// which adds nothing, so skipping them up front changes no sum.
func tapRange(o0, filter, n int) (lo, hi int) {
	lo, hi = max(0, -o0), min(filter, n-o0)
	if hi < lo {
		hi = lo
	}
	return lo, hi
}

// transposeConvScatter accumulates Σ (input + InputOffset)·(filter +
// FilterOffset) into every output element the way the reference scatters,
// in int64 (the int32 sums of int8 and uint8 are its low 32 bits).
func transposeConvScatter[X int8 | uint8 | int16, W int8 | uint8](p *TransposeConvParams, in []X, w []W) []int64 {
	s := make([]int64, p.Batches*p.OutH*p.OutW*p.OutC)
	xoff, woff := int64(p.InputOffset), int64(p.FilterOffset)
	k := 0
	for b := 0; b < p.Batches; b++ {
		for iy := 0; iy < p.InH; iy++ {
			fy0, fy1 := tapRange(iy*p.StrideH-p.PadH, p.FilterH, p.OutH)
			for ix := 0; ix < p.InW; ix++ {
				fx0, fx1 := tapRange(ix*p.StrideW-p.PadW, p.FilterW, p.OutW)
				for ic := 0; ic < p.InC; ic++ {
					xv := int64(in[k]) + xoff
					k++
					for fy := fy0; fy < fy1; fy++ {
						oy := iy*p.StrideH - p.PadH + fy
						for fx := fx0; fx < fx1; fx++ {
							ox := ix*p.StrideW - p.PadW + fx
							o := ((b*p.OutH+oy)*p.OutW + ox) * p.OutC
							for c, a := range s[o : o+p.OutC] {
								a += xv * (int64(w[((c*p.FilterH+fy)*p.FilterW+fx)*p.InC+ic]) + woff)
								s[o+c] = a
							}
						}
					}
				}
			}
		}
	}
	return s
}

// evalFloat is reference_ops::TransposeConv for float: scattered float32
// sums in the reference's order, then the bias (if any) and the clamp.
func (p *TransposeConvParams) evalFloat(r *run) {
	in, w, out := r.f32(p.in), r.f32(p.filter), r.f32(p.out)
	clear(out)
	k := 0
	for b := 0; b < p.Batches; b++ {
		for iy := 0; iy < p.InH; iy++ {
			fy0, fy1 := tapRange(iy*p.StrideH-p.PadH, p.FilterH, p.OutH)
			for ix := 0; ix < p.InW; ix++ {
				fx0, fx1 := tapRange(ix*p.StrideW-p.PadW, p.FilterW, p.OutW)
				for ic := 0; ic < p.InC; ic++ {
					xv := in[k]
					k++
					for fy := fy0; fy < fy1; fy++ {
						oy := iy*p.StrideH - p.PadH + fy
						for fx := fx0; fx < fx1; fx++ {
							ox := ix*p.StrideW - p.PadW + fx
							o := ((b*p.OutH+oy)*p.OutW + ox) * p.OutC
							for c := 0; c < p.OutC; c++ {
								out[o+c] += float32(xv * w[((c*p.FilterH+fy)*p.FilterW+fx)*p.InC+ic])
							}
						}
					}
				}
			}
		}
	}
	var bias []float32
	if p.bias >= 0 {
		bias = r.f32(p.bias)
	}
	for i, v := range out {
		if bias != nil {
			v += bias[i%p.OutC]
		}
		out[i] = clampF(v, p.FloatMin, p.FloatMax)
	}
}

// explain lists the products scattered into one output element, by filter
// tap and input channel.
func (p *TransposeConvParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if p.typ == Float32 {
		return floatResult(res, op, index, fmt.Sprintf("Σ of the input·filter products scattered onto this element, float32, + bias[%d], clamped to [%g, %g]", index%p.OutC, p.FloatMin, p.FloatMax)), nil
	}
	c := index % p.OutC
	x := index / p.OutC % p.OutW
	y := index / (p.OutC * p.OutW) % p.OutH
	b := index / (p.OutC * p.OutW * p.OutH)
	e := &Explanation{TermInput: p.in, TermFilter: p.filter}
	var sum int64
	for fy := 0; fy < p.FilterH; fy++ {
		iy, ry := divmod(y+p.PadH-fy, p.StrideH)
		if ry != 0 || iy < 0 || iy >= p.InH {
			continue
		}
		for fx := 0; fx < p.FilterW; fx++ {
			ix, rx := divmod(x+p.PadW-fx, p.StrideW)
			if rx != 0 || ix < 0 || ix >= p.InW {
				continue
			}
			for i := 0; i < p.InC; i++ {
				t := Term{InputIndex: ((b*p.InH+iy)*p.InW+ix)*p.InC + i, InputOffset: p.InputOffset,
					FilterIndex: ((c*p.FilterH+fy)*p.FilterW+fx)*p.InC + i, FilterOffset: p.FilterOffset}
				t.Input, t.Filter = int32(res.intAt(p.in, t.InputIndex)), int32(res.intAt(p.filter, t.FilterIndex))
				t.Product = int64(t.Input+t.InputOffset) * int64(t.Filter+t.FilterOffset)
				sum += t.Product
				e.TermsTotal++
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
	explainConvOutput(e, p.Output, sum, bias, c, p.typ == Int16, false)
	return e, nil
}

// divmod is floored division: q·d + r = n with 0 ≤ r < d (d > 0).
func divmod(n, d int) (q, r int) {
	q, r = n/d, n%d
	if r < 0 {
		q, r = q-1, r+d
	}
	return q, r
}
