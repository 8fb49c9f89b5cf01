package engine

import (
	"slices"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// dynamicModel is x (int8 [n 2 2 1], shape_signature [−1 2 2 1]) →
// SHAPE → MUL by [1 1 1 1] (int32) → STRIDED_SLICE [0:1] → CONCATENATION
// with [−1] → RESHAPE(x) → FULLY_CONNECTED with weights [1 1 1 1], all
// scales 1, zero points 0: each output is the sum of one image. The
// RESHAPE's shape is computed by int32 ops, so it is dynamic; its output
// and the FC's are stored without a shape.
func dynamicModel() []byte {
	b := tfbuild.New()
	q := tfbuild.Q(1, 0)
	i32 := tflite.TensorTypeINT32
	x := b.Tensor("x", tflite.TensorTypeINT8, []int{1, 2, 2, 1}, q, nil)
	b.M.Subgraphs[0].Tensors[x].ShapeSignature = []int32{-1, 2, 2, 1}
	s := b.Tensor("shape", i32, []int{4}, nil, nil)
	b.Op(tflite.BuiltinOperatorSHAPE, 1, nil, []int{x}, []int{s})
	s2 := b.Tensor("shape_times_1", i32, []int{4}, nil, nil)
	b.Op(tflite.BuiltinOperatorMUL, 1, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsMulOptions, Value: &tflite.MulOptionsT{}},
		[]int{s, b.Tensor("ones", i32, []int{4}, nil, tfbuild.I32(1, 1, 1, 1))}, []int{s2})
	n := b.Tensor("n", i32, []int{1}, nil, nil)
	c1 := func(name string, v int32) int { return b.Tensor(name, i32, []int{1}, nil, tfbuild.I32(v)) }
	b.Op(tflite.BuiltinOperatorSTRIDED_SLICE, 1, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsStridedSliceOptions, Value: &tflite.StridedSliceOptionsT{}},
		[]int{s2, c1("b", 0), c1("e", 1), c1("st", 1)}, []int{n})
	ns := b.Tensor("new_shape", i32, []int{2}, nil, nil)
	b.Op(tflite.BuiltinOperatorCONCATENATION, 1, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConcatenationOptions, Value: &tflite.ConcatenationOptionsT{}},
		[]int{n, c1("rest", -1)}, []int{ns})
	flat := b.Tensor("flat", tflite.TensorTypeINT8, nil, q, nil)
	b.Op(tflite.BuiltinOperatorRESHAPE, 1, nil, []int{x, ns}, []int{flat})
	w := b.Tensor("w", tflite.TensorTypeINT8, []int{1, 4}, q, tfbuild.I8(1, 1, 1, 1))
	bias := b.Tensor("bias", i32, []int{1}, q, tfbuild.I32(0))
	y := b.Tensor("y", tflite.TensorTypeINT8, nil, q, nil)
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 1, nil, []int{flat, w, bias}, []int{y})
	b.Inputs(x)
	b.Outputs(y)
	return b.Bytes()
}

func TestDynamicAndResize(t *testing.T) {
	m, err := Load(dynamicModel())
	if err != nil {
		t.Fatal(err)
	}
	if m.Ops[4].Dynamic == "" || m.Ops[4].Params != nil {
		t.Fatalf("RESHAPE should be prepared at run time: Dynamic %q, Params %v", m.Ops[4].Dynamic, m.Ops[4].Params)
	}
	if taken, why := m.XNNPackDelegated(); slices.Contains(taken, true) || !strings.Contains(why[5], "dynamic-sized") {
		t.Errorf("XNNPACK must not be applied to a dynamic model: taken %v, why %q", taken, why[5])
	}
	m3, err := m.Resize([][]int{{3, 2, 2, 1}})
	if err != nil {
		t.Fatal(err)
	}
	in := tfbuild.I8(1, 2, 3, 4, -5, -6, -7, -8, 10, 20, 30, 40)
	for _, p := range Profiles() {
		res, err := m3.Run([][]byte{in}, Options{Profile: p, Trace: true})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		rm := res.Model
		if got := rm.Tensors[rm.Ops[4].Outputs[0]].Shape; !slices.Equal(got, []int{3, 4}) {
			t.Errorf("%s: RESHAPE output shape %v, want [3 4]", p, got)
		}
		if got := AsInt8(res.Tensors[rm.Outputs[0]]); !slices.Equal(got, []int8{10, -26, 100}) {
			t.Errorf("%s: output %v, want [10 -26 100]", p, got)
		}
		if res.Trace.Ops[4].Arithmetic == "" || len(res.Trace.Ops[5].Acc) != 3 {
			t.Errorf("%s: trace of the dynamic ops: %+v / %+v", p, res.Trace.Ops[4], res.Trace.Ops[5])
		}
		e, err := res.Explain(5, 2)
		if err != nil {
			t.Fatalf("%s: explain: %v", p, err)
		}
		if e.Value != 100 || e.TermsTotal != 4 || !slices.Equal(e.Coords, []int{2, 0}) {
			t.Errorf("%s: explanation of y[2]: value %d, %d terms, coords %v; want 100, 4, [2 0]", p, e.Value, e.TermsTotal, e.Coords)
		}
	}
	// The model itself keeps batch 1, and still runs.
	res, err := m.Run([][]byte{in[:4]}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := AsInt8(res.Tensors[m.Outputs[0]]); !slices.Equal(got, []int8{10}) {
		t.Errorf("batch 1: output %v, want [10]", got)
	}
	if _, err := m.Resize([][]int{{3, 2, 3, 1}}); err == nil || !strings.Contains(err.Error(), "dimension 2 is fixed") {
		t.Errorf("resizing a fixed dimension: err = %v", err)
	}
}

// TestResizeKeepsState: a stateful model (resource variables) re-prepared
// by Resize keeps its variables' ids and carries its own state from run to
// run, as the original does.
func TestResizeKeepsState(t *testing.T) {
	m, err := Load(tfbuild.RunningSum([]float32{1, 2}).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Resize(make([][]int, len(m.Inputs)))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Stateful() {
		t.Fatal("the resized model lost its resource variables")
	}
	var inputs [][]byte
	for _, i := range m.Inputs {
		b := make([]byte, m.Tensors[i].NumBytes())
		for j := range b {
			b[j] = byte(j + 1)
		}
		inputs = append(inputs, b)
	}
	for k := 0; k < 3; k++ {
		a, err := m.Run(inputs, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := r.Run(inputs, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range m.Outputs {
			if !slices.Equal(a.Tensors[o], b.Tensors[o]) {
				t.Fatalf("run %d: output %d differs after Resize: %v vs %v", k, o, a.Tensors[o], b.Tensors[o])
			}
		}
	}
}
