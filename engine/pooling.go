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

// pool2D is the integer AveragePool or MaxPool; it reports false, like the
// reference, when a window has no taps inside the input. Per output pixel
// it runs over the window's taps with the channels innermost (contiguous
// in NHWC), keeping a running max in the output row or a running sum in
// sums: the same integers as the reference's per-channel loops
// (reference_integer_ops::MaxPool and AveragePool: max over the taps, or
// the sum rounded half away from zero by the tap count, then the clamp).
func pool2D[T int8 | int16 | uint8](p *Pool2DParams, in, out []T, lowest T) bool {
	D := p.Depth
	if D <= 0 {
		return true
	}
	var sums []int32
	if !p.Max {
		sums = make([]int32, D)
	}
	lo, hi := p.ActMin, p.ActMax
	i := 0
	for b := 0; b < p.Batches; b++ {
		for y := 0; y < p.OutH; y++ {
			iy0 := y*p.StrideH - p.PadH
			fy0, fy1 := insideRange(iy0, 1, p.FilterH, p.InH)
			for x := 0; x < p.OutW; x++ {
				ix0 := x*p.StrideW - p.PadW
				fx0, fx1 := insideRange(ix0, 1, p.FilterW, p.InW)
				n := int32((fy1 - fy0) * (fx1 - fx0))
				if !p.Max && n == 0 {
					return false
				}
				row := out[i:][:D]
				i += D
				if p.Max {
					for c := range row {
						row[c] = lowest
					}
					for fy := fy0; fy < fy1; fy++ {
						for fx := fx0; fx < fx1; fx++ {
							maxInto(row, in[((b*p.InH+iy0+fy)*p.InW+ix0+fx)*D:][:len(row)])
						}
					}
					for c, v := range row {
						row[c] = T(clamp(int32(v), lo, hi))
					}
					continue
				}
				clear(sums)
				for fy := fy0; fy < fy1; fy++ {
					for fx := fx0; fx < fx1; fx++ {
						src := in[((b*p.InH+iy0+fy)*p.InW+ix0+fx)*D:][:len(sums)]
						for c, v := range src {
							sums[c] += int32(v)
						}
					}
				}
				for c, acc := range sums[:len(row)] {
					if acc > 0 {
						acc = (acc + n/2) / n
					} else {
						acc = (acc - n/2) / n
					}
					row[c] = T(clamp(acc, lo, hi))
				}
			}
		}
	}
	return true
}

// maxInto sets row[c] = max(row[c], src[c]), four channels per step (Go's
// WebAssembly output pays a dispatch per loop iteration).
func maxInto[T int8 | int16 | uint8](row, src []T) {
	src = src[:len(row)]
	c := 0
	for ; c+4 <= len(row); c += 4 {
		r, s := row[c:c+4:c+4], src[c:c+4:c+4]
		r[0], r[1], r[2], r[3] = max(r[0], s[0]), max(r[1], s[1]), max(r[2], s[2]), max(r[3], s[3])
	}
	for ; c < len(row); c++ {
		row[c] = max(row[c], src[c])
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
