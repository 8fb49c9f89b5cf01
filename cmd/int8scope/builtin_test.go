package main

import (
	"bytes"
	"encoding/json"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// inspected is the part of `inspect --json` this test reads.
type inspected struct {
	Tensors []struct {
		Index int    `json:"index"`
		Name  string `json:"name"`
		Type  string `json:"type"`
		Shape []int  `json:"shape"`
		Const bool   `json:"const"`
		Quant *struct {
			Scale     []float64 `json:"scale"`
			ZeroPoint []int     `json:"zero_point"`
			Axis      int       `json:"axis"`
		} `json:"quant"`
	} `json:"tensors"`
	Ops []struct {
		Builtin string `json:"builtin"`
		Version int    `json:"version"`
		Inputs  []int  `json:"inputs"`
		Outputs []int  `json:"outputs"`
	} `json:"ops"`
	Inputs   []int             `json:"inputs"`
	Outputs  []int             `json:"outputs"`
	Metadata map[string]string `json:"metadata"`
}

// TestInspectBuiltinModels checks that `int8scope inspect` shows, for each
// committed MNIST model, what TFLiteConverter's full-integer quantization
// writes: float32 or int8 I/O, symmetric int8 weights per channel for
// convolutions (axis 0, depthwise axis 3) and per tensor for fully
// connected, int32 biases at s_in·s_w with zero point 0, softmax output
// 1/256 and −128, converter op versions and a min_runtime_version.
func TestInspectBuiltinModels(t *testing.T) {
	versions := map[string]int{"QUANTIZE": 1, "DEQUANTIZE": 2, "CONV_2D": 3, "DEPTHWISE_CONV_2D": 3,
		"FULLY_CONNECTED": 4, "MAX_POOL_2D": 2, "AVERAGE_POOL_2D": 2, "SOFTMAX": 2, "RESHAPE": 1}
	for _, file := range []string{"mnist_cnn_int8.tflite", "mnist_cnn_int8io.tflite", "mnist_dense_int8.tflite", "mnist_dscnn_int8.tflite"} {
		t.Run(file, func(t *testing.T) {
			var out bytes.Buffer
			if err := cli([]string{"inspect", filepath.Join("..", "..", "web", "static", "models", file), "--json"}, &out); err != nil {
				t.Fatal(err)
			}
			var m inspected
			if err := json.Unmarshal(out.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			if m.Metadata["min_runtime_version"] == "" {
				t.Error("no min_runtime_version metadata")
			}
			in, outT := m.Tensors[m.Inputs[0]], m.Tensors[m.Outputs[0]]
			wantIO := "float32"
			if strings.Contains(file, "int8io") {
				wantIO = "int8"
			}
			if in.Type != wantIO || outT.Type != wantIO || !slices.Equal(in.Shape, []int{1, 28, 28, 1}) || !slices.Equal(outT.Shape, []int{1, 10}) {
				t.Errorf("I/O %s %v → %s %v, want %s [1 28 28 1] → %s [1 10]", in.Type, in.Shape, outT.Type, outT.Shape, wantIO, wantIO)
			}
			if wantIO == "float32" && (m.Ops[0].Builtin != "QUANTIZE" || m.Ops[len(m.Ops)-1].Builtin != "DEQUANTIZE") {
				t.Errorf("float model runs %s … %s, want QUANTIZE … DEQUANTIZE", m.Ops[0].Builtin, m.Ops[len(m.Ops)-1].Builtin)
			}
			for i, op := range m.Ops {
				if v, ok := versions[op.Builtin]; !ok || v != op.Version {
					t.Errorf("op %d %s version %d, the converter writes %d", i, op.Builtin, op.Version, v)
				}
				o := m.Tensors[op.Outputs[0]]
				if op.Builtin == "SOFTMAX" && (o.Quant.Scale[0] != 1.0/256 || o.Quant.ZeroPoint[0] != -128) {
					t.Errorf("op %d SOFTMAX output scale %v zp %v, want 1/256 and -128", i, o.Quant.Scale, o.Quant.ZeroPoint)
				}
				if op.Builtin != "CONV_2D" && op.Builtin != "DEPTHWISE_CONV_2D" && op.Builtin != "FULLY_CONNECTED" {
					continue
				}
				x, w, b := m.Tensors[op.Inputs[0]], m.Tensors[op.Inputs[1]], m.Tensors[op.Inputs[2]]
				if w.Type != "int8" || !w.Const || b.Type != "int32" || !b.Const || w.Quant == nil || b.Quant == nil {
					t.Fatalf("op %d %s: weights %s const=%v, bias %s const=%v", i, op.Builtin, w.Type, w.Const, b.Type, b.Const)
				}
				channels, axis := w.Shape[0], 0
				switch op.Builtin {
				case "DEPTHWISE_CONV_2D":
					channels, axis = w.Shape[3], 3
				case "FULLY_CONNECTED":
					channels = 1
				}
				if len(w.Quant.Scale) != channels || (channels > 1 && w.Quant.Axis != axis) {
					t.Errorf("op %d %s: %d weight scales on axis %d, want %d on axis %d", i, op.Builtin, len(w.Quant.Scale), w.Quant.Axis, channels, axis)
				}
				for c, s := range w.Quant.Scale {
					if w.Quant.ZeroPoint[c] != 0 || b.Quant.ZeroPoint[c] != 0 {
						t.Errorf("op %d %s channel %d: weight zp %d, bias zp %d, want 0 (symmetric)", i, op.Builtin, c, w.Quant.ZeroPoint[c], b.Quant.ZeroPoint[c])
					}
					want := float64(float32(x.Quant.Scale[0] * s))
					if got := b.Quant.Scale[c]; math.Abs(got-want) > 1e-6*want {
						t.Errorf("op %d %s channel %d: bias scale %g, want s_in·s_w = %g", i, op.Builtin, c, got, want)
					}
				}
			}
		})
	}
}
