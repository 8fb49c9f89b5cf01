package tflsim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/cmd/mnist/internal/nn"
	"github.com/int8scope/int8scope/cmd/mnist/internal/tflconv"
)

// TestMatchesFloat checks that the int8 model, run with the reference
// arithmetic, stays within a few quantization steps of the float model it
// was converted from, for every interface variant. (The model is untrained
// and its logit range narrow, so input and weight rounding errors add up to a
// few steps; trained MNIST models agree with float on >99% of predictions.)
func TestMatchesFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m, err := nn.Build(nn.Shape{H: 8, W: 8, C: 1}, rng,
		&nn.Conv2D{OutC: 4, KH: 3, KW: 3, Stride: 1, Pad: nn.Same, ReLU: true},
		&nn.MaxPool2D{Size: 2},
		&nn.DepthwiseConv2D{KH: 3, KW: 3, Stride: 2, Pad: nn.Same, ReLU: true},
		&nn.Conv2D{OutC: 6, KH: 1, KW: 1, Stride: 1, Pad: nn.Valid, ReLU: true},
		&nn.AvgPool2D{Size: 2},
		&nn.Flatten{},
		&nn.Dense{Out: 5, ReLU: true},
		&nn.Dense{Out: 3},
	)
	if err != nil {
		t.Fatal(err)
	}
	imgs := make([][]float32, 40)
	for i := range imgs {
		imgs[i] = make([]float32, 64)
		for j := range imgs[i] {
			imgs[i][j] = float32(rng.Float64())
		}
	}
	cal, err := tflconv.Calibrate(m, imgs)
	if err != nil {
		t.Fatal(err)
	}
	want := m.Predict(imgs)
	for _, opt := range []tflconv.Options{{}, {Softmax: true}, {Softmax: true, Int8IO: true}} {
		mt, err := tflconv.Convert(m, cal, opt)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := tflconv.Validate(tflconv.Marshal(mt))
		if err != nil {
			t.Fatal(err)
		}
		it, err := New(parsed)
		if err != nil {
			t.Fatal(err)
		}
		sg := parsed.Subgraphs[0]
		lq := sg.Tensors[it.LogitsTensor].Quantization
		scale, zp := float64(lq.Scale[0]), lq.ZeroPoint[0]
		worst := 0.0
		for i, img := range imgs {
			if err := it.Run(img); err != nil {
				t.Fatal(err)
			}
			for k, v := range it.Logits() {
				d := math.Abs(scale*float64(int64(v)-zp) - float64(want[i][k]))
				worst = math.Max(worst, d/scale)
			}
			out := it.Output()
			if opt.Softmax {
				var sum float32
				for _, p := range out {
					sum += p
				}
				if math.Abs(float64(sum)-1) > 0.05 {
					t.Errorf("%+v: probabilities sum to %v", opt, sum)
				}
			}
		}
		if worst > 8 {
			t.Errorf("%+v: int8 logits differ from float by up to %.1f quantization steps", opt, worst)
		}
		t.Logf("%+v: worst logit error %.2f steps", opt, worst)
	}
}
