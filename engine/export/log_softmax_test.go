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

// TestLogSoftmaxInt8Sweep runs int8 and uint8 LOG_SOFTMAX's programs (the
// fixed-point reference with both roundings, the browser's float table) on
// every distance to the row maximum (rows [max, v, r] for every v of the
// type, r random) at input scales from 1/256 to 2, so that each scale's
// threshold, where outputs become the type's minimum, and the ties of rintf
// are crossed, and compares them with the engine under every profile.
func TestLogSoftmaxInt8Sweep(t *testing.T) {
	tmp := t.TempDir()
	r := rand.New(rand.NewPCG(5, 6))
	var cases []*pyCase
	for _, ty := range []struct {
		typ     tflite.TensorType
		top, zp int64 // the type's maximum as stored; the output zero point
	}{{tflite.TensorTypeINT8, 0x7f, 127}, {tflite.TensorTypeUINT8, 0xff, 255}} {
		for _, s := range []float32{1.0 / 256, 1.0 / 32, 1.0 / 16, 0.1, 0.25, 0.3, 0.5, 1, 2} {
			feed := make([]byte, 256*3)
			for v := range 256 {
				feed[3*v], feed[3*v+1], feed[3*v+2] = byte(ty.top), byte(v), byte(r.IntN(256))
			}
			b := tfbuild.New()
			x := b.Tensor("x", ty.typ, []int{256, 3}, tfbuild.Q(s, ty.zp-127+int64(r.IntN(11))-5), nil)
			y := b.Tensor("y", ty.typ, []int{256, 3}, tfbuild.Q(16.0/256, ty.zp), nil)
			b.Op(tflite.BuiltinOperatorLOG_SOFTMAX, 1, nil, []int{x}, []int{y})
			b.Inputs(x)
			b.Outputs(y)
			m, err := engine.Load(b.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range engine.Profiles() {
				name := fmt.Sprintf("logsoftmax-%d-%g-%s", ty.typ, s, p)
				c := exportCase(t, name, m, p, [][]byte{feed}, filepath.Join(tmp, name))
				if c == nil {
					t.Fatalf("%s does not export", name)
				}
				cases = append(cases, c)
			}
		}
	}
	nt, el := runPython(t, cases)
	t.Logf("%d programs, %d tensors, %d elements equal", len(cases), nt, el)
}
