package difftest

import (
	"github.com/int8scope/int8scope/engine/tflite"
)

// Generator for the float32 UNIDIRECTIONAL_SEQUENCE_LSTM: float32 input,
// weights, biases, state and output.

func init() {
	register("UNIDIRECTIONAL_SEQUENCE_LSTM_float", genFloatLSTM, "UNIDIRECTIONAL_SEQUENCE_LSTM")
}

// genFloatLSTM draws a float LSTM over a few time steps from the zero state,
// batch or time major, sometimes with a cell clip; depths up to 40 so that
// Eigen's two-accumulator GEMM panels run (batches of 4 or more, time major).
func genFloatLSTM(g *gen) error {
	g.noPoison = true
	batch, steps, inSize, units := g.intn(1, 5), g.intn(1, 5), g.intn(1, 40), g.intn(1, 24)
	timeMajor := g.chance(0.4)
	xShape, outShape := []int{batch, steps, inSize}, []int{batch, steps, units}
	if timeMajor {
		xShape, outShape = []int{steps, batch, inSize}, []int{steps, batch, units}
	}
	x := g.floatInput("x", xShape, -3, 3)
	var w, rw, bias [4]int
	sigma := 1 / float64(max(inSize, units))
	if g.chance(0.5) {
		sigma = 0.5
	}
	for k := range 4 {
		w[k] = g.floatConst("w", []int{units, inSize}, sigma)
	}
	for k := range 4 {
		rw[k] = g.floatConst("r", []int{units, units}, sigma)
	}
	for k := range 4 {
		bias[k] = g.floatConst("b", []int{units}, 0.5)
	}
	clip := lstmClip(g)
	g.note("float LSTM batch %d steps %d input %d units %d time-major %v clip %g σ %g", batch, steps, inSize, units, timeMajor, clip, sigma)
	lstmFloatStateOp(g, x, w, rw, bias, batch, units, outShape, &tflite.UnidirectionalSequenceLSTMOptionsT{
		FusedActivationFunction: tflite.ActivationFunctionTypeTANH, CellClip: clip, TimeMajor: timeMajor})
	return nil
}
