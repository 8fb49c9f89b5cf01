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
// their own arithmetic (xnnpack_builtin.go, xnnpack_lstm.go). If XNNPACK
// fails to build an operator for an op it accepted (e.g. an output range
// that is empty after quantization), TFLite drops the delegate and every op
// runs its builtin kernel. PROFILES.md records the evidence.

// xnnPlan is what the browser TFLite runs for each op of one model.
type xnnPlan struct {
	nodes     []xnnNode // per op: XNNPACK's node, or the builtin kernel's arithmetic
	delegated []bool    // per op: whether the XNNPACK delegate took it
	why       []string  // per op: why the delegate left it to the builtin kernel
	// failed is set when the delegate could not be applied: every op then
	// runs its builtin kernel.
	failed string
	// refused is set when this TFLite refuses the model outright.
	refused string
}

// xnnNode is one op as the browser TFLite computes it.
type xnnNode interface {
	eval(r *run, op *Op) error
}

// xnnBuilder checks whether the delegate takes op and prepares its XNNPACK
// arithmetic. It returns a non-nil error to leave the op to the builtin
// kernel; an *xnnFatal error makes the whole delegate fail.
type xnnBuilder func(m *Model, op *Op) (xnnNode, error)

var (
	xnnBuilders = map[tflite.BuiltinOperator]xnnBuilder{}
	// builtinBuilders emulate TFLite builtin kernels whose arithmetic is
	// neither the reference nor single rounding; ops without one run their
	// engine kernel under builtinProfile.
	builtinBuilders = map[tflite.BuiltinOperator]func(m *Model, op *Op) (xnnNode, error){}
)

// builtinProfile is the rounding of TFLite's builtin kernel for op in this
// build: FULLY_CONNECTED and CONV_2D multiply through ruy, whose
// requantization rounds once; the other kernels call TFLite's
// MultiplyByQuantizedMultiplier, which rounds twice as the reference does
// (the build does not define TFLITE_SINGLE_ROUNDING).
func builtinProfile(m *Model, op *Op) Profile {
	switch op.code {
	case tflite.BuiltinOperatorFULLY_CONNECTED, tflite.BuiltinOperatorCONV_2D:
		// int16 activations take the reference integer kernels, not ruy.
		if in := opTensor(m, op, 0); in != nil && (in.Type == Int8 || in.Type == Uint8) {
			return SingleRounding
		}
	}
	return Reference
}

// xnnFatal is a failure to create the XNNPACK operator for an op the
// delegate accepted, which makes TFLite abandon the delegate.
type xnnFatal struct{ msg string }

func (e *xnnFatal) Error() string { return e.msg }

// planXNN decides, op by op, what the browser TFLite runs for m.
func planXNN(m *Model) *xnnPlan {
	p := &xnnPlan{nodes: make([]xnnNode, len(m.Ops)), delegated: make([]bool, len(m.Ops)), why: make([]string, len(m.Ops))}
	for _, t := range m.Tensors {
		if msg := tfliteRefusesTensor(t); msg != "" {
			p.refused = fmt.Sprintf("tensor %d (%q): %s", t.Index, t.Name, msg)
			return p
		}
	}
	for _, op := range m.Ops {
		if msg := tfliteRefuses(m, op); msg != "" {
			p.refused = fmt.Sprintf("op %d (%s): %s", op.Index, op.Builtin, msg)
			return p
		}
	}
	for _, op := range m.Ops {
		b, ok := xnnBuilders[op.code]
		if !ok {
			p.why[op.Index] = "the XNNPACK delegate does not support " + op.Builtin
			continue
		}
		n, err := b(m, op)
		if f, ok := err.(*xnnFatal); ok {
			p.failed = fmt.Sprintf("op %d (%s): %s", op.Index, op.Builtin, f.msg)
			for i := range p.nodes {
				p.nodes[i], p.delegated[i] = nil, false
				p.why[i] = "the XNNPACK delegate failed as a whole, TFLite dropped it: " + p.failed
			}
			break
		}
		if err != nil {
			p.why[op.Index] = err.Error()
			continue
		}
		p.nodes[op.Index], p.delegated[op.Index] = n, true
	}
	for _, op := range m.Ops {
		if p.nodes[op.Index] != nil {
			continue
		}
		p.nodes[op.Index] = builtinKernel{k: op.Params, p: builtinProfile(m, op)}
		if b, ok := builtinBuilders[op.code]; ok {
			if n, err := b(m, op); err == nil && n != nil {
				p.nodes[op.Index] = n
			}
		}
	}
	return p
}

// XNNPackDelegated reports, per op, whether the browser TFLite runs it with
// XNNPACK, and for the others why not.
func (m *Model) XNNPackDelegated() (taken []bool, why []string) {
	p := planXNN(m)
	return p.delegated, p.why
}

// evalOp runs op under the run's profile.
func (r *run) evalOp(op *Op) error {
	if r.profile == XNNPack {
		if r.xnn == nil {
			r.xnn = planXNN(r.m)
		}
		if r.xnn.refused != "" {
			return fmt.Errorf("the browser TFLite refuses this model: %s", r.xnn.refused)
		}
		return r.xnn.nodes[op.Index].eval(r, op)
	}
	return op.Params.eval(r, op)
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
	case tflite.BuiltinOperatorSVDF:
		o, _ := op.Options.(*tflite.SVDFOptionsT)
		if in := opTensor(m, op, 0); in != nil && in.Type == Int8 && (o == nil || o.FusedActivationFunction != tflite.ActivationFunctionTypeRELU) {
			return "int8 SVDF needs the RELU activation (svdf.cc: params->activation != kTfLiteActRelu)"
		}
		if p, ok := op.Params.(*SVDFParams); ok {
			return p.tfliteUndefined()
		}
	}
	return ""
}

// xnnQuantize is XNNPACK's xnn_qs8_quantize, which turns the float bounds
// of a fused activation into int8 bounds: lrintf(clamp(v/scale + zp)) in
// float32.
func xnnQuantize(v float32, scale float32, zp int32) int32 {
	x := v/scale + float32(zp)
	x = min(max(x, -128), 127)
	return int32(math.RoundToEven(float64(x)))
}

// xnnActivation converts a fused activation to XNNPACK's int8 output range,
// as the delegate (float bounds) and XNNPACK's subgraph (xnnQuantize) do.
func xnnActivation(a tflite.ActivationFunctionType, out *Tensor) (lo, hi int32, err error) {
	fmin, fmax := float32(math.Inf(-1)), float32(math.Inf(1))
	switch a {
	case tflite.ActivationFunctionTypeNONE:
	case tflite.ActivationFunctionTypeRELU:
		fmin = 0
	case tflite.ActivationFunctionTypeRELU_N1_TO_1:
		fmin, fmax = -1, 1
	case tflite.ActivationFunctionTypeRELU6:
		fmin, fmax = 0, 6
	default:
		return 0, 0, fmt.Errorf("fused activation %v is not supported by the XNNPACK delegate", a)
	}
	s, zp := float32(out.Scale()), out.ZeroPoint()
	return xnnQuantize(fmin, s, zp), xnnQuantize(fmax, s, zp), nil
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

// xnnGemm is FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D or TRANSPOSE_CONV
// under XNNPACK: the same int32 accumulators as the builtin kernel,
// requantized with xnnRequant.
type xnnGemm struct {
	Scales    []float32 `json:"scales"` // per output channel, or one
	ZeroPoint int32     `json:"output_zero_point"`
	Min       int32     `json:"output_min"`
	Max       int32     `json:"output_max"`
	// AllPadding is set when XNNPACK reads only padding: see xnnSamePaddingWraps.
	// Every accumulator is then the bias.
	AllPadding bool `json:"all_padding,omitempty"`
	channels   int
	out        int
	bias       int // bias tensor, -1 if none
}

func (k *xnnGemm) scale(c int) float32 {
	if len(k.Scales) == 1 {
		return k.Scales[0]
	}
	return k.Scales[c]
}

func (k *xnnGemm) eval(r *run, op *Op) error {
	out := r.i8(k.out)
	if k.AllPadding {
		bias := r.i32(k.bias)
		for i := range out {
			out[i] = int8(xnnRequant(bias[i%k.channels], k.scale(i%k.channels), k.ZeroPoint, k.Min, k.Max))
		}
		if r.tr != nil {
			r.tr.Acc = make([]int64, len(out))
			for i := range out {
				r.tr.Acc[i] = int64(bias[i%k.channels])
			}
		}
		return nil
	}
	acc, err := r.accumulators(op)
	if err != nil {
		return err
	}
	if len(acc) != len(out) {
		return fmt.Errorf("internal: %d accumulators for %d outputs", len(acc), len(out))
	}
	for i, a := range acc {
		out[i] = int8(xnnRequant(int32(a), k.scale(i%k.channels), k.ZeroPoint, k.Min, k.Max))
	}
	return nil
}

// accumulators runs op's builtin kernel with a private trace and returns
// the accumulators it recorded (the kernel's own output is overwritten by
// the caller). The run's trace, if any, gets them too.
func (r *run) accumulators(op *Op) ([]int64, error) {
	saved := r.tr
	tr := &OpTrace{}
	r.tr = tr
	err := op.Params.eval(r, op)
	r.tr = saved
	if saved != nil {
		saved.Acc = tr.Acc
	}
	if err == nil && tr.Acc == nil {
		err = fmt.Errorf("internal: %s recorded no accumulators", op.Builtin)
	}
	return tr.Acc, err
}

func init() {
	xnnBuilders[tflite.BuiltinOperatorFULLY_CONNECTED] = xnnFullyConnected
	xnnBuilders[tflite.BuiltinOperatorCONV_2D] = xnnConv
	xnnBuilders[tflite.BuiltinOperatorDEPTHWISE_CONV_2D] = xnnConv
	xnnBuilders[tflite.BuiltinOperatorTRANSPOSE_CONV] = xnnTransposeConv
}

// xnnGemmNode checks the tensors of a GEMM-family op (int8 input and output,
// int8 static filter quantized per tensor or along axis, static int32
// bias) and prepares the scales and output range.
func xnnGemmNode(m *Model, in, filter, bias, out *Tensor, axis int, perChannelOK bool, act tflite.ActivationFunctionType) (xnnNode, error) {
	if in == nil || filter == nil || len(out.Shape) == 0 || out.Shape[len(out.Shape)-1] <= 0 {
		return nil, fmt.Errorf("unsupported tensor shapes")
	}
	if in.Type != Int8 || filter.Type != Int8 || out.Type != Int8 {
		return nil, fmt.Errorf("the XNNPACK delegate takes only int8 (and float32) %v → %v here", in.Type, out.Type)
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
	channels := out.Shape[len(out.Shape)-1]
	if len(fq.Scale) > 1 {
		if !perChannelOK {
			return nil, fmt.Errorf("per-channel filter quantization is not supported by XNNPACK for this op")
		}
		if fq.Axis != axis {
			return nil, fmt.Errorf("unsupported quantized dimension %d of the filter (want %d)", fq.Axis, axis)
		}
	}
	k := &xnnGemm{ZeroPoint: out.ZeroPoint(), channels: channels, out: out.Index, bias: -1}
	if bias != nil {
		k.bias = bias.Index
	}
	sIn, sOut := float32(in.Scale()), float32(out.Scale())
	for _, s := range fq.Scale {
		sc := xnnScale(sIn, s, sOut)
		if sc >= 256 {
			return nil, &xnnFatal{fmt.Sprintf("requantization scale %g is ≥ 256", sc)}
		}
		k.Scales = append(k.Scales, sc)
	}
	var err error
	if k.Min, k.Max, err = xnnActivation(act, out); err != nil {
		return nil, err
	}
	if k.Min >= k.Max {
		return nil, &xnnFatal{fmt.Sprintf("output range [%d, %d] is empty (XNNPACK needs min < max)", k.Min, k.Max)}
	}
	return k, nil
}

func opTensor(m *Model, op *Op, i int) *Tensor {
	if i >= len(op.Inputs) || op.Inputs[i] < 0 {
		return nil
	}
	return m.Tensors[op.Inputs[i]]
}

func xnnFullyConnected(m *Model, op *Op) (xnnNode, error) {
	o, _ := op.Options.(*tflite.FullyConnectedOptionsT)
	if o == nil {
		o = &tflite.FullyConnectedOptionsT{}
	}
	if o.WeightsFormat != tflite.FullyConnectedOptionsWeightsFormatDEFAULT {
		return nil, fmt.Errorf("unsupported non-default weights format")
	}
	in, filter, bias, out := opTensor(m, op, 0), opTensor(m, op, 1), opTensor(m, op, 2), m.Tensors[op.Outputs[0]]
	if in != nil && in.Type == Float32 {
		return xnnFullyConnectedFloat(in, filter, bias, out, o.FusedActivationFunction)
	}
	return xnnGemmNode(m, in, filter, bias, out, 0, false, o.FusedActivationFunction)
}

// xnnFCFloat is a float32 FULLY_CONNECTED under XNNPACK (f32-gemm
// microkernels): each output starts from its bias and adds the products
// x[k]·w[c][k] one k at a time, each multiplication and addition rounded to
// float32 (WebAssembly SIMD has no fused multiply-add), then clamps to the
// activation's range. TFLite's reference adds the bias last.
type xnnFCFloat struct {
	Min, Max         float32
	depth, channels  int
	in, filter, bias int
	out              int
}

func xnnFullyConnectedFloat(in, filter, bias, out *Tensor, act tflite.ActivationFunctionType) (xnnNode, error) {
	if filter == nil || filter.Type != Float32 || out.Type != Float32 || len(filter.Shape) != 2 || filter.Shape[1] <= 0 {
		return nil, fmt.Errorf("the XNNPACK delegate takes float32 FULLY_CONNECTED with float32 weights only")
	}
	if !filter.Const || (bias != nil && (!bias.Const || bias.Type != Float32)) {
		return nil, fmt.Errorf("the weights or bias are not constant (XNNPACK needs static weights)")
	}
	k := &xnnFCFloat{Min: float32(math.Inf(-1)), Max: float32(math.Inf(1)), channels: filter.Shape[0], depth: filter.Shape[1],
		in: in.Index, filter: filter.Index, bias: -1, out: out.Index}
	if bias != nil {
		k.bias = bias.Index
	}
	switch act {
	case tflite.ActivationFunctionTypeNONE:
	case tflite.ActivationFunctionTypeRELU:
		k.Min = 0
	case tflite.ActivationFunctionTypeRELU_N1_TO_1:
		k.Min, k.Max = -1, 1
	case tflite.ActivationFunctionTypeRELU6:
		k.Min, k.Max = 0, 6
	default:
		return nil, fmt.Errorf("fused activation %v is not supported by the XNNPACK delegate", act)
	}
	return k, nil
}

func (k *xnnFCFloat) eval(r *run, op *Op) error {
	x, w, out := r.f32(k.in), r.f32(k.filter), r.f32(k.out)
	var bias []float32
	if k.bias >= 0 {
		bias = r.f32(k.bias)
	}
	for b := 0; b < len(x)/k.depth; b++ {
		row := x[b*k.depth : (b+1)*k.depth]
		for c := 0; c < k.channels; c++ {
			var acc float32
			if bias != nil {
				acc = bias[c]
			}
			wr := w[c*k.depth : (c+1)*k.depth]
			for d, v := range row {
				acc += float32(v * wr[d])
			}
			out[b*k.channels+c] = min(max(acc, k.Min), k.Max)
		}
	}
	return nil
}

func xnnConv(m *Model, op *Op) (xnnNode, error) {
	var act tflite.ActivationFunctionType
	axis := 0
	switch o := op.Options.(type) {
	case *tflite.Conv2DOptionsT:
		act = o.FusedActivationFunction
	case *tflite.DepthwiseConv2DOptionsT:
		act, axis = o.FusedActivationFunction, 3
	}
	bias := opTensor(m, op, 2)
	if bias == nil {
		return nil, fmt.Errorf("%s without bias is not supported by the XNNPACK delegate", op.Builtin)
	}
	in, filter := opTensor(m, op, 0), opTensor(m, op, 1)
	n, err := xnnGemmNode(m, in, filter, bias, m.Tensors[op.Outputs[0]], axis, true, act)
	if err != nil {
		return nil, err
	}
	var pad tflite.Padding
	var sh, sw, dh, dw int32
	switch o := op.Options.(type) {
	case *tflite.Conv2DOptionsT:
		pad, sh, sw, dh, dw = o.Padding, o.StrideH, o.StrideW, o.DilationHFactor, o.DilationWFactor
	case *tflite.DepthwiseConv2DOptionsT:
		pad, sh, sw, dh, dw = o.Padding, o.StrideH, o.StrideW, o.DilationHFactor, o.DilationWFactor
	}
	if pad == tflite.PaddingSAME && len(in.Shape) == 4 && !(filter.Shape[1] == 1 && filter.Shape[2] == 1) && len(filter.Shape) == 4 &&
		(xnnSamePaddingWraps(in.Shape[1], filter.Shape[1], int(sh), int(max(dh, 1))) ||
			xnnSamePaddingWraps(in.Shape[2], filter.Shape[2], int(sw), int(max(dw, 1)))) {
		n.(*xnnGemm).AllPadding = true
	}
	return n, nil
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

func xnnTransposeConv(m *Model, op *Op) (xnnNode, error) {
	// Inputs: output shape, filter, input, optional bias.
	return xnnGemmNode(m, opTensor(m, op, 2), opTensor(m, op, 1), opTensor(m, op, 3), m.Tensors[op.Outputs[0]], 0, false, tflite.ActivationFunctionTypeNONE)
}
