package engine

import "math"

// The C library's float32 functions as the browser TFLite computes them:
// Emscripten's libc is musl, whose expf and logf (from Arm's optimized
// routines) and sinf and cosf (from FreeBSD) evaluate a polynomial in
// float64 and round once to float32. They are not correctly rounded: about
// one input in a few thousand gives the float32 neighbour of the exact
// result, so float64 math rounded to float32 is not the same function. These
// are the same algorithms with the same constants, float64 operation by
// float64 operation (no fused multiply-add: WebAssembly has none, and each
// product below is converted explicitly so that Go does not fuse it either).

// muslExpf is musl's expf: e^x = 2^(k/32)·2^(r/32) with a 32-entry table
// for 2^(k/32) and a cubic for 2^(r/32).
func muslExpf(x float32) float32 {
	const (
		n        = 32
		invLn2N  = 0x1.71547652b82fep+0 * n
		shift    = 0x1.8p+52
		c0, c1   = 0x1.c6af84b912394p-5 / n / n / n, 0x1.ebfce50fac4f3p-3 / n / n
		c2       = 0x1.62e42ff0c52d6p-1 / n
		overflow = 0x1.62e42ep6  // above: +Inf
		underflo = -0x1.9fe368p6 // below: 0
	)
	ix := math.Float32bits(x)
	if abstop := ix >> 20 & 0x7ff; abstop >= math.Float32bits(88)>>20 {
		switch {
		case x == float32(math.Inf(-1)):
			return 0
		case abstop >= math.Float32bits(float32(math.Inf(1)))>>20:
			return x + x
		case x > overflow:
			return float32(math.Inf(1))
		case x < underflo:
			return 0
		}
	}
	z := float64(invLn2N * float64(x))
	kd := z + shift
	ki := math.Float64bits(kd)
	kd -= shift
	r := z - kd
	t := expfTable[ki%n] + ki<<(52-5)
	s := math.Float64frombits(t)
	zz := float64(c0*r) + c1
	r2 := float64(r * r)
	y := float64(c2*r) + 1
	y = float64(zz*r2) + y
	return float32(float64(y * s))
}

// expfTable[i] holds the bits of 2^(i/32) minus i<<47 (musl's
// __exp2f_data.tab).
var expfTable = [32]uint64{
	0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51,
	0x3fef72b83c7d517b, 0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1,
	0x3fef06fe0a31b715, 0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
	0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429, 0x3feea47eb03a5585,
	0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
	0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
	0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069,
	0x3fef5818dcfba487, 0x3fef7c97337b9b5f, 0x3fefa4afa2a490da, 0x3fefd0765b6e4540,
}

// muslLogf is musl's logf: x = 2^k·z with z near a table point c,
// log x = log1p(z/c − 1) + log c + k·ln 2, log1p by a cubic.
func muslLogf(x float32) float32 {
	const (
		off = 0x3f330000
		ln2 = 0x1.62e42fefa39efp-1
		a0  = -0x1.00ea348b88334p-2
		a1  = 0x1.5575b0be00b6ap-2
		a2  = -0x1.ffffef20a4123p-2
	)
	ix := math.Float32bits(x)
	if ix == 0x3f800000 {
		return 0
	}
	if ix-0x00800000 >= 0x7f800000-0x00800000 {
		switch {
		case ix*2 == 0:
			return float32(math.Inf(-1))
		case ix == 0x7f800000:
			return x
		case ix&0x80000000 != 0 || ix*2 >= 0xff000000:
			return float32(math.NaN())
		}
		ix = math.Float32bits(x * 0x1p23) // subnormal: normalize
		ix -= 23 << 23
	}
	tmp := ix - off
	i := (tmp >> (23 - 4)) % 16
	k := int32(tmp) >> 23
	iz := ix - tmp&0xff800000
	invc, logc := logfTable[i][0], logfTable[i][1]
	z := float64(math.Float32frombits(iz))
	r := float64(z*invc) - 1
	y0 := logc + float64(float64(k)*ln2)
	r2 := float64(r * r)
	y := float64(a1*r) + a2
	y = float64(a0*r2) + y
	y = float64(y*r2) + (y0 + r)
	return float32(y)
}

// logfTable is musl's __logf_data.tab: {1/c, log c} per subinterval.
var logfTable = [16][2]float64{
	{0x1.661ec79f8f3bep+0, -0x1.57bf7808caadep-2},
	{0x1.571ed4aaf883dp+0, -0x1.2bef0a7c06ddbp-2},
	{0x1.49539f0f010bp+0, -0x1.01eae7f513a67p-2},
	{0x1.3c995b0b80385p+0, -0x1.b31d8a68224e9p-3},
	{0x1.30d190c8864a5p+0, -0x1.6574f0ac07758p-3},
	{0x1.25e227b0b8eap+0, -0x1.1aa2bc79c81p-3},
	{0x1.1bb4a4a1a343fp+0, -0x1.a4e76ce8c0e5ep-4},
	{0x1.12358f08ae5bap+0, -0x1.1973c5a611cccp-4},
	{0x1.0953f419900a7p+0, -0x1.252f438e10c1ep-5},
	{0x1p+0, 0x0p+0},
	{0x1.e608cfd9a47acp-1, 0x1.aa5aa5df25984p-5},
	{0x1.ca4b31f026aap-1, 0x1.c5e53aa362eb4p-4},
	{0x1.b2036576afce6p-1, 0x1.526e57720db08p-3},
	{0x1.9c2d163a1aa2dp-1, 0x1.bc2860d22477p-3},
	{0x1.886e6037841edp-1, 0x1.1058bc8a07ee1p-2},
	{0x1.767dcf5534862p-1, 0x1.4043057b6ee09p-2},
}

// sindf and cosdf are musl's __sindf and __cosdf: sin and cos on
// [−π/4, π/4] by polynomials in float64, rounded to float32.
func sindf(x float64) float32 {
	const (
		s1 = -0x15555554cbac77.0p-55
		s2 = 0x111110896efbb2.0p-59
		s3 = -0x1a00f9e2cae774.0p-65
		s4 = 0x16cd878c3b46a7.0p-71
	)
	z := float64(x * x)
	w := float64(z * z)
	r := s3 + float64(z*s4)
	s := float64(z * x)
	return float32((x + float64(s*(s1+float64(z*s2)))) + float64(float64(s*w)*r))
}

func cosdf(x float64) float32 {
	const (
		c0 = -0x1ffffffd0c5e81.0p-54
		c1 = 0x155553e1053a42.0p-57
		c2 = -0x16c087e80f1e27.0p-62
		c3 = 0x199342e0ee5069.0p-68
	)
	z := float64(x * x)
	w := float64(z * z)
	r := c2 + float64(z*c3)
	return float32(((1.0 + float64(z*c0)) + float64(w*c1)) + float64(float64(w*z)*r))
}

// remPio2f is musl's __rem_pio2f for |x| < 2^28·π/2: x = n·π/2 + y with
// |y| ≲ π/4. ok is false for larger x (musl's multi-precision reduction,
// not reproduced).
func remPio2f(x float32) (n int, y float64, ok bool) {
	const (
		toint   = 1.5 / 0x1p-52
		pio4    = 0x1.921fb6p-1
		invpio2 = 6.36619772367581382433e-01
		pio2_1  = 1.57079631090164184570e+00
		pio2_1t = 1.58932547735281966916e-08
	)
	if math.Float32bits(x)&0x7fffffff >= 0x4dc90fdb {
		return 0, 0, false
	}
	xd := float64(x)
	fn := float64(float64(xd*invpio2)+toint) - toint
	n = int(int32(fn))
	reduce := func() float64 { return float64(xd-float64(fn*pio2_1)) - float64(fn*pio2_1t) }
	y = reduce()
	if y < -pio4 {
		n--
		fn--
		y = reduce()
	} else if y > pio4 {
		n++
		fn++
		y = reduce()
	}
	return n, y, true
}

// muslSinf is musl's sinf.
func muslSinf(x float32) float32 {
	const p1, p2, p3, p4 = 1 * math.Pi / 2, 2 * math.Pi / 2, 3 * math.Pi / 2, 4 * math.Pi / 2
	ix := math.Float32bits(x)
	sign := ix>>31 != 0
	ix &= 0x7fffffff
	xd := float64(x)
	switch {
	case ix <= 0x3f490fda:
		if ix < 0x39800000 {
			return x
		}
		return sindf(xd)
	case ix <= 0x407b53d1:
		if ix <= 0x4016cbe3 {
			if sign {
				return -cosdf(xd + p1)
			}
			return cosdf(xd - p1)
		}
		if sign {
			return sindf(-(xd + p2))
		}
		return sindf(-(xd - p2))
	case ix <= 0x40e231d5:
		if ix <= 0x40afeddf {
			if sign {
				return cosdf(xd + p3)
			}
			return -cosdf(xd - p3)
		}
		if sign {
			return sindf(xd + p4)
		}
		return sindf(xd - p4)
	case ix >= 0x7f800000:
		return x - x
	}
	n, y, ok := remPio2f(x)
	if !ok {
		return float32(math.Sin(xd))
	}
	switch n & 3 {
	case 0:
		return sindf(y)
	case 1:
		return cosdf(y)
	case 2:
		return sindf(-y)
	}
	return -cosdf(y)
}

// muslCosf is musl's cosf.
func muslCosf(x float32) float32 {
	const p1, p2, p3, p4 = 1 * math.Pi / 2, 2 * math.Pi / 2, 3 * math.Pi / 2, 4 * math.Pi / 2
	ix := math.Float32bits(x)
	sign := ix>>31 != 0
	ix &= 0x7fffffff
	xd := float64(x)
	switch {
	case ix <= 0x3f490fda:
		if ix < 0x39800000 {
			return 1
		}
		return cosdf(xd)
	case ix <= 0x407b53d1:
		if ix > 0x4016cbe3 {
			if sign {
				return -cosdf(xd + p2)
			}
			return -cosdf(xd - p2)
		}
		if sign {
			return sindf(xd + p1)
		}
		return sindf(p1 - xd)
	case ix <= 0x40e231d5:
		if ix > 0x40afeddf {
			if sign {
				return cosdf(xd + p4)
			}
			return cosdf(xd - p4)
		}
		if sign {
			return sindf(-xd - p3)
		}
		return sindf(xd - p3)
	case ix >= 0x7f800000:
		return x - x
	}
	n, y, ok := remPio2f(x)
	if !ok {
		return float32(math.Cos(xd))
	}
	switch n & 3 {
	case 0:
		return cosdf(y)
	case 1:
		return sindf(-y)
	case 2:
		return -cosdf(y)
	}
	return sindf(y)
}
