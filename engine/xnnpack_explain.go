package engine

import (
	"fmt"
	"math"
)

// Explanations under the XNNPack profile: each op is explained by what the
// browser TFLite runs for it, XNNPACK's node or TFLite's builtin kernel.

// explainFunc adapts a function to the explainer interface.
type explainFunc func(res *Result, op *Op, index int) (*Explanation, error)

func (f explainFunc) explain(res *Result, op *Op, index int) (*Explanation, error) {
	return f(res, op, index)
}

// xnnExplainer returns the explainer of op under the XNNPack profile, or
// false when the op has none (it moves values without arithmetic).
func (res *Result) xnnExplainer(o *Op) (explainer, bool) {
	p := planXNN(res.Model)
	if p.refused != "" {
		return explainFunc(func(*Result, *Op, int) (*Explanation, error) {
			return nil, fmt.Errorf("the browser TFLite refuses this model: %s", p.refused)
		}), true
	}
	node := p.nodes[o.Index]
	why := p.why[o.Index]
	// asProfile explains with the engine's kernel under another profile.
	asProfile := func(k kernel, pr Profile, arith string) (explainer, bool) {
		x, ok := k.(explainer)
		if !ok {
			return nil, false
		}
		return explainFunc(func(res *Result, op *Op, index int) (*Explanation, error) {
			r2 := *res
			r2.Profile = pr
			e, err := x.explain(&r2, op, index)
			if err == nil {
				e.Arithmetic = arith
			}
			return e, err
		}), true
	}
	builtin := "TFLite builtin kernel (" + why + "): "
	switch n := node.(type) {
	case builtinKernel:
		a := builtin + arithmetic(n.p)
		if n.note != "" {
			a += "; " + n.note
		}
		return asProfile(n.k, n.p, a)
	case xnnExact:
		return nil, false
	case interface {
		explainXNN(res *Result, op *Op, index int) (*Explanation, error)
	}:
		return explainFunc(n.explainXNN), true
	}
	return nil, false
}

// xnnRequantSteps derives XNNPACK's fp32 requantization of acc step by step.
func xnnRequantSteps(acc int32, scale float32, zp, lo, hi int32) ([]Step, int64) {
	f := float32(acc)
	p := f * scale
	v := math.RoundToEven(float64(p))
	s := []Step{
		{"float", fmt.Sprintf("float32(%d)", acc), float64(f)},
		{"scale", fmt.Sprintf("%.9g · scale %.9g, rounded to float32", f, scale), float64(p)},
		{"round", fmt.Sprintf("round half to even(%.9g)", p), v},
	}
	z := v + float64(zp)
	s = append(s, Step{"zero point", fmt.Sprintf("%s + output zero point %d", formatInt(v), zp), z})
	c := xnnRequant(acc, scale, zp, lo, hi)
	s = append(s, Step{"clamp", fmt.Sprintf("clamp(%s, %d, %d)", formatInt(z), lo, hi), float64(c)})
	return s, int64(c)
}

func formatInt(v float64) string { return fmt.Sprintf("%.0f", v) }

const xnnFP32Arith = "XNNPACK fp32 requantization: round_half_even(float32(acc)·scale) + zero point, clamped; scale = float32(float32(s_in·s_filter)/s_out)"

func (k *xnnGemm) explainXNN(res *Result, op *Op, index int) (*Explanation, error) {
	x, ok := op.Params.(explainer)
	if !ok {
		return nil, fmt.Errorf("op %d (%s) has no explanation", op.Index, op.Builtin)
	}
	r2 := *res
	r2.Profile = Reference
	e, err := x.explain(&r2, op, index)
	if err != nil {
		return nil, err
	}
	var sum, bias int64
	for _, s := range e.Steps {
		switch s.Name {
		case "sum":
			sum = int64(s.Value)
		case "bias":
			bias = int64(s.Value) - sum
		}
	}
	c := index % k.channels
	steps := []Step{{"sum", "Σ (input + input_offset)·(filter + filter_offset)", float64(sum)}}
	if k.AllPadding {
		e.Terms, e.TermsTotal = nil, 0
		steps = []Step{{"sum", "0: XNNPACK's TensorFlow-SAME padding wraps (negative total padding in uint32), so every tap reads the padding", 0}}
		sum = 0
	}
	acc := sum + bias
	steps = append(steps, Step{"bias", fmt.Sprintf("acc = %d + bias %d", sum, bias), float64(acc)})
	rs, v := xnnRequantSteps(int32(acc), k.scale(c), k.ZeroPoint, k.Min, k.Max)
	e.Steps, e.Value, e.Arithmetic = append(steps, rs...), v, xnnFP32Arith
	return e, nil
}

func (k *xnnFCFloat) explainXNN(res *Result, op *Op, index int) (*Explanation, error) {
	b, c := index/k.channels, index%k.channels
	x, w := res.Tensors, res.Tensors
	in, wt := AsFloat32(x[k.in]), AsFloat32(w[k.filter])
	var acc float32
	steps := []Step{}
	if k.bias >= 0 {
		acc = AsFloat32(res.Tensors[k.bias])[c]
		steps = append(steps, Step{"bias", fmt.Sprintf("acc = bias[%d]", c), float64(acc)})
	}
	for d := 0; d < k.depth; d++ {
		acc += float32(in[b*k.depth+d] * wt[c*k.depth+d])
	}
	steps = append(steps, Step{"sum", fmt.Sprintf("acc += x[k]·w[k] for k = 0..%d, each product and sum rounded to float32", k.depth-1), float64(acc)})
	v := min(max(acc, k.Min), k.Max)
	steps = append(steps, Step{"clamp", fmt.Sprintf("clamp(%.9g, %g, %g)", acc, k.Min, k.Max), float64(v)})
	return &Explanation{Steps: steps, Arithmetic: "XNNPACK f32 GEMM: bias first, then products added in order, float32 throughout", Value: int64(v)}, nil
}

func (k *xnnAddSub) explainXNN(res *Result, op *Op, index int) (*Explanation, error) {
	i1, i2 := k.bc.index(index)
	a, b := int32(AsInt8(res.Tensors[k.a])[i1]), int32(AsInt8(res.Tensors[k.b])[i2])
	acc := k.Bias + a*k.AMultiplier + b*k.BMultiplier
	sh := acc >> k.Shift
	steps := []Step{
		{"input1", fmt.Sprintf("input1[%d]", i1), float64(a)},
		{"input2", fmt.Sprintf("input2[%d]", i2), float64(b)},
		{"acc", fmt.Sprintf("bias %d + %d·%d + %d·%d", k.Bias, a, k.AMultiplier, b, k.BMultiplier), float64(acc)},
		{"shift", fmt.Sprintf("%d >> %d (arithmetic: rounds half up, the bias holds 2^%d)", acc, k.Shift, k.Shift-1), float64(sh)},
	}
	steps = append(steps, zeroPointClampSteps(sh, k.ZeroPoint, k.Min, k.Max)...)
	return &Explanation{Steps: steps, Value: int64(k.value(a, b)),
		Arithmetic: "XNNPACK qs8 add: 21-bit integer multipliers s_in/s_out·2^shift (round half to even), sum shifted right with round half up"}, nil
}

func (k *xnnMul) explainXNN(res *Result, op *Op, index int) (*Explanation, error) {
	i1, i2 := k.bc.index(index)
	a, b := int32(AsInt8(res.Tensors[k.a])[i1]), int32(AsInt8(res.Tensors[k.b])[i2])
	p := (a - k.AZeroPoint) * (b - k.BZeroPoint)
	steps := []Step{
		{"input1", fmt.Sprintf("input1[%d]", i1), float64(a)},
		{"input2", fmt.Sprintf("input2[%d]", i2), float64(b)},
		{"product", fmt.Sprintf("(%d − %d)·(%d − %d)", a, k.AZeroPoint, b, k.BZeroPoint), float64(p)},
	}
	rs, v := xnnRequantSteps(p, k.Scale, k.ZeroPoint, k.Min, k.Max)
	return &Explanation{Steps: append(steps, rs...), Value: v,
		Arithmetic: "XNNPACK qs8 mul, fp32 requantization: round_half_even(float32(product)·scale) + zero point; scale = float32(float32(s1·s2)/s_out)"}, nil
}

func (k *xnnMean) explainXNN(res *Result, op *Op, index int) (*Explanation, error) {
	in := AsInt8(res.Tensors[k.in])
	b, c := index/k.c, index%k.c
	var sum int32
	for p := 0; p < k.hw; p++ {
		sum += int32(in[(b*k.hw+p)*k.c+c])
	}
	acc := k.Bias + sum
	steps := []Step{
		{"sum", fmt.Sprintf("Σ of the %d pooled inputs", k.hw), float64(sum)},
		{"bias", fmt.Sprintf("acc = %d + bias %d (−%d·input zero point)", sum, k.Bias, k.hw), float64(acc)},
	}
	rs, v := xnnRequantSteps(acc, k.Scale, k.ZeroPoint, -128, 127)
	return &Explanation{Steps: append(steps, rs...), Value: v,
		Arithmetic: "XNNPACK global average pooling, fp32 requantization; scale = float32(s_in/(s_out·count))"}, nil
}

func (k *xnnConvert) explainXNN(res *Result, op *Op, index int) (*Explanation, error) {
	if k.float {
		x := AsFloat32(res.Tensors[k.in])[index]
		p := x * k.Scale
		v := math.RoundToEven(float64(p))
		steps := []Step{
			{"input", fmt.Sprintf("input[%d]", index), float64(x)},
			{"scale", fmt.Sprintf("%.9g · (1/s_out = %.9g), rounded to float32", x, k.Scale), float64(p)},
			{"round", fmt.Sprintf("round half to even(%.9g)", p), v},
		}
		out := int64(AsInt8(res.Tensors[k.out])[index])
		steps = append(steps, Step{"zero point, clamp", fmt.Sprintf("clamp(%s + %d, −128, 127)", formatInt(v), k.OutputZeroPoint), float64(out)})
		return &Explanation{Steps: steps, Value: out, Arithmetic: "XNNPACK f32→qs8 convert: round_half_even(x·float32(1/s_out)) + zero point"}, nil
	}
	x := int32(AsInt8(res.Tensors[k.in])[index])
	d := x - k.InputZeroPoint
	v := (d*k.Multiplier + 128) >> 8
	steps := []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(x)},
		{"offset", fmt.Sprintf("%d − input zero point %d", x, k.InputZeroPoint), float64(d)},
		{"scale", fmt.Sprintf("(%d·%d + 128) >> 8 (Q8 multiplier round(256·s_in/s_out), rounds half up)", d, k.Multiplier), float64(v)},
	}
	steps = append(steps, zeroPointClampSteps(v, k.OutputZeroPoint, -128, 127)...)
	return &Explanation{Steps: steps, Value: int64(clamp(v+k.OutputZeroPoint, -128, 127)), Arithmetic: "XNNPACK qs8 convert: Q8 fixed-point multiplier, round half up"}, nil
}

func (k *xnnLeakyRelu) explainXNN(res *Result, op *Op, index int) (*Explanation, error) {
	x := int32(AsInt8(res.Tensors[k.in])[index])
	d := x - k.InputZeroPoint
	m, side := k.NegativeMultiplier, "negative"
	if d >= 0 {
		m, side = k.PositiveMultiplier, "positive"
	}
	v := (d*m + 128) >> 8
	steps := []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(x)},
		{"offset", fmt.Sprintf("%d − input zero point %d", x, k.InputZeroPoint), float64(d)},
		{"scale", fmt.Sprintf("(%d·%d + 128) >> 8 (%s Q8 multiplier, rounds half up)", d, m, side), float64(v)},
	}
	steps = append(steps, zeroPointClampSteps(v, k.OutputZeroPoint, -128, 127)...)
	return &Explanation{Steps: steps, Value: int64(clamp(v+k.OutputZeroPoint, -128, 127)), Arithmetic: "XNNPACK qs8 leaky ReLU: Q8 fixed-point multipliers per sign, round half up"}, nil
}

func (k *xnnLUT) explainXNN(res *Result, op *Op, index int) (*Explanation, error) {
	x := int32(AsInt8(res.Tensors[k.in])[index])
	v := int64(k.Table[x+128])
	return &Explanation{Steps: []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(x)},
		{"table", fmt.Sprintf("table[%d], built in float32 when the model was loaded: clamp(round(f(s_in·(x − zp_in))/s_out) + zp_out)", x), float64(v)},
	}, Value: v, Arithmetic: "256-entry lookup table computed in float32"}, nil
}

func (k *builtinSoftmaxNode) explainXNN(res *Result, op *Op, index int) (*Explanation, error) {
	in := AsInt8(res.Tensors[k.in])
	row := index / k.depth * k.depth
	mx, sum := k.rowSum(in[row : row+k.depth])
	t := k.Table[mx-int32(in[index])]
	inv := 1 / (sum * k.Scale)
	p := t * inv
	v := int64(AsInt8(res.Tensors[k.out])[index])
	return &Explanation{Steps: []Step{
		{"input", fmt.Sprintf("input[%d]", index), float64(in[index])},
		{"row max", "max of the row", float64(mx)},
		{"exp", fmt.Sprintf("table[%d] = expf(−s_in·β·%d)", mx-int32(in[index]), mx-int32(in[index])), float64(t)},
		{"sum", "Σ table over the row, float32, in order", float64(sum)},
		{"scaled", fmt.Sprintf("%.9g · 1/(%.9g·s_out)", t, sum), float64(p)},
		{"round", fmt.Sprintf("roundf(%.9g) + zero point %d, clamped", p, k.ZeroPoint), float64(v)},
	}, Value: v, Arithmetic: "TFLite builtin optimized softmax: float32 exp table, roundf"}, nil
}

func (k *builtinMeanNode) explainXNN(res *Result, op *Op, index int) (*Explanation, error) {
	in := AsInt8(res.Tensors[k.in])
	b, c := index/k.c, index%k.c
	var sum int32
	for p := 0; p < k.hw; p++ {
		sum += int32(in[(b*k.hw+p)*k.c+c])
	}
	steps := []Step{{"sum", fmt.Sprintf("Σ of the %d raw inputs (zero points folded into the bias)", k.hw), float64(sum)}}
	s, v := scaleSteps(Reference, "sum", sum, k.Requant)
	steps = append(steps, s...)
	steps = append(steps, zeroPointClampSteps(v, k.Bias, -128, 127)...)
	steps[len(steps)-2].Formula = fmt.Sprintf("%d + bias %d (zp_out − round(zp_in·s_in/s_out))", v, k.Bias)
	return &Explanation{Steps: steps, Value: int64(clamp(v+k.Bias, -128, 127)),
		Arithmetic: "TFLite builtin optimized 4-D mean over H, W: MultiplyByQuantizedMultiplier (double rounding) of the raw sum plus a folded bias"}, nil
}

func (k *builtinLSTMNode) explainXNN(res *Result, op *Op, index int) (*Explanation, error) {
	v := int64(AsInt8(res.Tensors[k.p.out])[index])
	return &Explanation{Steps: []Step{{"output", fmt.Sprintf("hidden state after the time step: clamp(MultiplyByQuantizedMultiplier(o·tanh(c), %d, %d) − %d) (TFLite's CwiseMul subtracts the zero point)",
		k.HiddenScale.Multiplier, k.HiddenScale.Shift, k.HiddenZP), float64(v)}}, Value: v,
		Arithmetic: "TFLite builtin integer LSTM (lstm_eval EvalInteger8x8_16): gemmlowp int16 sigmoid/tanh, cell update by rounding shifts, float32 effective scales"}, nil
}
