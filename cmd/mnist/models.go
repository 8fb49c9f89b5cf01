package main

import (
	"math/rand/v2"

	"github.com/int8scope/int8scope/cmd/mnist/internal/augment"
	"github.com/int8scope/int8scope/cmd/mnist/internal/nn"
)

// spec describes one built-in model: its layers, how to train it and how to
// export it.
type spec struct {
	Name    string // file name stem, e.g. "mnist_cnn"
	Summary string // one line for MODELS.md
	Layers  func() []nn.Layer
	Train   trainConfig
	Softmax bool // end with SOFTMAX (probabilities) rather than logits
	Int8IO  bool // also write an int8-input/int8-output variant
	Stream  uint64
}

var input = nn.Shape{H: 28, W: 28, C: 1}

func specs() []spec {
	return []spec{
		{
			Name:    "mnist_cnn",
			Summary: "CNN: conv 3×3×24 (ReLU) → max pool 2×2 → conv 3×3×48 (ReLU) → max pool 2×2 → flatten → dense 64 (ReLU) → dense 10 → softmax; dropout 0.25 before each dense layer while training",
			Layers: func() []nn.Layer {
				return []nn.Layer{
					&nn.Conv2D{OutC: 24, KH: 3, KW: 3, Stride: 1, Pad: nn.Same, ReLU: true},
					&nn.MaxPool2D{Size: 2},
					&nn.Conv2D{OutC: 48, KH: 3, KW: 3, Stride: 1, Pad: nn.Same, ReLU: true},
					&nn.MaxPool2D{Size: 2},
					&nn.Flatten{},
					&nn.Dropout{Rate: 0.25},
					&nn.Dense{Out: 64, ReLU: true},
					&nn.Dropout{Rate: 0.25},
					&nn.Dense{Out: 10},
				}
			},
			Train:   trainConfig{Epochs: 40, Batch: 64, LR: 2e-3, LRMin: 2e-5, Aug: &augment.Default, EMA: 0.999},
			Softmax: true,
			Int8IO:  true,
			Stream:  1,
		},
		{
			Name:    "mnist_dense",
			Summary: "flatten → dense 10 (multinomial logistic regression), logits out; the StackOverflow question's model: QUANTIZE → FULLY_CONNECTED (taking the 4-D input, as the converter folds the flatten) → DEQUANTIZE, 7 tensors",
			Layers: func() []nn.Layer {
				return []nn.Layer{
					&nn.Flatten{},
					&nn.Dense{Out: 10},
				}
			},
			Train:  trainConfig{Epochs: 12, Batch: 64, LR: 1e-3, LRMin: 1e-5},
			Stream: 2,
		},
		{
			Name:    "mnist_dscnn",
			Summary: "depthwise-separable CNN: conv 3×3×16 → (depthwise 3×3 stride 2 → conv 1×1) with 32, 64 and 128 channels (ReLU throughout) → global average pool 4×4 → flatten → dense 10 → softmax",
			Layers: func() []nn.Layer {
				return []nn.Layer{
					&nn.Conv2D{OutC: 16, KH: 3, KW: 3, Stride: 1, Pad: nn.Same, ReLU: true},
					&nn.DepthwiseConv2D{KH: 3, KW: 3, Stride: 2, Pad: nn.Same, ReLU: true},
					&nn.Conv2D{OutC: 32, KH: 1, KW: 1, Stride: 1, Pad: nn.Valid, ReLU: true},
					&nn.DepthwiseConv2D{KH: 3, KW: 3, Stride: 2, Pad: nn.Same, ReLU: true},
					&nn.Conv2D{OutC: 64, KH: 1, KW: 1, Stride: 1, Pad: nn.Valid, ReLU: true},
					&nn.DepthwiseConv2D{KH: 3, KW: 3, Stride: 2, Pad: nn.Same, ReLU: true},
					&nn.Conv2D{OutC: 128, KH: 1, KW: 1, Stride: 1, Pad: nn.Valid, ReLU: true},
					&nn.AvgPool2D{Size: 4},
					&nn.Flatten{},
					&nn.Dense{Out: 10},
				}
			},
			Train:   trainConfig{Epochs: 30, Batch: 64, LR: 5e-3, LRMin: 2e-5, Aug: &augment.Default, EMA: 0.999},
			Softmax: true,
			Stream:  3,
		},
	}
}

// newRNG returns the PCG stream for (seed, stream, purpose).
func newRNG(seed, stream uint64, purpose uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream<<8|purpose))
}

func specNames() []string {
	var names []string
	for _, s := range specs() {
		names = append(names, s.Name)
	}
	return names
}
