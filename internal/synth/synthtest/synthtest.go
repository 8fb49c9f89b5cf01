// Package synthtest checks generated models (internal/synth) in tests.
package synthtest

import (
	"testing"

	"github.com/int8scope/int8scope/engine"
)

// CheckSpread runs m (reference profile) on each named input and fails t
// when an op's int8 output does not use the int8 range: more than limit
// (a fraction) of its values saturated at 127, or at −128 when that is not
// the zero point, or fewer than 8 distinct values (half the elements for
// tensors of fewer than 16; any SOFTMAX may saturate and needs only 2).
func CheckSpread(t *testing.T, m *engine.Model, inputs map[string][]byte, limit map[string]float64) {
	t.Helper()
	for name, in := range inputs {
		res, err := m.Run([][]byte{in}, engine.Options{Profile: engine.Reference})
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range m.Ops {
			ti := op.Outputs[0]
			v := engine.AsInt8(res.Tensors[ti])
			var sat int
			seen := map[int8]bool{}
			for _, x := range v {
				if x == 127 || (x == -128 && m.Tensors[ti].ZeroPoint() != -128) {
					sat++
				}
				seen[x] = true
			}
			t.Logf("%s: op %d %s %q: %.2f%% saturated, %d distinct values", name, op.Index, op.Builtin, m.Tensors[ti].Name, 100*float64(sat)/float64(len(v)), len(seen))
			few := min(8, len(v)/2)
			if op.Builtin != "SOFTMAX" && (float64(sat) > limit[name]*float64(len(v)) || len(seen) < few) || len(seen) < 2 {
				t.Errorf("%s: op %d %s: %d of %d saturated, %d distinct values", name, op.Index, op.Builtin, sat, len(v), len(seen))
			}
		}
	}
}
