package difftest

import (
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generator for the hybrid (dynamic-range) UNIDIRECTIONAL_SEQUENCE_LSTM:
// float32 input, state and output, int8 weights, float32 biases.

func init() {
	register("UNIDIRECTIONAL_SEQUENCE_LSTM_hybrid", genHybridLSTM, "UNIDIRECTIONAL_SEQUENCE_LSTM")
	tflmLacks["UNIDIRECTIONAL_SEQUENCE_LSTM_hybrid"] = "TFLite Micro has no hybrid LSTM; the reference follows TFLite's lstm_eval EvalHybrid (hand-derived tests)"
}

// genHybridLSTM draws a hybrid LSTM over a few time steps from the zero
// state (so the recurrent products run from the second step on; a first
// step with a zero hidden state skips them, as TFLite does), batch or time
// major, symmetric or asymmetric input quantization, sometimes a cell clip.
func genHybridLSTM(g *gen) error {
	g.noPoison = true
	batch, steps, inSize, units := g.intn(1, 3), g.intn(1, 5), g.intn(1, 16), g.intn(1, 12)
	timeMajor, asym := g.chance(0.4), g.chance(0.5)
	xShape, outShape := []int{batch, steps, inSize}, []int{batch, steps, units}
	if timeMajor {
		xShape, outShape = []int{steps, batch, inSize}, []int{steps, batch, units}
	}
	x := g.floatInput("x", xShape, -3, 3)
	var w, rw, bias [4]int
	for k := range 4 {
		w[k] = g.b.Tensor("w", tflite.TensorTypeINT8, []int{units, inSize}, q(g.scale(1.0/512, 1.0/16), 0), g.weights(units*inSize))
	}
	for k := range 4 {
		rw[k] = g.b.Tensor("r", tflite.TensorTypeINT8, []int{units, units}, q(g.scale(1.0/512, 1.0/16), 0), g.weights(units*units))
	}
	for k := range 4 {
		bias[k] = g.floatConst("b", []int{units}, 0.5)
	}
	clip := lstmClip(g)
	g.note("hybrid LSTM batch %d steps %d input %d units %d time-major %v asymmetric %v clip %g", batch, steps, inSize, units, timeMajor, asym, clip)
	lstmFloatStateOp(g, x, w, rw, bias, batch, units, outShape, &tflite.UnidirectionalSequenceLSTMOptionsT{
		FusedActivationFunction: tflite.ActivationFunctionTypeTANH, CellClip: clip, TimeMajor: timeMajor, AsymmetricQuantizeInputs: asym})
	return nil
}

// lstmClip draws a cell clip (0: none) for 30 % of LSTMs.
func lstmClip(g *gen) float32 {
	if g.chance(0.3) {
		return float32(g.intn(1, 8)) / 4
	}
	return 0
}

// lstmFloatStateOp adds the float32 hidden and cell state variables (zero
// at the start), the UNIDIRECTIONAL_SEQUENCE_LSTM over input x with the
// gates' weights, recurrent weights and biases (TFLite's gate order), and
// its float32 output, which finishes the model.
func lstmFloatStateOp(g *gen, x int, w, rw, bias [4]int, batch, units int, outShape []int, o *tflite.UnidirectionalSequenceLSTMOptionsT) {
	h := g.b.Tensor("h", tflite.TensorTypeFLOAT32, []int{batch, units}, nil, nil)
	c := g.b.Tensor("c", tflite.TensorTypeFLOAT32, []int{batch, units}, nil, nil)
	g.b.M.Subgraphs[0].Tensors[h].IsVariable = true
	g.b.M.Subgraphs[0].Tensors[c].IsVariable = true
	y := g.b.Tensor("y", tflite.TensorTypeFLOAT32, outShape, nil, nil)
	g.b.Op(tflite.BuiltinOperatorUNIDIRECTIONAL_SEQUENCE_LSTM, 1, opts(tflite.BuiltinOptionsUnidirectionalSequenceLSTMOptions, o),
		[]int{x, w[0], w[1], w[2], w[3], rw[0], rw[1], rw[2], rw[3], -1, -1, -1,
			bias[0], bias[1], bias[2], bias[3], -1, -1, h, c, -1, -1, -1, -1}, []int{y})
	g.finish(y)
}
