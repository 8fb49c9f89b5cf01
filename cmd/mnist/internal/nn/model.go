package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/int8scope/int8scope/cmd/mnist/internal/detmath"
)

// Model is a sequential model ending in logits; training applies softmax
// cross-entropy to them.
type Model struct {
	In     Shape
	Layers []Layer
	Out    Shape

	outs [][]float32
}

// Build sets up the layers for input shape in, drawing initial weights from
// rng in layer order.
func Build(in Shape, rng *rand.Rand, layers ...Layer) (*Model, error) {
	m := &Model{In: in, Layers: layers}
	s := in
	for i, l := range layers {
		var err error
		if s, err = l.Setup(s, rng); err != nil {
			return nil, fmt.Errorf("layer %d: %w", i, err)
		}
	}
	m.Out = s
	return m, nil
}

// Params lists the trainable tensors in layer order.
func (m *Model) Params() []*Param {
	var ps []*Param
	for _, l := range m.Layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// NumParams counts the trainable values.
func (m *Model) NumParams() int {
	n := 0
	for _, p := range m.Params() {
		n += len(p.W)
	}
	return n
}

// Forward runs the model on batch samples and returns the logits. The output
// of layer i stays readable through LayerOutput(i) until the next call.
func (m *Model) Forward(x []float32, batch int, train bool) []float32 {
	if len(x) != batch*m.In.Size() {
		panic(fmt.Sprintf("nn: input has %d values, want %d", len(x), batch*m.In.Size()))
	}
	m.outs = m.outs[:0]
	for _, l := range m.Layers {
		x = l.Forward(x, batch, train)
		m.outs = append(m.outs, x)
	}
	return x
}

// LayerOutput returns the output of layer i from the last Forward.
func (m *Model) LayerOutput(i int) []float32 { return m.outs[i] }

// Predict returns the logits of each sample, in batches of at most 256.
func (m *Model) Predict(images [][]float32) [][]float32 {
	const bs = 256
	out := make([][]float32, 0, len(images))
	x := make([]float32, 0, bs*m.In.Size())
	for start := 0; start < len(images); start += bs {
		end := min(start+bs, len(images))
		x = x[:0]
		for _, img := range images[start:end] {
			x = append(x, img...)
		}
		logits := m.Forward(x, end-start, false)
		n := m.Out.Size()
		for b := range end - start {
			out = append(out, append([]float32(nil), logits[b*n:(b+1)*n]...))
		}
	}
	return out
}

// Argmax returns the index of the largest value (the first one on ties).
func Argmax[T int8 | float32](v []T) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// Softmax writes the softmax of logits into p (float32 output, float64 sums).
func Softmax(logits, p []float32) {
	mx := logits[0]
	for _, v := range logits {
		mx = max(mx, v)
	}
	var sum float64
	for i, v := range logits {
		e := detmath.Exp(float64(v - mx))
		p[i] = float32(e)
		sum += e
	}
	for i := range p {
		p[i] = float32(float64(p[i]) / sum)
	}
}

// TrainStep runs one minibatch of softmax cross-entropy: forward, backward
// and an Adam update with learning rate lr. It returns the summed loss and the
// number of correct predictions.
func (m *Model) TrainStep(x []float32, labels []uint8, opt *Adam, lr float64) (loss float64, correct int) {
	batch := len(labels)
	logits := m.Forward(x, batch, true)
	n := m.Out.Size()
	dy := make([]float32, len(logits))
	p := make([]float32, n)
	for b := range batch {
		lg := logits[b*n : (b+1)*n]
		Softmax(lg, p)
		y := int(labels[b])
		loss -= math.Log(math.Max(float64(p[y]), 1e-30))
		if Argmax(lg) == y {
			correct++
		}
		for i := range p {
			g := p[i]
			if i == y {
				g--
			}
			dy[b*n+i] = g / float32(batch)
		}
	}
	for i := len(m.Layers) - 1; i >= 0; i-- {
		dy = m.Layers[i].Backward(dy, batch, i > 0)
	}
	opt.Step(m.Params(), lr)
	return loss, correct
}

// Adam is the Adam optimizer with Keras's defaults (epsilon 1e-7).
//
// If EMA is above 0, Step also keeps an exponential moving average of every
// weight (avg = EMA*avg + (1-EMA)*w), and UseAverage swaps it in at the end of
// training: averaged weights generalize better than the last iterate.
type Adam struct {
	Beta1, Beta2, Eps float64
	EMA               float64
	t                 int
}

// UseAverage replaces every parameter with its moving average (a no-op
// without EMA).
func (a *Adam) UseAverage(params []*Param) {
	for _, p := range params {
		if p.avg != nil {
			copy(p.W, p.avg)
		}
	}
}

// NewAdam returns Adam with beta1 0.9, beta2 0.999, epsilon 1e-7.
func NewAdam() *Adam { return &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-7} }

// Step applies one update with learning rate lr to every parameter.
func (a *Adam) Step(params []*Param, lr float64) {
	a.t++
	lrT := lr * math.Sqrt(1-math.Pow(a.Beta2, float64(a.t))) / (1 - math.Pow(a.Beta1, float64(a.t)))
	b1, b2 := float32(a.Beta1), float32(a.Beta2)
	for _, p := range params {
		parallelFor(len(p.W), 8*len(p.W), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				g := p.G[i]
				p.m[i] = float32(b1*p.m[i]) + float32((1-b1)*g)
				p.v[i] = float32(b2*p.v[i]) + float32((1-b2)*float32(g*g))
				p.W[i] = float32(float64(p.W[i]) - lrT*float64(p.m[i])/(math.Sqrt(float64(p.v[i]))+a.Eps))
			}
		})
		if a.EMA > 0 {
			if p.avg == nil {
				p.avg = append([]float32(nil), p.W...)
				continue
			}
			d := float32(a.EMA)
			for i, w := range p.W {
				p.avg[i] = float32(d*p.avg[i]) + float32((1-d)*w)
			}
		}
	}
}
