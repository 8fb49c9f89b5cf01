package difftest

import (
	"testing"
	"time"

	"github.com/int8scope/int8scope/internal/tinyml"
)

// tinyMLInputs are the inputs the MLPerf Tiny tests run on model m: its
// quantized calibration input and a seeded random byte input (with -long
// three).
func tinyMLInputs(m tinyml.Model) (names []string, inputs [][][]byte) {
	n := 1
	if isLong() {
		n = 3
	}
	return seededInputs("calibration-input", m.Input(1), n, 12)
}

// TestTinyMLXNNPack runs the four generated MLPerf Tiny models
// (internal/tinyml) in the real TFLite with every tensor the ops write
// exposed, and compares the tflite-xnnpack profile with it on all of them,
// element by element, and on which ops XNNPACK takes.
func TestTinyMLXNNPack(t *testing.T) {
	o := startOracle(t)
	for _, m := range tinyml.Models {
		t.Run(m.Name, func(t *testing.T) {
			model := m.Build(1)
			names, inputs := tinyMLInputs(m)
			start := time.Now()
			checkXNNPack(t, o, m.Name, model, names, inputs)
			t.Logf("%d inputs in %v", len(inputs), time.Since(start))
		})
	}
}

// TestTinyMLTFLM compares the reference profile with TFLite Micro
// (tflm_run) on the four generated MLPerf Tiny models, every tensor it
// dumps.
func TestTinyMLTFLM(t *testing.T) {
	r := startTFLM(t)
	for _, m := range tinyml.Models {
		t.Run(m.Name, func(t *testing.T) {
			model := m.Build(1)
			names, inputs := tinyMLInputs(m)
			checkTFLMCases(t, r, m.Name, model, names, inputs, 5*time.Minute)
		})
	}
}
