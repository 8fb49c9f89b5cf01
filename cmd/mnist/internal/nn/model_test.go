package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestOutSizeAndPadding(t *testing.T) {
	cases := []struct {
		name                 string
		in, k, stride        int
		pad                  Padding
		wantOut, wantPadHead int
	}{
		{"same 3x3 s1", 28, 3, 1, Same, 28, 1},
		{"same 3x3 s2 even", 28, 3, 2, Same, 14, 0},
		{"same 3x3 s2 odd", 7, 3, 2, Same, 4, 1},
		{"valid 3x3", 28, 3, 1, Valid, 26, 0},
		{"valid 2x2 s2", 7, 2, 2, Valid, 3, 0},
	}
	for _, c := range cases {
		if got := outSize(c.in, c.k, c.stride, c.pad); got != c.wantOut {
			t.Errorf("%s: out %d, want %d", c.name, got, c.wantOut)
		}
		if got := padBefore(c.in, c.k, c.stride, c.pad); got != c.wantPadHead {
			t.Errorf("%s: pad %d, want %d", c.name, got, c.wantPadHead)
		}
	}
}

// TestGradients compares analytic gradients with finite differences on
// small models that use every layer type, one small enough to run serially
// and one large enough for the two-goroutine paths.
func TestGradients(t *testing.T) {
	t.Run("serial", func(t *testing.T) {
		checkGradients(t, Shape{8, 8, 2}, 2, 3,
			&Conv2D{OutC: 3, KH: 3, KW: 3, Stride: 1, Pad: Same, ReLU: true},
			&MaxPool2D{Size: 2},
			&DepthwiseConv2D{KH: 3, KW: 3, Stride: 2, Pad: Same, ReLU: true},
			&Conv2D{OutC: 4, KH: 1, KW: 1, Stride: 1, Pad: Valid},
			&AvgPool2D{Size: 2},
			&Flatten{},
			&Dense{Out: 5, ReLU: true},
			&Dense{Out: 3},
		)
	})
	t.Run("parallel", func(t *testing.T) {
		// No ReLU or max pooling here: with this many values, finite
		// differences would straddle their kinks.
		checkGradients(t, Shape{16, 16, 2}, 8, 7,
			&Conv2D{OutC: 8, KH: 3, KW: 3, Stride: 1, Pad: Same},
			&DepthwiseConv2D{KH: 3, KW: 3, Stride: 1, Pad: Same},
			&Conv2D{OutC: 8, KH: 3, KW: 3, Stride: 2, Pad: Same},
			&AvgPool2D{Size: 2},
			&Conv2D{OutC: 6, KH: 1, KW: 1, Stride: 1, Pad: Valid},
			&AvgPool2D{Size: 4},
			&Flatten{},
			&Dense{Out: 3},
		)
	})
}

func checkGradients(t *testing.T, in Shape, batch, every int, layers ...Layer) {
	rng := rand.New(rand.NewPCG(1, 2))
	m, err := Build(in, rng, layers...)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params() {
		for i := range p.W {
			p.W[i] += float32(rng.NormFloat64() * 0.1)
		}
	}
	x := make([]float32, batch*m.In.Size())
	for i := range x {
		x[i] = float32(rng.Float64())
	}
	labels := make([]uint8, batch)
	for i := range labels {
		labels[i] = uint8(i % 3)
	}
	lossOf := func() float64 {
		logits := m.Forward(x, batch, false)
		n := m.Out.Size()
		var l float64
		for b := range batch {
			lg := make([]float64, n)
			for i := range lg {
				lg[i] = float64(logits[b*n+i])
			}
			mx := lg[0]
			for _, v := range lg {
				mx = math.Max(mx, v)
			}
			var s float64
			for _, v := range lg {
				s += math.Exp(v - mx)
			}
			l += -(lg[labels[b]] - mx - math.Log(s))
		}
		return l / float64(batch)
	}
	// Analytic gradients: run a train step with lr 0.
	opt := NewAdam()
	m.TrainStep(x, labels, opt, 0)
	for pi, p := range m.Params() {
		for i := range p.W {
			if i%every != 0 {
				continue
			}
			old := p.W[i]
			const h = 1e-2
			p.W[i] = old + h
			lp := lossOf()
			p.W[i] = old - h
			lm := lossOf()
			p.W[i] = old
			num := (lp - lm) / (2 * h)
			if d := math.Abs(num - float64(p.G[i])); d > 2e-3+0.05*math.Abs(num) {
				t.Errorf("param %d[%d]: analytic %g, numeric %g", pi, i, p.G[i], num)
			}
		}
	}
}
