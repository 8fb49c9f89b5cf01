package detmath

import (
	"math"
	"testing"
)

func TestExp(t *testing.T) {
	for _, x := range []float64{0, -1e-9, 0.3, -0.5, 1, -2.5, 10, -50.25, -300, -700, 700} {
		got, want := Exp(x), math.Exp(x)
		if math.Abs(got-want) > 1e-14*want {
			t.Errorf("Exp(%v) = %v, want %v", x, got, want)
		}
	}
	if Exp(-800) != 0 {
		t.Errorf("Exp(-800) = %v", Exp(-800))
	}
}
