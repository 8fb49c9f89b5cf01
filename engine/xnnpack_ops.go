package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// XNNPACK nodes for the elementwise and data-movement ops the delegate
// takes. See xnnpack.go.

func init() {
	registerXNNPack(tflite.BuiltinOperatorADD, func(c *prepCtx) (kernel, error) { return xnnAddSubNode(c, false) })
	registerXNNPack(tflite.BuiltinOperatorSUB, func(c *prepCtx) (kernel, error) { return xnnAddSubNode(c, true) })
	registerXNNPack(tflite.BuiltinOperatorMUL, xnnMulNode)
}

// xnnBinaryTensors checks the int8 inputs and output of ADD, SUB or MUL and
// returns the XNNPACK output range of the fused activation.
func xnnBinaryTensors(m *Model, op *Op, act tflite.ActivationFunctionType) (a, b, out *Tensor, bc *broadcast, lo, hi int32, err error) {
	a, b, out = opTensor(m, op, 0), opTensor(m, op, 1), m.Tensors[op.Outputs[0]]
	if a == nil || b == nil || a.Type != Int8 || b.Type != Int8 || out.Type != Int8 {
		return nil, nil, nil, nil, 0, 0, fmt.Errorf("the XNNPACK delegate takes only int8 (and float32) %s here", op.Builtin)
	}
	for _, t := range []*Tensor{a, b, out} {
		if t.Quant == nil || len(t.Quant.Scale) != 1 {
			return nil, nil, nil, nil, 0, 0, fmt.Errorf("tensor %d is not quantized per tensor", t.Index)
		}
	}
	if bc, err = newBroadcast(a.Shape, b.Shape); err != nil {
		return nil, nil, nil, nil, 0, 0, err
	}
	if lo, hi, err = xnnActivation(act, out); err != nil {
		return nil, nil, nil, nil, 0, 0, err
	}
	if lo >= hi {
		return nil, nil, nil, nil, 0, 0, &xnnFatal{fmt.Sprintf("output range [%d, %d] is empty (XNNPACK needs min < max)", lo, hi)}
	}
	return a, b, out, bc, lo, hi, nil
}

// xnnAddSub is ADD or SUB under XNNPACK (qs8-vadd): both inputs are scaled
// by integer multipliers of about 21 bits with a common shift, summed with
// a bias that holds the zero points and the rounding term, and shifted
// right arithmetically, which rounds half up:
//
//	acc = Bias + a·AMultiplier + b·BMultiplier      (Bias = 2^(Shift−1) − a_zp·AMultiplier − b_zp·BMultiplier)
//	out = clamp((acc >> Shift) + ZeroPoint, Min, Max)
//
// The multipliers are s_a/s_out and s_b/s_out (float32 divisions) times
// 2^Shift, rounded to nearest even; Shift = 20 − ⌊log2 max(|·|)⌋. SUB
// negates BMultiplier.
type xnnAddSub struct {
	AMultiplier int32 `json:"a_multiplier"`
	BMultiplier int32 `json:"b_multiplier"`
	Shift       uint  `json:"shift"`
	Bias        int32 `json:"bias"`
	ZeroPoint   int32 `json:"output_zero_point"`
	Min         int32 `json:"output_min"`
	Max         int32 `json:"output_max"`
	bc          *broadcast
	a, b, out   int
}

// xnnAddParams derives XNNPACK's integer ADD parameters
// (xnn_init_qs8_add_minmax_*_params) from the float32 scale ratios.
func xnnAddParams(aScale, bScale float32, aZP, bZP int32) (am, bm int32, shift uint, bias int32) {
	absA, absB := float32(math.Abs(float64(aScale))), float32(math.Abs(float64(bScale)))
	exp := int(math.Float32bits(max(absA, absB))>>23) - 127
	shift = uint(20 - exp)
	mul := func(s, abs float32) int32 {
		v := int32(math.RoundToEven(float64(abs) * math.Exp2(float64(shift))))
		if math.Signbit(float64(s)) {
			return -v
		}
		return v
	}
	am, bm = mul(aScale, absA), mul(bScale, absB)
	bias = int32(1)<<(shift-1) - am*aZP - bm*bZP
	return am, bm, shift, bias
}

func xnnAddSubNode(c *prepCtx, sub bool) (kernel, error) {
	m, op := c.m, c.op
	var act tflite.ActivationFunctionType
	switch o := op.Options.(type) {
	case *tflite.AddOptionsT:
		act = o.FusedActivationFunction
	case *tflite.SubOptionsT:
		act = o.FusedActivationFunction
	}
	a, b, out, bc, lo, hi, err := xnnBinaryTensors(m, op, act)
	if err != nil {
		return nil, err
	}
	so := float32(out.Scale())
	as, bs := float32(a.Scale())/so, float32(b.Scale())/so
	for _, s := range []float32{as, bs} {
		if s < 1.0/1024 || s >= 256 {
			return nil, fmt.Errorf("unsupported input-to-output scale %g (XNNPACK needs [2^-10, 2^8))", s)
		}
	}
	if sub {
		bs = -bs
	}
	k := &xnnAddSub{ZeroPoint: out.ZeroPoint(), Min: lo, Max: hi, bc: bc, a: a.Index, b: b.Index, out: out.Index}
	k.AMultiplier, k.BMultiplier, k.Shift, k.Bias = xnnAddParams(as, bs, a.ZeroPoint(), b.ZeroPoint())
	return k, nil
}

func (k *xnnAddSub) value(x, y int32) int32 {
	acc := k.Bias + x*k.AMultiplier + y*k.BMultiplier
	return clamp((acc>>k.Shift)+k.ZeroPoint, k.Min, k.Max)
}

func (k *xnnAddSub) eval(r *run, op *Op) error {
	a, b, out := r.i8(k.a), r.i8(k.b), r.i8(k.out)
	for i := range out {
		i1, i2 := k.bc.index(i)
		out[i] = int8(k.value(int32(a[i1]), int32(b[i2])))
	}
	return nil
}

// xnnMul is MUL under XNNPACK (qs8-vmul, fp32 requantization): the product
// of the zero-point-corrected inputs, requantized with xnnRequant by
// Scale = s_a·s_b/s_out in float32.
type xnnMul struct {
	Scale      float32 `json:"scale"`
	AZeroPoint int32   `json:"a_zero_point"`
	BZeroPoint int32   `json:"b_zero_point"`
	ZeroPoint  int32   `json:"output_zero_point"`
	Min        int32   `json:"output_min"`
	Max        int32   `json:"output_max"`
	bc         *broadcast
	a, b, out  int
}

func xnnMulNode(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	var act tflite.ActivationFunctionType
	if o, ok := op.Options.(*tflite.MulOptionsT); ok {
		act = o.FusedActivationFunction
	}
	a, b, out, bc, lo, hi, err := xnnBinaryTensors(m, op, act)
	if err != nil {
		return nil, err
	}
	ps := float32(a.Scale()) * float32(b.Scale())
	s := ps / float32(out.Scale())
	if s < 1.0/65536 || s >= 256 {
		return nil, fmt.Errorf("unsupported input-product-to-output scale %g (XNNPACK needs [2^-16, 2^8))", s)
	}
	return &xnnMul{Scale: s, AZeroPoint: a.ZeroPoint(), BZeroPoint: b.ZeroPoint(), ZeroPoint: out.ZeroPoint(),
		Min: lo, Max: hi, bc: bc, a: a.Index, b: b.Index, out: out.Index}, nil
}

func (k *xnnMul) eval(r *run, op *Op) error {
	a, b, out := r.i8(k.a), r.i8(k.b), r.i8(k.out)
	for i := range out {
		i1, i2 := k.bc.index(i)
		p := (int32(a[i1]) - k.AZeroPoint) * (int32(b[i2]) - k.BZeroPoint)
		out[i] = int8(xnnRequant(p, k.Scale, k.ZeroPoint, k.Min, k.Max))
	}
	return nil
}

func init() {
	registerXNNPack(tflite.BuiltinOperatorLOGISTIC, xnnLogisticNode)
}

// xnnLUT is an int8 → int8 op that XNNPACK computes with a 256-entry lookup
// table built in float32 when the operator is created.
type xnnLUT struct {
	Table   [256]int8 `json:"table"` // indexed by input + 128
	in, out int
}

func (k *xnnLUT) eval(r *run, op *Op) error {
	in, out := r.i8(k.in), r.i8(k.out)
	for i, x := range in {
		out[i] = k.Table[int(x)+128]
	}
	return nil
}

// xnnSigmoid is XNNPACK's float32 sigmoid for the lookup table
// (calculate_sigmoid): 1/(1 + e^−x) for negative x, 1 − 1/(1 + e^x) for the
// others. The two forms round differently; the oracle picks this one.
func xnnSigmoid(x float32) float32 {
	if math.Signbit(float64(x)) {
		return 1 / (1 + cExpf(-x))
	}
	return 1 - 1/(1+cExpf(x))
}

// cExpf is the C library's expf.
func cExpf(x float32) float32 { return float32(math.Exp(float64(x))) }

func xnnLogisticNode(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	in, out := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
	if in == nil || in.Type != Int8 || out.Type != Int8 {
		return nil, fmt.Errorf("the XNNPACK delegate takes only int8 (and float32) LOGISTIC")
	}
	if float32(out.Scale()) != 1.0/256 || out.ZeroPoint() != -128 {
		return nil, &xnnFatal{"XNNPACK's int8 sigmoid needs output scale 1/256 and zero point -128"}
	}
	k := &xnnLUT{in: in.Index, out: out.Index}
	s, zp := float32(in.Scale()), in.ZeroPoint()
	inv := 1 / float32(out.Scale())
	for i := -128; i < 128; i++ {
		x := float32(int32(i)-zp) * s
		y := xnnSigmoid(x)
		q := int32(math.RoundToEven(float64(y*inv))) + out.ZeroPoint()
		k.Table[i+128] = int8(clamp(q, -128, 127))
	}
	return k, nil
}

func init() {
	registerXNNPack(tflite.BuiltinOperatorQUANTIZE, xnnQuantizeNode)
}

// xnnConvert is QUANTIZE under XNNPACK. From int8 (qs8-vcvt) it multiplies
// by the Q8 fixed-point ratio Multiplier = round_half_even(256·s_in/s_out)
// and rounds half up:
//
//	out = clamp(((x − InputZeroPoint)·Multiplier + 128) >> 8 + OutputZeroPoint)
//
// From float32 (f32-qs8-vcvt) it multiplies by Scale = 1/s_out (float32)
// and rounds half to even: out = clamp(round(x·Scale) + OutputZeroPoint).
type xnnConvert struct {
	Multiplier      int32   `json:"multiplier,omitempty"`
	Scale           float32 `json:"scale,omitempty"`
	InputZeroPoint  int32   `json:"input_zero_point"`
	OutputZeroPoint int32   `json:"output_zero_point"`
	float           bool
	in, out         int
}

func xnnQuantizeNode(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	in, out := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
	if in == nil || out.Type != Int8 || (in.Type != Int8 && in.Type != Float32) {
		return nil, fmt.Errorf("the XNNPACK delegate takes QUANTIZE only from float32 or int8 to int8")
	}
	if out.Quant == nil || len(out.Quant.Scale) != 1 {
		return nil, fmt.Errorf("the output is not quantized per tensor")
	}
	k := &xnnConvert{OutputZeroPoint: out.ZeroPoint(), in: in.Index, out: out.Index}
	so := float32(out.Scale())
	if in.Type == Float32 {
		k.float, k.Scale = true, 1/so
		return k, nil
	}
	if in.Quant == nil || len(in.Quant.Scale) != 1 {
		return nil, fmt.Errorf("the input is not quantized per tensor")
	}
	ratio := float32(in.Scale()) / so
	if ratio < 1.0/256 || ratio > 128 {
		return nil, fmt.Errorf("unsupported input-to-output scale %g in QUANTIZE (XNNPACK needs [2^-8, 2^7])", ratio)
	}
	k.InputZeroPoint = in.ZeroPoint()
	k.Multiplier = int32(math.RoundToEven(float64(256 * ratio)))
	return k, nil
}

func (k *xnnConvert) eval(r *run, op *Op) error {
	out := r.i8(k.out)
	if k.float {
		for i, x := range r.f32(k.in) {
			v := math.RoundToEven(float64(x * k.Scale))
			out[i] = int8(clamp(int32(max(min(v, 1<<20), -1<<20))+k.OutputZeroPoint, -128, 127))
		}
		return nil
	}
	for i, x := range r.i8(k.in) {
		v := ((int32(x)-k.InputZeroPoint)*k.Multiplier + 128) >> 8
		out[i] = int8(clamp(v+k.OutputZeroPoint, -128, 127))
	}
	return nil
}

func init() {
	registerXNNPack(tflite.BuiltinOperatorMEAN, xnnMeanNode)
}

// xnnMean is MEAN over the spatial axes of an NHWC tensor (H and W, or W
// alone) under XNNPACK (global average pooling, qs8-gavgpool with fp32
// requantization). Over the K pooled elements:
//
//	acc = Bias + Σ x      (Bias = −K·input zero point)
//	out = xnnRequant(acc, Scale, ZeroPoint, −128, 127)
//
// with Scale = s_in / (s_out·K) in float32.
type xnnMean struct {
	Bias      int32   `json:"bias"`
	Scale     float32 `json:"scale"`
	ZeroPoint int32   `json:"output_zero_point"`
	n, hw, c  int
	in, out   int
}

func xnnMeanNode(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	in, axes, out := opTensor(m, op, 0), opTensor(m, op, 1), m.Tensors[op.Outputs[0]]
	if in == nil || axes == nil || in.Type != Int8 || out.Type != Int8 {
		return nil, fmt.Errorf("the XNNPACK delegate takes only int8 (and float32) MEAN")
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
	so := float32(out.Scale())
	if r := float32(in.Scale()) / so; r < 1.0/256 || r >= 256 {
		return nil, &xnnFatal{fmt.Sprintf("input-to-output scale ratio %g is outside [2^-8, 2^8)", r)}
	}
	n, hw := in.Shape[0], in.Shape[1]*in.Shape[2]
	if len(av) == 1 { // pool W only: every (n, h) row is a batch
		n, hw = in.Shape[0]*in.Shape[1], in.Shape[2]
	}
	return &xnnMean{Bias: -int32(hw) * in.ZeroPoint(), Scale: float32(in.Scale()) / (so * float32(hw)),
		ZeroPoint: out.ZeroPoint(), n: n, hw: hw, c: in.Shape[3], in: in.Index, out: out.Index}, nil
}

func (k *xnnMean) eval(r *run, op *Op) error {
	out := r.i8(k.out)
	sumHW(r.i8(k.in), k.n, k.hw, k.c, func(o int, sum int32) {
		out[o] = int8(xnnRequant(k.Bias+sum, k.Scale, k.ZeroPoint, -128, 127))
	})
	return nil
}

// sumHW sums an int8 NHWC tensor (n batches, hw positions, c channels) over
// its positions, in order, and hands each (batch, channel) sum to f with
// its flat output index b·c + channel. Sums wrap like the kernels' int32.
func sumHW(in []int8, n, hw, c int, f func(o int, sum int32)) {
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

func init() {
	registerXNNPack(tflite.BuiltinOperatorLEAKY_RELU, xnnLeakyReluNode)
}

// xnnLeakyRelu is LEAKY_RELU under XNNPACK (qs8-vlrelu): Q8 fixed-point
// multipliers for each side, rounded half up:
//
//	d   = x − InputZeroPoint
//	out = clamp(((d·(d ≥ 0 ? PositiveMultiplier : NegativeMultiplier) + 128) >> 8) + OutputZeroPoint)
//
// PositiveMultiplier = round_half_even(256·s_in/s_out) and
// NegativeMultiplier = round_half_even(256·(s_in/s_out)·alpha), in float32.
type xnnLeakyRelu struct {
	PositiveMultiplier int32 `json:"positive_multiplier"`
	NegativeMultiplier int32 `json:"negative_multiplier"`
	InputZeroPoint     int32 `json:"input_zero_point"`
	OutputZeroPoint    int32 `json:"output_zero_point"`
	in, out            int
}

func xnnLeakyReluNode(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	in, out := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
	if in == nil || in.Type != Int8 || out.Type != Int8 {
		return nil, fmt.Errorf("the XNNPACK delegate takes only int8 (and float32) LEAKY_RELU")
	}
	var alpha float32
	if o, ok := op.Options.(*tflite.LeakyReluOptionsT); ok {
		alpha = o.Alpha
	}
	pos := float32(in.Scale()) / float32(out.Scale())
	if pos < 1.0/256 || pos > 128 {
		return nil, fmt.Errorf("unsupported positive input-to-output scale %g in LEAKY_RELU", pos)
	}
	neg := pos * alpha
	if neg < -0x1.FFFCp+6 || neg > 128 || float32(math.Abs(float64(neg))) < 1.0/256 {
		return nil, fmt.Errorf("unsupported negative input-to-output scale %g in LEAKY_RELU", neg)
	}
	return &xnnLeakyRelu{
		PositiveMultiplier: int32(math.RoundToEven(float64(256 * pos))),
		NegativeMultiplier: int32(math.RoundToEven(float64(256 * neg))),
		InputZeroPoint:     in.ZeroPoint(), OutputZeroPoint: out.ZeroPoint(), in: in.Index, out: out.Index}, nil
}

func (k *xnnLeakyRelu) eval(r *run, op *Op) error {
	in, out := r.i8(k.in), r.i8(k.out)
	for i, x := range in {
		d := int32(x) - k.InputZeroPoint
		m := k.NegativeMultiplier
		if d >= 0 {
			m = k.PositiveMultiplier
		}
		out[i] = int8(clamp(((d*m+128)>>8)+k.OutputZeroPoint, -128, 127))
	}
	return nil
}

func init() {
	registerXNNPack(tflite.BuiltinOperatorMAX_POOL_2D, xnnMaxPoolNode)
	registerXNNPack(tflite.BuiltinOperatorCONCATENATION, xnnExactNode(Int8))
	registerXNNPack(tflite.BuiltinOperatorTRANSPOSE, xnnExactNode(Int8))
	registerXNNPack(tflite.BuiltinOperatorPAD, xnnExactNode(Int8))
	registerXNNPack(tflite.BuiltinOperatorDEQUANTIZE, xnnExactNode(Float32))
}

// xnnExactNode accepts ops whose first input is int8 and whose output has
// type out. The delegate's result equals TFLite's kernel's bit for bit (it
// moves, picks or exactly converts values), so the reference kernel
// computes it.
func xnnExactNode(out DType) prepareFunc {
	return func(c *prepCtx) (kernel, error) {
		m, op := c.m, c.op
		in, o := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
		if in == nil || in.Type != Int8 || o.Type != out {
			return nil, fmt.Errorf("the XNNPACK delegate takes %s here only with int8 input (and float32)", op.Builtin)
		}
		for i := 1; i < len(op.Inputs); i++ {
			if t := opTensor(m, op, i); t != nil && t.Type == Int32 && !t.Const {
				return nil, fmt.Errorf("input %d is not constant", i)
			}
		}
		return prepareOp(m, op, c.rounding)
	}
}

// xnnMaxPoolNode: MAX_POOL_2D, exact, but the delegate refuses strides
// larger than the window and 1×1 windows with a stride, and an empty
// output range makes XNNPACK fail.
func xnnMaxPoolNode(c *prepCtx) (kernel, error) {
	m, op := c.m, c.op
	in, out := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
	if in == nil || in.Type != Int8 || out.Type != Int8 {
		return nil, fmt.Errorf("the XNNPACK delegate takes only int8 (and float32) MAX_POOL_2D")
	}
	o, _ := op.Options.(*tflite.Pool2DOptionsT)
	if o == nil {
		return nil, fmt.Errorf("no Pool2DOptions")
	}
	if o.FilterHeight == 1 && o.FilterWidth == 1 && (o.StrideH != 1 || o.StrideW != 1) {
		return nil, fmt.Errorf("unsupported pooling with 1x1 filter and %dx%d stride", o.StrideH, o.StrideW)
	}
	if o.StrideH > o.FilterHeight || o.StrideW > o.FilterWidth {
		return nil, fmt.Errorf("unsupported stride %dx%d exceeding filter %dx%d", o.StrideH, o.StrideW, o.FilterHeight, o.FilterWidth)
	}
	lo, hi, err := xnnActivation(o.FusedActivationFunction, out)
	if err != nil {
		return nil, err
	}
	if lo >= hi {
		return nil, &xnnFatal{fmt.Sprintf("output range [%d, %d] is empty (XNNPACK needs min < max)", lo, hi)}
	}
	return prepareOp(m, op, c.rounding)
}
