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

// TestXNNFromFloatRowTails checks xnnFromFloatRow against xnnFromFloat on
// rows of every length up to 41 (the four-value loop and its tail), of
// random, tie and edge values, with and without one NaN (which sends the
// row to xnnFromFloatRow1) or infinity.
func TestXNNFromFloatRowTails(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	edge := []float32{0, float32(math.Copysign(0, -1)), 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 127.5, 128.5, -128.5, -127.5, 255.5,
		1 << 22, 3 << 22, 1 << 24, -(1 << 22), -(3 << 22), -(1 << 24), 12582912, -12582912, 12582913, -12582913, 1e30, -1e30,
		math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32}
	special := []float32{float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), -float32(math.NaN()), math.Float32frombits(0x7f800001)}
	random := func() float32 {
		switch rng.IntN(4) {
		case 0:
			return edge[rng.IntN(len(edge))]
		case 1:
			return float32(rng.NormFloat64() * 200)
		case 2:
			return float32(rng.IntN(600)-300) / 2
		}
		return math.Float32frombits(rng.Uint32() &^ 0x40000000) // finite
	}
	for _, scale := range []float32{1, 0.5, 2, 1 / 0.0039215686, 1 / 0.1, 1e-6, 1e6} {
		for _, typ := range []DType{Int8, Uint8} {
			for _, zp := range []int32{-128, -1, 0, 5, 127, 200, 255} {
				lo, hi := qrange(typ)
				if zp < lo || zp > hi {
					continue
				}
				for n := range 42 {
					for rep := range 6 {
						in := make([]float32, n)
						for i := range in {
							in[i] = random()
						}
						if rep%2 == 1 && n > 0 {
							in[rng.IntN(n)] = special[rng.IntN(len(special))]
						}
						out := make([]byte, n)
						xnnFromFloatRow(in, out, scale, zp, typ)
						for i, x := range in {
							if want := byte(xnnFromFloat(x, scale, zp, lo, hi)); out[i] != want {
								t.Fatalf("%v zero point %d, %g·%g: %d, want %d (row %v)", typ, zp, x, scale, out[i], want, in)
							}
						}
					}
				}
			}
		}
	}
}
