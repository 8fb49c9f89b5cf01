package engine

import (
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// MeanParams are MEAN's prepared parameters.
//
// Mirrors TFLite Micro's reduce_common.cc (EvalMeanHelper) over TFLite's
// reference/reduce.h. The input's values are summed over the axes into one
// int32 (or float32) sum s per output element, n values each, in row-major
// input order; then
//
//	float:                              out = s / n
//	same scale and zero point (Mean):   out = s / n   (int32 division, truncating)
//	otherwise (QuantizedMeanOrSum), in float32:
//	    out = clamp(round(s/n · Scale + Bias) + OutputZeroPoint, type range)
//	    with Scale = s_input/s_output and Bias = −InputZeroPoint·Scale.
type MeanParams struct {
	Axes     []int `json:"axes"` // resolved: non-negative, without duplicates
	KeepDims bool  `json:"keep_dims"`
	Count    int   `json:"count"` // values per output element, n

	SameQuant       bool    `json:"same_quantization,omitempty"` // integer division path
	InputZeroPoint  int32   `json:"input_zero_point,omitempty"`
	OutputZeroPoint int32   `json:"output_zero_point,omitempty"`
	Scale           float32 `json:"scale,omitempty"` // s_input/s_output, float32
	Bias            float32 `json:"bias,omitempty"`  // −InputZeroPoint·Scale, float32

	inShape []int
	reduced []bool // per input dimension
	in, out int
	typ     DType
}

func init() { register(tflite.BuiltinOperatorMEAN, prepareMean) }

func prepareMean(c *prepCtx) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	in, axis, out := c.in(0), c.in(1), c.out(0)
	o, _ := c.op.Options.(*tflite.ReducerOptionsT)
	if o == nil {
		o = &tflite.ReducerOptionsT{}
	}
	if axis.Type != Int32 {
		return nil, c.errorf("axis tensor %d has type %v, want int32", axis.Index, axis.Type)
	}
	if !axis.Const {
		return nil, c.errorf("axis tensor %d is not constant; int8scope needs the axes at load time", axis.Index)
	}
	p := &MeanParams{KeepDims: o.KeepDims, inShape: in.Shape, reduced: make([]bool, len(in.Shape)),
		in: in.Index, out: out.Index, typ: in.Type, Count: 1}
	// ResolveAxis: negative axes count from the end; duplicates are dropped.
	for _, a := range AsInt32(axis.Data) {
		d := int(a)
		if d < 0 {
			d += len(in.Shape)
		}
		if d < 0 || d >= len(in.Shape) {
			return nil, c.errorf("axis %d is out of range for input shape %v", a, in.Shape)
		}
		if !p.reduced[d] {
			p.reduced[d] = true
			p.Axes = append(p.Axes, d)
			p.Count *= in.Shape[d]
		}
	}
	var want []int
	for d, n := range in.Shape {
		switch {
		case !p.reduced[d]:
			want = append(want, n)
		case p.KeepDims:
			want = append(want, 1)
		}
	}
	if want == nil {
		want = []int{}
	}
	if err := c.sameShape(out, want); err != nil {
		return nil, err
	}
	if in.Type != out.Type {
		return nil, c.unsupportedTypes()
	}
	switch in.Type {
	case Float32:
	case Int8, Int16, Uint8:
		for _, t := range []*Tensor{in, out} {
			if err := c.needQuant("input/output", t); err != nil {
				return nil, err
			}
		}
		p.InputZeroPoint, p.OutputZeroPoint = in.ZeroPoint(), out.ZeroPoint()
		sIn, sOut := in.Quant.Scale[0], out.Quant.Scale[0]
		p.SameQuant = p.InputZeroPoint == p.OutputZeroPoint && sIn == sOut
		if !p.SameQuant {
			p.Scale = sIn / sOut
			p.Bias = float32(-p.InputZeroPoint) * p.Scale
		}
	default:
		return nil, c.unsupportedTypes()
	}
	return p, nil
}

func (p *MeanParams) eval(r *run, op *Op) error {
	switch p.typ {
	case Float32:
		in, out := r.f32(p.in), r.f32(p.out)
		clear(out)
		p.sum(len(in), func(i, o int) { out[o] += in[i] })
		if p.Count > 0 {
			for o, s := range out {
				out[o] = s / float32(p.Count)
			}
		}
	case Int8:
		meanInt(p, r.i8(p.in), r.i8(p.out), math.MinInt8, math.MaxInt8)
	case Int16:
		meanInt(p, r.i16(p.in), r.i16(p.out), math.MinInt16, math.MaxInt16)
	case Uint8:
		meanInt(p, r.u8(p.in), r.u8(p.out), 0, math.MaxUint8)
	}
	return nil
}

func meanInt[T int8 | int16 | uint8](p *MeanParams, in, out []T, lo, hi float32) {
	sums := make([]int32, len(out))
	p.sum(len(in), func(i, o int) { sums[o] += int32(in[i]) })
	clear(out)
	if p.Count == 0 {
		return
	}
	n := int32(p.Count)
	for o, s := range sums {
		if p.SameQuant {
			out[o] = T(s / n)
			continue
		}
		mean := float32(s) / float32(n)
		v := float32(math.Round(float64(float32(mean*p.Scale)+p.Bias))) + float32(p.OutputZeroPoint)
		if hi < v { // TfLiteMin, then TfLiteMax
			v = hi
		}
		if v < lo {
			v = lo
		}
		out[o] = T(v)
	}
}

// sum calls add(i, o) for every input element i, in row-major order, with
// the output element o it reduces into.
func (p *MeanParams) sum(n int, add func(i, o int)) {
	if n == 0 {
		return
	}
	// outStride[d]: how far output index o moves per step of input dim d.
	outStride := make([]int, len(p.inShape))
	s := 1
	for d := len(p.inShape) - 1; d >= 0; d-- {
		if !p.reduced[d] {
			outStride[d] = s
			s *= p.inShape[d]
		}
	}
	idx := make([]int, len(p.inShape))
	o := 0
	for i := 0; i < n; i++ {
		add(i, o)
		for d := len(idx) - 1; d >= 0; d-- {
			idx[d]++
			o += outStride[d]
			if idx[d] < p.inShape[d] {
				break
			}
			o -= outStride[d] * idx[d]
			idx[d] = 0
		}
	}
}
