package tflconv

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/cmd/mnist/internal/nn"
	"github.com/int8scope/int8scope/engine/tflite"
)

// tinyModel uses every layer type the converter supports.
func tinyModel(t *testing.T) (*nn.Model, [][]float32) {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	m, err := nn.Build(nn.Shape{H: 8, W: 8, C: 1}, rng,
		&nn.Conv2D{OutC: 4, KH: 3, KW: 3, Stride: 1, Pad: nn.Same, ReLU: true},
		&nn.MaxPool2D{Size: 2},
		&nn.DepthwiseConv2D{KH: 3, KW: 3, Stride: 2, Pad: nn.Same, ReLU: true},
		&nn.Conv2D{OutC: 6, KH: 1, KW: 1, Stride: 1, Pad: nn.Valid, ReLU: true},
		&nn.AvgPool2D{Size: 2},
		&nn.Flatten{},
		&nn.Dropout{Rate: 0.5},
		&nn.Dense{Out: 5, ReLU: true},
		&nn.Dense{Out: 3},
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params() {
		for i := range p.W {
			p.W[i] += float32(rng.NormFloat64() * 0.05)
		}
	}
	imgs := make([][]float32, 30)
	for i := range imgs {
		imgs[i] = make([]float32, 64)
		for j := range imgs[i] {
			imgs[i][j] = float32(rng.Float64())
		}
	}
	return m, imgs
}

func convert(t *testing.T, opt Options) (*tflite.ModelT, []byte) {
	t.Helper()
	m, imgs := tinyModel(t)
	cal, err := Calibrate(m, imgs)
	if err != nil {
		t.Fatal(err)
	}
	mt, err := Convert(m, cal, opt)
	if err != nil {
		t.Fatal(err)
	}
	buf := Marshal(mt)
	parsed, err := Validate(buf)
	if err != nil {
		t.Fatal(err)
	}
	return parsed, buf
}

func opCodes(m *tflite.ModelT) []string {
	var s []string
	for _, o := range m.Subgraphs[0].Operators {
		oc := m.OperatorCodes[o.OpcodeIndex]
		s = append(s, oc.BuiltinCode.String())
	}
	return s
}

func TestConvertFloatIO(t *testing.T) {
	m, _ := convert(t, Options{Softmax: true})
	got := strings.Join(opCodes(m), " ")
	want := "QUANTIZE CONV_2D MAX_POOL_2D DEPTHWISE_CONV_2D CONV_2D AVERAGE_POOL_2D RESHAPE FULLY_CONNECTED FULLY_CONNECTED SOFTMAX DEQUANTIZE"
	if got != want {
		t.Fatalf("ops %s\nwant %s", got, want)
	}
	versions := map[string]int32{"QUANTIZE": 1, "CONV_2D": 3, "MAX_POOL_2D": 2, "DEPTHWISE_CONV_2D": 3, "AVERAGE_POOL_2D": 2,
		"RESHAPE": 1, "FULLY_CONNECTED": 4, "SOFTMAX": 2, "DEQUANTIZE": 2}
	for _, oc := range m.OperatorCodes {
		if oc.Version != versions[oc.BuiltinCode.String()] {
			t.Errorf("%v version %d, want %d", oc.BuiltinCode, oc.Version, versions[oc.BuiltinCode.String()])
		}
		if int32(oc.DeprecatedBuiltinCode) != int32(oc.BuiltinCode) {
			t.Errorf("%v: deprecated code %d", oc.BuiltinCode, oc.DeprecatedBuiltinCode)
		}
	}
	if len(m.OperatorCodes) != 9 {
		t.Errorf("%d operator codes, want 9 distinct", len(m.OperatorCodes))
	}
	sg := m.Subgraphs[0]
	byName := map[string]*tflite.TensorT{}
	for _, tt := range sg.Tensors {
		byName[tt.Name] = tt
	}
	in := sg.Tensors[sg.Inputs[0]]
	if sg.Inputs[0] != 0 || in.Name != InputName || in.Type != tflite.TensorTypeFLOAT32 || in.Quantization != nil {
		t.Errorf("input tensor %d %+v", sg.Inputs[0], in)
	}
	out := sg.Tensors[sg.Outputs[0]]
	if int(sg.Outputs[0]) != len(sg.Tensors)-1 || out.Name != OutputName || out.Type != tflite.TensorTypeFLOAT32 {
		t.Errorf("output tensor %d %+v", sg.Outputs[0], out)
	}
	sm := byName[OutputName+"1"]
	if sm == nil || sm.Quantization.Scale[0] != 1.0/256 || sm.Quantization.ZeroPoint[0] != -128 {
		t.Errorf("softmax output %+v", sm)
	}
	conv := byName["sequential/conv2d/Relu;sequential/conv2d/BiasAdd;sequential/conv2d/Conv2D;sequential/conv2d/BiasAdd/ReadVariableOp"]
	pool := byName["sequential/max_pooling2d/MaxPool"]
	if conv == nil || pool == nil {
		t.Fatalf("missing conv2d or max_pooling2d tensors")
	}
	if pool.Quantization.Scale[0] != conv.Quantization.Scale[0] || pool.Quantization.ZeroPoint[0] != conv.Quantization.ZeroPoint[0] {
		t.Errorf("MAX_POOL_2D output quantization %v differs from its input's %v", pool.Quantization, conv.Quantization)
	}
	if conv.Quantization.ZeroPoint[0] != -128 {
		t.Errorf("ReLU output zero point %d, want -128 (range starts at 0)", conv.Quantization.ZeroPoint[0])
	}
	if !equal32(conv.ShapeSignature, []int32{-1, 8, 8, 4}) || !equal32(conv.Shape, []int32{1, 8, 8, 4}) {
		t.Errorf("conv output shape %v signature %v", conv.Shape, conv.ShapeSignature)
	}
	w := byName["sequential/conv2d/Conv2D"]
	if len(w.Quantization.Scale) != 4 || w.Quantization.QuantizedDimension != 0 || !equal32(w.Shape, []int32{4, 3, 3, 1}) {
		t.Errorf("conv weights %+v", w.Quantization)
	}
	dw := byName["sequential/depthwise_conv2d/depthwise"]
	if len(dw.Quantization.Scale) != 4 || dw.Quantization.QuantizedDimension != 3 || !equal32(dw.Shape, []int32{1, 3, 3, 4}) {
		t.Errorf("depthwise weights %+v", dw.Quantization)
	}
	fc := byName["sequential/dense/MatMul"]
	if len(fc.Quantization.Scale) != 1 || !equal32(fc.Shape, []int32{5, 6}) {
		t.Errorf("dense weights %+v", fc)
	}
	for _, name := range []string{"tfl.quantize", "sequential/conv2d_1/Relu;sequential/conv2d_1/BiasAdd;sequential/conv2d_1/Conv2D;sequential/conv2d_1/BiasAdd/ReadVariableOp",
		"sequential/average_pooling2d/AvgPool", "sequential/flatten/Reshape", "sequential/flatten/Const",
		"sequential/dense/MatMul;sequential/dense/Relu;sequential/dense/BiasAdd", "sequential/dense_1/MatMul;sequential/dense_1/BiasAdd",
		"sequential/dense_1/BiasAdd/ReadVariableOp"} {
		if byName[name] == nil {
			t.Errorf("no tensor %q", name)
		}
	}
	if got := int32s(m.Buffers[byName["sequential/flatten/Const"].Buffer].Data); !equal32(got, []int32{-1, 6}) {
		t.Errorf("flatten shape %v, want [-1 6]", got)
	}
	// Order: input, constants from the last layer back, activations.
	names := []string{}
	for _, tt := range sg.Tensors[1:5] {
		names = append(names, tt.Name)
	}
	wantOrder := []string{"sequential/dense_1/BiasAdd/ReadVariableOp", "sequential/dense_1/MatMul", "sequential/dense/BiasAdd/ReadVariableOp", "sequential/dense/MatMul"}
	if strings.Join(names, ",") != strings.Join(wantOrder, ",") {
		t.Errorf("first constants %v, want %v", names, wantOrder)
	}
	// One buffer per tensor after the empty buffer 0, then the metadata.
	if len(m.Buffers) != len(sg.Tensors)+2 {
		t.Errorf("%d buffers for %d tensors", len(m.Buffers), len(sg.Tensors))
	}
	for i, tt := range sg.Tensors {
		if tt.Buffer != uint32(i+1) {
			t.Errorf("tensor %d uses buffer %d", i, tt.Buffer)
		}
	}
	if len(m.Metadata) != 1 || string(m.Buffers[m.Metadata[0].Buffer].Data) != "1.14.0\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" {
		t.Errorf("metadata %+v", m.Metadata)
	}
	sd := m.SignatureDefs[0]
	if sd.Inputs[0].Name != "input" || sd.Outputs[0].Name != "dense_1" || sd.Outputs[0].TensorIndex != uint32(sg.Outputs[0]) {
		t.Errorf("signature %+v %+v", sd.Inputs[0], sd.Outputs[0])
	}
	if m.Description != "MLIR Converted." || sg.Name != "main" || m.Version != 3 {
		t.Errorf("header: %q %q %d", m.Description, sg.Name, m.Version)
	}
}

func TestConvertInt8IO(t *testing.T) {
	m, _ := convert(t, Options{Int8IO: true, Softmax: true})
	ops := opCodes(m)
	if ops[0] != "CONV_2D" || ops[len(ops)-1] != "SOFTMAX" {
		t.Fatalf("ops %v", ops)
	}
	sg := m.Subgraphs[0]
	in, out := sg.Tensors[sg.Inputs[0]], sg.Tensors[sg.Outputs[0]]
	if in.Type != tflite.TensorTypeINT8 || in.Name != InputName || len(in.Quantization.Scale) != 1 {
		t.Errorf("input %+v", in)
	}
	if out.Type != tflite.TensorTypeINT8 || out.Name != OutputName || out.Quantization.Scale[0] != 1.0/256 {
		t.Errorf("output %+v", out)
	}
}

func TestConvertLogits(t *testing.T) {
	m, _ := convert(t, Options{})
	ops := opCodes(m)
	if ops[len(ops)-2] != "FULLY_CONNECTED" || ops[len(ops)-1] != "DEQUANTIZE" {
		t.Fatalf("ops %v", ops)
	}
}

func TestMarshalDeterministicAndAligned(t *testing.T) {
	_, a := convert(t, Options{Softmax: true})
	_, b := convert(t, Options{Softmax: true})
	if !bytes.Equal(a, b) {
		t.Fatal("two conversions of the same model differ")
	}
	// Validate checked the alignment; the generated Pack does not align
	// (flatc's Go generator ignores force_align), which is why Marshal
	// exists.
	m, _ := convert(t, Options{Softmax: true})
	builder := newBuilder()
	builder.FinishWithFileIdentifier(m.Pack(builder), []byte("TFL3"))
	if _, err := Validate(builder.FinishedBytes()); err == nil || !strings.Contains(err.Error(), "aligned") {
		t.Errorf("generated Pack output validated (err %v); expected misaligned buffers", err)
	}
}

func TestValidateRejects(t *testing.T) {
	m, _ := convert(t, Options{Softmax: true})
	sg := m.Subgraphs[0]
	for i, tt := range sg.Tensors {
		if strings.HasSuffix(tt.Name, "conv2d/BiasAdd/ReadVariableOp") {
			sg.Tensors[i].Quantization.Scale[0] *= 2
		}
	}
	if _, err := Validate(Marshal(m)); err == nil || !strings.Contains(err.Error(), "bias scale") {
		t.Errorf("wrong bias scale: err %v", err)
	}
	if _, err := Validate([]byte("garbage!")); err == nil {
		t.Error("garbage accepted")
	}
}

func equal32(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestConvertDenseFoldsFlatten: Keras' Flatten → Dense on the model input
// converts as TFLite's converter does it, to QUANTIZE → FULLY_CONNECTED
// (taking the 4-D input) → DEQUANTIZE, keeping the unused flatten/Const:
// the 7 tensors of the StackOverflow question's model.
func TestConvertDenseFoldsFlatten(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m, err := nn.Build(nn.Shape{H: 4, W: 4, C: 1}, rng, &nn.Flatten{}, &nn.Dense{Out: 3})
	if err != nil {
		t.Fatal(err)
	}
	imgs := make([][]float32, 10)
	for i := range imgs {
		imgs[i] = make([]float32, 16)
		for j := range imgs[i] {
			imgs[i][j] = float32(rng.Float64())
		}
	}
	cal, err := Calibrate(m, imgs)
	if err != nil {
		t.Fatal(err)
	}
	mt, err := Convert(m, cal, Options{})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := Validate(Marshal(mt))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(opCodes(parsed), " "), "QUANTIZE FULLY_CONNECTED DEQUANTIZE"; got != want {
		t.Fatalf("ops %s, want %s", got, want)
	}
	sg := parsed.Subgraphs[0]
	if len(sg.Tensors) != 7 {
		t.Errorf("%d tensors, want 7", len(sg.Tensors))
	}
	fc := sg.Operators[1]
	if in := sg.Tensors[fc.Inputs[0]]; len(in.Shape) != 4 {
		t.Errorf("FULLY_CONNECTED input %q has shape %v, want the 4-D quantized input", in.Name, in.Shape)
	}
	var names []string
	for _, tt := range sg.Tensors {
		names = append(names, tt.Name)
	}
	if !strings.Contains(strings.Join(names, " "), "flatten/Const") {
		t.Errorf("tensors %q: the converter's unused flatten/Const is missing", names)
	}
}
