package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// MEAN in the browser TFLite (tflite-xnnpack): the XNNPACK delegate takes int8
// and uint8 spatial means (global average pooling, xnnMean); TFLite's
// builtin kernel has an optimized int8 and uint8 path for keep_dims means
// over H and W (builtinMeanNode) and its older reduce.cc arithmetic
// elsewhere (meanTFLite), not TFLite Micro's QuantizedMeanOrSum.

func init() {
	registerXNNPack(tflite.BuiltinOperatorMEAN, xnnMeanNode)
	registerBuiltin(tflite.BuiltinOperatorMEAN, builtinMean)
}

// xnnMean is MEAN over the spatial axes of an NHWC tensor (H and W, or W
// alone) under XNNPACK (global average pooling, qs8-gavgpool and
// qu8-gavgpool with fp32 requantization). Over the K pooled elements:
//
//	acc = Bias + Σ x      (Bias = −K·input zero point)
//	out = xnnRequant(acc, Scale, ZeroPoint) clamped to the type's range
//
// with Scale = s_in / (s_out·K) in float32.
type xnnMean struct {
	Bias      int32   `json:"bias"`
	Scale     float32 `json:"scale"`
	ZeroPoint int32   `json:"output_zero_point"`
	n, hw, c  int
	in, out   int
	typ       DType
}

func xnnMeanNode(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	in, axes, out := opTensor(m, op, 0), opTensor(m, op, 1), m.Tensors[op.Outputs[0]]
	if in == nil || axes == nil || (in.Type != Int8 && in.Type != Uint8 && in.Type != Float32) || out.Type != in.Type {
		return nil, fmt.Errorf("the XNNPACK delegate takes only float32, int8 and uint8 MEAN")
	}
	if len(in.Shape) != 4 {
		return nil, fmt.Errorf("XNNPACK reduces only 4-D tensors")
	}
	if !axes.Const || axes.Type != Int32 {
		return nil, fmt.Errorf("the axes are not a constant int32 tensor")
	}
	// The delegate checks the raw axis values: a single axis must be 2 (W,
	// pooled by 1-D global average pooling), two axes must be 1 and 2 (H and
	// W, 2-D). Negative spellings are refused.
	av := AsInt32(axes.Data)
	switch {
	case len(av) == 1 && av[0] != 2:
		return nil, fmt.Errorf("unsupported MEAN reduction along non-spatial axis %d", av[0])
	case len(av) == 2 && (min(av[0], av[1]) != 1 || max(av[0], av[1]) != 2):
		return nil, fmt.Errorf("unsupported MEAN reduction along non-spatial axes %d and %d", av[0], av[1])
	case len(av) != 1 && len(av) != 2:
		return nil, fmt.Errorf("unsupported MEAN reduction along %d axes", len(av))
	}
	if want := 4; len(out.Shape) != want && len(out.Shape) != want-len(av) {
		return nil, fmt.Errorf("unexpected number of dimensions %d in the output shape", len(out.Shape))
	}
	if in.Type == Float32 {
		n, hw := in.Shape[0], in.Shape[1]*in.Shape[2]
		if len(av) == 1 {
			n, hw = in.Shape[0]*in.Shape[1], in.Shape[2]
		}
		return &xnnMeanFloat{Pixels: hw, Scale: 1 / float32(hw), n: n, c: in.Shape[3], in: in.Index, out: out.Index}, nil
	}
	so := float32(out.Scale())
	if r := float32(in.Scale()) / so; r < 1.0/256 || r >= 256 {
		return nil, &xnnFatal{fmt.Sprintf("input-to-output scale ratio %g is outside [2^-8, 2^8)", r)}
	}
	n, hw := in.Shape[0], in.Shape[1]*in.Shape[2]
	if len(av) == 1 { // pool W only: every (n, h) row is a batch
		n, hw = in.Shape[0]*in.Shape[1], in.Shape[2]
	}
	return &xnnMean{Bias: -int32(hw) * in.ZeroPoint(), Scale: float32(in.Scale()) / (so * float32(hw)),
		ZeroPoint: out.ZeroPoint(), n: n, hw: hw, c: in.Shape[3], in: in.Index, out: out.Index, typ: in.Type}, nil
}

func (k *xnnMean) eval(r *run, op *Op) error {
	out := r.vals[k.out] // int8 or uint8: the low byte
	lo, hi := qrange(k.typ)
	sumHW(r, k.typ, k.in, k.n, k.hw, k.c, func(o int, sum int32) {
		out[o] = byte(xnnRequant(k.Bias+sum, k.Scale, k.ZeroPoint, lo, hi))
	})
	return nil
}

// sumHW sums an int8 or uint8 NHWC tensor (n batches, hw positions, c
// channels) over its positions, in order, and hands each (batch, channel)
// sum to f with its flat output index b·c + channel. Sums wrap like the
// kernels' int32.
func sumHW(r *run, typ DType, t, n, hw, c int, f func(o int, sum int32)) {
	if typ == Uint8 {
		sumHWOf(r.u8(t), n, hw, c, f)
	} else {
		sumHWOf(r.i8(t), n, hw, c, f)
	}
}

func sumHWOf[T int8 | uint8](in []T, n, hw, c int, f func(o int, sum int32)) {
	for b := 0; b < n; b++ {
		for ch := 0; ch < c; ch++ {
			var acc int32
			for p := 0; p < hw; p++ {
				acc += int32(in[(b*hw+p)*c+ch])
			}
			f(b*c+ch, acc)
		}
	}
}

// explainSumHW is the sum sumHW hands on for output index.
func explainSumHW(res *Result, t, hw, c, index int) int32 {
	b, ch := index/c, index%c
	var sum int32
	for p := 0; p < hw; p++ {
		sum += int32(res.intAt(t, (b*hw+p)*c+ch))
	}
	return sum
}

// builtinMeanNode is TFLite's optimized int8 and uint8 MEAN over H and W of
// a 4-D tensor with keep_dims (optimized_integer_ops::Mean,
// optimized_ops::Mean for uint8), which TFLite's
// reduce.cc picks for exactly that case (axes given as 1 and 2). It sums
// the raw values and folds both zero points into one integer bias:
//
//	temp = zp_in·s_in/s_out (float32), rounded half away from zero
//	Bias = zp_out − temp
//	out  = clamp(MultiplyByQuantizedMultiplier(Σ x, M, shift) + Bias)
//
// with M, shift = QuantizeMultiplier(s_in/(H·W·s_out)), computed in float32.
type builtinMeanNode struct {
	Requant  Requant `json:"requant"`
	Bias     int32   `json:"bias"`
	n, hw, c int
	in, out  int
	typ      DType
}

func builtinMean(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	in, axes, out := opTensor(m, op, 0), opTensor(m, op, 1), m.Tensors[op.Outputs[0]]
	o, _ := op.Options.(*tflite.ReducerOptionsT)
	other := func() (kernel, error) { // reduce.cc's other paths
		k, err := prepareMean(c)
		if err != nil {
			return nil, err
		}
		return meanTFLite{k.(*MeanParams)}, nil
	}
	if in == nil || axes == nil || o == nil || !o.KeepDims || (in.Type != Int8 && in.Type != Uint8) || out.Type != in.Type ||
		len(in.Shape) != 4 || !axes.Const || axes.Type != Int32 {
		return other()
	}
	av := AsInt32(axes.Data)
	if len(av) != 2 || min(av[0], av[1]) != 1 || max(av[0], av[1]) != 2 {
		return other()
	}
	si, so := float32(in.Scale()), float32(out.Scale())
	temp := float32(in.ZeroPoint()) * si / so
	if temp > 0 {
		temp += 0.5
	} else {
		temp -= 0.5
	}
	hw := in.Shape[1] * in.Shape[2]
	real := si / (float32(hw) * so)
	return &builtinMeanNode{Requant: newRequant(float64(real)), Bias: out.ZeroPoint() - int32(temp),
		n: in.Shape[0], hw: hw, c: in.Shape[3], in: in.Index, out: out.Index, typ: in.Type}, nil
}

func (k *xnnMean) explain(res *Result, op *Op, index int) (*Explanation, error) {
	sum := explainSumHW(res, k.in, k.hw, k.c, index)
	acc := k.Bias + sum
	steps := []Step{
		{"sum", fmt.Sprintf("Σ of the %d pooled inputs", k.hw), float64(sum)},
		{"bias", fmt.Sprintf("acc = %d + bias %d (−%d·input zero point)", sum, k.Bias, k.hw), float64(acc)},
	}
	lo, hi := qrange(k.typ)
	rs, v := xnnRequantSteps(acc, k.Scale, k.ZeroPoint, lo, hi)
	return &Explanation{Steps: append(steps, rs...), Value: v,
		Arithmetic: "XNNPACK global average pooling, fp32 requantization; scale = float32(s_in/(s_out·count))"}, nil
}

func (k *builtinMeanNode) eval(r *run, op *Op) error {
	out := r.vals[k.out] // int8 or uint8: the low byte
	lo, hi := qrange(k.typ)
	sumHW(r, k.typ, k.in, k.n, k.hw, k.c, func(o int, sum int32) {
		out[o] = byte(clamp(k.Requant.apply(sum)+k.Bias, lo, hi))
	})
	return nil
}

func (k *builtinMeanNode) explain(res *Result, op *Op, index int) (*Explanation, error) {
	sum := explainSumHW(res, k.in, k.hw, k.c, index)
	lo, hi := qrange(k.typ)
	steps := []Step{{"sum", fmt.Sprintf("Σ of the %d raw inputs (zero points folded into the bias)", k.hw), float64(sum)}}
	s, v := scaleSteps("sum", sum, k.Requant)
	steps = append(steps, s...)
	steps = append(steps, zeroPointClampSteps(v, k.Bias, lo, hi)...)
	steps[len(steps)-2].Formula = fmt.Sprintf("%d + bias %d (zp_out − round(zp_in·s_in/s_out))", v, k.Bias)
	return &Explanation{Steps: steps, Value: int64(clamp(v+k.Bias, lo, hi)),
		Arithmetic: "TFLite builtin optimized 4-D mean over H, W: MultiplyByQuantizedMultiplier (double rounding) of the raw sum plus a folded bias"}, nil
}

// meanTFLite is MEAN as the browser TFLite's builtin kernel computes it
// (its reduce.cc, older than TFLite Micro's): the int32 sum divided by n
// when input and output share scale and zero point, otherwise the float32
// QuantizedMeanOrSum of that time. The tflite-xnnpack profile runs it when
// the op is neither delegated nor the 4-D optimized case (builtinMean).
type meanTFLite struct{ *MeanParams }

func (k meanTFLite) eval(r *run, op *Op) error {
	p := k.MeanParams
	switch p.typ {
	case Int8:
		meanFloat32(p, r.i8(p.in), r.i8(p.out), math.MinInt8, math.MaxInt8)
	case Int16:
		meanFloat32(p, r.i16(p.in), r.i16(p.out), math.MinInt16, math.MaxInt16)
	case Uint8:
		meanFloat32(p, r.u8(p.in), r.u8(p.out), 0, math.MaxUint8)
	default:
		p.evalFloat(r)
	}
	return nil
}

func meanFloat32[T int8 | int16 | uint8](p *MeanParams, in, out []T, lo, hi float32) {
	sums := sums32(&p.reduction, in, len(out))
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

// xnnMeanFloat is a float32 MEAN under XNNPACK: global average pooling
// (f32-gavgpool 7x/7p7x, gavgpool in pooling_xnnpack_float.go) over the
// Pixels pooled per channel, times Scale = float32(1/Pixels).
type xnnMeanFloat struct {
	Pixels  int     `json:"pixels"`
	Scale   float32 `json:"scale"`
	n, c    int
	in, out int
}

func (k *xnnMeanFloat) mean(in []float32, i int) (sum float32) {
	b, ch := i/k.c, i%k.c
	return gavgpool(func(j int) float32 { return in[(b*k.Pixels+j)*k.c+ch] }, k.Pixels)
}

func (k *xnnMeanFloat) eval(r *run, op *Op) error {
	in, out := r.f32(k.in), r.f32(k.out)
	for i := range out {
		out[i] = k.mean(in, i) * k.Scale
	}
	return nil
}

func (k *xnnMeanFloat) explain(res *Result, op *Op, index int) (*Explanation, error) {
	s := k.mean(AsFloat32(res.Tensors[k.in]), index)
	return &Explanation{Steps: []Step{
		{"sum", fmt.Sprintf("the %d pixels seven at a time: ((i0+i1)+i6) + ((i2+i3)+(i4+i5)), then ((i0+i1)+(i2+i3)) + ((i4+i5)+(i6+acc)), float32", k.Pixels), float64(s)},
		{"output", fmt.Sprintf("%.9g × float32(1/%d) = %.9g × %.9g", s, k.Pixels, s, k.Scale), float64(s * k.Scale)},
	}, Arithmetic: "XNNPACK f32 global average pooling"}, nil
}
