package export

import (
	"errors"
	"strings"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// TestPreluPastSlope: a float32 PRELU whose constant slope is shorter than
// the channels exports under the reference profile, and under
// tflite-xnnpack (where the delegate reads past the slope) the export stops
// with a message that says why, not as an op without an exporter.
func TestPreluPastSlope(t *testing.T) {
	b := tfbuild.New()
	f := tflite.TensorTypeFLOAT32
	x := b.Tensor("x", f, []int{1, 2, 4}, nil, nil)
	a := b.Tensor("alpha", f, []int{1}, nil, tfbuild.F32(0.25))
	y := b.Tensor("y", f, []int{1, 2, 4}, nil, nil)
	b.Op(tflite.BuiltinOperatorPRELU, 1, nil, []int{x, a}, []int{y})
	b.Inputs(x)
	b.Outputs(y)
	m, err := engine.Load(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NumPy(m, engine.Reference, "prelu"); err != nil {
		t.Fatalf("reference: %v", err)
	}
	_, err = NumPy(m, engine.XNNPack, "prelu")
	var ue *UnsupportedError
	if err == nil || errors.As(err, &ue) || !strings.Contains(err.Error(), "undefined") || !strings.Contains(err.Error(), "op 0 (PRELU)") {
		t.Fatalf("tflite-xnnpack: got %v, want the past-the-slope refusal", err)
	}
	t.Log(err)
}
