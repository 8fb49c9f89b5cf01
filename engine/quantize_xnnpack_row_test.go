package engine

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestXNNFromFloatRow compares the float32 → int8/uint8 QUANTIZE row loop
// under tflite-xnnpack with xnnFromFloat, value by value: random values,
// halves (ties to even), the edges of the magic-bias rounding, huge and
// infinite values, NaN and −0.
func TestXNNFromFloatRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	in := []float32{0, float32(math.Copysign(0, -1)), 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 127.5, 128.5, -128.5, -127.5, 255.5,
		1 << 22, 3 << 22, 1 << 24, -(1 << 22), -(3 << 22), -(1 << 24), 1e30, -1e30, math.MaxFloat32, -math.MaxFloat32,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), -float32(math.NaN())}
	for range 5000 {
		in = append(in, float32(rng.NormFloat64()*200), float32(rng.IntN(600)-300)/2)
	}
	for _, scale := range []float32{1, 0.5, 2, 1 / 0.0039215686, 1 / 0.1, 1e-6, 1e6} {
		for _, typ := range []DType{Int8, Uint8} {
			for _, zp := range []int32{-128, -1, 0, 5, 127, 200} {
				lo, hi := qrange(typ)
				if zp < lo || zp > hi {
					continue
				}
				out := make([]byte, len(in))
				xnnFromFloatRow(in, out, scale, zp, typ)
				for i, x := range in {
					if want := byte(xnnFromFloat(x, scale, zp, lo, hi)); out[i] != want {
						t.Fatalf("%v zero point %d, %g·%g: %d, want %d", typ, zp, x, scale, out[i], want)
					}
				}
			}
		}
	}
}
