package nn

import (
	"math/rand/v2"
	"testing"
)

// TestParallelMatchesSerial runs the same training step with and without the
// second goroutine: every output is computed by one goroutine in the same
// order either way, so the gradients must be bitwise equal.
func TestParallelMatchesSerial(t *testing.T) {
	grads := func(serial bool) [][]float32 {
		old := minParallel
		if serial {
			minParallel = 1 << 62
		} else {
			minParallel = 1
		}
		defer func() { minParallel = old }()
		rng := rand.New(rand.NewPCG(9, 9))
		m, err := Build(Shape{16, 16, 2}, rng,
			&Conv2D{OutC: 8, KH: 3, KW: 3, Stride: 1, Pad: Same, ReLU: true},
			&DepthwiseConv2D{KH: 3, KW: 3, Stride: 1, Pad: Same, ReLU: true},
			&Conv2D{OutC: 8, KH: 3, KW: 3, Stride: 2, Pad: Same, ReLU: true},
			&MaxPool2D{Size: 2},
			&AvgPool2D{Size: 4},
			&Flatten{},
			&Dense{Out: 3},
		)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float32, 8*m.In.Size())
		for i := range x {
			x[i] = float32(rng.Float64())
		}
		m.TrainStep(x, []uint8{0, 1, 2, 0, 1, 2, 0, 1}, NewAdam(), 0)
		var g [][]float32
		for _, p := range m.Params() {
			g = append(g, append([]float32(nil), p.G...))
		}
		return g
	}
	a, b := grads(true), grads(false)
	for i := range a {
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				t.Fatalf("param %d[%d]: serial %v, parallel %v", i, j, a[i][j], b[i][j])
			}
		}
	}
}
