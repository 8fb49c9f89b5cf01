package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/fixedpoint"
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
	InputOffset  int32 `json:"input_offset"`  // −input zero point
	FilterOffset int32 `json:"filter_offset"` // −filter zero point (uint8 only)
	// Output turns each accumulator into an output integer (quantized
	// models).
	Output outputStage `json:"output,omitempty"`
	// Float models: the clamp of the fused activation.
	FloatMin float32 `json:"float_min,omitempty"`
	FloatMax float32 `json:"float_max,omitempty"`
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
	act, err := c.activation(o.FusedActivationFunction)
	if err != nil {
		return nil, err
	}
	switch {
	case in.Type == Float32 && filter.Type == Float32 && out.Type == Float32:
		p.FloatMin, p.FloatMax = floatActivation(act)
	case (in.Type == Int8 || in.Type == Int16) && filter.Type == Int8 && out.Type == in.Type,
		in.Type == Uint8 && filter.Type == Uint8 && out.Type == Uint8:
		q, err := c.convQuant(in, filter, out, 0, p.OutC, act)
		if err != nil {
			return nil, err
		}
		p.InputOffset, p.FilterOffset, p.Output = q.inOff, q.filterOff, q.out
	default:
		return nil, c.unsupportedTypes()
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

// evalAllPadding is an int8 convolution whose every tap reads XNNPACK's
// padding (Conv2DParams.AllPadding): each accumulator is the bias.
func evalAllPadding(r *run, biasT, outT, channels int, o outputStage, acc []int64) {
	bias, out := r.i32(biasT), r.i8(outT)
	for i := range out {
		a := bias[i%channels]
		if acc != nil {
			acc[i] = int64(a)
		}
		out[i] = int8(o.requantize(a, i%channels))
	}
}

// evalGeneric computes every accumulator with convDot (uint8 and int16) and
// hands it, with the bias added, to store.
func (p *Conv2DParams) evalGeneric(r *run, acc []int64, store func(i int, a int64, c int)) {
	var bias []int64
	if p.bias >= 0 {
		bias = int64Values(r.m.Tensors[p.bias].Type, r.vals[p.bias])
	}
	in8, w8, in16 := r.u8(p.in), r.u8(p.filter), r.i16(p.in)
	i := 0
	for b := 0; b < p.Batches; b++ {
		for y := 0; y < p.OutH; y++ {
			for x := 0; x < p.OutW; x++ {
				for c := 0; c < p.OutC; c++ {
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
					i++
				}
			}
		}
	}
}

// convDot is one output element's Σ (input + InputOffset)·(filter +
// FilterOffset) over the taps inside the input, in int64.
func convDot[X int8 | uint8 | int16, W int8 | uint8](p *Conv2DParams, in []X, w []W, b, y, x, c int) int64 {
	var a int64
	xoff, woff := int64(p.InputOffset), int64(p.FilterOffset)
	iy0, ix0 := y*p.StrideH-p.PadH, x*p.StrideW-p.PadW
	g := c / p.perGroup()
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
			xs := in[((b*p.InH+iy)*p.InW+ix)*p.InC+g*p.FilterC:][:p.FilterC]
			ws := w[((c*p.FilterH+fy)*p.FilterW+fx)*p.FilterC:][:len(xs)]
			for i, v := range xs {
				a += (int64(v) + xoff) * (int64(ws[i]) + woff)
			}
		}
	}
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
	i := 0
	for b := 0; b < p.Batches; b++ {
		for y := 0; y < p.OutH; y++ {
			iy0 := y*p.StrideH - p.PadH
			for x := 0; x < p.OutW; x++ {
				ix0 := x*p.StrideW - p.PadW
				for c := 0; c < p.OutC; c++ {
					g := c / p.perGroup()
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
							xs := in[((b*p.InH+iy)*p.InW+ix)*p.InC+g*p.FilterC:][:p.FilterC]
							ws := w[((c*p.FilterH+fy)*p.FilterW+fx)*p.FilterC:][:len(xs)]
							for k, v := range xs {
								total += float32(v * ws[k])
							}
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

// packable reports whether the int8 filter can be packed: one group (both
// channels of a pair read the same inputs), few enough products per channel
// that a channel's sum of raw int8 products stays below 2^30, and a packed
// copy (4 bytes per weight) of at most 64 MiB.
func (p *Conv2DParams) packable() bool {
	n := p.FilterH * p.FilterW * p.FilterC
	return p.Groups == 1 && n < 1<<16 && n*p.OutC <= 16<<20
}

// packFilter packs the filter rows of channels 2q and 2q+1 (n elements
// each) into one int64 per element, w[2q]·1 + w[2q+1]·2^32, so that one
// multiply by an input value yields both products: summed over at most 2^16
// elements, the low 32 bits hold channel 2q's sum and the rest channel
// 2q+1's (see unpackSums). An odd last channel is paired with zeros.
func packFilter(w []int8, channels, n int) []int64 {
	pk := make([]int64, (channels+1)/2*n)
	for c := 0; c < channels; c++ {
		dst := pk[c/2*n:][:n]
		for k, v := range w[c*n:][:n] {
			dst[k] += int64(v) << (32 * (c % 2))
		}
	}
	return pk
}

// addPackedRun adds the packed dot products of the input run xs with the
// filter elements [wo, wo+len(xs)) of every channel pair.
func addPackedRun(sums []int64, xs []int8, packed []int64, n, wo int) {
	q := 0
	for ; q+2 <= len(sums); q += 2 {
		a, b := dotPacked2(xs, packed[q*n+wo:][:len(xs)], packed[(q+1)*n+wo:][:len(xs)])
		sums[q] += a
		sums[q+1] += b
	}
	if q < len(sums) {
		a, _ := dotPacked2(xs, packed[q*n+wo:][:len(xs)], packed[q*n+wo:][:len(xs)])
		sums[q] += a
	}
}

// dotPacked2 is Σ x[i]·a[i] and Σ x[i]·b[i] over packed filter pairs.
func dotPacked2(x []int8, a, b []int64) (sa, sb int64) {
	a, b = a[:len(x)], b[:len(x)]
	for i, v := range x {
		xv := int64(v)
		sa += xv * a[i]
		sb += xv * b[i]
	}
	return sa, sb
}

// unpackSums splits packed pair sums S = s0 + s1·2^32 (|s0| < 2^31) into
// the int32 sums of the two channels.
func unpackSums(accs []int32, sums []int64) {
	for q, s := range sums {
		lo := int32(s)
		accs[2*q] = lo
		if 2*q+1 < len(accs) {
			accs[2*q+1] = int32((s - int64(lo)) >> 32)
		}
	}
}

// convTapSums returns Σ_i filter[c, t, i] for every output channel c and
// filter tap t (a filter of shape [channels, taps, depth]).
func convTapSums(w []int8, channels, taps, depth int) []int32 {
	s := make([]int32, channels*taps)
	for k := range s {
		for _, v := range w[k*depth : (k+1)*depth] {
			s[k] += int32(v)
		}
	}
	return s
}

// dotInt8 is Σ x[i]·w[i] with an int32 accumulator (wrapping, like C).
func dotInt8(x, w []int8) int32 {
	w = w[:len(x)]
	var s0, s1, s2, s3 int32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xv, wv := x[i:i+4:i+4], w[i:i+4:i+4]
		s0 += int32(xv[0]) * int32(wv[0])
		s1 += int32(xv[1]) * int32(wv[1])
		s2 += int32(xv[2]) * int32(wv[2])
		s3 += int32(xv[3]) * int32(wv[3])
	}
	for ; i < len(x); i++ {
		s0 += int32(x[i]) * int32(w[i])
	}
	return s0 + s1 + s2 + s3
}

// insideRange returns the filter taps [lo, hi) whose input coordinate
// origin + tap·dilation lies in [0, size).
func insideRange(origin, dilation, taps, size int) (lo, hi int) {
	if origin < 0 {
		lo = (-origin + dilation - 1) / dilation
	}
	hi = taps
	if last := origin + (taps-1)*dilation; last >= size {
		hi = 0
		if size-origin > 0 {
			hi = (size - origin + dilation - 1) / dilation
		}
	}
	hi = min(hi, taps)
	return lo, max(hi, lo)
}

func (p *Conv2DParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if p.typ == Float32 {
		return floatResult(res, op, index, fmt.Sprintf("Σ over the filter window of input·filter in order, each product and sum rounded to float32, + bias[%d], clamped to [%g, %g]", index%p.OutC, p.FloatMin, p.FloatMax)), nil
	}
	c := index % p.OutC
	x := index / p.OutC % p.OutW
	y := index / (p.OutC * p.OutW) % p.OutH
	b := index / (p.OutC * p.OutW * p.OutH)
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
				if len(e.Terms) < MaxTerms {
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

// explainConvOutput is explainAccumulator for the conv family, whose int32
// accumulators wrap like the reference's, and which under XNNPACK may read
// only padding.
func explainConvOutput(e *Explanation, o outputStage, sum, bias int64, c int, wide, allPadding bool) {
	if !wide {
		sum = int64(int32(sum))
	}
	if !allPadding {
		explainAccumulator(e, o, sum, bias, c, wide)
		return
	}
	e.Terms, e.TermsTotal = nil, 0
	explainAccumulator(e, o, 0, bias, c, wide)
	e.Steps[0].Formula = "0: XNNPACK's TensorFlow-SAME padding wraps (negative total padding in uint32), so every tap reads the padding"
}

// Window is the geometry of a sliding-window op (convolutions, pooling):
// strides, dilations, filter size and the padding TFLite's
// ComputePaddingHeightWidth derives, PadH rows above and PadW columns left
// of the input.
type Window struct {
	Padding   string `json:"padding"` // SAME or VALID
	StrideH   int    `json:"stride_h"`
	StrideW   int    `json:"stride_w"`
	DilationH int    `json:"dilation_h"`
	DilationW int    `json:"dilation_w"`
	FilterH   int    `json:"filter_height"`
	FilterW   int    `json:"filter_width"`
	PadH      int    `json:"pad_top"`
	PadW      int    `json:"pad_left"`
}

// window derives a Window and the output size like TFLite's
// ComputePaddingHeightWidth (kernels/padding.h).
func (c *prepCtx) window(pad tflite.Padding, sh, sw, dh, dw int32, inH, inW, fH, fW int) (w Window, outH, outW int, err error) {
	if pad != tflite.PaddingSAME && pad != tflite.PaddingVALID {
		return w, 0, 0, c.errorf("padding %v is not supported", pad)
	}
	if sh <= 0 || sw <= 0 {
		return w, 0, 0, c.errorf("strides %d×%d must be positive", sh, sw)
	}
	if dh <= 0 || dw <= 0 {
		return w, 0, 0, c.errorf("dilations %d×%d must be positive", dh, dw)
	}
	if fH <= 0 || fW <= 0 {
		return w, 0, 0, c.errorf("filter size %d×%d must be positive", fH, fW)
	}
	w = Window{Padding: pad.String(), StrideH: int(sh), StrideW: int(sw), DilationH: int(dh), DilationW: int(dw), FilterH: fH, FilterW: fW}
	// ComputeOutSize and ComputePaddingWithOffset, per dimension.
	dim := func(in, f, s, d int) (out, padding int) {
		eff := (f-1)*d + 1
		if pad == tflite.PaddingSAME {
			out = (in + s - 1) / s
		} else {
			out = (in + s - eff) / s
		}
		return out, max((out-1)*s+eff-in, 0) / 2
	}
	outH, w.PadH = dim(inH, fH, w.StrideH, w.DilationH)
	outW, w.PadW = dim(inW, fW, w.StrideW, w.DilationW)
	return w, outH, outW, nil
}

// rank4 checks that every tensor is 4-D.
func (c *prepCtx) rank4(ts ...*Tensor) error {
	for _, t := range ts {
		if len(t.Shape) != 4 {
			return c.errorf("tensor %d (%q) has shape %v; want 4 dimensions", t.Index, t.Name, t.Shape)
		}
	}
	return nil
}

// convQuantParams are the integer parameters PopulateConvolutionQuantizationParams derives.
type convQuantParams struct {
	inOff, filterOff int32
	out              *FixedPointOutput
}

// convQuant derives the quantized parameters of a convolution whose filter
// is quantized along axis (channels output channels), like TFLite's
// PopulateConvolutionQuantizationParams: M_c = s_input·s_filter[c]/s_output
// in double (uint8: the scale product in float, as GetQuantizedConvolutionMultipler).
func (c *prepCtx) convQuant(in, filter, out *Tensor, axis, channels int, act fixedpoint.Activation) (q convQuantParams, err error) {
	for _, t := range []*Tensor{in, out} {
		if err := c.needQuant("input/output", t); err != nil {
			return q, err
		}
	}
	fq := filter.Quant
	if fq == nil || len(fq.Scale) == 0 {
		return q, c.errorf("filter tensor %d (%q) has no quantization parameters", filter.Index, filter.Name)
	}
	if fq.PerChannel() {
		if in.Type == Uint8 {
			return q, c.errorf("per-channel quantization of filter tensor %d needs int8 or int16 inputs, not uint8", filter.Index)
		}
		if fq.Axis != axis || len(fq.Scale) != channels {
			return q, c.errorf("per-channel filter tensor %d has %d scales on axis %d; want %d on axis %d", filter.Index, len(fq.Scale), fq.Axis, channels, axis)
		}
	}
	if in.Type == Uint8 {
		q.filterOff = -int32(fq.ZeroPoint[0])
	} else {
		for _, z := range fq.ZeroPoint {
			if z != 0 {
				return q, c.errorf("filter tensor %d (%q) has zero point %d; %v filters must be symmetric (zero point 0)", filter.Index, filter.Name, z, filter.Type)
			}
		}
	}
	if in.Type == Int16 && (in.ZeroPoint() != 0 || out.ZeroPoint() != 0) {
		return q, c.errorf("int16 input and output need zero point 0, have %d and %d", in.ZeroPoint(), out.ZeroPoint())
	}
	q.inOff = -in.ZeroPoint()
	outOff := out.ZeroPoint()
	if in.Type == Int16 {
		outOff = 0
	}
	var requant []Requant
	for _, s := range fq.Scale {
		if s <= 0 {
			return q, c.errorf("filter tensor %d (%q) has scale %v; want a positive scale", filter.Index, filter.Name, s)
		}
		real := float64(in.Quant.Scale[0]) * float64(s) / out.Scale()
		if in.Type == Uint8 {
			real = float64(in.Quant.Scale[0]*s) / out.Scale()
		}
		requant = append(requant, c.requant(real))
	}
	if in.Type == Int16 {
		if err := c.check64("output", requant...); err != nil {
			return q, err
		}
	}
	lo, hi, err := quantizedActivation(act, out)
	if err != nil {
		return q, c.errorf("%v", err)
	}
	q.out = newFixedPointOutput(requant, channels, outOff, lo, hi)
	return q, nil
}

// convBias checks a bias of n elements for input type typ: float32 for
// float, int32 for int8/uint8, and for int16 any of the wide types given;
// it reports whether the bias is int64.
func (c *prepCtx) convBias(bias *Tensor, typ DType, n int, int16Bias ...DType) (bool, error) {
	if bias.NumElements() != n {
		return false, c.errorf("bias tensor %d has %d elements, want %d", bias.Index, bias.NumElements(), n)
	}
	ok := false
	switch typ {
	case Float32:
		ok = bias.Type == Float32
	case Int8, Uint8:
		ok = bias.Type == Int32
	case Int16:
		for _, t := range int16Bias {
			ok = ok || bias.Type == t
		}
	}
	if !ok {
		return false, c.errorf("bias tensor %d has type %v, which %v %s does not take", bias.Index, bias.Type, typ, c.op.Builtin)
	}
	return bias.Type == Int64, nil
}

// intAt returns element i of integer tensor t of the result.
func (res *Result) intAt(t, i int) int64 {
	b := res.Tensors[t]
	switch res.Model.Tensors[t].Type {
	case Int8:
		return int64(int8(b[i]))
	case Uint8:
		return int64(b[i])
	case Int16:
		return int64(AsInt16(b)[i])
	case Int32:
		return int64(AsInt32(b)[i])
	case Int64:
		return AsInt64(b)[i]
	}
	return 0
}

// int64Values converts an integer tensor's raw bytes to int64 values.
func int64Values(t DType, b []byte) []int64 {
	var out []int64
	switch t {
	case Int64:
		out = append(out, AsInt64(b)...)
	case Int32:
		for _, v := range AsInt32(b) {
			out = append(out, int64(v))
		}
	case Int16:
		for _, v := range AsInt16(b) {
			out = append(out, int64(v))
		}
	case Int8:
		for _, v := range AsInt8(b) {
			out = append(out, int64(v))
		}
	case Uint8:
		for _, v := range b {
			out = append(out, int64(v))
		}
	}
	return out
}
