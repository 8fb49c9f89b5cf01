package difftest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/int8scope/int8scope/internal/tinyml"
)

// tinyMLInputs are the inputs the MLPerf Tiny tests run on model m: its
// quantized calibration input and a seeded random byte input (with -long
// two more).
func tinyMLInputs(m tinyml.Model, size int) (names []string, inputs [][][]byte) {
	names, inputs = []string{"calibration-input"}, [][][]byte{{m.Input(1)}}
	n := uint64(1)
	if isLong() {
		n = 3
	}
	for k := uint64(1); k <= n; k++ {
		b := make([]byte, size)
		r := rand.New(rand.NewPCG(k, 12))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		names, inputs = append(names, fmt.Sprintf("random-%d", k)), append(inputs, [][]byte{b})
	}
	return names, inputs
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
			names, inputs := tinyMLInputs(m, len(m.Input(1)))
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
			names, inputs := tinyMLInputs(m, len(m.Input(1)))
			for k, ins := range inputs {
				start := time.Now()
				c := &Case{Gen: m.Name, Seed: int64(k), Desc: names[k], Model: model, Inputs: ins}
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				out, err := CheckTFLM(ctx, r, c)
				cancel()
				if err != nil {
					t.Fatal(err)
				}
				if out.Differ > 0 {
					t.Errorf("%s: %s", names[k], out.Report())
				} else {
					t.Logf("%s: %d tensors, %d elements equal TFLite Micro (%v)", names[k], out.Tensors, out.Elements, time.Since(start))
				}
			}
		})
	}
}
