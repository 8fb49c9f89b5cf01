package engine

import (
	"fmt"
	"unsafe"

	"github.com/int8scope/int8scope/engine/tflite"
)

// DType is a tensor element type. Its values are TFLite's TensorType.
type DType int8

// The element types the engine computes with.
const (
	Float32 = DType(tflite.TensorTypeFLOAT32)
	Int32   = DType(tflite.TensorTypeINT32)
	Uint8   = DType(tflite.TensorTypeUINT8)
	Int64   = DType(tflite.TensorTypeINT64)
	Bool    = DType(tflite.TensorTypeBOOL)
	Int16   = DType(tflite.TensorTypeINT16)
	Int8    = DType(tflite.TensorTypeINT8)
	// Complex64 is a pair of float32, real then imaginary (RFFT2D's output).
	Complex64 = DType(tflite.TensorTypeCOMPLEX64)
	Float16   = DType(tflite.TensorTypeFLOAT16) // IEEE half (float16.go)
	// Resource is a resource handle (VAR_HANDLE's output): the variable's
	// int32 id, as TFLite stores it.
	Resource = DType(tflite.TensorTypeRESOURCE)
)

var dtypeInfo = map[DType]struct {
	name string
	size int
}{
	Float32:   {"float32", 4},
	Int32:     {"int32", 4},
	Uint8:     {"uint8", 1},
	Int64:     {"int64", 8},
	Bool:      {"bool", 1},
	Int16:     {"int16", 2},
	Int8:      {"int8", 1},
	Complex64: {"complex64", 8},
	Float16:   {"float16", 2},
	Resource:  {"resource", 4},
}

// String returns the lower-case type name, "int8", "float32", ….
func (d DType) String() string {
	if i, ok := dtypeInfo[d]; ok {
		return i.name
	}
	return tflite.TensorType(d).String()
}

// Size is the size of one element in bytes, 0 for unsupported types.
func (d DType) Size() int { return int(dtypeSize[uint8(d)]) }

// dtypeSize is dtypeInfo's sizes by type: Size is asked per tensor on
// every run, and a map lookup costs more than a small model's op in
// WebAssembly.
var dtypeSize = func() (s [256]uint8) {
	for d, info := range dtypeInfo {
		s[uint8(d)] = uint8(info.size)
	}
	return s
}()

// MarshalText makes DType print as its name in JSON.
func (d DType) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Quant holds a tensor's affine quantization: real = Scale × (q − ZeroPoint),
// per tensor (one entry) or per slice along Axis.
type Quant struct {
	Scale     []float32 `json:"scale"`
	ZeroPoint []int64   `json:"zero_point"`
	Axis      int       `json:"axis"`

	// rewrittenFrom is the file's quantized_dimension when Load read a 1-D
	// per-channel tensor along axis 0 instead (see Load); the
	// tflite-xnnpack profile refuses what TFLite's InterpreterBuilder does.
	rewrittenFrom *int
}

// PerChannel reports whether q has more than one scale.
func (q *Quant) PerChannel() bool { return q != nil && len(q.Scale) > 1 }

// Tensor describes one tensor of the model. Data is set for constant tensors.
type Tensor struct {
	Index int    `json:"index"`
	Name  string `json:"name"`
	Type  DType  `json:"type"`
	Shape []int  `json:"shape"`
	// ShapeSignature is the file's shape_signature: the shape with −1
	// where a dimension may change (a batch of any size); Model.Resize
	// gives an input another size there. Nil when the file has none.
	ShapeSignature []int  `json:"shape_signature,omitempty"`
	Quant          *Quant `json:"quant,omitempty"`
	Const          bool   `json:"const"`
	Variable       bool   `json:"variable,omitempty"`
	Data           []byte `json:"-"`

	// inferred is set for a tensor an op writes whose shape the op's
	// Prepare works out (as TFLite's do) instead of the file: one stored
	// without a shape, or every op output of a resized or dynamic model.
	inferred bool
	// prepared is the value of a non-constant tensor that its op's Prepare
	// already computed (SHAPE's output: TFLite's kTfLitePersistentRo), so
	// the ops reading it as a shape are not dynamic.
	prepared []byte
}

// NumElements is the product of the shape.
func (t *Tensor) NumElements() int { return numElements(t.Shape) }

// Coords turns flat row-major element index i into per-dimension
// coordinates.
func (t *Tensor) Coords(i int) []int { return unflatten(i, t.Shape) }

// NumBytes is the size of the tensor's value in bytes.
func (t *Tensor) NumBytes() int { return t.NumElements() * t.Type.Size() }

// Scale returns the per-tensor scale (the first one), 0 if not quantized.
func (t *Tensor) Scale() float64 {
	if t.Quant == nil || len(t.Quant.Scale) == 0 {
		return 0
	}
	return float64(t.Quant.Scale[0])
}

// ZeroPoint returns the per-tensor zero point (the first one), 0 if not quantized.
func (t *Tensor) ZeroPoint() int32 {
	if t.Quant == nil || len(t.Quant.ZeroPoint) == 0 {
		return 0
	}
	return int32(t.Quant.ZeroPoint[0])
}

func (t *Tensor) String() string {
	return fmt.Sprintf("tensor %d (%q, %v %v)", t.Index, t.Name, t.Type, t.Shape)
}

func numElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// alignedBytes returns n zero bytes whose start is 8-byte aligned, so the typed
// views below are valid for every element type.
func alignedBytes(n int) []byte {
	if n == 0 {
		return []byte{}
	}
	w := make([]uint64, (n+7)/8)
	return unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), n)
}

// Typed views of little-endian tensor bytes. Both targets (amd64, wasm) are
// little-endian; buffers come from alignedBytes.
func view[T any](b []byte) []T {
	var z T
	n := len(b) / int(unsafe.Sizeof(z))
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
}

// AsInt8 views b as int8 values (no copy). The As* views are for raw tensor
// bytes such as Result.Tensors; b must come from the engine (aligned).
func AsInt8(b []byte) []int8 { return view[int8](b) }

// AsInt16 views b as int16 values (no copy).
func AsInt16(b []byte) []int16 { return view[int16](b) }

// AsInt32 views b as int32 values (no copy).
func AsInt32(b []byte) []int32 { return view[int32](b) }

// AsInt64 views b as int64 values (no copy).
func AsInt64(b []byte) []int64 { return view[int64](b) }

// AsFloat32 views b as float32 values (no copy).
func AsFloat32(b []byte) []float32 { return view[float32](b) }

// AsComplex64 views b as complex64 values (no copy).
func AsComplex64(b []byte) []complex64 { return view[complex64](b) }

// Values converts a tensor's raw bytes to float64 numbers (the stored values,
// not dequantized; of complex64 values, the real parts), for display.
func Values(t DType, b []byte) []float64 {
	if t == Complex64 {
		out := make([]float64, len(b)/8)
		for i, v := range AsComplex64(b) {
			out[i] = float64(real(v))
		}
		return out
	}
	if t == Float32 {
		out := make([]float64, len(b)/4)
		for i, v := range AsFloat32(b) {
			out[i] = float64(v)
		}
		return out
	}
	if t == Float16 {
		out := make([]float64, len(b)/2)
		for i, v := range AsFloat16(b) {
			out[i] = float64(v)
		}
		return out
	}
	if t.Size() <= 0 {
		return nil
	}
	out := make([]float64, len(b)/t.Size())
	for i := range out {
		out[i] = float64(intValue(t, b, i))
	}
	return out
}
