package tflconv

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/int8scope/int8scope/cmd/mnist/internal/nn"
	"github.com/int8scope/int8scope/cmd/mnist/internal/quant"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Options selects the model's interface.
type Options struct {
	// Int8IO makes the model input and output int8 tensors (the converter's
	// inference_input_type/inference_output_type = tf.int8): no QUANTIZE or
	// DEQUANTIZE ops.
	Int8IO bool
	// Softmax appends a SOFTMAX op (the last Dense layer's activation).
	Softmax bool
}

// Names that TensorFlow's converter gives a Keras Sequential model's
// interface.
const (
	InputName      = "serving_default_input:0"
	OutputName     = "StatefulPartitionedCall:0"
	SignatureKey   = "serving_default"
	SignatureInput = "input"
	scope          = "sequential/"
)

// softmaxScale and softmaxZeroPoint are TFLite's fixed int8 softmax output
// quantization.
const (
	softmaxScale     = float32(1.0 / 256)
	softmaxZeroPoint = -128
)

type tensorKind int

const (
	kindInput tensorKind = iota
	kindConst
	kindActivation
)

type tensor struct {
	t     *tflite.TensorT
	kind  tensorKind
	data  []byte
	index int32
}

type op struct {
	code    tflite.BuiltinOperator
	inputs  []*tensor
	outputs []*tensor
	options *tflite.BuiltinOptionsT
}

type builder struct {
	tensors []*tensor
	ops     []*op
}

func (b *builder) add(t *tensor) *tensor {
	b.tensors = append(b.tensors, t)
	return t
}

func (b *builder) activation(name string, typ tflite.TensorType, shape []int32, q *tflite.QuantizationParametersT) *tensor {
	sig := append([]int32{-1}, shape[1:]...)
	return b.add(&tensor{kind: kindActivation, t: &tflite.TensorT{
		Name: name, Type: typ, Shape: shape, ShapeSignature: sig, Quantization: q,
	}})
}

func (b *builder) constant(name string, typ tflite.TensorType, shape []int32, data []byte, q *tflite.QuantizationParametersT) *tensor {
	return b.add(&tensor{kind: kindConst, data: data, t: &tflite.TensorT{
		Name: name, Type: typ, Shape: shape, Quantization: q,
	}})
}

func perTensor(scale float32, zp int64) *tflite.QuantizationParametersT {
	return &tflite.QuantizationParametersT{Scale: []float32{scale}, ZeroPoint: []int64{zp}}
}

func perChannel(scales []float32, dim int32) *tflite.QuantizationParametersT {
	return &tflite.QuantizationParametersT{Scale: scales, ZeroPoint: make([]int64, len(scales)), QuantizedDimension: dim}
}

func actQuant(a quant.Asymmetric) *tflite.QuantizationParametersT {
	return perTensor(a.Scale, a.ZeroPoint)
}

func int8Bytes(q []int8) []byte {
	out := make([]byte, len(q))
	for i, v := range q {
		out[i] = byte(v)
	}
	return out
}

func int32Bytes(q []int32) []byte {
	out := make([]byte, 4*len(q))
	for i, v := range q {
		binary.LittleEndian.PutUint32(out[4*i:], uint32(v))
	}
	return out
}

func activationFn(relu bool) tflite.ActivationFunctionType {
	if relu {
		return tflite.ActivationFunctionTypeRELU
	}
	return tflite.ActivationFunctionTypeNONE
}

func padding(p nn.Padding) tflite.Padding {
	if p == nn.Same {
		return tflite.PaddingSAME
	}
	return tflite.PaddingVALID
}

func nhwc(s nn.Shape) []int32 { return []int32{1, int32(s.H), int32(s.W), int32(s.C)} }

// kerasNames hands out Keras's default layer names: conv2d, conv2d_1, ...
type kerasNames map[string]int

func (k kerasNames) next(base string) string {
	n := k[base]
	k[base] = n + 1
	if n == 0 {
		return base
	}
	return fmt.Sprintf("%s_%d", base, n)
}

// convOutputName is the name the converter gives a convolution's fused
// output: its ReLU (if any), BiasAdd, kernel and bias variable, joined.
func convOutputName(name, kernel string, relu bool) string {
	parts := []string{name + "/BiasAdd", name + "/" + kernel, name + "/BiasAdd/ReadVariableOp"}
	if relu {
		parts = append([]string{name + "/Relu"}, parts...)
	}
	return fused(parts...)
}

// perChannelWeights quantizes a convolution's weights symmetric per
// channel along axis (widening channels whose bias would not fit int32, as
// the converter does) and its bias at s_in·s_w.
func perChannelWeights(w, bias []float32, shape [4]int, axis int, inScale float32) (qw []int8, ws []float32, qb []int32, bs []float32, err error) {
	half := quant.ChannelMaxAbs(w, shape, axis)
	half = quant.AdjustPerChannelForBias(half, bias, inScale)
	if qw, ws, err = quant.SymmetricPerChannel(w, shape, axis, half); err != nil {
		return
	}
	qb, bs, err = quant.Bias(bias, inScale, ws)
	return
}

func fused(parts ...string) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += ";"
		}
		s += scope + p
	}
	return s
}

// Convert builds the quantized TFLite model of m from its calibration.
func Convert(m *nn.Model, cal Calibration, opt Options) (*tflite.ModelT, error) {
	if len(cal.Layers) != len(m.Layers) {
		return nil, fmt.Errorf("tflconv: calibration has %d layers, model %d", len(cal.Layers), len(m.Layers))
	}
	var b builder
	names := kerasNames{}
	inQ := quant.ActivationParams(cal.Input.Min, cal.Input.Max)
	inShape := nhwc(m.In)

	var cur *tensor // the int8 activation flowing through the model
	var input *tensor
	if opt.Int8IO {
		input = b.add(&tensor{kind: kindInput, t: &tflite.TensorT{
			Name: InputName, Type: tflite.TensorTypeINT8, Shape: inShape,
			ShapeSignature: append([]int32{-1}, inShape[1:]...), Quantization: actQuant(inQ),
		}})
		cur = input
	} else {
		input = b.add(&tensor{kind: kindInput, t: &tflite.TensorT{
			Name: InputName, Type: tflite.TensorTypeFLOAT32, Shape: inShape,
			ShapeSignature: append([]int32{-1}, inShape[1:]...),
		}})
		cur = b.activation("tfl.quantize", tflite.TensorTypeINT8, inShape, actQuant(inQ))
		b.ops = append(b.ops, &op{code: tflite.BuiltinOperatorQUANTIZE, inputs: []*tensor{input}, outputs: []*tensor{cur}})
	}
	curScale := inQ.Scale
	curQ := inQ

	// The Keras layer whose activation is the softmax: the last Dense.
	lastDense := -1
	for i, l := range m.Layers {
		if _, ok := l.(*nn.Dense); ok {
			lastDense = i
		}
	}
	outputLayer := ""
	for i, l := range m.Layers {
		r := cal.Layers[i]
		switch l := l.(type) {
		case *nn.Dropout:
			// Identity at inference: the converter drops it.
		case *nn.Conv2D:
			name := names.next("conv2d")
			qw, ws, qb, bs, err := perChannelWeights(l.W.W, l.B.W, [4]int{l.OutC, l.KH, l.KW, l.In.C}, 0, curScale)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			w := b.constant(scope+name+"/Conv2D", tflite.TensorTypeINT8, []int32{int32(l.OutC), int32(l.KH), int32(l.KW), int32(l.In.C)}, int8Bytes(qw), perChannel(ws, 0))
			bias := b.constant(scope+name+"/BiasAdd/ReadVariableOp", tflite.TensorTypeINT32, []int32{int32(l.OutC)}, int32Bytes(qb), perChannel(bs, 0))
			outQ := quant.ActivationParams(r.Min, r.Max)
			out := b.activation(convOutputName(name, "Conv2D", l.ReLU), tflite.TensorTypeINT8, nhwc(l.Out), actQuant(outQ))
			b.ops = append(b.ops, &op{code: tflite.BuiltinOperatorCONV_2D, inputs: []*tensor{cur, w, bias}, outputs: []*tensor{out},
				options: &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConv2DOptions, Value: &tflite.Conv2DOptionsT{
					Padding: padding(l.Pad), StrideW: int32(l.Stride), StrideH: int32(l.Stride),
					FusedActivationFunction: activationFn(l.ReLU), DilationWFactor: 1, DilationHFactor: 1,
				}}})
			cur, curScale, curQ = out, outQ.Scale, outQ
		case *nn.DepthwiseConv2D:
			name := names.next("depthwise_conv2d")
			qw, ws, qb, bs, err := perChannelWeights(l.W.W, l.B.W, [4]int{1, l.KH, l.KW, l.In.C}, 3, curScale)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			w := b.constant(scope+name+"/depthwise", tflite.TensorTypeINT8, []int32{1, int32(l.KH), int32(l.KW), int32(l.In.C)}, int8Bytes(qw), perChannel(ws, 3))
			bias := b.constant(scope+name+"/BiasAdd/ReadVariableOp", tflite.TensorTypeINT32, []int32{int32(l.In.C)}, int32Bytes(qb), perChannel(bs, 0))
			outQ := quant.ActivationParams(r.Min, r.Max)
			out := b.activation(convOutputName(name, "depthwise", l.ReLU), tflite.TensorTypeINT8, nhwc(l.Out), actQuant(outQ))
			b.ops = append(b.ops, &op{code: tflite.BuiltinOperatorDEPTHWISE_CONV_2D, inputs: []*tensor{cur, w, bias}, outputs: []*tensor{out},
				options: &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsDepthwiseConv2DOptions, Value: &tflite.DepthwiseConv2DOptionsT{
					Padding: padding(l.Pad), StrideW: int32(l.Stride), StrideH: int32(l.Stride), DepthMultiplier: 1,
					FusedActivationFunction: activationFn(l.ReLU), DilationWFactor: 1, DilationHFactor: 1,
				}}})
			cur, curScale, curQ = out, outQ.Scale, outQ
		case *nn.MaxPool2D, *nn.AvgPool2D:
			// Same scale and zero point as the input: TFLite requires it and
			// the converter copies the input's parameters to the output.
			var base, suffix string
			var code tflite.BuiltinOperator
			var size int
			var outShape nn.Shape
			if p, ok := l.(*nn.MaxPool2D); ok {
				base, suffix, code, size, outShape = "max_pooling2d", "/MaxPool", tflite.BuiltinOperatorMAX_POOL_2D, p.Size, p.Out
			} else {
				p := l.(*nn.AvgPool2D)
				base, suffix, code, size, outShape = "average_pooling2d", "/AvgPool", tflite.BuiltinOperatorAVERAGE_POOL_2D, p.Size, p.Out
			}
			name := names.next(base)
			out := b.activation(scope+name+suffix, tflite.TensorTypeINT8, nhwc(outShape), actQuant(curQ))
			b.ops = append(b.ops, &op{code: code, inputs: []*tensor{cur}, outputs: []*tensor{out},
				options: &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsPool2DOptions, Value: &tflite.Pool2DOptionsT{
					Padding: tflite.PaddingVALID, StrideW: int32(size), StrideH: int32(size),
					FilterWidth: int32(size), FilterHeight: int32(size), FusedActivationFunction: tflite.ActivationFunctionTypeNONE,
				}}})
			cur = out
		case *nn.Flatten:
			name := names.next("flatten")
			n := int32(l.In.Size())
			shapeConst := b.constant(scope+name+"/Const", tflite.TensorTypeINT32, []int32{2}, int32Bytes([]int32{-1, n}), nil)
			if _, dense := nextLayer(m.Layers, i).(*nn.Dense); i == 0 && dense {
				// Flatten of the model input straight into a Dense: the
				// TFLite converter folds the RESHAPE into FULLY_CONNECTED
				// (which flattens its input itself) and keeps the unused
				// shape constant, so Keras' Flatten → Dense(10) becomes
				// QUANTIZE → FULLY_CONNECTED → DEQUANTIZE over 7 tensors.
				continue
			}
			out := b.activation(scope+name+"/Reshape", tflite.TensorTypeINT8, []int32{1, n}, actQuant(curQ))
			b.ops = append(b.ops, &op{code: tflite.BuiltinOperatorRESHAPE, inputs: []*tensor{cur, shapeConst}, outputs: []*tensor{out}})
			cur = out
		case *nn.Dense:
			name := names.next("dense")
			qw, ws := quant.SymmetricPerTensor(l.W.W)
			ws = adjustPerTensorForBias(l.W.W, l.B.W, curScale, ws, &qw)
			qb, bs, err := quant.Bias(l.B.W, curScale, []float32{ws})
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			w := b.constant(scope+name+"/MatMul", tflite.TensorTypeINT8, []int32{int32(l.Out), int32(l.In)}, int8Bytes(qw), perTensor(ws, 0))
			bias := b.constant(scope+name+"/BiasAdd/ReadVariableOp", tflite.TensorTypeINT32, []int32{int32(l.Out)}, int32Bytes(qb), perTensor(bs[0], 0))
			outQ := quant.ActivationParams(r.Min, r.Max)
			var oname string
			if l.ReLU {
				oname = fused(name+"/MatMul", name+"/Relu", name+"/BiasAdd")
			} else {
				oname = fused(name+"/MatMul", name+"/BiasAdd")
			}
			out := b.activation(oname, tflite.TensorTypeINT8, []int32{1, int32(l.Out)}, actQuant(outQ))
			b.ops = append(b.ops, &op{code: tflite.BuiltinOperatorFULLY_CONNECTED, inputs: []*tensor{cur, w, bias}, outputs: []*tensor{out},
				options: &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsFullyConnectedOptions, Value: &tflite.FullyConnectedOptionsT{
					FusedActivationFunction: activationFn(l.ReLU), WeightsFormat: tflite.FullyConnectedOptionsWeightsFormatDEFAULT,
				}}})
			cur, curScale, curQ = out, outQ.Scale, outQ
			if i == lastDense {
				outputLayer = name
			}
		default:
			return nil, fmt.Errorf("tflconv: layer %d: unsupported type %T", i, l)
		}
	}
	if outputLayer == "" {
		return nil, fmt.Errorf("tflconv: the model has no dense layer to name its output")
	}
	if opt.Softmax {
		out := b.activation(scope+outputLayer+"/Softmax", tflite.TensorTypeINT8, cur.t.Shape, perTensor(softmaxScale, softmaxZeroPoint))
		b.ops = append(b.ops, &op{code: tflite.BuiltinOperatorSOFTMAX, inputs: []*tensor{cur}, outputs: []*tensor{out},
			options: &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSoftmaxOptions, Value: &tflite.SoftmaxOptionsT{Beta: 1}}})
		cur = out
	}
	output := cur
	if opt.Int8IO {
		cur.t.Name = OutputName
	} else {
		// The int8 tensor gets the output's name with the converter's
		// de-duplication suffix; the DEQUANTIZE output is the model output.
		cur.t.Name = OutputName + "1"
		output = b.activation(OutputName, tflite.TensorTypeFLOAT32, cur.t.Shape, nil)
		b.ops = append(b.ops, &op{code: tflite.BuiltinOperatorDEQUANTIZE, inputs: []*tensor{cur}, outputs: []*tensor{output}})
	}
	return b.model(input, output, outputLayer)
}

// nextLayer returns the layer after layers[i] that the converter keeps
// (dropout is identity at inference), or nil.
func nextLayer(layers []nn.Layer, i int) nn.Layer {
	for _, l := range layers[i+1:] {
		if _, ok := l.(*nn.Dropout); !ok {
			return l
		}
	}
	return nil
}

// adjustPerTensorForBias is the per-tensor branch of
// AdjustWeightsForBiasScale: if the largest bias does not fit in the middle
// half of int32 at scale inputScale*weightScale, the weights are requantized
// with a wider symmetric range.
func adjustPerTensorForBias(w, bias []float32, inputScale, ws float32, qw *[]int8) float32 {
	const kScale = float64(math.MaxInt32)
	var half float64
	for _, v := range bias {
		half = math.Max(half, math.Abs(float64(v)))
	}
	if half/kScale < 0.5*float64(inputScale)*float64(ws) {
		return ws
	}
	rng := float32(2.0 * half / kScale * float64(quant.WeightMax/inputScale))
	scale := rng / quant.WeightMax
	inv := quant.WeightMax / rng
	for i, v := range w {
		r := math.Round(float64(v * inv))
		(*qw)[i] = int8(max(-quant.WeightMax, min(quant.WeightMax, r)))
	}
	return scale
}

// model orders the tensors as TensorFlow's MLIR exporter does (input,
// constants in reverse order of creation, i.e. from the last layer's bias to
// the first layer's weights, then activations in execution order), gives every tensor its own buffer and assembles the ModelT.
func (b *builder) model(input, output *tensor, outputLayer string) (*tflite.ModelT, error) {
	var ordered []*tensor
	for _, t := range b.tensors {
		if t.kind == kindInput {
			ordered = append(ordered, t)
		}
	}
	for i := len(b.tensors) - 1; i >= 0; i-- {
		if t := b.tensors[i]; t.kind == kindConst {
			ordered = append(ordered, t)
		}
	}
	for _, t := range b.tensors {
		if t.kind == kindActivation {
			ordered = append(ordered, t)
		}
	}
	if len(ordered) != len(b.tensors) {
		return nil, fmt.Errorf("tflconv: internal error ordering tensors")
	}
	m := &tflite.ModelT{
		Version:     3,
		Description: "MLIR Converted.",
		Buffers:     []*tflite.BufferT{{}},
	}
	sg := &tflite.SubGraphT{Name: "main"}
	for i, t := range ordered {
		t.index = int32(i)
		t.t.Buffer = uint32(len(m.Buffers))
		m.Buffers = append(m.Buffers, &tflite.BufferT{Data: t.data})
		sg.Tensors = append(sg.Tensors, t.t)
	}
	codeIndex := map[[2]int32]uint32{}
	for _, o := range b.ops {
		version := opVersion(o)
		key := [2]int32{int32(o.code), version}
		idx, ok := codeIndex[key]
		if !ok {
			idx = uint32(len(m.OperatorCodes))
			codeIndex[key] = idx
			m.OperatorCodes = append(m.OperatorCodes, &tflite.OperatorCodeT{
				DeprecatedBuiltinCode: deprecatedCode(o.code), BuiltinCode: o.code, Version: version,
			})
		}
		op := &tflite.OperatorT{OpcodeIndex: idx, BuiltinOptions: o.options}
		for _, t := range o.inputs {
			op.Inputs = append(op.Inputs, t.index)
		}
		for _, t := range o.outputs {
			op.Outputs = append(op.Outputs, t.index)
		}
		sg.Operators = append(sg.Operators, op)
	}
	sg.Inputs = []int32{input.index}
	sg.Outputs = []int32{output.index}
	m.Subgraphs = []*tflite.SubGraphT{sg}

	minVersion := minRuntimeVersion(m)
	meta := make([]byte, 16)
	copy(meta, minVersion)
	m.Metadata = []*tflite.MetadataT{{Name: "min_runtime_version", Buffer: uint32(len(m.Buffers))}}
	m.Buffers = append(m.Buffers, &tflite.BufferT{Data: meta})
	m.SignatureDefs = []*tflite.SignatureDefT{{
		SignatureKey: SignatureKey,
		Inputs:       []*tflite.TensorMapT{{Name: SignatureInput, TensorIndex: uint32(input.index)}},
		Outputs:      []*tflite.TensorMapT{{Name: outputLayer, TensorIndex: uint32(output.index)}},
	}}
	return m, nil
}

// deprecatedCode is the value of OperatorCode.deprecated_builtin_code: the
// builtin code itself below 127, else PLACEHOLDER_FOR_GREATER_OP_CODES.
func deprecatedCode(c tflite.BuiltinOperator) int8 {
	if c < 127 {
		return int8(c)
	}
	return 127
}

// opVersion is the subset of TFLite's GetBuiltinOperatorVersion
// (tensorflow/lite/tools/versioning/op_version.cc) that our ops reach.
func opVersion(o *op) int32 {
	in0 := o.inputs[0].t.Type
	out0 := o.outputs[0].t.Type
	i8 := tflite.TensorTypeINT8
	switch o.code {
	case tflite.BuiltinOperatorCONV_2D, tflite.BuiltinOperatorDEPTHWISE_CONV_2D:
		if in0 == i8 && o.inputs[1].t.Type == i8 && out0 == i8 {
			return 3
		}
	case tflite.BuiltinOperatorFULLY_CONNECTED:
		if len(o.inputs) == 2 {
			return 6
		}
		if fc, ok := o.options.Value.(*tflite.FullyConnectedOptionsT); ok && fc.KeepNumDims {
			return 5
		}
		if in0 == i8 && o.inputs[1].t.Type == i8 && out0 == i8 {
			return 4
		}
	case tflite.BuiltinOperatorMAX_POOL_2D, tflite.BuiltinOperatorAVERAGE_POOL_2D, tflite.BuiltinOperatorSOFTMAX:
		if in0 == i8 {
			return 2
		}
	case tflite.BuiltinOperatorDEQUANTIZE:
		if in0 == i8 {
			return 2
		}
	}
	return 1
}

// minRuntimeVersion is UpdateMinimumRuntimeVersionForModel over the part of
// TFLite's runtime_version.cc table that our ops reach.
func minRuntimeVersion(m *tflite.ModelT) string {
	table := map[[2]int32]string{
		{int32(tflite.BuiltinOperatorCONV_2D), 3}:           "1.14.0",
		{int32(tflite.BuiltinOperatorDEPTHWISE_CONV_2D), 3}: "1.14.0",
		{int32(tflite.BuiltinOperatorFULLY_CONNECTED), 4}:   "1.14.0",
		{int32(tflite.BuiltinOperatorFULLY_CONNECTED), 5}:   "2.0.0",
		{int32(tflite.BuiltinOperatorFULLY_CONNECTED), 6}:   "2.1.0",
		{int32(tflite.BuiltinOperatorMAX_POOL_2D), 2}:       "1.14.0",
		{int32(tflite.BuiltinOperatorAVERAGE_POOL_2D), 2}:   "1.14.0",
		{int32(tflite.BuiltinOperatorSOFTMAX), 2}:           "1.14.0",
		{int32(tflite.BuiltinOperatorRESHAPE), 1}:           "1.5.0",
		{int32(tflite.BuiltinOperatorQUANTIZE), 1}:          "1.14.0",
		{int32(tflite.BuiltinOperatorDEQUANTIZE), 2}:        "1.14.0",
	}
	best := ""
	for _, sg := range m.Subgraphs {
		for _, o := range sg.Operators {
			oc := m.OperatorCodes[o.OpcodeIndex]
			v := table[[2]int32{int32(oc.BuiltinCode), oc.Version}]
			if v != "" && versionLess(best, v) {
				best = v
			}
		}
	}
	return best
}

// versionLess is CompareRuntimeVersion: dotted numbers compared field by
// field, a prefix sorting first.
func versionLess(a, b string) bool {
	pa, pb := splitVersion(a), splitVersion(b)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return len(pa) < len(pb)
}

func splitVersion(s string) []int {
	if s == "" {
		return nil
	}
	var out []int
	n := 0
	for _, c := range s + "." {
		if c == '.' {
			out = append(out, n)
			n = 0
			continue
		}
		n = n*10 + int(c-'0')
	}
	return out
}
