package engine

import (
	"bytes"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
)

// TestBuiltinLSTMPackedMatchesMatmul runs the random int8 LSTMs of
// forRandomInt8LSTMs under tflite-xnnpack (TFLite's builtin integer LSTM)
// through the packed path (gatesPacked, builtinGateRow) and through the
// per-gate matmuls that call fixedpoint.MultiplyByQuantizedMultiplier
// (k.wp cleared), and wants every tensor equal.
func TestBuiltinLSTMPackedMatchesMatmul(t *testing.T) {
	forRandomInt8LSTMs(t, func(i int, s lstmSpec, data, in []byte) {
		// TFLite refuses variable tensors with buffers: the initial state
		// goes in as the run's state instead. The fifth intermediate holds
		// the hidden state's quantization, or another.
		withBuffers, err := Load(data)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		state := storedState(withBuffers)
		mt := s.model()
		for _, ten := range mt.Subgraphs[0].Tensors {
			if ten.IsVariable {
				ten.Buffer = 0
			}
		}
		scale, zp := s.hScale, s.hZP
		if i%2 == 1 {
			scale, zp = s.hScale*1.7, s.hZP+3
		}
		addLSTMIntermediates(mt.Subgraphs[0], scale, zp)
		data = tfbuild.Pack(mt)
		run := func(packed bool) *Result {
			m, err := Load(data)
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			k, ok := m.plans[XNNPack].kernels[0].(*builtinLSTMNode)
			if !ok || k.wp == nil {
				t.Fatalf("case %d: the builtin LSTM's packed path was not prepared (%q)", i, m.plans[XNNPack].refused)
			}
			if !packed {
				k.wp = nil
			}
			res, err := m.Run([][]byte{in}, Options{Profile: XNNPack, state: state})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		a, b := run(true), run(false)
		for ti := range a.Tensors {
			if !bytes.Equal(a.Tensors[ti], b.Tensors[ti]) {
				t.Errorf("case %d (%+v): tensor %d differs: %s", i, s, ti, firstDiff(a.Model.Tensors[ti], a.Tensors[ti], b.Tensors[ti]))
			}
		}
	})
}
