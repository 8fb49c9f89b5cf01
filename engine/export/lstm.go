package export

import (
	"fmt"
	"strings"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/fixedpoint"
	"github.com/int8scope/int8scope/engine/tflite"
)

func init() {
	register(emitLSTM, "UnidirectionalSequenceLSTMParams")
	register(emitLSTMBuiltin, "builtinLSTMNode")
	register(emitLSTMHybrid, "HybridLSTMParams")
	register(emitLSTMFloatBuiltin, "builtinLSTMFloat")
}

// initVariable writes the line that gives variable (state) tensor i of the
// op its initial value before its first use, as TFLite Micro and TFLite
// reset it when tensors are allocated: an int8 tensor filled with its zero
// point, any other with zeros. It returns the tensor's expression.
func initVariable(c *opCtx, i int) string {
	t := c.inT(i)
	fill := "0"
	if t.Type == engine.Int8 {
		fill = fmt.Sprint(t.ZeroPoint())
	}
	c.line("if %d not in t:  # variable tensor %q: its initial value", t.Index, t.Name)
	c.line("    t[%d] = np.full(%s, %s, dtype=%s)", t.Index, pyShape(t.Shape), fill, pyDType(t.Type))
	return c.in(i)
}

// lstmTensors writes the lists of the op's per-gate weights, recurrent
// weights and biases (TFLite's gate order: input, forget, cell, output) and
// the state tensors' initial values; it returns the arguments they make.
func lstmTensors(c *opCtx) string {
	list := func(first int) string {
		var s []string
		for g := range 4 {
			s = append(s, c.in(first+g))
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	hidden, cell := initVariable(c, 18), initVariable(c, 19)
	return fmt.Sprintf("%s, w=%s, r=%s, b=%s, hidden=%s, cell=%s", c.in(0), list(1), list(5), list(12), hidden, cell)
}

// lstmOutputs assigns the output, the final hidden and cell states, and the
// op's intermediate tensors (TFLite's scratch: the engine leaves them 0).
func lstmOutputs(c *opCtx, call string) {
	for _, i := range c.op.Intermediates {
		if t := c.m.Tensors[i]; !t.Const && t.Type.Size() > 0 {
			c.line("t[%d] = np.zeros(%s, dtype=%s)  # intermediate %q: not computed (0)", i, pyShape(t.Shape), pyDType(t.Type), t.Name)
		}
	}
	c.line("out, hidden, cell = %s", call)
	c.set(0, "out")
	for _, x := range []struct {
		in   int
		expr string
	}{{18, "hidden"}, {19, "cell"}} {
		t := c.inT(x.in)
		c.line("t[%d] = as_tensor(%s, %s, %s)", t.Index, x.expr, pyDType(t.Type), pyShape(t.Shape))
	}
}

// emitLSTM: UNIDIRECTIONAL_SEQUENCE_LSTM, TFLite Micro's kernel (float32;
// int8 and int16 activations with int8 weights and an int16 cell state).
func emitLSTM(c *opCtx) error {
	p := c.params.(*engine.UnidirectionalSequenceLSTMParams)
	c.use("lstm")
	args := lstmTensors(c)
	shape := pyShape(c.outT(0).Shape)
	if c.inT(0).Type == engine.Float32 {
		lstmOutputs(c, fmt.Sprintf("lstm_float(%s, time_major=%s, cell_clip=%s, out_shape=%s)", args, pyBool(p.TimeMajor), pyF32(p.CellClip), shape))
		return nil
	}
	var gates []string
	for _, g := range p.Gates {
		gates = append(gates, fmt.Sprintf("(%s, %s, %d, %d)", requantTuple(*g.InputFC), requantTuple(*g.RecurrentFC), g.InputWeightOffset, g.RecurrentWeightOffset))
	}
	clip := "None"
	if p.CellClip > 0 {
		clip = fmt.Sprint(p.QuantizedCellClip)
	}
	tab := fixedpoint.SigmoidTableUint16()
	table := make([]int32, len(tab))
	for i, v := range tab {
		table[i] = int32(v)
	}
	tp := c.array("sigmoid_table", "TFLite's sigmoid_table_uint16: sigmoid(i/24) in Q0.16", table)
	lstmOutputs(c, fmt.Sprintf("lstm_int(%s, time_major=%s, input_offset=%d, hidden_offset=%d, hidden_zero_point=%d, gates=[%s], forget_cell_mul=%s, input_cell_mul=%s, hidden_mul=%s, tanh_cell_multiplier=%d, tanh_cell_shift=%d, quantized_cell_clip=%s, sigmoid_table=%s, out_shape=%s)",
		args, pyBool(p.TimeMajor), p.InputOffset, p.HiddenOffset, p.HiddenZeroPoint, strings.Join(gates, ", "),
		requantTuple(*p.ForgetCellMul), requantTuple(*p.InputCellMul), requantTuple(*p.HiddenMul),
		p.TanhCellMultiplier, p.TanhCellShift, clip, tp, shape))
	return nil
}

// builtinLSTMNode mirrors the engine's kernel of TFLite's builtin int8 LSTM
// (the browser TFLite).
type builtinLSTMNode struct {
	InputScale     [4]engine.Requant
	RecurrentScale [4]engine.Requant
	HiddenScale    engine.Requant
	HiddenZP       int32
	CellScale      int
	CellClip       int16
}

func emitLSTMBuiltin(c *opCtx) error {
	var k builtinLSTMNode
	c.decode(&k)
	o, _ := c.op.Options.(*tflite.UnidirectionalSequenceLSTMOptionsT)
	timeMajor := o != nil && o.TimeMajor
	scales := func(qs [4]engine.Requant) string {
		var s []string
		for _, q := range qs {
			s = append(s, fmt.Sprintf("(%d, %d)", q.Multiplier, q.Shift))
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	clip := "None"
	if k.CellClip > 0 {
		clip = fmt.Sprint(k.CellClip)
	}
	c.use("lstm")
	args := lstmTensors(c)
	lstmOutputs(c, fmt.Sprintf("lstm_builtin_int8(%s, time_major=%s, input_zero_point=%d, hidden_zero_point=%d, input_scale=%s, recurrent_scale=%s, hidden_scale=(%d, %d), hidden_intermediate_zero_point=%d, cell_scale_power=%d, cell_clip=%s, out_shape=%s)",
		args, pyBool(timeMajor), c.inT(0).ZeroPoint(), c.inT(18).ZeroPoint(), scales(k.InputScale), scales(k.RecurrentScale),
		k.HiddenScale.Multiplier, k.HiddenScale.Shift, k.HiddenZP, k.CellScale, clip, pyShape(c.outT(0).Shape)))
	return nil
}

// emitLSTMHybrid: hybrid UNIDIRECTIONAL_SEQUENCE_LSTM (float32 activations
// and state, int8 weights; TFLite's EvalHybrid in every profile).
func emitLSTMHybrid(c *opCtx) error {
	p := c.params.(*engine.HybridLSTMParams)
	scales := func(s [4]float32) string {
		var v []string
		for _, f := range s {
			v = append(v, pyF32(f))
		}
		return "[" + strings.Join(v, ", ") + "]"
	}
	c.use("lstm_hybrid")
	lstmOutputs(c, fmt.Sprintf("lstm_hybrid(%s, time_major=%s, cell_clip=%s, asymmetric=%s, w_scales=%s, r_scales=%s, out_shape=%s)",
		lstmTensors(c), pyBool(p.TimeMajor), pyF32(p.CellClip), pyBool(p.Asymmetric), scales(p.InputWeightScale), scales(p.RecurrentWeightScale), pyShape(c.outT(0).Shape)))
	return nil
}

// emitLSTMFloatBuiltin: the float32 UNIDIRECTIONAL_SEQUENCE_LSTM of the
// browser TFLite's builtin kernel (lstm_eval EvalFloat: Eigen-ordered
// fully connected sums, Eigen's logistic and tanh).
func emitLSTMFloatBuiltin(c *opCtx) error {
	var k struct {
		TimeMajor bool    `json:"time_major"`
		CellClip  float32 `json:"cell_clip"`
	}
	c.decode(&k)
	c.use("lstm_float_builtin")
	args := lstmTensors(c)
	lstmOutputs(c, fmt.Sprintf("lstm_float_builtin(%s, time_major=%s, cell_clip=%s, out_shape=%s)", args, pyBool(k.TimeMajor), pyF32(k.CellClip), pyShape(c.outT(0).Shape)))
	return nil
}
