package export

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// TestLogSoftmaxInt8Sweep runs int8 LOG_SOFTMAX's programs (the fixed-point
// reference with both roundings, the browser's float table) on every
// distance to the row maximum (rows [127, v, r] for v = −128…127, r random)
// at input scales from 1/256 to 2, so that each scale's threshold, where
// outputs become −128, and the ties of rintf are crossed, and compares them
// with the engine under every profile.
func TestLogSoftmaxInt8Sweep(t *testing.T) {
	tmp := t.TempDir()
	r := rand.New(rand.NewPCG(5, 6))
	var cases []*pyCase
	for _, s := range []float32{1.0 / 256, 1.0 / 32, 1.0 / 16, 0.1, 0.25, 0.3, 0.5, 1, 2} {
		feed := make([]byte, 256*3)
		for v := range 256 {
			feed[3*v], feed[3*v+1], feed[3*v+2] = byte(int8(127)), byte(v), byte(r.IntN(256))
		}
		b := tfbuild.New()
		x := b.Tensor("x", tflite.TensorTypeINT8, []int{256, 3}, tfbuild.Q(s, int64(r.IntN(11))-5), nil)
		y := b.Tensor("y", tflite.TensorTypeINT8, []int{256, 3}, tfbuild.Q(16.0/256, 127), nil)
		b.Op(tflite.BuiltinOperatorLOG_SOFTMAX, 1, nil, []int{x}, []int{y})
		b.Inputs(x)
		b.Outputs(y)
		m, err := engine.Load(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range engine.Profiles() {
			name := fmt.Sprintf("logsoftmax-%g-%s", s, p)
			c := exportCase(t, name, m, p, [][]byte{feed}, filepath.Join(tmp, name))
			if c == nil {
				t.Fatalf("%s does not export", name)
			}
			cases = append(cases, c)
		}
	}
	nt, el := runPython(t, cases)
	t.Logf("%d programs, %d tensors, %d elements equal", len(cases), nt, el)
}
