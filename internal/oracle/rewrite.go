package oracle

import (
	"encoding/binary"
	"fmt"
	"math"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/int8scope/int8scope/engine/tflite"
)

// Model rewriting for the oracle.
//
// Both rewrites patch the original bytes in place instead of unpacking to the object API
// (tflite.ModelT) and packing again, for two reasons found while building this:
//
//   - Our schema (engine/tflite/schema.fbs) is a subset: trailing fields we never read are
//     left out and many option tables are declared empty (GatherOptions, SplitOptions,
//     ResizeBilinearOptions, BatchMatMulOptions, PackOptions, DivOptions, LSTMOptions, ...).
//     UnPack+Pack silently drops those fields, e.g. GATHER's axis or RESIZE_BILINEAR's
//     half_pixel_centers, and the real runtime would then compute something else.
//   - The Go generator ignores `force_align: 16` on Buffer.data: Pack writes buffer data
//     with CreateByteString, 4-byte aligned only. (TFLite itself does not reject that, but
//     it is not what the converter produces.)
//
// Patching is lossless: a new [int] vector is appended at the end of the file (4-aligned)
// and the SubGraph's inputs/outputs field, a forward uoffset, is re-pointed to it; a
// Tensor's buffer index is a scalar that is overwritten where it is stored. Everything else
// keeps its bytes and position, so weights stay where the converter aligned them. The old
// vector stays in the file, unreferenced.

// vtable offsets of the fields we touch (4 + 2*field id), as in the generated accessors.
const (
	vtSubGraphInputs  = 6
	vtSubGraphOutputs = 8
	vtTensorBuffer    = 8
)

// ExposeTensors returns a copy of model in which the given tensor indices of subgraph 0 are
// (additional) subgraph outputs, in the given order, after the original outputs; so the real
// runtime reveals intermediates. Run then returns them as extra outputs in that order.
func ExposeTensors(model []byte, tensors []int) (out []byte, err error) {
	defer recoverMalformed(&err)
	_, sg, err := subgraph0(model)
	if err != nil {
		return nil, err
	}
	nt := sg.TensorsLength()
	outputs := make([]int32, 0, sg.OutputsLength()+len(tensors))
	for i := 0; i < sg.OutputsLength(); i++ {
		outputs = append(outputs, sg.Outputs(i))
	}
	for _, t := range tensors {
		if t < 0 || t >= nt {
			return nil, fmt.Errorf("oracle: ExposeTensors: tensor %d out of range (subgraph 0 has %d tensors)", t, nt)
		}
		outputs = append(outputs, int32(t))
	}
	out = append([]byte(nil), model...)
	return repointIntVector(out, sg.Table(), vtSubGraphOutputs, outputs, "SubGraph.outputs")
}

// WeightsAsInputs returns a copy of model in which every constant input tensor (one whose
// buffer holds data: weights, biases, ...) of the given operators of subgraph 0 becomes a
// subgraph input instead, appended after the original inputs, together with the tensors'
// original data in that order. Run the new model with append(inputs, extra...) to compute
// the same thing, except that XNNPACK, which only takes ops with static weights, leaves
// those ops to TFLite's builtin kernels.
func WeightsAsInputs(model []byte, ops []int) (out []byte, extra [][]byte, err error) {
	defer recoverMalformed(&err)
	m, sg, err := subgraph0(model)
	if err != nil {
		return nil, nil, err
	}
	nb := m.BuffersLength()
	data := func(b uint32) ([]byte, error) {
		if int(b) >= nb {
			return nil, fmt.Errorf("buffer %d out of range (%d buffers)", b, nb)
		}
		var buf tflite.Buffer
		m.Buffers(&buf, int(b))
		if d := buf.DataBytes(); len(d) > 0 {
			return d, nil
		}
		// Large models keep data after the flatbuffer: offset (> 1) and size.
		if off, size := buf.Offset(), buf.Size(); off > 1 {
			if off > uint64(len(model)) || size > uint64(len(model))-off {
				return nil, fmt.Errorf("buffer %d: offset %d size %d outside the file", b, off, size)
			}
			return model[off : off+size], nil
		}
		return nil, nil
	}
	// Buffer 0 is conventionally the empty sentinel; find an empty one to point at.
	empty := -1
	for b := 0; b < nb; b++ {
		d, err := data(uint32(b))
		if err != nil {
			return nil, nil, fmt.Errorf("oracle: WeightsAsInputs: %v", err)
		}
		if len(d) == 0 {
			empty = b
			break
		}
	}
	if empty < 0 {
		return nil, nil, fmt.Errorf("oracle: WeightsAsInputs: the model has no empty buffer to point tensors at")
	}

	nt, nops := sg.TensorsLength(), sg.OperatorsLength()
	var chosen []int
	seen := map[int]bool{}
	for _, oi := range ops {
		if oi < 0 || oi >= nops {
			return nil, nil, fmt.Errorf("oracle: WeightsAsInputs: operator %d out of range (subgraph 0 has %d)", oi, nops)
		}
		var op tflite.Operator
		sg.Operators(&op, oi)
		for j := 0; j < op.InputsLength(); j++ {
			t := int(op.Inputs(j))
			if t < 0 || seen[t] {
				continue
			}
			if t >= nt {
				return nil, nil, fmt.Errorf("oracle: WeightsAsInputs: operator %d input %d: tensor %d out of range", oi, j, t)
			}
			var ten tflite.Tensor
			sg.Tensors(&ten, t)
			if ten.IsVariable() {
				continue
			}
			d, err := data(ten.Buffer())
			if err != nil {
				return nil, nil, fmt.Errorf("oracle: WeightsAsInputs: tensor %d: %v", t, err)
			}
			if len(d) == 0 {
				continue
			}
			seen[t] = true
			chosen = append(chosen, t)
			extra = append(extra, append([]byte(nil), d...))
		}
	}

	out = append([]byte(nil), model...)
	for _, t := range chosen {
		var ten tflite.Tensor
		sg.Tensors(&ten, t)
		tab := ten.Table()
		o := tab.Offset(vtTensorBuffer)
		if o == 0 { // buffer field absent means buffer 0, which had data: cannot patch in place
			return nil, nil, fmt.Errorf("oracle: WeightsAsInputs: tensor %d has no stored buffer field", t)
		}
		binary.LittleEndian.PutUint32(out[tab.Pos+flatbuffers.UOffsetT(o):], uint32(empty))
	}
	inputs := make([]int32, 0, sg.InputsLength()+len(chosen))
	for i := 0; i < sg.InputsLength(); i++ {
		inputs = append(inputs, sg.Inputs(i))
	}
	for _, t := range chosen {
		inputs = append(inputs, int32(t))
	}
	out, err = repointIntVector(out, sg.Table(), vtSubGraphInputs, inputs, "SubGraph.inputs")
	if err != nil {
		return nil, nil, err
	}
	return out, extra, nil
}

// Stateful reports whether model keeps state from one inference to the next: variable
// tensors (the state of SVDF, LSTM, ... ops) or resource variables. TFLite does not reset
// that state between Invoke calls, so Run gives such models a new interpreter every time.
// A model that does not parse is reported stateless.
func Stateful(model []byte) (stateful bool) {
	defer func() {
		if recover() != nil {
			stateful = false
		}
	}()
	if _, _, err := subgraph0(model); err != nil {
		return false
	}
	m := tflite.GetRootAsModel(model, 0)
	for i := 0; i < m.OperatorCodesLength(); i++ {
		var oc tflite.OperatorCode
		m.OperatorCodes(&oc, i)
		switch oc.BuiltinCode() {
		case tflite.BuiltinOperatorVAR_HANDLE, tflite.BuiltinOperatorASSIGN_VARIABLE, tflite.BuiltinOperatorREAD_VARIABLE:
			return true
		}
	}
	for g := 0; g < m.SubgraphsLength(); g++ {
		var sg tflite.SubGraph
		m.Subgraphs(&sg, g)
		for i := 0; i < sg.TensorsLength(); i++ {
			var ten tflite.Tensor
			sg.Tensors(&ten, i)
			if ten.IsVariable() {
				return true
			}
		}
	}
	return false
}

func subgraph0(model []byte) (*tflite.Model, *tflite.SubGraph, error) {
	if len(model) < 8 {
		return nil, nil, fmt.Errorf("oracle: model of %d bytes is not a .tflite", len(model))
	}
	if uint64(len(model)) >= math.MaxInt32 {
		return nil, nil, fmt.Errorf("oracle: model of %d bytes is too large to patch", len(model))
	}
	if root := binary.LittleEndian.Uint32(model); uint64(root)+4 > uint64(len(model)) {
		return nil, nil, fmt.Errorf("oracle: not a flatbuffer (root offset %d, %d bytes)", root, len(model))
	}
	m := tflite.GetRootAsModel(model, 0)
	if m.SubgraphsLength() == 0 {
		return nil, nil, fmt.Errorf("oracle: model has no subgraphs")
	}
	var sg tflite.SubGraph
	m.Subgraphs(&sg, 0)
	return m, &sg, nil
}

// repointIntVector appends vals as a flatbuffer [int] vector to buf (whose table tab's field
// at vtable offset vt must be stored) and points that field at it.
func repointIntVector(buf []byte, tab flatbuffers.Table, vt flatbuffers.VOffsetT, vals []int32, what string) ([]byte, error) {
	o := tab.Offset(vt)
	if o == 0 {
		return nil, fmt.Errorf("oracle: %s is absent from the file and cannot be patched in place", what)
	}
	field := int(tab.Pos) + int(o)
	for len(buf)%4 != 0 {
		buf = append(buf, 0)
	}
	vec := len(buf)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(vals)))
	for _, v := range vals {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(v))
	}
	if uint64(len(buf)) >= math.MaxInt32 {
		return nil, fmt.Errorf("oracle: patched model would exceed 2 GiB")
	}
	binary.LittleEndian.PutUint32(buf[field:], uint32(vec-field))
	return buf, nil
}

func recoverMalformed(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("oracle: malformed model: %v", r)
	}
}

// vtModelSubgraphs is Model.subgraphs' vtable offset.
const vtModelSubgraphs = 8

// PrimarySubgraph returns a copy of model in which subgraph k and subgraph 0
// trade places, so that the runtime, which runs subgraph 0, runs the entry
// point of another signature (the signature defs keep their old indices).
// Models whose ops call subgraphs by index (CALL_ONCE, IF, WHILE) are
// refused: their indices would need rewriting too.
func PrimarySubgraph(model []byte, k int) (out []byte, err error) {
	defer recoverMalformed(&err)
	m, _, err := subgraph0(model)
	if err != nil {
		return nil, err
	}
	if k < 0 || k >= m.SubgraphsLength() {
		return nil, fmt.Errorf("oracle: PrimarySubgraph: subgraph %d out of range (%d subgraphs)", k, m.SubgraphsLength())
	}
	var oc tflite.OperatorCode
	for i := 0; i < m.OperatorCodesLength(); i++ {
		m.OperatorCodes(&oc, i)
		switch max(oc.BuiltinCode(), tflite.BuiltinOperator(oc.DeprecatedBuiltinCode())) {
		case tflite.BuiltinOperatorCALL_ONCE, tflite.BuiltinOperatorIF, tflite.BuiltinOperatorWHILE:
			return nil, fmt.Errorf("oracle: PrimarySubgraph: the model calls subgraphs by index (%v)", oc.BuiltinCode())
		}
	}
	out = append([]byte(nil), model...)
	tab := m.Table()
	vec := int(tab.Vector(flatbuffers.UOffsetT(tab.Offset(vtModelSubgraphs))))
	// Each element is a uoffset from its own position to the subgraph table.
	p0, pk := vec, vec+4*k
	t0 := p0 + int(binary.LittleEndian.Uint32(out[p0:]))
	tk := pk + int(binary.LittleEndian.Uint32(out[pk:]))
	binary.LittleEndian.PutUint32(out[p0:], uint32(tk-p0))
	binary.LittleEndian.PutUint32(out[pk:], uint32(t0-pk))
	return out, nil
}
