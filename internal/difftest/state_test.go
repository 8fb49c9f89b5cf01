package difftest

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// streamingModel builds a stateful model the way the converter writes
// streaming keyword models: subgraph 0 runs CALL_ONCE(init) and then, per
// run, reads two resource variables, updates them and assigns them back;
// subgraph 1 (the init subgraph) assigns their initial values.
//   - "acc", int8 [1,4] (scale 0.2, zero point 5): acc += x (quantized ADD
//     of x, scale 0.3, zero point -3; it saturates);
//   - "ring", float32 [1,3]: a ring buffer of the last three inputs f
//     (STRIDED_SLICE drops the oldest, CONCATENATION appends f).
//
// Outputs: the new acc (tensor 5) and the new ring (tensor 11).
func streamingModel() []byte {
	i8, f32, res := tflite.TensorTypeINT8, tflite.TensorTypeFLOAT32, tflite.TensorTypeRESOURCE
	handle := func(b *tfbuild.Builder, name string, out int) {
		b.Op(tflite.BuiltinOperatorVAR_HANDLE, 0, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsVarHandleOptions,
			Value: &tflite.VarHandleOptionsT{SharedName: name}}, nil, []int{out})
	}
	b := tfbuild.New()
	accQ := tfbuild.Q(0.2, 5)
	x := b.Tensor("x", i8, []int{1, 4}, tfbuild.Q(0.3, -3), nil)                             // 0
	f := b.Tensor("f", f32, []int{1, 1}, nil, nil)                                           // 1
	hAcc := b.Tensor("acc_handle", res, nil, nil, nil)                                       // 2
	hRing := b.Tensor("ring_handle", res, nil, nil, nil)                                     // 3
	accOld := b.Tensor("acc_read", i8, []int{1, 4}, accQ, nil)                               // 4
	accNew := b.Tensor("acc_new", i8, []int{1, 4}, accQ, nil)                                // 5
	ringOld := b.Tensor("ring_read", f32, []int{1, 3}, nil, nil)                             // 6
	ringTail := b.Tensor("ring_tail", f32, []int{1, 2}, nil, nil)                            // 7
	begin := b.Tensor("begin", tflite.TensorTypeINT32, []int{2}, nil, tfbuild.I32(0, 1))     // 8
	end := b.Tensor("end", tflite.TensorTypeINT32, []int{2}, nil, tfbuild.I32(1, 3))         // 9
	strides := b.Tensor("strides", tflite.TensorTypeINT32, []int{2}, nil, tfbuild.I32(1, 1)) // 10
	ringNew := b.Tensor("ring_new", f32, []int{1, 3}, nil, nil)                              // 11
	b.Inputs(x, f)
	b.Outputs(accNew, ringNew)
	b.Op(tflite.BuiltinOperatorCALL_ONCE, 0, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsCallOnceOptions,
		Value: &tflite.CallOnceOptionsT{InitSubgraphIndex: 1}}, nil, nil)
	handle(b, "acc", hAcc)
	handle(b, "ring", hRing)
	b.Op(tflite.BuiltinOperatorREAD_VARIABLE, 0, nil, []int{hAcc}, []int{accOld})
	b.Op(tflite.BuiltinOperatorADD, 0, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsAddOptions, Value: &tflite.AddOptionsT{}},
		[]int{accOld, x}, []int{accNew})
	b.Op(tflite.BuiltinOperatorASSIGN_VARIABLE, 0, nil, []int{hAcc, accNew}, nil)
	b.Op(tflite.BuiltinOperatorREAD_VARIABLE, 0, nil, []int{hRing}, []int{ringOld})
	b.Op(tflite.BuiltinOperatorSTRIDED_SLICE, 0, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsStridedSliceOptions,
		Value: &tflite.StridedSliceOptionsT{}}, []int{ringOld, begin, end, strides}, []int{ringTail})
	b.Op(tflite.BuiltinOperatorCONCATENATION, 0, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConcatenationOptions,
		Value: &tflite.ConcatenationOptionsT{Axis: 1}}, []int{ringTail, f}, []int{ringNew})
	b.Op(tflite.BuiltinOperatorASSIGN_VARIABLE, 0, nil, []int{hRing, ringNew}, nil)

	b.Subgraph("init")
	h0 := b.Tensor("acc_handle", res, nil, nil, nil)
	h1 := b.Tensor("ring_handle", res, nil, nil, nil)
	acc0 := b.Tensor("acc_init", i8, []int{1, 4}, accQ, tfbuild.I8(-100, 0, 5, 90))
	ring0 := b.Tensor("ring_init", f32, []int{1, 3}, nil, tfbuild.F32(0.25, -1.5, 3))
	handle(b, "acc", h0)
	handle(b, "ring", h1)
	b.Op(tflite.BuiltinOperatorASSIGN_VARIABLE, 0, nil, []int{h0, acc0}, nil)
	b.Op(tflite.BuiltinOperatorASSIGN_VARIABLE, 0, nil, []int{h1, ring0}, nil)
	return b.Bytes()
}

// streamingInputs returns n runs' inputs: x in [-20, 20], f in [-1, 1).
func streamingInputs(n int) [][][]byte {
	rng := rand.New(rand.NewPCG(10, 1))
	var runs [][][]byte
	for range n {
		x := make([]int8, 4)
		for i := range x {
			x[i] = int8(rng.IntN(41) - 20)
		}
		runs = append(runs, [][]byte{tfbuild.I8(x...), tfbuild.F32(rng.Float32()*2 - 1)})
	}
	return runs
}

// TestStatefulTFLite runs the streaming model 10 times in a row in the
// engine (tflite-xnnpack) and in the real browser TFLite, one interpreter
// kept across the runs, and compares every run's outputs byte for byte;
// then Reset must bring the first runs' outputs back.
func TestStatefulTFLite(t *testing.T) {
	o := startOracle(t)
	model := streamingModel()
	inputs := streamingInputs(10)
	want, err := o.RunSequence(model, inputs)
	if err != nil {
		t.Fatal(err)
	}
	m, err := engine.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	first := make([][][]byte, len(inputs))
	elems, saturated := 0, 0
	for i, in := range inputs {
		res, err := m.Run(in, engine.Options{Profile: engine.XNNPack, Trace: true})
		if err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		if len(want[i]) != len(m.Outputs) {
			t.Fatalf("run %d: TFLite gave %d outputs, want %d", i+1, len(want[i]), len(m.Outputs))
		}
		for j, w := range want[i] {
			got := res.Tensors[m.Outputs[j]]
			if w.Tensor != m.Outputs[j] || !bytes.Equal(got, w.Data) {
				t.Errorf("run %d output %d (tensor %d): engine %v, TFLite (tensor %d) %v", i+1, j, m.Outputs[j],
					engine.Values(m.Tensors[m.Outputs[j]].Type, got), w.Tensor, engine.Values(m.Tensors[m.Outputs[j]].Type, w.Data))
			}
			elems += len(engine.Values(m.Tensors[m.Outputs[j]].Type, got))
		}
		for _, v := range engine.AsInt8(res.Tensors[5]) {
			if v == 127 || v == -128 {
				saturated++
			}
		}
		// The state after the run is what the run assigned.
		if len(res.State) != 2 || !bytes.Equal(res.State[0].Data, res.Tensors[5]) || !bytes.Equal(res.State[1].Data, res.Tensors[11]) {
			t.Errorf("run %d: Result.State = %+v, want the assigned acc and ring", i+1, res.State)
		}
		if res.Trace == nil || len(res.Trace.State) != 2 || res.Trace.State[0].SharedName != "acc" {
			t.Errorf("run %d: trace state = %+v", i+1, res.Trace)
		}
		first[i] = [][]byte{res.Tensors[5], res.Tensors[11]}
	}
	if saturated == 0 {
		t.Errorf("the running sum never saturated; the inputs do not test the clamp")
	}
	m.Reset()
	for i := range 3 {
		res, err := m.Run(inputs[i], engine.Options{Profile: engine.XNNPack})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(res.Tensors[5], first[i][0]) || !bytes.Equal(res.Tensors[11], first[i][1]) {
			t.Errorf("after Reset, run %d differs from the first run %d", i+1, i+1)
		}
	}
	t.Logf("10 consecutive runs: %d output elements equal to TFLite (%s); %d saturated", elems, o.Info(), saturated)
}

// TestStatefulTFLM compares the reference profile's first run of the
// streaming model with TFLite Micro's (tflm_run runs one inference per
// process), every tensor it dumps.
func TestStatefulTFLM(t *testing.T) {
	r := startTFLM(t)
	model := streamingModel()
	inputs := streamingInputs(1)
	c := &Case{Gen: "stateful_streaming", Seed: 1, Desc: "CALL_ONCE + resource variables", Model: model, Inputs: inputs[0]}
	out, err := CheckTFLM(context.Background(), r, c)
	if err != nil {
		t.Fatal(err)
	}
	if out.Differ > 0 || out.Elements == 0 {
		t.Errorf("%s", out.Report())
	}
	elems := out.Elements
	rng := rand.New(rand.NewPCG(4, 4))
	for i := range 6 {
		c := &Case{Gen: "stateful_if", Seed: int64(i), Desc: "resource variables + IF", Model: statefulIfModel(),
			Inputs: [][]byte{tfbuild.F32(2), boolByte(i%2 == 0), randI8(rng, 4, 60), randI8(rng, 4, 60)}}
		out, err := CheckTFLM(context.Background(), r, c)
		if err != nil {
			t.Fatal(err)
		}
		if out.Differ > 0 || out.Elements == 0 {
			t.Errorf("%s", out.Report())
		}
		elems += out.Elements
	}
	t.Logf("first runs: %d elements equal to TFLite Micro", elems)
}
