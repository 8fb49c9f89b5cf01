package mobilenet

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/synth/synthtest"
)

// TestV2 checks the generated model: deterministic, the MobileNet v2
// op sequence and MAC count, and activations that use the int8 range
// (neither saturated nor collapsed) on the calibration image and on random
// bytes.
func TestV2(t *testing.T) {
	b := V2(1)
	if !bytes.Equal(b, V2(1)) {
		t.Fatal("V2(1) differs between two calls")
	}
	m, err := engine.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, op := range m.Ops {
		count[op.Builtin]++
	}
	want := map[string]int{"CONV_2D": 36, "DEPTHWISE_CONV_2D": 17, "ADD": 10, "AVERAGE_POOL_2D": 1, "RESHAPE": 1, "SOFTMAX": 1}
	for k, v := range want {
		if count[k] != v {
			t.Errorf("%d %s ops, want %d", count[k], k, v)
		}
	}
	if macs := m.MACs(); macs < 295e6 || macs > 305e6 {
		t.Errorf("%d MACs, want about 300 M", macs)
	}
	rnd := make([]byte, 224*224*3)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range rnd {
		rnd[i] = byte(r.Uint32())
	}
	// Random bytes are white noise, further from the calibration image
	// than any photo: a few percent may saturate there.
	synthtest.CheckSpread(t, m, map[string][]byte{"calibration image": Input(1), "random bytes": rnd},
		map[string]float64{"calibration image": 0.01, "random bytes": 0.05})
}
