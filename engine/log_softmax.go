package engine

import (
	"fmt"
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// LogSoftmaxParams are LOG_SOFTMAX's prepared parameters (float32 only for
// now: TFLite's int8 kernels are not reproduced yet).
//
// Mirrors TFLite's optimized_ops::LogSoftmax / reference_ops::LogSoftmax for
// float32 and TFLite Micro's log_softmax.cc. Per row of the last dimension,
// in float32:
//
//	m   = max(x)                      (std::max from −FLT_MAX)
//	sum = Σ expf(x_j − m)             (added in order)
//	out = (x_i − m) − logf(sum)
type LogSoftmaxParams struct {
	Depth int `json:"depth"`
	Rows  int `json:"rows"`

	in, out int
}

func init() { register(tflite.BuiltinOperatorLOG_SOFTMAX, prepareLogSoftmax) }

func prepareLogSoftmax(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	in, out := c.in(0), c.out(0)
	if in.Type != Float32 || out.Type != Float32 {
		return nil, c.errorf("%v LOG_SOFTMAX is not supported yet (float32 only)", in.Type)
	}
	if len(in.Shape) < 1 {
		return nil, c.errorf("input tensor %d is a scalar; LOG_SOFTMAX needs at least one dimension", in.Index)
	}
	if err := c.sameShape(out, in.Shape); err != nil {
		return nil, err
	}
	p := &LogSoftmaxParams{Depth: in.Shape[len(in.Shape)-1], in: in.Index, out: out.Index}
	if p.Depth > 0 {
		p.Rows = in.NumElements() / p.Depth
	}
	return p, nil
}

// logSoftmaxRow returns a row's max and the log of its sum of exponentials.
func logSoftmaxRow(x []float32) (m, logSum float32) {
	m = -math.MaxFloat32
	for _, v := range x {
		if m < v { // std::max
			m = v
		}
	}
	var sum float32
	for _, v := range x {
		sum += muslExpf(v - m)
	}
	return m, muslLogf(sum)
}

func (p *LogSoftmaxParams) eval(r *run, op *Op) error {
	in, out := r.f32(p.in), r.f32(p.out)
	for row := 0; row < p.Rows; row++ {
		x, y := in[row*p.Depth:(row+1)*p.Depth], out[row*p.Depth:(row+1)*p.Depth]
		m, ls := logSoftmaxRow(x)
		for i, v := range x {
			y[i] = (v - m) - ls
		}
	}
	return nil
}

func (p *LogSoftmaxParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	row := index / p.Depth * p.Depth
	x := AsFloat32(res.Tensors[p.in])[row : row+p.Depth]
	v := x[index-row]
	m, ls := logSoftmaxRow(x)
	return floatExplanation([]Step{
		{"input", fmt.Sprintf("x = input[%d] = %s", index, exactFloat(v)), float64(v)},
		{"max", fmt.Sprintf("m = max of the row's %d values = %s", p.Depth, exactFloat(m)), float64(m)},
		{"log sum", fmt.Sprintf("logf(Σ expf(x_j − m)), added in order = %s", exactFloat(ls)), float64(ls)},
	}, "(x − m) − log sum", (v-m)-ls), nil
}
