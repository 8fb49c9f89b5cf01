package tflconv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/int8scope/int8scope/engine/tflite"
)

// Validate parses a serialized model with the generated code and checks the
// structure this package writes: file identifier, schema version, buffer 0
// empty, 16-byte aligned buffer data, consistent buffer sizes, operator codes,
// tensor references, quantization parameters, signature and metadata. It
// returns the unpacked model.
func Validate(buf []byte) (m *tflite.ModelT, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("tflconv: malformed flatbuffer: %v", r)
		}
	}()
	if len(buf) < 8 || string(buf[4:8]) != "TFL3" {
		return nil, errors.New("tflconv: missing TFL3 file identifier")
	}
	root := tflite.GetRootAsModel(buf, 0)
	var fb tflite.Buffer
	for i := range root.BuffersLength() {
		if !root.Buffers(&fb, i) {
			return nil, fmt.Errorf("buffer %d: unreadable", i)
		}
		tab := fb.Table()
		if o := flatbuffers.UOffsetT(tab.Offset(4)); o != 0 && fb.DataLength() > 0 {
			if start := tab.Vector(o); start%bufferAlign != 0 {
				return nil, fmt.Errorf("buffer %d: data at file offset %d is not %d-byte aligned", i, start, bufferAlign)
			}
		}
	}
	m = root.UnPack()
	return m, check(m)
}

func typeSize(t tflite.TensorType) int {
	switch t {
	case tflite.TensorTypeFLOAT32, tflite.TensorTypeINT32:
		return 4
	case tflite.TensorTypeINT8, tflite.TensorTypeUINT8:
		return 1
	case tflite.TensorTypeINT16:
		return 2
	case tflite.TensorTypeINT64:
		return 8
	}
	return 0
}

func check(m *tflite.ModelT) error {
	if m.Version != 3 {
		return fmt.Errorf("schema version %d, want 3", m.Version)
	}
	if len(m.Buffers) == 0 || len(m.Buffers[0].Data) != 0 {
		return errors.New("buffer 0 must exist and be empty")
	}
	if len(m.Subgraphs) != 1 {
		return fmt.Errorf("%d subgraphs, want 1", len(m.Subgraphs))
	}
	for i, oc := range m.OperatorCodes {
		if int32(oc.DeprecatedBuiltinCode) != int32(min(oc.BuiltinCode, 127)) {
			return fmt.Errorf("operator code %d: deprecated_builtin_code %d does not match builtin_code %v", i, oc.DeprecatedBuiltinCode, oc.BuiltinCode)
		}
		if oc.Version < 1 {
			return fmt.Errorf("operator code %d: version %d", i, oc.Version)
		}
	}
	sg := m.Subgraphs[0]
	nt := int32(len(sg.Tensors))
	produced := make([]int, nt)
	for _, i := range sg.Inputs {
		if i < 0 || i >= nt {
			return fmt.Errorf("subgraph input %d out of range", i)
		}
		produced[i]++
	}
	usedBuffers := map[uint32]int32{}
	for i, t := range sg.Tensors {
		if int(t.Buffer) >= len(m.Buffers) {
			return fmt.Errorf("tensor %d (%q): buffer %d out of range", i, t.Name, t.Buffer)
		}
		if t.Buffer != 0 {
			if other, dup := usedBuffers[t.Buffer]; dup {
				return fmt.Errorf("tensor %d (%q) shares buffer %d with tensor %d", i, t.Name, t.Buffer, other)
			}
			usedBuffers[t.Buffer] = int32(i)
		}
		n := 1
		for _, d := range t.Shape {
			if d < 1 {
				return fmt.Errorf("tensor %d (%q): shape %v", i, t.Name, t.Shape)
			}
			n *= int(d)
		}
		size := typeSize(t.Type)
		if size == 0 {
			return fmt.Errorf("tensor %d (%q): unexpected type %v", i, t.Name, t.Type)
		}
		data := m.Buffers[t.Buffer].Data
		if len(data) != 0 {
			if len(data) != n*size {
				return fmt.Errorf("tensor %d (%q): buffer has %d bytes, shape %v of %v needs %d", i, t.Name, len(data), t.Shape, t.Type, n*size)
			}
			produced[i]++
		}
		if err := checkQuant(t); err != nil {
			return fmt.Errorf("tensor %d (%q): %w", i, t.Name, err)
		}
	}
	for k, o := range sg.Operators {
		if int(o.OpcodeIndex) >= len(m.OperatorCodes) {
			return fmt.Errorf("operator %d: opcode index %d out of range", k, o.OpcodeIndex)
		}
		for _, i := range o.Inputs {
			if i < 0 || i >= nt {
				return fmt.Errorf("operator %d: input %d out of range", k, i)
			}
			if produced[i] == 0 {
				return fmt.Errorf("operator %d: input tensor %d (%q) is read before it is written", k, i, sg.Tensors[i].Name)
			}
		}
		for _, i := range o.Outputs {
			if i < 0 || i >= nt {
				return fmt.Errorf("operator %d: output %d out of range", k, i)
			}
			produced[i]++
		}
		if err := checkBias(sg, o); err != nil {
			return fmt.Errorf("operator %d (%v): %w", k, m.OperatorCodes[o.OpcodeIndex].BuiltinCode, err)
		}
	}
	for i, p := range produced {
		if p != 1 {
			return fmt.Errorf("tensor %d (%q) is written %d times", i, sg.Tensors[i].Name, p)
		}
	}
	for _, i := range sg.Outputs {
		if i < 0 || i >= nt {
			return fmt.Errorf("subgraph output %d out of range", i)
		}
	}
	if len(m.SignatureDefs) != 1 || m.SignatureDefs[0].SignatureKey != SignatureKey {
		return errors.New("missing serving_default signature")
	}
	sd := m.SignatureDefs[0]
	if len(sd.Inputs) != len(sg.Inputs) || len(sd.Outputs) != len(sg.Outputs) {
		return errors.New("signature does not list every input and output")
	}
	for i, tm := range sd.Inputs {
		if int32(tm.TensorIndex) != sg.Inputs[i] || tm.Name == "" {
			return fmt.Errorf("signature input %q maps to tensor %d, subgraph input is %d", tm.Name, tm.TensorIndex, sg.Inputs[i])
		}
	}
	for i, tm := range sd.Outputs {
		if int32(tm.TensorIndex) != sg.Outputs[i] || tm.Name == "" {
			return fmt.Errorf("signature output %q maps to tensor %d, subgraph output is %d", tm.Name, tm.TensorIndex, sg.Outputs[i])
		}
	}
	found := false
	for _, md := range m.Metadata {
		if md.Name == "min_runtime_version" {
			if int(md.Buffer) >= len(m.Buffers) || len(m.Buffers[md.Buffer].Data) != 16 {
				return errors.New("min_runtime_version must be a 16-byte buffer")
			}
			found = true
		}
	}
	if !found {
		return errors.New("missing min_runtime_version metadata")
	}
	return nil
}

func checkQuant(t *tflite.TensorT) error {
	q := t.Quantization
	if t.Type == tflite.TensorTypeFLOAT32 {
		if q != nil && len(q.Scale) > 0 {
			return errors.New("float tensor has quantization parameters")
		}
		return nil
	}
	if t.Type == tflite.TensorTypeINT32 && (q == nil || len(q.Scale) == 0) {
		return nil // e.g. a RESHAPE shape
	}
	if q == nil || len(q.Scale) == 0 || len(q.Scale) != len(q.ZeroPoint) {
		return errors.New("quantized tensor needs as many scales as zero points, at least one")
	}
	if len(q.Scale) > 1 {
		if int(q.QuantizedDimension) >= len(t.Shape) || int(t.Shape[q.QuantizedDimension]) != len(q.Scale) {
			return fmt.Errorf("%d scales along dimension %d of shape %v", len(q.Scale), q.QuantizedDimension, t.Shape)
		}
	}
	for i, s := range q.Scale {
		if !(s > 0) || math.IsInf(float64(s), 0) {
			return fmt.Errorf("scale %d is %v", i, s)
		}
		zp := q.ZeroPoint[i]
		if t.Type == tflite.TensorTypeINT8 && (zp < -128 || zp > 127) {
			return fmt.Errorf("zero point %d outside int8", zp)
		}
		if t.Type == tflite.TensorTypeINT32 && zp != 0 {
			return fmt.Errorf("int32 zero point %d, want 0", zp)
		}
	}
	return nil
}

// checkBias verifies that a bias's scales are input scale × weight scales
// (the float32 products) with zero points 0.
func checkBias(sg *tflite.SubGraphT, o *tflite.OperatorT) error {
	if len(o.Inputs) != 3 {
		return nil
	}
	in, w, b := sg.Tensors[o.Inputs[0]], sg.Tensors[o.Inputs[1]], sg.Tensors[o.Inputs[2]]
	if b.Type != tflite.TensorTypeINT32 || in.Quantization == nil || w.Quantization == nil || b.Quantization == nil {
		return nil
	}
	ws := w.Quantization.Scale
	if len(b.Quantization.Scale) != len(ws) {
		return fmt.Errorf("bias has %d scales, weights %d", len(b.Quantization.Scale), len(ws))
	}
	for i, s := range ws {
		if want := in.Quantization.Scale[0] * s; b.Quantization.Scale[i] != want {
			return fmt.Errorf("bias scale %d is %v, want input scale × weight scale = %v", i, b.Quantization.Scale[i], want)
		}
	}
	return nil
}

// int32s decodes a little-endian int32 buffer.
func int32s(b []byte) []int32 {
	out := make([]int32, len(b)/4)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}
