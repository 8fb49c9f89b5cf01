package engine

import (
	"testing"

	"github.com/int8scope/int8scope/engine/fixedpoint"
)

// TestMemo16 checks the LSTM's memoized activations against computing
// them, at every int16 input, twice (computed, then remembered).
func TestMemo16(t *testing.T) {
	for _, bits := range []int{1, 3, 4, 12} {
		for fn, f := range map[int]func(int16, int) int16{memoLogistic: fixedpoint.Logistic16, memoTanh: fixedpoint.Tanh16} {
			m := memoOf(fn, bits)
			for range 2 {
				for x := -32768; x <= 32767; x++ {
					if got, want := m.at(int16(x)), f(int16(x), bits); got != want {
						t.Fatalf("fn %d, %d integer bits, at %d: %d, want %d", fn, bits, x, got, want)
					}
				}
			}
		}
	}
	if memoOf(memoTanh, 16) != nil || memoOf(memoTanh, -1) != nil {
		t.Error("memoOf outside [0, 15] integer bits should be nil")
	}
}
