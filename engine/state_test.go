package engine

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func callOnceOpts(i int32) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsCallOnceOptions, Value: &tflite.CallOnceOptionsT{InitSubgraphIndex: i}}
}

// runningSum is tfbuild.RunningSum, changed by edit (for the error cases).
func runningSum(init []float32, edit func(b *tfbuild.Builder)) []byte {
	b := tfbuild.RunningSum(init)
	if edit != nil {
		edit(b)
	}
	return b.Bytes()
}

func TestStateRunningSum(t *testing.T) {
	m, err := Load(runningSum([]float32{1.5, -2}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Stateful() || m.Subgraphs[1] == nil || len(m.Subgraphs) != 1 {
		t.Fatalf("Stateful = %v, Subgraphs = %v; want the init subgraph 1 loaded", m.Stateful(), m.Subgraphs)
	}
	run := func(p Profile, x ...float32) []float32 {
		t.Helper()
		res, err := m.Run([][]byte{tfbuild.F32(x...)}, Options{Profile: p, Trace: true})
		if err != nil {
			t.Fatal(err)
		}
		out := AsFloat32(res.Tensors[m.Outputs[0]])
		if len(res.State) != 1 || res.State[0].SharedName != "sum" || res.State[0].Type != Float32 ||
			res.State[0].Values[0] != float64(out[0]) || res.State[0].Values[1] != float64(out[1]) || len(res.Trace.State) != 1 {
			t.Errorf("State = %+v, want sum = %v", res.State, out)
		}
		return out
	}
	eq := func(got []float32, want ...float32) {
		t.Helper()
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("got %v, want %v", got, want)
		}
	}
	// CALL_ONCE sets sum = [1.5, -2] before the first run only.
	eq(run(Reference, 1, 1), 2.5, -1)
	eq(run(Reference, 2, 0.5), 4.5, -0.5)
	// Each profile is a TFLite of its own: its state starts fresh.
	eq(run(XNNPack, 10, 10), 11.5, 8)
	eq(run(Reference, 3, 3), 7.5, 2.5)
	st, err := m.State(XNNPack)
	if err != nil || len(st) != 1 || st[0].Values[0] != 11.5 {
		t.Errorf("State(XNNPack) = %+v, %v", st, err)
	}
	m.Reset()
	if st, _ := m.State(Reference); len(st) != 0 {
		t.Errorf("after Reset, State = %+v, want none", st)
	}
	eq(run(Reference, 1, 1), 2.5, -1)
	eq(run(XNNPack, 1, 1), 2.5, -1)
	res, err := m.Run([][]byte{tfbuild.F32(0, 0)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.Explain(0, 0); err == nil || !strings.Contains(err.Error(), "op 0 (CALL_ONCE) has no outputs to explain") {
		t.Errorf("Explain(CALL_ONCE) = %v", err)
	}
	j, err := json.Marshal(m)
	if err != nil || !strings.Contains(string(j), `"subgraphs":{"1":`) || !strings.Contains(string(j), `"shared_name":"sum"`) {
		t.Errorf("JSON lacks the init subgraph or the VAR_HANDLE params: %.300s (%v)", j, err)
	}
}

func TestStateErrors(t *testing.T) {
	for _, c := range []struct {
		name    string
		edit    func(b *tfbuild.Builder)
		loadErr string
		runErr  string
	}{
		{name: "init subgraph out of range", loadErr: "init subgraph index 7 is out of range",
			edit: func(b *tfbuild.Builder) { b.M.Subgraphs[0].Operators[0].BuiltinOptions = callOnceOpts(7) }},
		{name: "CALL_ONCE calls its own subgraph", loadErr: "is the subgraph the op is in",
			edit: func(b *tfbuild.Builder) { b.M.Subgraphs[0].Operators[0].BuiltinOptions = callOnceOpts(0) }},
		{name: "read before assign", runErr: `resource variable 0 (container "", shared name "sum") is read before any ASSIGN_VARIABLE wrote it`,
			edit: func(b *tfbuild.Builder) { b.M.Subgraphs[1].Operators = b.M.Subgraphs[1].Operators[:1] }},
		{name: "init assigns another type", runErr: "holds int32, but output",
			edit: func(b *tfbuild.Builder) {
				b.M.Subgraphs[1].Tensors[1].Type = tflite.TensorTypeINT32
			}},
		{name: "init assigns another shape", runErr: "has shape [1], but output",
			edit: func(b *tfbuild.Builder) {
				b.M.Subgraphs[1].Tensors[1].Shape = []int32{1}
				b.M.Buffers[b.M.Subgraphs[1].Tensors[1].Buffer].Data = tfbuild.F32(1)
			}},
		{name: "handle is not a resource", loadErr: "a resource handle is one resource (or int32) element",
			edit: func(b *tfbuild.Builder) { b.M.Subgraphs[0].Tensors[1].Type = tflite.TensorTypeFLOAT32 }},
		{name: "init subgraph has an input", runErr: "init subgraph 1 has 1 inputs and 0 outputs; CALL_ONCE needs none",
			edit: func(b *tfbuild.Builder) { b.M.Subgraphs[1].Inputs = []int32{1} }},
		{name: "subgraphs call each other", runErr: "more than 32 deep",
			edit: func(b *tfbuild.Builder) {
				b.Use(1)
				b.Op(tflite.BuiltinOperatorCALL_ONCE, 0, callOnceOpts(2), nil, nil)
				b.Subgraph("loop")
				b.Op(tflite.BuiltinOperatorCALL_ONCE, 0, callOnceOpts(1), nil, nil)
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := Load(runningSum([]float32{1, 2}, c.edit))
			if c.loadErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.loadErr) {
					t.Fatalf("Load error = %v, want %q", err, c.loadErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = m.Run([][]byte{tfbuild.F32(1, 1)}, Options{})
			if err == nil || !strings.Contains(err.Error(), c.runErr) {
				t.Fatalf("Run error = %v, want %q", err, c.runErr)
			}
		})
	}
}
