package difftest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/int8scope/int8scope/internal/mobilenet"
	"github.com/int8scope/int8scope/internal/tflm"
)

// mobileNetInputs are the inputs the MobileNet v2 tests run: the quantized
// calibration image, and with -long also two seeded random byte images.
func mobileNetInputs() (names []string, inputs [][][]byte) {
	n := 0
	if isLong() {
		n = 2
	}
	return seededInputs("calibration-image", mobilenet.Input(1), n, 11)
}

// seededInputs are a model's single-input cases: first (named name), then
// n images of seeded random bytes of first's size (random-1 …; stream
// picks the generator).
func seededInputs(name string, first []byte, n int, stream uint64) (names []string, inputs [][][]byte) {
	names, inputs = []string{name}, [][][]byte{{first}}
	for k := uint64(1); k <= uint64(n); k++ {
		b := make([]byte, len(first))
		r := rand.New(rand.NewPCG(k, stream))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		names, inputs = append(names, fmt.Sprintf("random-%d", k)), append(inputs, [][]byte{b})
	}
	return names, inputs
}

// TestMobileNetV2XNNPack runs the generated int8 MobileNet v2 1.0 224
// (internal/mobilenet, 66 ops, 300 M MACs) in the real TFLite with every
// tensor the ops write exposed, and compares the tflite-xnnpack profile
// with it on all of them, element by element, and on which ops XNNPACK
// takes.
func TestMobileNetV2XNNPack(t *testing.T) {
	o := startOracle(t)
	model := mobilenet.V2(1)
	names, inputs := mobileNetInputs()
	start := time.Now()
	checkXNNPack(t, o, mobilenet.Name, model, names, inputs)
	t.Logf("%d inputs in %v", len(inputs), time.Since(start))
}

// TestMobileNetV2TFLM compares the reference profile with TFLite Micro
// (tflm_run) on the generated MobileNet v2, every tensor it dumps.
func TestMobileNetV2TFLM(t *testing.T) {
	r := startTFLM(t)
	model := mobilenet.V2(1)
	names, inputs := mobileNetInputs()
	checkTFLMCases(t, r, mobilenet.Name, model, names, inputs, 10*time.Minute)
}

// checkTFLMCases compares the reference profile with TFLite Micro on model
// for each input set, every tensor it dumps, each within timeout.
func checkTFLMCases(t *testing.T, r *tflm.Runner, gen string, model []byte, names []string, inputs [][][]byte, timeout time.Duration) {
	t.Helper()
	for k, ins := range inputs {
		start := time.Now()
		c := &Case{Gen: gen, Seed: int64(k), Desc: names[k], Model: model, Inputs: ins}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
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
}
