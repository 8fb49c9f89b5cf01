// Package tflconv converts a trained nn.Model into a full-integer TFLite
// model the way TensorFlow's TFLiteConverter does with
// optimizations=[Optimize.DEFAULT] and a representative dataset: int8
// activations calibrated by min/max, int8 symmetric weights (per channel for
// convolutions, per tensor for fully connected layers), int32 biases, float
// or int8 model inputs and outputs, Keras-style tensor names, operator
// versions, a min_runtime_version metadata entry and a serving_default
// signature.
package tflconv

import (
	"fmt"

	"github.com/int8scope/int8scope/cmd/mnist/internal/nn"
)

// Range is a calibrated [Min, Max] of a float tensor.
type Range struct{ Min, Max float32 }

func (r *Range) add(v []float32, first bool) {
	for i, x := range v {
		if first && i == 0 {
			r.Min, r.Max = x, x
			continue
		}
		r.Min = min(r.Min, x)
		r.Max = max(r.Max, x)
	}
}

// Calibration holds the ranges the representative dataset produced: of the
// model input and of each layer's output (after its fused ReLU).
type Calibration struct {
	Input  Range
	Layers []Range
}

// Calibrate runs the float model on every representative image and records
// the global min and max of each tensor, as TFLite's calibrator does.
func Calibrate(m *nn.Model, images [][]float32) (Calibration, error) {
	if len(images) == 0 {
		return Calibration{}, fmt.Errorf("tflconv: empty representative dataset")
	}
	cal := Calibration{Layers: make([]Range, len(m.Layers))}
	const bs = 100
	x := make([]float32, 0, bs*m.In.Size())
	for start := 0; start < len(images); start += bs {
		end := min(start+bs, len(images))
		x = x[:0]
		for _, img := range images[start:end] {
			if len(img) != m.In.Size() {
				return cal, fmt.Errorf("tflconv: representative image has %d values, want %d", len(img), m.In.Size())
			}
			x = append(x, img...)
		}
		first := start == 0
		cal.Input.add(x, first)
		m.Forward(x, end-start, false)
		for i := range m.Layers {
			cal.Layers[i].add(m.LayerOutput(i), first)
		}
	}
	return cal, nil
}
