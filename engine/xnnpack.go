package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// The XNNPack profile: what the browser TFLite computes. That runtime is
// TFLite's C++ interpreter built to WebAssembly (npm @tensorflow/tfjs-tflite
// 0.0.1-alpha.10, XNNPACK of mid 2022), which applies the XNNPACK delegate by
// default. The delegate takes the ops it supports with the parameters it
// supports; those compute with XNNPACK's arithmetic (float32
// requantization, round half to even). Every other op runs TFLite's builtin
// kernel: double rounding like the reference (the build does not define
// TFLITE_SINGLE_ROUNDING), except FULLY_CONNECTED and CONV_2D, which go
// through ruy and round once, and a few "generic optimized" kernels with
// their own arithmetic. Each op's XNNPACK node and builtin variant live in
// its sibling file NAME_xnnpack.go; this file holds the delegate's plan and
// the arithmetic XNNPACK's nodes share. If XNNPACK
// fails to build an operator for an op it accepted (e.g. an output range
// that is empty after quantization), TFLite drops the delegate and every op
// runs its builtin kernel. PROFILES.md records the evidence.

// planXNNPack decides, op by op, what the browser TFLite runs for m and
// prepares it: the XNNPACK delegate's node where the delegate takes the op
// (opDef.xnnpack), TFLite's builtin kernel elsewhere (opDef.builtin, or the
// reference kernel with double rounding).
func planXNNPack(m *Model) (*plan, error) {
	n := len(m.Ops)
	pl := &plan{kernels: make([]kernel, n), arithmetic: make([]string, n), delegated: make([]bool, n), why: make([]string, n), dynamicAt: n}
	if why := tfliteRefusesModel(m); why != "" {
		pl.refused = "the browser TFLite refuses this model: " + why
		for i := range pl.arithmetic {
			pl.arithmetic[i] = pl.refused
		}
		return pl, nil
	}
	failed := ""
	if why := xnnpackDropped(m); why != "" {
		failed = why
	}
	if m.dynamic != "" {
		// Subgraph::ModifyGraphWithDelegate prepares the ops first; a
		// delegate without kTfLiteDelegateFlagsAllowDynamicTensors, as
		// XNNPACK's, is not applied to a graph with a dynamic tensor.
		failed = m.dynamic + ", a dynamic-sized tensor: \"Attempting to use a delegate that only supports static-sized tensors with a graph that has dynamic-sized tensors\""
	}
	for _, op := range m.Ops {
		if op.Unsupported != "" || failed != "" {
			continue
		}
		d := defOf(op)
		if d.xnnpack == nil {
			pl.why[op.Index] = "the XNNPACK delegate does not support " + op.Builtin
			continue
		}
		k, err := d.xnnpack(&prepCtx{m: m, op: op, rounding: RoundDouble})
		if f, ok := err.(*xnnFatal); ok {
			failed = fmt.Sprintf("op %d (%s): %s", op.Index, op.Builtin, f.msg)
			break
		}
		if err != nil {
			pl.why[op.Index] = err.Error()
			continue
		}
		pl.kernels[op.Index], pl.delegated[op.Index] = k, true
		pl.arithmetic[op.Index] = "XNNPACK delegate"
	}
	if failed != "" {
		for i := range pl.kernels {
			pl.kernels[i], pl.delegated[i] = nil, false
			pl.why[i] = "the XNNPACK delegate failed as a whole, TFLite dropped it: " + failed
		}
	}
	for _, op := range m.Ops {
		if pl.kernels[op.Index] != nil || op.Unsupported != "" {
			continue
		}
		k, arith, err := builtinKernel(&prepCtx{m: m, op: op, rounding: RoundDouble}, pl.why[op.Index])
		if pl.deferRest(m, op, err) {
			break
		}
		if err != nil {
			return nil, err
		}
		pl.kernels[op.Index], pl.arithmetic[op.Index] = k, arith
	}
	return pl, nil
}

// builtinKernel prepares TFLite's builtin kernel for c's op (the browser
// build's variant where it has one, else the reference kernel), and names
// its arithmetic; why says why XNNPACK does not run it.
func builtinKernel(c *prepCtx, why string) (kernel, string, error) {
	var k kernel
	if b := defOf(c.op).builtin; b != nil {
		bk, err := b(c)
		if _, dyn := err.(*dynamicError); dyn {
			return nil, "", err
		}
		if err == nil {
			k = bk
		}
	}
	if k == nil {
		var err error
		if k, err = prepareCtx(c); err != nil {
			return nil, "", err
		}
	}
	arith := "TFLite builtin kernel: " + why
	if n, ok := k.(interface{ builtinNote() string }); ok && n.builtinNote() != "" {
		arith += "; " + n.builtinNote()
	}
	return k, arith, nil
}

// builtinAtRun prepares an op of a dynamic model while it runs: the
// delegate is not applied to such a model, so every op runs TFLite's
// builtin kernel.
func builtinAtRun(c *prepCtx) (kernel, string, error) {
	return builtinKernel(c, "the XNNPACK delegate is not applied: "+c.m.dynamic)
}

// xnnFatal is a failure to create the XNNPACK operator for an op the
// delegate accepted, which makes TFLite abandon the delegate.
type xnnFatal struct{ msg string }

func (e *xnnFatal) Error() string { return e.msg }

// XNNPackDelegated reports, per op, whether the browser TFLite runs it with
// XNNPACK, and for the others why not.
func (m *Model) XNNPackDelegated() (taken []bool, why []string) {
	pl := m.plans[XNNPack]
	return pl.delegated, pl.why
}

// tfliteRefusesModel reports why the browser TFLite refuses m outright, or "".
func tfliteRefusesModel(m *Model) string {
	for _, t := range m.Tensors {
		if msg := tfliteRefusesTensor(t); msg != "" {
			return fmt.Sprintf("tensor %d (%q): %s", t.Index, t.Name, msg)
		}
	}
	for _, op := range m.Ops {
		if msg := tfliteRefuses(m, op); msg != "" {
			return fmt.Sprintf("op %d (%s): %s", op.Index, op.Builtin, msg)
		}
	}
	return ""
}

// tfliteRefusesTensor reports quantization parameters TFLite's model
// loader (InterpreterBuilder::ParseQuantization) rejects although TFLite
// Micro reads them: a quantized dimension outside the tensor's rank (e.g. a
// depthwise bias that kept the filter's axis 3), or a number of scales that
// is neither 1 nor that dimension's size.
func tfliteRefusesTensor(t *Tensor) string {
	if t.Variable && t.Data != nil { // InterpreterBuilder::ParseTensors
		return fmt.Sprintf("Tensor %d is a variable tensor with buffer. It's not supported now.", t.Index)
	}
	q := t.Quant
	if q == nil || len(q.Scale) == 0 || len(t.Shape) == 0 {
		return ""
	}
	if q.Axis < 0 || q.Axis >= len(t.Shape) {
		return fmt.Sprintf("quantized_dimension must be in range [0, %d). Was %d.", len(t.Shape), q.Axis)
	}
	if f := q.rewrittenFrom; f != nil {
		return fmt.Sprintf("quantized_dimension must be in range [0, %d). Was %d.", len(t.Shape), *f)
	}
	if n := len(q.Scale); n != 1 && n != t.Shape[q.Axis] {
		return fmt.Sprintf("%d scales for quantized dimension %d of size %d", n, q.Axis, t.Shape[q.Axis])
	}
	return ""
}

// tfliteRefuses reports what this TFLite's builtin kernels reject in
// Prepare although TFLite Micro accepts it.
func tfliteRefuses(m *Model, op *Op) string {
	switch op.code {
	case tflite.BuiltinOperatorCONV_2D, tflite.BuiltinOperatorDEPTHWISE_CONV_2D:
		if in := opTensor(m, op, 0); in != nil && in.Type == Int8 && opTensor(m, op, 2) == nil {
			return "int8 " + op.Builtin + " without bias (\"Tensor at index 2 was optional but was expected\")"
		}
		if op.code == tflite.BuiltinOperatorDEPTHWISE_CONV_2D && len(op.Inputs) == 3 && opTensor(m, op, 2) == nil {
			// depthwise_conv.cc: three inputs mean a bias, for every type
			return op.Builtin + " with an absent bias (\"Tensor at index 2 was optional but was expected\")"
		}
		if in, f := opTensor(m, op, 0), opTensor(m, op, 1); in != nil && f != nil && in.Type == Float32 && f.Type == Int8 && opTensor(m, op, 2) == nil {
			return "hybrid " + op.Builtin + " without bias (\"Tensor at index 2 was optional but was expected\")"
		}
	case tflite.BuiltinOperatorDIV:
		if out := m.Tensors[op.Outputs[0]]; out.Type == Int8 || out.Type == Int16 {
			return fmt.Sprintf("DIV of %v (\"Div only supports FLOAT32, INT32 and quantized UINT8 now\"; TFLite Micro has int8 DIV)", out.Type)
		}
	case tflite.BuiltinOperatorSUM:
		if in, out := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]; in != nil && in.Type == Int16 && float32(in.Scale()) != float32(out.Scale()) {
			return "int16 SUM with an output scale other than the input's (reduce.cc: input->params.scale != output->params.scale)"
		}
	case tflite.BuiltinOperatorSVDF:
		o, _ := op.Options.(*tflite.SVDFOptionsT)
		if in := opTensor(m, op, 0); in != nil && in.Type == Int8 && (o == nil || o.FusedActivationFunction != tflite.ActivationFunctionTypeRELU) {
			return "int8 SVDF needs the RELU activation (svdf.cc: params->activation != kTfLiteActRelu)"
		}
		return svdfTFLiteUndefined(m, op)
	}
	return ""
}

// xnnQuantize is XNNPACK's xnn_qs8_quantize, which turns the float bounds
// of a fused activation into int8 bounds: lrintf(clamp(v/scale + zp)) in
// float32.
func xnnQuantize(v float32, scale float32, zp int32) int32 {
	return xnnQuantizeRange(v, scale, zp, -128, 127)
}

// xnnQuantizeRange is xnnQuantize clamped to [lo, hi]: xnn_qs8_quantize
// for int8, xnn_qu8_quantize ([0, 255]) for uint8.
func xnnQuantizeRange(v float32, scale float32, zp, lo, hi int32) int32 {
	x := v/scale + float32(zp)
	x = min(max(x, float32(lo)), float32(hi))
	return int32(math.RoundToEven(float64(x)))
}

// xnnActivation converts a fused activation to XNNPACK's int8 (or uint8)
// output range, as the delegate (float bounds) and XNNPACK's subgraph
// (xnnQuantize) do.
func xnnActivation(a tflite.ActivationFunctionType, out *Tensor) (lo, hi int32, err error) {
	fmin, fmax, err := xnnFloatActivation(a)
	if err != nil {
		return 0, 0, err
	}
	s, zp := float32(out.Scale()), out.ZeroPoint()
	tmin, tmax := qrange(out.Type)
	return xnnQuantizeRange(fmin, s, zp, tmin, tmax), xnnQuantizeRange(fmax, s, zp, tmin, tmax), nil
}

// xnnRequant is XNNPACK's fp32 requantization of an int32 accumulator, as
// its QS8 GEMM, IGEMM and DWCONV microkernels compute it: the accumulator
// converted to float32, multiplied by the float32 scale, rounded to the
// nearest integer with ties to even (the magic-number trick), the zero
// point added and the result clamped to [lo, hi].
func xnnRequant(acc int32, scale float32, zp, lo, hi int32) int32 {
	f := float32(acc) * scale
	v := math.RoundToEven(float64(f))
	if v <= float64(lo-zp) {
		return lo
	}
	if v >= float64(hi-zp) {
		return hi
	}
	return int32(v) + zp
}

// xnnScale is XNNPACK's requantization scale s_in·s_filter/s_out, computed
// in float32 in that order.
func xnnScale(sIn, sFilter, sOut float32) float32 {
	p := sIn * sFilter
	return p / sOut
}

// XNNPackOutput is XNNPACK's output stage for FULLY_CONNECTED, CONV_2D,
// DEPTHWISE_CONV_2D and TRANSPOSE_CONV (QS8/QC8 GEMM, IGEMM and DWCONV
// microkernels, and their QU8 twins for uint8 with the same fp32
// requantization): the same int32 accumulators as TFLite's kernels,
// requantized in float32 (xnnRequant):
//
//	out = clamp(round_half_even(float32(acc)·Scales[c]) + ZeroPoint, Min, Max)
type XNNPackOutput struct {
	Scales    []float32 `json:"scales"` // per output channel, or one: float32(float32(s_in·s_filter)/s_out)
	ZeroPoint int32     `json:"output_zero_point"`
	Min       int32     `json:"output_min"`
	Max       int32     `json:"output_max"`
	real      []float64 // the exact multipliers s_in·s_filter/s_out, for explanations
}

func (o *XNNPackOutput) scale(c int) float32 {
	if len(o.Scales) == 1 {
		return o.Scales[0]
	}
	return o.Scales[c]
}

func (o *XNNPackOutput) requantize(acc int32, c int) int32 {
	return xnnRequant(acc, o.scale(c), o.ZeroPoint, o.Min, o.Max)
}

func (o *XNNPackOutput) requantize64(acc int64, c int) int32 { return o.requantize(int32(acc), c) }

// requantizeInt8 is xnnRequant for a row of channels, arranged to run
// fast natively and in Go's WASM output (no float compare, no float to
// int conversion, no branch): float32(acc)·scale (converted explicitly, so
// no compiler fuses it with the addition) is rounded half to even by
// XNNPACK's own magic-bias trick, adding 1.5·2^23 in float32, which leaves
// the rounded value in the low mantissa bits (exact for |x| ≤ 2^22); the
// integer is then clamped to [Min−ZeroPoint, Max−ZeroPoint], which gives
// the same result as XNNPACK's clamp before rounding because the bounds
// are integers and rounding is monotonic. Outside ±2^22 the trick is no
// longer exact but stays on the right side of every bound: x+magic ≥ 2^24
// reads as ≥ 2^22 (the bits of positive floats grow with their value), a
// negative x+magic (x < −1.5·2^23) reads as below −2^30, and x between
// those as below −2^22; ±Inf (a huge scale) likewise.
func (o *XNNPackOutput) requantizeInt8(acc []int32, out []int8) {
	out = out[:len(acc)]
	zp := o.ZeroPoint
	lo, hi := int64(o.Min-zp), int64(o.Max-zp)
	const magic, magicBits = 12582912, 0x4B400000 // 1.5·2^23 and its float32 bits
	if len(o.Scales) == 1 {
		s := o.Scales[0]
		for c, a := range acc {
			v := int64(int32(math.Float32bits(float32(float32(a)*s)+magic))) - magicBits
			out[c] = int8(int32(min(max(v, lo), hi)) + zp)
		}
		return
	}
	scales := o.Scales[:len(acc)]
	for c, a := range acc {
		v := int64(int32(math.Float32bits(float32(float32(a)*scales[c])+magic))) - magicBits
		out[c] = int8(int32(min(max(v, lo), hi)) + zp)
	}
}

func (o *XNNPackOutput) arithmetic() string { return xnnFP32Arith }

func (o *XNNPackOutput) steps(acc int64, c int, _ bool) ([]Step, int32, float64) {
	real := o.real[0]
	if len(o.real) > 1 {
		real = o.real[c]
	}
	s, v := xnnRequantSteps(int32(acc), o.scale(c), o.ZeroPoint, o.Min, o.Max)
	return s, int32(v), float64(acc)*real + float64(o.ZeroPoint)
}

// xnnGemmOutput checks the tensors of a GEMM-family op for the delegate
// (int8 input and output, int8 static filter quantized per tensor or along
// axis, static int32 bias; or all uint8, the filter per tensor: XNNPACK's
// QU8 operators) and prepares XNNPACK's output stage.
func xnnGemmOutput(in, filter, bias, out *Tensor, axis int, perChannelOK bool, act tflite.ActivationFunctionType) (*XNNPackOutput, error) {
	if in == nil || filter == nil || len(out.Shape) == 0 || out.Shape[len(out.Shape)-1] <= 0 {
		return nil, fmt.Errorf("unsupported tensor shapes")
	}
	qu8 := in.Type == Uint8 && filter.Type == Uint8 && out.Type == Uint8
	if !qu8 && (in.Type != Int8 || filter.Type != Int8 || out.Type != Int8) {
		return nil, fmt.Errorf("the XNNPACK delegate takes only int8 or uint8 (and float32) %v → %v here", in.Type, out.Type)
	}
	if !filter.Const {
		return nil, fmt.Errorf("the filter is not constant (XNNPACK needs static weights)")
	}
	if bias != nil && (!bias.Const || bias.Type != Int32) {
		return nil, fmt.Errorf("the bias is not a constant int32 tensor")
	}
	fq := filter.Quant
	if fq == nil || len(fq.Scale) == 0 {
		return nil, fmt.Errorf("the filter is not quantized")
	}
	if len(fq.Scale) > 1 {
		if !perChannelOK || qu8 {
			return nil, fmt.Errorf("per-channel filter quantization is not supported by XNNPACK for this op")
		}
		if fq.Axis != axis {
			return nil, fmt.Errorf("unsupported quantized dimension %d of the filter (want %d)", fq.Axis, axis)
		}
	}
	o := &XNNPackOutput{ZeroPoint: out.ZeroPoint()}
	sIn, sOut := float32(in.Scale()), float32(out.Scale())
	for _, s := range fq.Scale {
		sc := xnnScale(sIn, s, sOut)
		if sc >= 256 {
			return nil, &xnnFatal{fmt.Sprintf("requantization scale %g is ≥ 256", sc)}
		}
		o.Scales = append(o.Scales, sc)
		o.real = append(o.real, float64(in.Quant.Scale[0])*float64(s)/out.Scale())
	}
	var err error
	if o.Min, o.Max, err = xnnActivation(act, out); err != nil {
		return nil, err
	}
	if o.Min >= o.Max {
		return nil, &xnnFatal{fmt.Sprintf("output range [%d, %d] is empty (XNNPACK needs min < max)", o.Min, o.Max)}
	}
	return o, nil
}

func opTensor(m *Model, op *Op, i int) *Tensor {
	if i >= len(op.Inputs) || op.Inputs[i] < 0 {
		return nil
	}
	return m.Tensors[op.Inputs[i]]
}

// xnnConvOutput is the delegate's check of CONV_2D and DEPTHWISE_CONV_2D
// (filter quantized along axis) and XNNPACK's output stage for them, and
// whether XNNPACK's SAME padding makes every tap read the padding
// (xnnSamePaddingWraps).
func xnnConvOutput(c *prepCtx, act tflite.ActivationFunctionType, axis int, pad tflite.Padding, sh, sw, dh, dw int32) (o *XNNPackOutput, allPadding bool, err error) {
	bias := c.in(2)
	if bias == nil {
		return nil, false, fmt.Errorf("%s without bias is not supported by the XNNPACK delegate", c.op.Builtin)
	}
	in, filter := c.in(0), c.in(1)
	if o, err = xnnGemmOutput(in, filter, bias, c.out(0), axis, true, act); err != nil {
		return nil, false, err
	}
	return o, xnnAllPadding(pad, in, filter, sh, sw, dh, dw), nil
}

// xnnAllPadding reports whether XNNPACK's SAME padding makes every tap of
// a convolution read the padding (xnnSamePaddingWraps); 1×1 filters are
// exempt.
func xnnAllPadding(pad tflite.Padding, in, filter *Tensor, sh, sw, dh, dw int32) bool {
	return pad == tflite.PaddingSAME && len(in.Shape) == 4 && len(filter.Shape) == 4 && !(filter.Shape[1] == 1 && filter.Shape[2] == 1) &&
		(xnnSamePaddingWraps(in.Shape[1], filter.Shape[1], int(sh), int(max(dh, 1))) ||
			xnnSamePaddingWraps(in.Shape[2], filter.Shape[2], int(sw), int(max(dw, 1))))
}

// xnnSamePaddingWraps reports whether XNNPACK's TensorFlow-SAME padding
// goes wrong for one dimension. This XNNPACK computes the total padding as
// (out−1)·stride + dilated kernel − in in uint32 arithmetic, without
// clamping at 0 as TFLite does. When that is negative (a window that
// already fits, e.g. a 1×1 filter with stride 2 over an even size), the
// padding wraps to about 2^31, and the indirection buffer then points every
// tap of every output at the padding row: the convolution sees only its
// zero point, and every output is the requantized bias.
func xnnSamePaddingWraps(in, k, stride, dilation int) bool {
	if stride <= 0 {
		return false
	}
	out := (in + stride - 1) / stride
	return (out-1)*stride+(k-1)*dilation+1 < in
}

// ruyRounding is the rounding of the browser build's builtin
// FULLY_CONNECTED and CONV_2D kernels: with int8 inputs they multiply
// through ruy, whose requantization rounds once; uint8 goes through
// gemmlowp (cpu_backend_gemm's uint8 path), whose output stage
// (SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT) rounds
// twice, and int16 activations take the reference integer kernels, which
// round twice like the other builtin kernels (the build does not define
// TFLITE_SINGLE_ROUNDING).
func ruyRounding(c *prepCtx) *prepCtx {
	if in := c.in(0); in != nil && in.Type == Int8 {
		rc := *c
		rc.rounding = RoundSingle
		return &rc
	}
	return c
}

// cExpf is the C library's expf.
func cExpf(x float32) float32 { return float32(math.Exp(float64(x))) }

// xnnExactNode accepts ops whose first input is int8 or uint8 and whose
// output has the same type (float32 if toFloat). The delegate's result
// equals TFLite's kernel's bit for bit (it moves, picks or exactly converts
// values), so the reference kernel computes it.
func xnnExactNode(toFloat bool) prepareFunc {
	return func(c *prepCtx) (kernel, error) {
		m, op := c.m, c.op
		in, o := opTensor(m, op, 0), m.Tensors[op.Outputs[0]]
		if in == nil || (in.Type != Int8 && in.Type != Uint8) || (toFloat && o.Type != Float32) || (!toFloat && o.Type != in.Type) {
			return nil, fmt.Errorf("the XNNPACK delegate takes %s here only with int8 or uint8 input (and float32)", op.Builtin)
		}
		for i := 1; i < len(op.Inputs); i++ {
			if t := opTensor(m, op, i); t != nil && t.Type == Int32 && !t.Const {
				return nil, fmt.Errorf("input %d is not constant", i)
			}
		}
		return prepareOp(m, op, c.rounding)
	}
}

// roundf is C's roundf: halves away from zero.
func roundf(x float32) float32 { return float32(math.Round(float64(x))) }

// Explanations under the XNNPack profile: each op is explained by what the
// browser TFLite runs for it, XNNPACK's node or TFLite's builtin kernel.

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
