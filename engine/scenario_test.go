package engine

import (
	"math"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// scenarioModel is the design card's example, built with the flatbuffers
// builder: float32 [1,3] → QUANTIZE (0.5, −1) → FULLY_CONNECTED (weights
// 0.25 symmetric, int32 bias at 0.5·0.25) → int8 (0.75, 3) → DEQUANTIZE →
// float32 [1,2], as TFLiteConverter writes a Dense layer with float I/O.
func scenarioModel() []byte {
	b := tfbuild.New()
	x := b.Tensor("serving_default_input:0", tflite.TensorTypeFLOAT32, []int{1, 3}, nil, nil)
	q := b.Tensor("tfl.quantize", tflite.TensorTypeINT8, []int{1, 3}, tfbuild.Q(0.5, -1), nil)
	w := b.Tensor("dense/MatMul", tflite.TensorTypeINT8, []int{2, 3}, tfbuild.Q(0.25, 0), tfbuild.I8(1, -2, 3, 4, 5, -6))
	bias := b.Tensor("dense/BiasAdd/ReadVariableOp", tflite.TensorTypeINT32, []int{2}, tfbuild.Q(0.125, 0), tfbuild.I32(10, -20))
	y := b.Tensor("dense/BiasAdd", tflite.TensorTypeINT8, []int{1, 2}, tfbuild.Q(0.75, 3), nil)
	out := b.Tensor("StatefulPartitionedCall:0", tflite.TensorTypeFLOAT32, []int{1, 2}, nil, nil)
	b.Op(tflite.BuiltinOperatorQUANTIZE, 1, nil, []int{x}, []int{q})
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsFullyConnectedOptions,
		Value: &tflite.FullyConnectedOptionsT{}}, []int{q, w, bias}, []int{y})
	b.Op(tflite.BuiltinOperatorDEQUANTIZE, 2, nil, []int{y}, []int{out})
	b.Inputs(x)
	b.Outputs(out)
	return b.Bytes()
}

// TestScenario runs the card's float → QUANTIZE → FULLY_CONNECTED →
// DEQUANTIZE model and checks every integer by hand, including the details
// a hand-written forward pass gets wrong: the input offset is −zero_point,
// the output zero point is added after the rounding shift, and
// RoundingDivideByPOT rounds −8.75 to −9.
func TestScenario(t *testing.T) {
	m, err := Load(scenarioModel())
	if err != nil {
		t.Fatal(err)
	}
	in := make([]byte, 0, 12)
	for _, v := range []float32{2.0, -0.1, 4.1} {
		in = append(in, tfbuild.F32(v)...)
	}
	res, err := m.Run([][]byte{in}, Options{Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	// QUANTIZE: round(x/0.5) − 1: 4−1, round(−0.2)−1, round(8.2)−1.
	if q := AsInt8(res.Tensors[1]); q[0] != 3 || q[1] != -1 || q[2] != 7 {
		t.Fatalf("quantized input %v, want [3 -1 7]", q)
	}
	// FC with input offset +1: (4, 0, 8)·(1, −2, 3) = 28, +10 = 38;
	// (4, 0, 8)·(4, 5, −6) = −32, −20 = −52.
	if acc := res.Trace.Ops[1].Acc; len(acc) != 2 || acc[0] != 38 || acc[1] != -52 {
		t.Fatalf("accumulators %v, want [38 -52]", acc)
	}
	if y := AsInt8(res.Tensors[4]); y[0] != 9 || y[1] != -6 {
		t.Fatalf("FC output %v, want [9 -6]", y)
	}
	if o := AsFloat32(res.Tensors[5]); o[0] != 4.5 || o[1] != -6.75 {
		t.Fatalf("output %v, want [4.5 -6.75]", o)
	}

	e, err := res.Explain(1, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name  string
		value float64
	}{
		{"sum", -32},   // 4·4 + 0·5 + 8·(−6)
		{"bias", -52},  // −32 + (−20)
		{"SRDHM", -35}, // round(−52 · 1431655765 / 2^31) = round(−34.67)
		{"shift", -9},  // −35 / 2^2 = −8.75 → −9
		{"zero point", -6},
		{"clamp", -6},
	}
	if len(e.Steps) != len(want) {
		t.Fatalf("steps %+v", e.Steps)
	}
	for i, w := range want {
		if e.Steps[i].Name != w.name || e.Steps[i].Value != w.value {
			t.Errorf("step %d: %s = %v, want %s = %v", i, e.Steps[i].Name, e.Steps[i].Value, w.name, w.value)
		}
	}
	if e.TermInput != 1 || e.TermFilter != 2 {
		t.Errorf("terms index tensors %d and %d, want 1 (quantized input) and 2 (weights)", e.TermInput, e.TermFilter)
	}
	if len(e.Terms) != 3 || e.Terms[0].Input != 3 || e.Terms[0].InputOffset != 1 || e.Terms[0].Filter != 4 || e.Terms[2].Product != -48 {
		t.Errorf("terms %+v", e.Terms)
	}
	// Without rounding: −52 · 1/6 + 3 = −5.667; both profiles round to −6.
	if e.Exact == nil || math.Abs(*e.Exact-(-52.0/6+3)) > 1e-9 {
		t.Errorf("exact %v, want %v", e.Exact, -52.0/6+3)
	}
	if e.Value != -6 || e.Real != -6.75 {
		t.Errorf("value %d (real %v), want -6 (-6.75)", e.Value, e.Real)
	}
	p := m.Ops[1].Params.(*FullyConnectedParams)
	o := p.Output.(*FixedPointOutput)
	if p.InputOffset != 1 || o.ZeroPoint != 3 || o.Requant[0].Multiplier != 1431655765 || o.Requant[0].Shift != -2 ||
		math.Abs(o.Requant[0].Real-1.0/6) > 1e-15 || o.Requant[0].Rounding != RoundDouble {
		t.Errorf("prepared params %+v", p)
	}
	// Single rounding ((−52·1431655765 + 2^32) >> 33 = −9) and the browser
	// TFLite (XNNPACK: float32(−52 · float32(0.125/0.75)) = −8.67 → −9) agree
	// on this element (docs/HOW-IT-COMPUTES.md, section 4).
	for _, p := range []Profile{SingleRounding, XNNPack} {
		x, err := m.Run([][]byte{in}, Options{Profile: p, Trace: true})
		if err != nil {
			t.Fatal(err)
		}
		if y := AsInt8(x.Tensors[4]); y[0] != 9 || y[1] != -6 {
			t.Errorf("%s FC output %v, want [9 -6]", p, y)
		}
		e, err := x.Explain(1, 1)
		if err != nil {
			t.Fatal(err)
		}
		if s := e.Steps[len(e.Steps)-3]; s.Value != -9 {
			t.Errorf("%s: step %s = %v, want -9 before the zero point", p, s.Name, s.Value)
		}
	}
}
