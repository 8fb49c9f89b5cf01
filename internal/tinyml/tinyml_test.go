package tinyml

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/synth/synthtest"
)

// opSequences are the MLPerf Tiny reference models' ops in order, as
// `int8scope inspect` lists them for the files in mlcommons/tiny.
var opSequences = map[string]string{
	"tiny_vww_96_int8": "CONV_2D " + strings.Repeat("DEPTHWISE_CONV_2D CONV_2D ", 13) +
		"AVERAGE_POOL_2D RESHAPE FULLY_CONNECTED SOFTMAX",
	"tiny_resnet8_int8": "CONV_2D CONV_2D CONV_2D ADD CONV_2D CONV_2D CONV_2D ADD CONV_2D CONV_2D CONV_2D ADD " +
		"AVERAGE_POOL_2D RESHAPE FULLY_CONNECTED SOFTMAX",
	"tiny_dscnn_kws_int8": "CONV_2D " + strings.Repeat("DEPTHWISE_CONV_2D CONV_2D ", 4) +
		"AVERAGE_POOL_2D RESHAPE FULLY_CONNECTED SOFTMAX",
	"tiny_fc_autoencoder_int8": strings.TrimSpace(strings.Repeat("FULLY_CONNECTED ", 10)),
}

// TestModels checks each generated model: deterministic, the reference's
// op sequence and MAC count, and activations that use the int8 range
// (neither saturated nor collapsed) on the calibration input and on random
// bytes.
func TestModels(t *testing.T) {
	for _, mm := range Models {
		t.Run(mm.Name, func(t *testing.T) {
			b := mm.Build(1)
			if !bytes.Equal(b, mm.Build(1)) {
				t.Fatal("Build(1) differs between two calls")
			}
			if bytes.Equal(b, mm.Build(2)) {
				t.Fatal("Build(2) equals Build(1)")
			}
			m, err := engine.Load(b)
			if err != nil {
				t.Fatal(err)
			}
			var ops []string
			for _, op := range m.Ops {
				ops = append(ops, op.Builtin)
			}
			if got := strings.Join(ops, " "); got != opSequences[mm.Name] {
				t.Errorf("ops\n%s\nwant\n%s", got, opSequences[mm.Name])
			}
			if macs := m.MACs(); macs != mm.MACs {
				t.Errorf("%d MACs, want %d", macs, mm.MACs)
			}
			in := m.Tensors[m.Inputs[0]]
			rnd := make([]byte, in.NumBytes())
			r := rand.New(rand.NewPCG(3, 4))
			for i := range rnd {
				rnd[i] = byte(r.Uint32())
			}
			cal := mm.Input(1)
			if len(cal) != in.NumBytes() {
				t.Fatalf("input is %d bytes, want %d", len(cal), in.NumBytes())
			}
			// Random bytes are white noise, further from the calibration
			// input than any real one: more may saturate there.
			synthtest.CheckSpread(t, m, map[string][]byte{"calibration input": cal, "random bytes": rnd},
				map[string]float64{"calibration input": 0.02, "random bytes": 0.15})
		})
	}
}
