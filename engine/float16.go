package engine

import "math"

// IEEE 754 binary16 ("half"), TFLite's FLOAT16 tensors: 1 sign bit, 5
// exponent bits (bias 15), 10 fraction bits, subnormals, infinities and NaN.
// Every half is exactly a float32, so DEQUANTIZE fp16→fp32 is exact.

// halfToFloat32 returns the float32 whose value is the half with bits h.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // infinity or NaN (payload kept)
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
	case frac == 0: // ±0
		return math.Float32frombits(sign)
	}
	// Subnormal half: frac·2^−24, a normal float32.
	v := float32(frac) * (1.0 / (1 << 24))
	if sign != 0 {
		v = -v
	}
	return v
}

// float32ToHalf rounds f to the nearest half, ties to even, as a C++
// float→half conversion does; out-of-range values become ±infinity.
func float32ToHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	frac := b & 0x7fffff
	if exp == 0xff { // infinity or NaN
		h := sign | 0x7c00
		if frac != 0 {
			h |= 0x200 | uint16(frac>>13)
		}
		return h
	}
	e := exp - 127 + 15
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e <= 0 { // subnormal half or zero
		if e < -10 {
			return sign
		}
		m := frac | 0x800000 // 24-bit significand
		shift := uint32(14 - e)
		h := m >> shift
		rem := m & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if rem > half || (rem == half && h&1 == 1) {
			h++
		}
		return sign | uint16(h)
	}
	h := uint32(e)<<10 | frac>>13
	rem := frac & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && h&1 == 1) {
		h++ // may carry into the exponent, up to infinity: still correct
	}
	return sign | uint16(h)
}

// AsFloat16 converts raw FLOAT16 tensor bytes to their float32 values.
func AsFloat16(b []byte) []float32 {
	out := make([]float32, len(b)/2)
	for i := range out {
		out[i] = halfToFloat32(uint16(b[2*i]) | uint16(b[2*i+1])<<8)
	}
	return out
}
