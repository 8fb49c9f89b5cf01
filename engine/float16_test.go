package engine

import (
	"math"
	"testing"
)

// TestHalfExhaustive checks every one of the 65,536 halves: the value
// against sign·2^(e−15)·(1 + f/1024) (subnormals f·2^−24), and that
// float32ToHalf gives the bits back (NaN stays NaN).
func TestHalfExhaustive(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		sign, e, f := h>>15, (h>>10)&0x1f, h&0x3ff
		var want float64
		switch {
		case e == 0x1f && f != 0:
			want = math.NaN()
		case e == 0x1f:
			want = math.Inf(1)
		case e == 0:
			want = float64(f) * math.Pow(2, -24)
		default:
			want = math.Pow(2, float64(e-15)) * (1 + float64(f)/1024)
		}
		if sign == 1 {
			want = -want
		}
		got := halfToFloat32(uint16(h))
		if math.IsNaN(want) != math.IsNaN(float64(got)) || (!math.IsNaN(want) && float64(got) != want) || math.Signbit(float64(got)) != (sign == 1) {
			t.Fatalf("half 0x%04x: got %v, want %v", h, got, want)
		}
		back := float32ToHalf(got)
		if math.IsNaN(want) {
			if back&0x7c00 != 0x7c00 || back&0x3ff == 0 {
				t.Fatalf("half 0x%04x (NaN) → 0x%04x, not a NaN", h, back)
			}
		} else if back != uint16(h) {
			t.Fatalf("half 0x%04x → %v → 0x%04x", h, got, back)
		}
	}
}

// TestFloat32ToHalfRounding checks ties to even, overflow and underflow.
func TestFloat32ToHalfRounding(t *testing.T) {
	for _, c := range []struct {
		f    float32
		want uint16
	}{
		{1 + 1.0/2048, 0x3c00},             // tie between 1 and 1+2^−10: even (1)
		{1 + 3.0/2048, 0x3c02},             // tie: even (1+2^−9)
		{1 + 1.0/2048 + 1.0/65536, 0x3c01}, // above the tie
		{65504, 0x7bff},                    // largest half
		{65520, 0x7c00},                    // rounds to infinity
		{float32(math.Pow(2, -25)), 0},     // tie between 0 and the smallest subnormal: even (0)
		{float32(math.Pow(2, -25)) * 1.5, 0x0001},
		{-2, 0xc000},
	} {
		if got := float32ToHalf(c.f); got != c.want {
			t.Errorf("float32ToHalf(%v) = 0x%04x, want 0x%04x", c.f, got, c.want)
		}
	}
}
