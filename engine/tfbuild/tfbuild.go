// Package tfbuild writes .tflite models with the flatbuffers builder: the
// test models of the engine, the differential tests and the model tools.
package tfbuild

import (
	"encoding/binary"
	"math"

	flatbuffers "github.com/google/flatbuffers/go"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Builder accumulates a model: subgraph 0, and more with Subgraph.
type Builder struct {
	M     *tflite.ModelT
	sg    *tflite.SubGraphT
	codes map[tflite.BuiltinOperator]uint32
}

// Quant is a tensor's quantization; Axis is quantized_dimension.
type Quant struct {
	Scale     []float32
	ZeroPoint []int64
	Axis      int32
}

// Q is per-tensor quantization.
func Q(scale float32, zeroPoint int64) *Quant {
	return &Quant{Scale: []float32{scale}, ZeroPoint: []int64{zeroPoint}}
}

// New starts a model with the empty sentinel buffer 0.
func New() *Builder {
	sg := &tflite.SubGraphT{Name: "main"}
	return &Builder{
		M: &tflite.ModelT{Version: 3, Subgraphs: []*tflite.SubGraphT{sg},
			Buffers: []*tflite.BufferT{{}}, Description: "int8scope tfbuild"},
		sg:    sg,
		codes: map[tflite.BuiltinOperator]uint32{},
	}
}

// Tensor adds a tensor; data != nil makes it constant. It returns its index.
func (b *Builder) Tensor(name string, typ tflite.TensorType, shape []int, q *Quant, data []byte) int {
	t := &tflite.TensorT{Name: name, Type: typ, Shape: ints32(shape), HasRank: true}
	if q != nil {
		t.Quantization = &tflite.QuantizationParametersT{Scale: q.Scale, ZeroPoint: q.ZeroPoint, QuantizedDimension: q.Axis}
	}
	if data != nil {
		t.Buffer = uint32(len(b.M.Buffers))
		b.M.Buffers = append(b.M.Buffers, &tflite.BufferT{Data: data})
	}
	b.sg.Tensors = append(b.sg.Tensors, t)
	return len(b.sg.Tensors) - 1
}

// Inputs sets the subgraph inputs.
func (b *Builder) Inputs(ts ...int) { b.sg.Inputs = ints32(ts) }

// Outputs sets the subgraph outputs.
func (b *Builder) Outputs(ts ...int) { b.sg.Outputs = ints32(ts) }

// Op appends an operator. opts may be nil; version 0 means 1.
func (b *Builder) Op(code tflite.BuiltinOperator, version int32, opts *tflite.BuiltinOptionsT, inputs, outputs []int) {
	ci, ok := b.codes[code]
	if !ok {
		if version == 0 {
			version = 1
		}
		dep := int8(code)
		if code > tflite.BuiltinOperatorPLACEHOLDER_FOR_GREATER_OP_CODES {
			dep = int8(tflite.BuiltinOperatorPLACEHOLDER_FOR_GREATER_OP_CODES)
		}
		ci = uint32(len(b.M.OperatorCodes))
		b.M.OperatorCodes = append(b.M.OperatorCodes, &tflite.OperatorCodeT{
			BuiltinCode: code, DeprecatedBuiltinCode: dep, Version: version})
		b.codes[code] = ci
	}
	b.sg.Operators = append(b.sg.Operators, &tflite.OperatorT{
		OpcodeIndex: ci, Inputs: ints32(inputs), Outputs: ints32(outputs), BuiltinOptions: opts})
}

// Subgraph appends a new, empty subgraph and makes it the one Tensor, Op,
// Inputs and Outputs add to. It returns the subgraph's index.
func (b *Builder) Subgraph(name string) int {
	b.M.Subgraphs = append(b.M.Subgraphs, &tflite.SubGraphT{Name: name})
	b.Use(len(b.M.Subgraphs) - 1)
	return len(b.M.Subgraphs) - 1
}

// Use makes subgraph i the one Tensor, Op, Inputs and Outputs add to.
func (b *Builder) Use(i int) { b.sg = b.M.Subgraphs[i] }

// CustomOp appends a custom operator (operator code CUSTOM with the given
// custom_code) whose options are the flexbuffer bytes options.
func (b *Builder) CustomOp(name string, options []byte, inputs, outputs []int) {
	ci := uint32(len(b.M.OperatorCodes))
	b.M.OperatorCodes = append(b.M.OperatorCodes, &tflite.OperatorCodeT{
		BuiltinCode: tflite.BuiltinOperatorCUSTOM, DeprecatedBuiltinCode: int8(tflite.BuiltinOperatorCUSTOM), CustomCode: name, Version: 1})
	b.sg.Operators = append(b.sg.Operators, &tflite.OperatorT{
		OpcodeIndex: ci, Inputs: ints32(inputs), Outputs: ints32(outputs), CustomOptions: options})
}

// Metadata adds a named metadata entry backed by a buffer.
func (b *Builder) Metadata(name string, data []byte) {
	b.M.Metadata = append(b.M.Metadata, &tflite.MetadataT{Name: name, Buffer: uint32(len(b.M.Buffers))})
	b.M.Buffers = append(b.M.Buffers, &tflite.BufferT{Data: data})
}

// Bytes serializes the model with the "TFL3" identifier.
func (b *Builder) Bytes() []byte { return Pack(b.M) }

// Pack serializes any model.
func Pack(m *tflite.ModelT) []byte {
	fb := flatbuffers.NewBuilder(1024)
	fb.FinishWithFileIdentifier(m.Pack(fb), []byte("TFL3"))
	return fb.FinishedBytes()
}

func ints32(s []int) []int32 {
	if s == nil {
		return []int32{}
	}
	r := make([]int32, len(s))
	for i, v := range s {
		r[i] = int32(v)
	}
	return r
}

// I8 encodes int8 values.
func I8(v ...int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

// I16 encodes int16 values little-endian.
func I16(v ...int16) []byte {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(x))
	}
	return b
}

// I32 encodes int32 values little-endian.
func I32(v ...int32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(x))
	}
	return b
}

// I64 encodes int64 values little-endian.
func I64(v ...int64) []byte {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], uint64(x))
	}
	return b
}

// F32 encodes float32 values little-endian.
func F32(v ...float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}
