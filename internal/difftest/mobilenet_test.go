package difftest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/int8scope/int8scope/internal/mobilenet"
)

// mobileNetInputs are the inputs the MobileNet v2 tests run: the quantized
// calibration image, and with -long also two seeded random byte images.
func mobileNetInputs() (names []string, inputs [][][]byte) {
	names, inputs = []string{"calibration-image"}, [][][]byte{{mobilenet.Input(1)}}
	if !isLong() {
		return names, inputs
	}
	for k := uint64(1); k <= 2; k++ {
		b := make([]byte, 224*224*3)
		r := rand.New(rand.NewPCG(k, 11))
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
	for k, ins := range inputs {
		start := time.Now()
		c := &Case{Gen: mobilenet.Name, Seed: int64(k), Desc: names[k], Model: model, Inputs: ins}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
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
