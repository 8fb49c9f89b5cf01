package engine

import (
	"math"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// hybridLSTMModel builds a hybrid LSTM with one batch, two time steps, input
// size 2 and one unit: every gate's input weights are w (scale sw), its
// recurrent weight r (scale sr), its bias bias[g].
func hybridLSTMModel(w [2]int8, r int8, sw, sr float32, bias [4]float32, asym bool, edit func(*tflite.ModelT)) []byte {
	b := tfbuild.New()
	x := b.Tensor("x", tflite.TensorTypeFLOAT32, []int{1, 2, 2}, nil, nil)
	var ws, rs, bs [4]int
	for g := range 4 {
		ws[g] = b.Tensor("w", tflite.TensorTypeINT8, []int{1, 2}, tfbuild.Q(sw, 0), tfbuild.I8(w[0], w[1]))
		rs[g] = b.Tensor("r", tflite.TensorTypeINT8, []int{1, 1}, tfbuild.Q(sr, 0), tfbuild.I8(r))
		bs[g] = b.Tensor("b", tflite.TensorTypeFLOAT32, []int{1}, nil, tfbuild.F32(bias[g]))
	}
	h := b.Tensor("h", tflite.TensorTypeFLOAT32, []int{1, 1}, nil, nil)
	c := b.Tensor("c", tflite.TensorTypeFLOAT32, []int{1, 1}, nil, nil)
	out := b.Tensor("out", tflite.TensorTypeFLOAT32, []int{1, 2, 1}, nil, nil)
	addLSTM(b, x, ws, rs, bs, h, c, out, &tflite.UnidirectionalSequenceLSTMOptionsT{
		FusedActivationFunction: tflite.ActivationFunctionTypeTANH, AsymmetricQuantizeInputs: asym})
	if edit != nil {
		edit(b.M)
	}
	return tfbuild.Pack(b.M)
}

// addLSTM makes h and c variable tensors, x the model's input and out its
// output, and adds the LSTM op (no peephole, projection or layer norm).
func addLSTM(b *tfbuild.Builder, x int, w, rw, bias [4]int, h, c, out int, o *tflite.UnidirectionalSequenceLSTMOptionsT) {
	b.M.Subgraphs[0].Tensors[h].IsVariable = true
	b.M.Subgraphs[0].Tensors[c].IsVariable = true
	b.Inputs(x)
	b.Outputs(out)
	b.Op(tflite.BuiltinOperatorUNIDIRECTIONAL_SEQUENCE_LSTM, 1,
		&tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsUnidirectionalSequenceLSTMOptions, Value: o},
		[]int{x, w[0], w[1], w[2], w[3], rw[0], rw[1], rw[2], rw[3], -1, -1, -1,
			bias[0], bias[1], bias[2], bias[3], -1, -1, h, c, -1, -1, -1, -1},
		[]int{out})
}

// TestHybridLSTMHandDerived runs two time steps with values worked out by
// hand: step 1 quantizes the input [1, −0.5] symmetrically to [127, −64]
// (scale 1/127; −63.5 rounds away from zero) and skips the recurrent
// products (zero hidden state); step 2's input is zero, so only the
// recurrent product of the quantized hidden state counts.
func TestHybridLSTMHandDerived(t *testing.T) {
	w, r := [2]int8{2, 1}, int8(3)
	sw, sr := float32(0.25), float32(0.5)
	bias := [4]float32{0.5, -0.25, 0.125, 1}
	m, err := Load(hybridLSTMModel(w, r, sw, sr, bias, false, nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Ops[0].Params.(*HybridLSTMParams); !ok {
		t.Fatalf("params %T, want *HybridLSTMParams", m.Ops[0].Params)
	}
	res, err := m.Run([][]byte{tfbuild.F32(1, -0.5, 0, 0)}, Options{Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	sig := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	// Step 1: dot = 127·2 − 64·1 = 190, scale (1/127)·0.25.
	pre1 := float64(190) * (1.0 / 127) * 0.25
	c1 := sig(pre1+0.5)*0 + sig(pre1+0.5)*math.Tanh(pre1+0.125)
	h1 := sig(pre1+1) * math.Tanh(c1)
	// Step 2: h1 quantized to 127 (scale h1/127), dot = 127·3.
	pre2 := float64(127*3) * (h1 / 127) * 0.5
	c2 := sig(pre2-0.25)*c1 + sig(pre2+0.5)*math.Tanh(pre2+0.125)
	h2 := sig(pre2+1) * math.Tanh(c2)
	out := AsFloat32(res.Tensors[m.Ops[0].Outputs[0]])
	for i, want := range []float64{h1, h2} {
		if math.Abs(float64(out[i])-want) > 1e-6 {
			t.Errorf("output[%d] = %.9g, want %.9g", i, out[i], want)
		}
	}
	tr := res.Trace.Ops[0].Hybrid
	if tr == nil || tr.State == nil {
		t.Fatal("no hybrid trace")
	}
	if got := tr.Quantized; len(got) != 4 || got[0] != 127 || got[1] != -64 || got[2] != 0 || got[3] != 0 {
		t.Errorf("quantized input %v, want [127 -64 0 0] (step 2 all zero, skipped)", got)
	}
	if tr.RowScale[0] != 1/float32(127) || tr.RowScale[1] != 0 {
		t.Errorf("input row scales %v, want [1/127 0]", tr.RowScale)
	}
	if got := tr.State.Quantized; len(got) != 2 || got[0] != 0 || got[1] != 127 {
		t.Errorf("quantized hidden state %v, want [0 127]", got)
	}
	if math.Abs(float64(tr.Cell[1])-c1) > 1e-6 || tr.Cell[0] != 0 {
		t.Errorf("cell before each step %v, want [0 %.9g]", tr.Cell, c1)
	}
	for i := range 2 {
		e, err := res.Explain(0, i)
		if err != nil {
			t.Fatal(err)
		}
		if last := e.Steps[len(e.Steps)-1].Value; float32(last) != out[i] {
			t.Errorf("explained output[%d] = %v, computed %v", i, last, out[i])
		}
	}
	// State persists: the second run starts from h2, c2.
	res2, err := m.Run([][]byte{tfbuild.F32(0, 0, 0, 0)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out2 := AsFloat32(res2.Tensors[m.Ops[0].Outputs[0]])
	if out2[0] == out[0] || out2[0] == 0 {
		t.Errorf("second run's first output %v: the state did not carry over (first run %v)", out2[0], out)
	}
}

// TestHybridLSTMAsymmetric checks the asymmetric quantization's zero-point
// correction with the weights' row sums: x = [0.5, 1] quantizes with scale
// 1/255 and zero point −128 to [−1, 127] (−128 + 127.5 rounds away from
// zero); dot = Σ w·q − RowSum·zp.
func TestHybridLSTMAsymmetric(t *testing.T) {
	w := [2]int8{2, 1}
	m, err := Load(hybridLSTMModel(w, 1, 0.25, 0.5, [4]float32{}, true, nil))
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Run([][]byte{tfbuild.F32(0.5, 1, 0, 0)}, Options{Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	tr := res.Trace.Ops[0].Hybrid
	if tr.RowZeroPoint[0] != -128 || tr.Quantized[0] != -1 || tr.Quantized[1] != 127 {
		t.Fatalf("asymmetric row: zero point %d, q %v; want −128, [−1 127]", tr.RowZeroPoint[0], tr.Quantized[:2])
	}
	// dot = (−1·2 + 127·1) − 3·(−128) = 509, scale float32(1/255)·0.25.
	pre := float64(509) * float64(float32(1.0/255)) * 0.25
	sig := 1 / (1 + math.Exp(-pre))
	want := sig * math.Tanh(sig*math.Tanh(pre))
	if got := AsFloat32(res.Tensors[m.Ops[0].Outputs[0]])[0]; math.Abs(float64(got)-want) > 1e-6 {
		t.Errorf("output %.9g, want %.9g", got, want)
	}
}

func TestHybridLSTMLoadErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*tflite.ModelT)
		want string
	}{
		{"per-channel weights", func(m *tflite.ModelT) {
			q := m.Subgraphs[0].Tensors[1].Quantization
			q.Scale, q.ZeroPoint, q.QuantizedDimension = []float32{0.25, 0.5}, []int64{0, 0}, 1
		}, "needs one scale"},
		{"unquantized weights", func(m *tflite.ModelT) { m.Subgraphs[0].Tensors[5].Quantization = nil }, "needs one scale"},
	} {
		_, err := Load(hybridLSTMModel([2]int8{1, 1}, 1, 0.25, 0.5, [4]float32{}, false, c.edit))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
