package engine

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// fcModel builds int8 input [1,3] → FULLY_CONNECTED (2 channels) → int8 [1,2].
func fcModel() *tfbuild.Builder {
	b := tfbuild.New()
	in := b.Tensor("input", tflite.TensorTypeINT8, []int{1, 3}, tfbuild.Q(0.5, -1), nil)
	w := b.Tensor("weights", tflite.TensorTypeINT8, []int{2, 3}, tfbuild.Q(0.25, 0), tfbuild.I8(1, -2, 3, 4, 5, -6))
	bias := b.Tensor("bias", tflite.TensorTypeINT32, []int{2}, tfbuild.Q(0.125, 0), tfbuild.I32(10, -20))
	out := b.Tensor("output", tflite.TensorTypeINT8, []int{1, 2}, tfbuild.Q(0.75, 3), nil)
	b.Op(tflite.BuiltinOperatorFULLY_CONNECTED, 4, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsFullyConnectedOptions,
		Value: &tflite.FullyConnectedOptionsT{}}, []int{in, w, bias}, []int{out})
	b.Inputs(in)
	b.Outputs(out)
	return b
}

func TestLoadValid(t *testing.T) {
	m, err := Load(fcModel().Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Ops) != 1 || m.Ops[0].Builtin != "FULLY_CONNECTED" || len(m.Tensors) != 4 {
		t.Fatalf("unexpected model: %d ops, %d tensors", len(m.Ops), len(m.Tensors))
	}
	p := m.Ops[0].Params.(*FullyConnectedParams)
	o := p.Output.(*FixedPointOutput)
	// 0.5·0.25/0.75 = 1/6 = 0.6666…·2^-2 → Q31 round(2^31·2/3) = 1431655765, shift −2.
	if o.Requant[0].Multiplier != 1431655765 || o.Requant[0].Shift != -2 || p.InputOffset != 1 || o.ZeroPoint != 3 {
		t.Fatalf("params %+v", p)
	}
}

func TestFullyConnectedHand(t *testing.T) {
	m, err := Load(fcModel().Bytes())
	if err != nil {
		t.Fatal(err)
	}
	// inputs q = [3, -1, 7] → with offset +1: [4, 0, 8]
	res, err := m.Run([][]byte{tfbuild.I8(3, -1, 7)}, Options{Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	// ch0: 4·1 + 0·-2 + 8·3 = 28, +10 = 38; 38/6 = 6.33 → 6, +3 = 9
	// ch1: 4·4 + 0·5 + 8·-6 = -32, -20 = -52; -52/6 = -8.67 → -9, +3 = -6
	got := AsInt8(res.Tensors[3])
	if got[0] != 9 || got[1] != -6 {
		t.Fatalf("got %v, want [9 -6]", got)
	}
	if acc := res.Trace.Ops[0].Acc; acc[0] != 38 || acc[1] != -52 {
		t.Fatalf("acc %v, want [38 -52]", acc)
	}
	e, err := res.Explain(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if e.Value != -6 || len(e.Terms) != 3 || e.Terms[2].Product != -48 || e.Real != 0.75*(-6-3) {
		t.Fatalf("explanation %+v", e)
	}
}

// TestLoadErrors checks that malformed models give an error naming the problem.
func TestLoadErrors(t *testing.T) {
	valid := fcModel().Bytes()
	edit := func(f func(m *tflite.ModelT)) []byte {
		mt := tflite.GetRootAsModel(valid, 0).UnPack()
		f(mt)
		return tfbuild.Pack(mt)
	}
	sg := func(m *tflite.ModelT) *tflite.SubGraphT { return m.Subgraphs[0] }
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"not flatbuffer", []byte("hello, world, not a model"), "file identifier"},
		{"truncated", valid[:len(valid)/2], "malformed"},
		{"no subgraphs", edit(func(m *tflite.ModelT) { m.Subgraphs = nil }), "no subgraphs"},
		{"input index", edit(func(m *tflite.ModelT) { sg(m).Operators[0].Inputs[0] = 99 }), "input 0 is tensor index 99, out of range"},
		{"output index", edit(func(m *tflite.ModelT) { sg(m).Outputs[0] = -3 }), "output tensor index -3"},
		{"opcode index", edit(func(m *tflite.ModelT) { sg(m).Operators[0].OpcodeIndex = 7 }), "opcode index 7"},
		{"buffer index", edit(func(m *tflite.ModelT) { sg(m).Tensors[1].Buffer = 40 }), "buffer index 40"},
		{"buffer size", edit(func(m *tflite.ModelT) { m.Buffers[1].Data = m.Buffers[1].Data[:5] }), "buffer has 5 bytes, shape [2 3] of int8 needs 6"},
		{"negative dim", edit(func(m *tflite.ModelT) { sg(m).Tensors[0].Shape[1] = -1 }), "negative dimension"},
		{"huge shape", edit(func(m *tflite.ModelT) { sg(m).Tensors[3].Shape = []int32{1 << 20, 1 << 20} }), "too large"},
		{"total memory", edit(func(m *tflite.ModelT) { sg(m).Tensors[3].Shape = []int32{1 << 15, 1 << 15} }), "limit is 1024 MiB"},
		{"scales vs zero points", edit(func(m *tflite.ModelT) { sg(m).Tensors[0].Quantization.ZeroPoint = nil }), "1 scales but 0 zero points"},
		{"per-channel dim", edit(func(m *tflite.ModelT) {
			q := sg(m).Tensors[1].Quantization
			q.Scale, q.ZeroPoint, q.QuantizedDimension = []float32{1, 1, 1}, []int64{0, 0, 0}, 0
		}), "3 scales, but dimension 0 of shape [2 3] has size 2"},
		{"quantized dimension", edit(func(m *tflite.ModelT) {
			q := sg(m).Tensors[1].Quantization
			q.Scale, q.ZeroPoint, q.QuantizedDimension = []float32{1, 1}, []int64{0, 0}, 5
		}), "quantized_dimension 5"},
		{"negative scale", edit(func(m *tflite.ModelT) { sg(m).Tensors[0].Quantization.Scale[0] = -1 }), "not a finite non-negative"},
		{"read before write", edit(func(m *tflite.ModelT) { sg(m).Inputs = nil }), "before any op writes it"},
		{"unsupported type", edit(func(m *tflite.ModelT) { sg(m).Tensors[3].Type = tflite.TensorTypeCOMPLEX128 }), "COMPLEX128"},
		{"wrong filter type", edit(func(m *tflite.ModelT) {
			sg(m).Tensors[2].Type = tflite.TensorTypeINT16
			m.Buffers[2].Data = make([]byte, 4)
		}), "bias tensor 2 has type int16"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(c.data)
			if err == nil {
				t.Fatalf("Load succeeded, want error containing %q", c.want)
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Errorf("error %T is not a *LoadError", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

// TestUnsupportedOpInspectOnly: a model with an op int8scope has no kernel
// for (a builtin it lacks, a vendor custom op, a Flex op) opens for
// inspection, and running it fails with one message that names the op, the
// ops around it and what to do.
func TestUnsupportedOpInspectOnly(t *testing.T) {
	valid := fcModel().Bytes()
	edit := func(f func(*tflite.ModelT)) []byte {
		m := tflite.GetRootAsModel(valid, 0).UnPack()
		f(m)
		return tfbuild.Pack(m)
	}
	custom := func(name string) func(*tflite.ModelT) {
		return func(m *tflite.ModelT) {
			m.OperatorCodes[0].BuiltinCode, m.OperatorCodes[0].DeprecatedBuiltinCode, m.OperatorCodes[0].CustomCode = tflite.BuiltinOperatorCUSTOM, 32, name
		}
	}
	for _, c := range []struct {
		name string
		edit func(*tflite.ModelT)
		want []string
	}{
		{"builtin", func(m *tflite.ModelT) { m.OperatorCodes[0].BuiltinCode = tflite.BuiltinOperatorLSH_PROJECTION },
			[]string{"op 0 (LSH_PROJECTION", "int8scope has no kernel for it yet", "can still be inspected"}},
		{"custom", custom("MyOp"), []string{"op 0 (CUSTOM:MyOp", "custom op"}},
		{"flex", custom("FlexConv2D"), []string{"op 0 (CUSTOM:FlexConv2D", "SELECT_TF_OPS"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := Load(edit(c.edit))
			if err != nil {
				t.Fatalf("Load: %v; want the model open for inspection", err)
			}
			if m.Ops[0].Unsupported == "" || m.Ops[0].Params != nil {
				t.Errorf("op 0: Unsupported %q, Params %v", m.Ops[0].Unsupported, m.Ops[0].Params)
			}
			if _, err := json.Marshal(m); err != nil {
				t.Errorf("inspect JSON: %v", err)
			}
			for _, p := range Profiles() {
				_, err := m.Run([][]byte{make([]byte, m.Tensors[m.Inputs[0]].NumBytes())}, Options{Profile: p, Trace: true})
				if err == nil {
					t.Fatalf("%s: Run succeeded", p)
				}
				for _, w := range c.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%s: error %q does not contain %q", p, err, w)
					}
				}
			}
		})
	}
}

// TestLoadTruncations loads every prefix and some corruptions of a valid
// model: errors are fine, panics are not.
func TestLoadTruncations(t *testing.T) {
	valid := fcModel().Bytes()
	for n := 0; n < len(valid); n++ {
		Load(valid[:n])
	}
	for i := 8; i < len(valid); i++ {
		b := append([]byte(nil), valid...)
		b[i] ^= 0xff
		if m, err := Load(b); err == nil {
			m.Run([][]byte{make([]byte, m.Tensors[m.Inputs[0]].NumBytes())}, Options{Trace: true})
		}
	}
}

// TestBuffersAfterFlatbuffer loads a model whose constant data is stored
// after the flatbuffer (Buffer.offset/size), as large models do.
func TestBuffersAfterFlatbuffer(t *testing.T) {
	mt := tflite.GetRootAsModel(fcModel().Bytes(), 0).UnPack()
	data := mt.Buffers[1].Data
	mt.Buffers[1].Data = nil
	mt.Buffers[1].Offset, mt.Buffers[1].Size = 1<<40, uint64(len(data)) // placeholder, same encoded size
	n := len(tfbuild.Pack(mt))
	pad := (16 - n%16) % 16
	mt.Buffers[1].Offset = uint64(n + pad)
	file := append(tfbuild.Pack(mt), make([]byte, pad)...)
	file = append(file, data...)
	m, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if got := AsInt8(m.Tensors[1].Data); len(got) != 6 || got[5] != -6 {
		t.Fatalf("weights %v", got)
	}
	mt.Buffers[1].Offset = uint64(len(file))
	if _, err := Load(tfbuild.Pack(mt)); err == nil || !strings.Contains(err.Error(), "past the end") {
		t.Fatalf("want past-the-end error, got %v", err)
	}
}

func TestRunInputErrors(t *testing.T) {
	m, err := Load(fcModel().Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(nil, Options{}); err == nil || !strings.Contains(err.Error(), "has 1 inputs, got 0") {
		t.Fatalf("got %v", err)
	}
	if _, err := m.Run([][]byte{{1}}, Options{}); err == nil || !strings.Contains(err.Error(), "needs 3 bytes, got 1") {
		t.Fatalf("got %v", err)
	}
	if _, err := m.Run([][]byte{{1, 2, 3}}, Options{Profile: "nope"}); err == nil {
		t.Fatal("unknown profile accepted")
	}
}

// TestLoadRefusesHugeCompute: small tensors can still ask for minutes of
// work (a 1024×1024 image through a SAME 512×512 filter is 2^38 MACs); Load
// refuses that with a message rather than freezing the page.
func TestLoadRefusesHugeCompute(t *testing.T) {
	b := tfbuild.New()
	in := b.Tensor("in", tflite.TensorTypeFLOAT32, []int{1, 1024, 1024, 1}, nil, nil)
	w := b.Tensor("w", tflite.TensorTypeFLOAT32, []int{1, 512, 512, 1}, nil, make([]byte, 512*512*4))
	bias := b.Tensor("b", tflite.TensorTypeFLOAT32, []int{1}, nil, make([]byte, 4))
	out := b.Tensor("out", tflite.TensorTypeFLOAT32, []int{1, 1024, 1024, 1}, nil, nil)
	b.Op(tflite.BuiltinOperatorCONV_2D, 1, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsConv2DOptions, Value: &tflite.Conv2DOptionsT{
		Padding: tflite.PaddingSAME, StrideH: 1, StrideW: 1, DilationHFactor: 1, DilationWFactor: 1}}, []int{in, w, bias}, []int{out})
	b.Inputs(in)
	b.Outputs(out)
	_, err := Load(b.Bytes())
	if err == nil || !strings.Contains(err.Error(), "274.9 G multiply-accumulates per inference; int8scope runs models up to 64 G") {
		t.Fatalf("err = %v", err)
	}
}
