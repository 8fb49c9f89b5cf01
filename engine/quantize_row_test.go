package engine

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestQuantizeFloatsRow checks quantizeFloatsRow (QUANTIZE's float32 loop
// in WebAssembly) against quantize, element by element, on halves, the
// int32 and float32 edges, NaN, ±Inf and random values, for several
// scales, zero points and output types.
func TestQuantizeFloatsRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	var in []float32
	for _, v := range []float64{0, 0.5, 1.5, 2.5, -0.5, -1.5, 0.49999997, -0.49999997, 1 << 23, 1<<23 - 0.5, 1 << 24,
		1 << 31, -(1 << 31), 1<<31 - 128, -(1<<31 - 128), 1 << 40, -(1 << 40), math.Inf(1), math.Inf(-1), math.NaN(),
		math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, 127.5, -128.5, 255.5, 32767.5, -32768.5} {
		in = append(in, float32(v), math.Nextafter32(float32(v), 0), math.Nextafter32(float32(v), float32(math.Inf(1))))
	}
	for range 4000 {
		in = append(in, float32(rng.NormFloat64()*200), math.Float32frombits(rng.Uint32()), float32(rng.IntN(600)-300)/2)
	}
	for _, scale := range []float32{1, 0.5, 0.00390625, 0.0039215689, 0.1, 3.7, 1e-30, 1e30} {
		for _, zp := range []int32{0, -128, 127, 5, -1} {
			for _, typ := range []DType{Int8, Uint8, Int16} {
				lo, hi := qrange(typ)
				if zp < lo || zp > hi {
					continue
				}
				p := &QuantizeParams{Scale: scale, OutputZeroPoint: zp, Min: lo, Max: hi}
				for _, cut := range []int{0, 1, 2, 3, 5} { // every tail length, from several starts
					in := in[cut%3 : len(in)-cut]
					out := make([]int32, len(in))
					quantizeFloatsRow(p, in, out)
					for i, x := range in {
						if want := p.quantize(x); out[i] != want {
							t.Fatalf("scale %v zp %d %v: quantize(%v) = %d, row gives %d", scale, zp, typ, x, want, out[i])
						}
					}
				}
			}
		}
	}
}

// TestRequantizeInts checks requantizeInts (quantMul) against requantize,
// element by element, for random multipliers of both roundings, zero
// points and int16 and int32 inputs.
func TestRequantizeInts(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 4))
	xs := []int32{0, 1, -1, math.MaxInt32, math.MinInt32, math.MaxInt16, math.MinInt16}
	for range 3000 {
		xs = append(xs, int32(rng.Uint32()), int32(rng.IntN(1<<16))-1<<15)
	}
	x16 := make([]int16, len(xs))
	for i, x := range xs {
		x16[i] = int16(x)
	}
	for range 300 {
		q := newRequant(math.Ldexp(0.5+rng.Float64()/2, rng.IntN(44)-34))
		if rng.IntN(2) == 0 {
			q.Rounding = RoundSingle
		}
		for _, typ := range []DType{Int8, Int16, Int32} {
			lo, hi := qrange(typ)
			p := &QuantizeParams{Requant: q, InputZeroPoint: int32(rng.IntN(200)) - 100, OutputZeroPoint: int32(rng.IntN(200)) - 100, Min: lo, Max: hi}
			out := make([]int32, len(xs))
			requantizeInts(p, xs, out)
			for i, x := range xs {
				if want := p.requantize(x); out[i] != want {
					t.Fatalf("%+v %v: requantize(%d) = %d, requantizeInts gives %d", q, typ, x, want, out[i])
				}
			}
			requantizeInts(p, x16, out)
			for i, x := range x16 {
				if want := p.requantize(int32(x)); out[i] != want {
					t.Fatalf("%+v %v: requantize(%d) = %d, requantizeInts gives %d", q, typ, x, want, out[i])
				}
			}
		}
	}
}

// TestQuantizeFloats4 checks quantizeFloats4 (QUANTIZE's float32 loop in
// WebAssembly) against quantize, element by element, on rows of every
// length up to 41 of random, tie and near-tie values, with and without one
// special value (NaN, ±Inf, magnitudes around 2^31 and beyond, which send
// the row to quantizeFloatsRow), for several scales, zero points and
// output types.
func TestQuantizeFloats4(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 5))
	var plain []float32
	for _, v := range []float64{0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, -0.49999997, 1 << 23, 1<<23 - 0.5, 1 << 24,
		1<<31 - 128, -(1<<31 - 128), 1 << 30, -(1 << 30), 1<<22 + 0.5, math.SmallestNonzeroFloat32, 127.5, -128.5, 255.5, 32767.5, -32768.5} {
		plain = append(plain, float32(v), -float32(v), math.Nextafter32(float32(v), 0), math.Nextafter32(float32(v), float32(math.Inf(1))))
	}
	plain = append(plain, float32(math.Copysign(0, -1)))
	special := []float32{float32(math.NaN()), -float32(math.NaN()), math.Float32frombits(0x7fc00001), float32(math.Inf(1)), float32(math.Inf(-1)),
		1 << 31, -(1 << 31), math.Nextafter32(-(1 << 31), 0), math.Nextafter32(1<<31, 0), 1 << 40, -(1 << 40), math.MaxFloat32, -math.MaxFloat32}
	random := func() float32 {
		switch rng.IntN(4) {
		case 0:
			return plain[rng.IntN(len(plain))]
		case 1:
			return float32(rng.NormFloat64() * 200)
		case 2:
			return float32(rng.IntN(600)-300) / 2
		}
		return math.Float32frombits(rng.Uint32() & 0xcfffffff) // below 2^31 in magnitude
	}
	for _, scale := range []float32{1, 0.5, 0.00390625, 0.0039215689, 0.1, 3.7, 1e-30, 1e30} {
		for _, zp := range []int32{0, -128, 127, 5, -1, 32767, -32768} {
			for _, typ := range []DType{Int8, Uint8, Int16} {
				lo, hi := qrange(typ)
				if zp < lo || zp > hi {
					continue
				}
				p := &QuantizeParams{Scale: scale, OutputZeroPoint: zp, Min: lo, Max: hi}
				for n := range 42 {
					for rep := range 6 {
						in := make([]float32, n)
						for i := range in {
							in[i] = random()
						}
						if rep%2 == 1 && n > 0 {
							in[rng.IntN(n)] = special[rng.IntN(len(special))]
						}
						out := make([]int32, n)
						quantizeFloats4(p, in, out)
						for i, x := range in {
							if want := p.quantize(x); out[i] != want {
								t.Fatalf("scale %v zp %d %v: quantize(%v) = %d, quantizeFloats4 gives %d (row %v)", scale, zp, typ, x, want, out[i], in)
							}
						}
					}
				}
			}
		}
	}
}
