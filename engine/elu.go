package engine

import (
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ELU mirrors TFLite's activations.cc (EluPrepare, EluEval) and TFLite
// Micro's elu.cc.
//
// float32 is reference_ops::Elu, out = x < 0 ? expm1f(x) : x, with the C
// library's expm1f. TFLite Micro (the reference profile) runs on glibc,
// whose expm1f is Sun's float algorithm (glibcExpm1f); the browser TFLite
// hands float32 ELU to the XNNPACK delegate (elu_xnnpack.go).
//
// int8 is a 256-entry lookup table built in float32 when the model is
// prepared (PopulateLookupTable, in every TFLite build):
//
//	table[v] = clamp(roundf(elu(s_in·(v − zp_in)) · (1/s_out)) + zp_out, −128, 127)
//
// The kernel is builtinLUT's table (shared with LOGISTIC and TANH).

func init() { register(tflite.BuiltinOperatorELU, prepareElu) }

// cElu is the float function of ELU's int8 table, with expm1f computed in
// float64 and rounded to float32.
func cElu(x float32) float32 {
	if x < 0 {
		return float32(math.Expm1(float64(x)))
	}
	return x
}

// glibcElu is reference_ops::Elu's float32 function on glibc.
func glibcElu(x float32) float32 {
	if x < 0 {
		return glibcExpm1f(x)
	}
	return x
}

func prepareElu(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	if c.in(0).Type == Float32 {
		return prepareFloatUnary(c, "x < 0 ? expm1f(x) : x (glibc expm1f)", glibcElu)
	}
	if _, _, _, err := c.elementwise(Int8); err != nil {
		return nil, err
	}
	return builtinLUT(c, cElu)
}

// glibcExpm1f is glibc's expm1f (sysdeps/ieee754/flt-32/s_expm1f.c, Sun's
// algorithm, what TFLite Micro calls on Linux), every operation in float32:
// x = k·ln2 + r (ln2 split in a high and a low part, c the rounding error
// of the reduction), expm1(r) from a degree-5 rational approximation
// R(r²/2) with r1 = 1 + hxs·(Q1 + hxs·(Q2 + … + hxs·Q5)), then scaled by
// 2^k. musl's expm1f is the same algorithm with a degree-2 polynomial, so
// the two C libraries differ in the last bit on some inputs.
func glibcExpm1f(x float32) float32 {
	const (
		lnHi   = float32(6.9313812256e-01) // 0x3f317180
		lnLo   = float32(9.0580006145e-06) // 0x3717f7d1
		invLn2 = float32(1.4426950216e+00) // 0x3fb8aa3b
		oThres = float32(8.8721679688e+01) // 0x42b17180
		q1     = float32(-3.3333335072e-02)
		q2     = float32(1.5873016091e-03)
		q3     = float32(-7.9365076090e-05)
		q4     = float32(4.0082177293e-06)
		q5     = float32(-2.0109921195e-07)
	)
	bits := math.Float32bits(x)
	neg := bits>>31 != 0
	hx := bits & 0x7fffffff
	if hx >= 0x4195b844 { // |x| ≥ 27·ln2
		if hx >= 0x42b17218 { // |x| ≥ 88.72...
			if hx > 0x7f800000 {
				return x + x // NaN
			}
			if hx == 0x7f800000 {
				if neg {
					return -1
				}
				return x
			}
			if x > oThres {
				return float32(math.Inf(1))
			}
		}
		if neg {
			return -1 // tiny − 1 rounds to −1
		}
	}
	var hi, lo, c float32
	var k int32
	switch {
	case hx > 0x3eb17218: // |x| > ln2/2
		if hx < 0x3f851592 { // and |x| < 1.5·ln2
			if !neg {
				hi, lo, k = x-lnHi, lnLo, 1
			} else {
				hi, lo, k = x+lnHi, -lnLo, -1
			}
		} else {
			h := float32(0.5)
			if neg {
				h = -0.5
			}
			k = int32(float32(invLn2*x) + h) // C's conversion truncates
			t := float32(k)
			hi = x - float32(t*lnHi) // exact
			lo = float32(t * lnLo)
		}
		x = hi - lo
		c = (hi - x) - lo
	case hx < 0x33000000: // |x| < 2^-25
		return x
	}
	hfx := float32(0.5 * x)
	hxs := float32(x * hfx)
	r1 := 1 + float32(hxs*(q1+float32(hxs*(q2+float32(hxs*(q3+float32(hxs*(q4+float32(hxs*q5)))))))))
	t := 3 - float32(r1*hfx)
	e := float32(hxs * ((r1 - t) / (6 - float32(x*t))))
	if k == 0 {
		return x - (float32(x*e) - hxs)
	}
	e = float32(x*(e-c)) - c
	e -= hxs
	switch {
	case k == -1:
		return float32(0.5*(x-e)) - 0.5
	case k == 1:
		if x < -0.25 {
			return float32(-2 * (e - (x + 0.5)))
		}
		return 1 + float32(2*(x-e))
	case k <= -2 || k > 56:
		y := 1 - (e - x)
		y = math.Float32frombits(uint32(int32(math.Float32bits(y)) + k<<23))
		return y - 1
	case k < 23:
		t = math.Float32frombits(0x3f800000 - 0x1000000>>k) // 1 − 2^-k
		y := t - (e - x)
		return math.Float32frombits(uint32(int32(math.Float32bits(y)) + k<<23))
	default:
		t = math.Float32frombits(uint32(0x7f-k) << 23) // 2^-k
		y := x - (e + t)
		y++
		return math.Float32frombits(uint32(int32(math.Float32bits(y)) + k<<23))
	}
}
