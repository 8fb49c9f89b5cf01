package engine

import (
	"errors"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// Pool2DParams are the prepared parameters of AVERAGE_POOL_2D and
// MAX_POOL_2D.
//
// Mirrors TFLite's reference kernels reference/integer_ops/pooling.h (int8,
// int16) and reference/pooling.h (float, uint8), with the parameters derived
// like TFLite Micro's pooling_common.cc. Input and output share their
// quantization, so the integers are pooled directly. For output element
// (b, y, x, c), over the window taps (fy, fx) that lie inside the input,
// n of them:
//
//	average: s = Σ input[b, y·sh−PadH+fy, x·sw−PadW+fx, c]
//	         out = clamp(s > 0 ? (s + n/2)/n : (s − n/2)/n, ActMin, ActMax)   (/ truncates)
//	max:     out = clamp(max(input[…]), ActMin, ActMax)
//
// Float averages are the float32 sum divided by n.
type Pool2DParams struct {
	Window
	Max    bool  `json:"max"` // MAX_POOL_2D, else AVERAGE_POOL_2D
	ActMin int32 `json:"act_min"`
	ActMax int32 `json:"act_max"`
	// Float models: the clamp of the fused activation.
	FloatMin float32 `json:"float_min,omitempty"`
	FloatMax float32 `json:"float_max,omitempty"`

	Batches int `json:"batches"`
	InH     int `json:"input_height"`
	InW     int `json:"input_width"`
	Depth   int `json:"depth"`
	OutH    int `json:"output_height"`
	OutW    int `json:"output_width"`

	in, out int
	typ     DType
}

func init() {
	register(tflite.BuiltinOperatorAVERAGE_POOL_2D, func(c *prepCtx) (kernel, error) { return preparePool2D(c, false) })
	register(tflite.BuiltinOperatorMAX_POOL_2D, func(c *prepCtx) (kernel, error) { return preparePool2D(c, true) })
}

func preparePool2D(c *prepCtx, isMax bool) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	o, _ := c.op.Options.(*tflite.Pool2DOptionsT)
	if o == nil {
		return nil, c.errorf("has no Pool2DOptions")
	}
	if err := c.rank4(in, out); err != nil {
		return nil, err
	}
	p := &Pool2DParams{Max: isMax, Batches: in.Shape[0], InH: in.Shape[1], InW: in.Shape[2], Depth: in.Shape[3],
		in: in.Index, out: out.Index, typ: in.Type}
	var err error
	if p.Window, p.OutH, p.OutW, err = c.window(o.Padding, o.StrideH, o.StrideW, 1, 1, p.InH, p.InW,
		int(o.FilterHeight), int(o.FilterWidth)); err != nil {
		return nil, err
	}
	if err := c.sameShape(out, []int{p.Batches, p.OutH, p.OutW, p.Depth}); err != nil {
		return nil, err
	}
	act, err := c.activation(o.FusedActivationFunction)
	if err != nil {
		return nil, err
	}
	if in.Type != out.Type {
		return nil, c.unsupportedTypes()
	}
	switch in.Type {
	case Float32:
		p.FloatMin, p.FloatMax = floatActivation(act)
	case Int8, Int16, Uint8:
		for _, t := range []*Tensor{in, out} {
			if err := c.needQuant("input/output", t); err != nil {
				return nil, err
			}
		}
		if math.Abs(float64(in.Quant.Scale[0])-float64(out.Quant.Scale[0])) > 1e-6 || in.ZeroPoint() != out.ZeroPoint() {
			return nil, c.errorf("input (scale %v, zero point %d) and output (scale %v, zero point %d) must share their quantization",
				in.Quant.Scale[0], in.ZeroPoint(), out.Quant.Scale[0], out.ZeroPoint())
		}
		if p.ActMin, p.ActMax, err = quantizedActivation(act, out); err != nil {
			return nil, c.errorf("%v", err)
		}
	default:
		return nil, c.unsupportedTypes()
	}
	return p, nil
}

func (p *Pool2DParams) eval(r *run, op *Op) error {
	ok := true
	switch p.typ {
	case Float32:
		ok = p.evalFloat(r.f32(p.in), r.f32(p.out))
	case Int8:
		ok = pool2D(p, r.i8(p.in), r.i8(p.out), math.MinInt8)
	case Int16:
		ok = pool2D(p, r.i16(p.in), r.i16(p.out), math.MinInt16)
	case Uint8:
		ok = pool2D(p, r.u8(p.in), r.u8(p.out), 0)
	}
	if !ok {
		return errEmptyPool
	}
	return nil
}

var errEmptyPool = errors.New("a pooling window lies entirely outside the input")

// pool2D is the integer AveragePool or MaxPool (TFLite
// reference_integer_ops::AveragePool / MaxPool and reference_ops for uint8;
// the formula is on Pool2DParams); it reports false, like the reference,
// when an average's window has no taps inside the input.
//
// The loops run channels innermost over the contiguous NHWC pixels: the
// window's clipped bounds are computed once per output row and column, each
// tap adds (or maxes) a whole pixel's channels, and the average sums into a
// stack block of int32s. The common 2×2 stride-2 window lying inside the
// input has its own direct loop (pool2x2).
func pool2D[T int8 | int16 | uint8](p *Pool2DParams, in, out []T, lowest T) bool {
	if p.FilterH == 2 && p.FilterW == 2 && p.StrideH == 2 && p.StrideW == 2 && p.PadH == 0 && p.PadW == 0 &&
		2*p.OutH <= p.InH && 2*p.OutW <= p.InW {
		pool2x2(p, in, out)
		return true
	}
	d := p.Depth
	rowLen := p.InW * d
	i := 0
	for b := 0; b < p.Batches; b++ {
		img := in[b*p.InH*rowLen : (b+1)*p.InH*rowLen]
		for y := 0; y < p.OutH; y++ {
			iy0 := y*p.StrideH - p.PadH
			fy0, fy1 := insideRange(iy0, 1, p.FilterH, p.InH)
			for x := 0; x < p.OutW; x++ {
				ix0 := x*p.StrideW - p.PadW
				fx0, fx1 := insideRange(ix0, 1, p.FilterW, p.InW)
				n := int32((fy1 - fy0) * (fx1 - fx0))
				o := out[i : i+d]
				i += d
				if n == 0 {
					if !p.Max {
						return false
					}
					v := T(clamp(int32(lowest), p.ActMin, p.ActMax))
					for c := range o {
						o[c] = v
					}
					continue
				}
				// The taps' pixels: rows iy0+fy0 … iy0+fy1−1, columns
				// ix0+fx0 … ix0+fx1−1, each row's run of them contiguous.
				first := (iy0+fy0)*rowLen + (ix0+fx0)*d
				runLen := int(fx1-fx0) * d
				rows := fy1 - fy0
				if p.Max {
					maxWindow(img, o, first, runLen, rowLen, rows, p.ActMin, p.ActMax)
				} else {
					avgWindow(img, o, first, runLen, rowLen, rows, n, p.ActMin, p.ActMax)
				}
			}
		}
	}
	return true
}

// maxWindow sets o (one output pixel's channels) to the clamped channel-wise
// maximum of the pixels of rows runs of runLen values, the first at
// in[first:], each rowLen after the last.
func maxWindow[T int8 | int16 | uint8](in, o []T, first, runLen, rowLen, rows int, lo, hi int32) {
	d := len(o)
	copy(o, in[first:first+d])
	for r := 0; r < rows; r++ {
		run := in[first+r*rowLen : first+r*rowLen+runLen]
		if r == 0 {
			run = run[d:]
		}
		for len(run) >= d {
			t := run[:d]
			for c, v := range t {
				if v > o[c] {
					o[c] = v
				}
			}
			run = run[d:]
		}
	}
	for c, v := range o {
		o[c] = T(clamp(int32(v), lo, hi))
	}
}

// poolBlock is how many channels avgWindow sums at a time on the stack.
const poolBlock = 128

// avgWindow sets o to the clamped rounded average of the n pixels
// maxWindow reads, summing channels in blocks of poolBlock.
func avgWindow[T int8 | int16 | uint8](in, o []T, first, runLen, rowLen, rows int, n, lo, hi int32) {
	var buf [poolBlock]int32
	d := len(o)
	for c0 := 0; c0 < d; c0 += poolBlock {
		w := min(poolBlock, d-c0)
		acc := buf[:w]
		clear(acc)
		for r := 0; r < rows; r++ {
			at := first + r*rowLen + c0
			for end := at + runLen; at < end; at += d {
				t := in[at : at+w]
				for c, v := range t {
					acc[c] += int32(v)
				}
			}
		}
		half := n / 2
		oc := o[c0 : c0+w]
		for c, s := range acc {
			if s > 0 {
				s = (s + half) / n
			} else {
				s = (s - half) / n
			}
			oc[c] = T(clamp(s, lo, hi))
		}
	}
}

// pool2x2 is pool2D for a 2×2 window at stride 2 with every window inside
// the input (VALID padding, or SAME on even sizes): the same formula, with
// the four taps read directly and the average's count fixed at 4.
func pool2x2[T int8 | int16 | uint8](p *Pool2DParams, in, out []T) {
	d := p.Depth
	rowLen := p.InW * d
	lo, hi := p.ActMin, p.ActMax
	i := 0
	for b := 0; b < p.Batches; b++ {
		for y := 0; y < p.OutH; y++ {
			r0 := in[(b*p.InH+2*y)*rowLen:]
			r1 := r0[rowLen:]
			for x := 0; x < p.OutW; x++ {
				o := out[i : i+d]
				i += d
				at := 2 * x * d
				a0, a1 := r0[at:at+d], r0[at+d:at+2*d]
				b0, b1 := r1[at:at+d], r1[at+d:at+2*d]
				a1, b0, b1 = a1[:len(a0)], b0[:len(a0)], b1[:len(a0)]
				o = o[:len(a0)]
				if p.Max {
					for c, v := range a0 {
						v = max(v, a1[c], b0[c], b1[c])
						o[c] = T(clamp(int32(v), lo, hi))
					}
					continue
				}
				for c, v := range a0 {
					s := int32(v) + int32(a1[c]) + int32(b0[c]) + int32(b1[c])
					if s > 0 {
						s = (s + 2) / 4
					} else {
						s = (s - 2) / 4
					}
					o[c] = T(clamp(s, lo, hi))
				}
			}
		}
	}
}

// evalFloat is the float AveragePool or MaxPool.
func (p *Pool2DParams) evalFloat(in, out []float32) bool {
	i := 0
	for b := 0; b < p.Batches; b++ {
		for y := 0; y < p.OutH; y++ {
			iy0 := y*p.StrideH - p.PadH
			fy0, fy1 := insideRange(iy0, 1, p.FilterH, p.InH)
			for x := 0; x < p.OutW; x++ {
				ix0 := x*p.StrideW - p.PadW
				fx0, fx1 := insideRange(ix0, 1, p.FilterW, p.InW)
				n := float32((fy1 - fy0) * (fx1 - fx0))
				if !p.Max && n == 0 {
					return false
				}
				for c := 0; c < p.Depth; c++ {
					var total float32
					m := float32(-math.MaxFloat32)
					for fy := fy0; fy < fy1; fy++ {
						for fx := fx0; fx < fx1; fx++ {
							v := in[((b*p.InH+iy0+fy)*p.InW+ix0+fx)*p.Depth+c]
							total += v
							if m < v { // std::max(m, v) keeps m unless m < v
								m = v
							}
						}
					}
					v := m
					if !p.Max {
						v = total / n
					}
					out[i] = clampF(v, p.FloatMin, p.FloatMax)
					i++
				}
			}
		}
	}
	return true
}
