package engine_test

import (
	"math"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// xt is a tensor of a one-op test model: data != nil makes it constant,
// otherwise feed is its input.
type xt struct {
	typ   tflite.TensorType
	shape []int
	q     *tfbuild.Quant
	data  []byte
	feed  []byte
}

// buildOneOp writes a model with one op and returns it with its feeds.
func buildOneOp(code tflite.BuiltinOperator, opts *tflite.BuiltinOptionsT, ins []xt, out xt) ([]byte, [][]byte) {
	b := tfbuild.New()
	var idx, feeds []int
	var data [][]byte
	for i, x := range ins {
		ti := b.Tensor("in"+string(rune('0'+i)), x.typ, x.shape, x.q, x.data)
		if x.data == nil {
			feeds, data = append(feeds, ti), append(data, x.feed)
		}
		idx = append(idx, ti)
	}
	o := b.Tensor("out", out.typ, out.shape, out.q, nil)
	b.Op(code, 1, opts, idx, []int{o})
	b.Inputs(feeds...)
	b.Outputs(o)
	return b.Bytes(), data
}

// runOneOp loads and runs a one-op model under profile p.
func runOneOp(t *testing.T, p engine.Profile, code tflite.BuiltinOperator, opts *tflite.BuiltinOptionsT, ins []xt, out xt) *engine.Result {
	t.Helper()
	model, feeds := buildOneOp(code, opts, ins, out)
	m, err := engine.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Run(feeds, engine.Options{Profile: p, Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// stepNames lists an explanation's step names.
func stepNames(e *engine.Explanation) string {
	var s []string
	for _, st := range e.Steps {
		s = append(s, st.Name)
	}
	return strings.Join(s, ", ")
}

// TestExplainDequantize checks DEQUANTIZE's explanation: scale × (q −
// zero_point) with the numbers, and the float32 result untruncated.
func TestExplainDequantize(t *testing.T) {
	in := xt{typ: tflite.TensorTypeINT8, shape: []int{3}, q: tfbuild.Q(0.1, 3), feed: tfbuild.I8(-55, 3, 127)}
	out := xt{typ: tflite.TensorTypeFLOAT32, shape: []int{3}}
	// float32(0.1)·float32(−58), rounded to float32; 0; float32(0.1)·124.
	want := []float32{float32(0.1) * -58, 0, float32(0.1) * 124}
	for _, p := range engine.Profiles() {
		res := runOneOp(t, p, tflite.BuiltinOperatorDEQUANTIZE, nil, []xt{in}, out)
		for i, w := range want {
			e, err := res.Explain(0, i)
			if err != nil {
				t.Fatal(err)
			}
			last := e.Steps[len(e.Steps)-1]
			if last.Value != float64(w) || e.Real != float64(w) || e.Value != 0 {
				t.Errorf("%s element %d: last step %v, real %v, value %d; want %v", p, i, last.Value, e.Real, e.Value, w)
			}
			if i == 0 && !strings.Contains(last.Formula, "0.100000001 × -58") {
				t.Errorf("%s: formula %q does not show scale × (q − zero point)", p, last.Formula)
			}
		}
	}
	if got := float32(0.1) * -58; got != -5.8000002 {
		t.Fatalf("hand value: float32(0.1)·−58 = %v", got)
	}
}

// TestExplainSteps checks, for ops whose explanation derives the value
// itself, that every element's explanation under every profile gives the
// value the run computed, integer or float (bit for bit), with the steps
// named.
func TestExplainSteps(t *testing.T) {
	f32, i8, i16 := tflite.TensorTypeFLOAT32, tflite.TensorTypeINT8, tflite.TensorTypeINT16
	sm := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsSoftmaxOptions, Value: &tflite.SoftmaxOptionsT{Beta: 1}}
	add := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsAddOptions, Value: &tflite.AddOptionsT{FusedActivationFunction: tflite.ActivationFunctionTypeRELU6}}
	mul := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsMulOptions, Value: &tflite.MulOptionsT{}}
	ints := tfbuild.I8(-128, -100, -7, 0, 1, 5, 60, 127)
	floats := tfbuild.F32(-20, -3.25, -0.1, 0, 0.3, 1.5, 7.75, 30)
	shape := []int{2, 4}
	cases := []struct {
		name  string
		code  tflite.BuiltinOperator
		opts  *tflite.BuiltinOptionsT
		ins   []xt
		out   xt
		steps string // the explanation's step names under reference, for element 5
	}{
		{"softmax int8", tflite.BuiltinOperatorSOFTMAX, sm, []xt{{typ: i8, shape: shape, q: tfbuild.Q(0.05, 2), feed: ints}},
			xt{typ: i8, shape: shape, q: tfbuild.Q(1.0/256, -128)}, "input, row max, difference, difference left shift, difference SRDHM, difference shift, exp, sum, reciprocal, scaled, shift, zero point, clamp"},
		{"softmax int8 to int16", tflite.BuiltinOperatorSOFTMAX, sm, []xt{{typ: i8, shape: shape, q: tfbuild.Q(0.05, 2), feed: ints}},
			xt{typ: i16, shape: shape, q: tfbuild.Q(1.0/65536, -32768)}, ""},
		{"softmax int16", tflite.BuiltinOperatorSOFTMAX, sm, []xt{{typ: i16, shape: shape, q: tfbuild.Q(0.001, 0), feed: tfbuild.I16(-30000, -500, 0, 7, 100, 2000, 9000, 32767)}},
			xt{typ: i16, shape: shape, q: tfbuild.Q(1.0/32768, 0)}, "input, row max, exp, sum, reciprocal, scaled, clamp"},
		{"softmax float", tflite.BuiltinOperatorSOFTMAX, sm, []xt{{typ: f32, shape: shape, feed: floats}},
			xt{typ: f32, shape: shape}, "input, row max, exp, sum, divide"},
		{"logistic int8", tflite.BuiltinOperatorLOGISTIC, nil, []xt{{typ: i8, shape: shape, q: tfbuild.Q(0.08, -3), feed: ints}},
			xt{typ: i8, shape: shape, q: tfbuild.Q(1.0/256, -128)}, ""},
		{"tanh int8", tflite.BuiltinOperatorTANH, nil, []xt{{typ: i8, shape: shape, q: tfbuild.Q(0.03, 4), feed: ints}},
			xt{typ: i8, shape: shape, q: tfbuild.Q(1.0/128, 0)}, ""},
		{"logistic float", tflite.BuiltinOperatorLOGISTIC, nil, []xt{{typ: f32, shape: shape, feed: floats}}, xt{typ: f32, shape: shape}, "input, logistic"},
		{"tanh float", tflite.BuiltinOperatorTANH, nil, []xt{{typ: f32, shape: shape, feed: floats}}, xt{typ: f32, shape: shape}, "input, tanh"},
		{"dequantize int16", tflite.BuiltinOperatorDEQUANTIZE, nil, []xt{{typ: i16, shape: shape, q: tfbuild.Q(0.37, -9), feed: tfbuild.I16(-32768, -500, 0, 7, 100, 2000, 9000, 32767)}},
			xt{typ: f32, shape: shape}, "input, offset, dequantize"},
		{"add float", tflite.BuiltinOperatorADD, add, []xt{{typ: f32, shape: shape, feed: floats}, {typ: f32, shape: []int{4}, data: tfbuild.F32(0.1, -0.2, 1e-8, 3)}},
			xt{typ: f32, shape: shape}, "input1, input2, result"},
		{"mul float", tflite.BuiltinOperatorMUL, mul, []xt{{typ: f32, shape: shape, feed: floats}, {typ: f32, shape: shape, feed: floats}},
			xt{typ: f32, shape: shape}, "input1, input2, result"},
		{"relu float", tflite.BuiltinOperatorRELU, nil, []xt{{typ: f32, shape: shape, feed: floats}}, xt{typ: f32, shape: shape}, "output"},
	}
	for _, c := range cases {
		for _, p := range engine.Profiles() {
			res := runOneOp(t, p, c.code, c.opts, c.ins, c.out)
			out := res.Model.Tensors[res.Model.Outputs[0]]
			vals := engine.Values(out.Type, res.Tensors[out.Index])
			for i, v := range vals {
				e, err := res.Explain(0, i)
				if err != nil {
					t.Fatalf("%s %s element %d: %v", c.name, p, i, err)
				}
				last := e.Steps[len(e.Steps)-1].Value
				switch {
				case out.Type == engine.Float32:
					if math.Float64bits(last) != math.Float64bits(v) || math.Float64bits(e.Real) != math.Float64bits(v) || e.Value != 0 {
						t.Errorf("%s %s element %d: explained %v (real %v, value %d), computed %v", c.name, p, i, last, e.Real, e.Value, v)
					}
				case float64(e.Value) != v || last != v:
					t.Errorf("%s %s element %d: explained %d (last step %v), computed %v", c.name, p, i, e.Value, last, v)
				}
				if p == engine.Reference && i == 5 && c.steps != "" && stepNames(e) != c.steps {
					t.Errorf("%s element 5 steps: %s, want %s", c.name, stepNames(e), c.steps)
				}
			}
		}
	}
}
