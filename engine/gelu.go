package engine

import (
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// GELU mirrors TFLite's kernels/gelu.cc over reference/gelu.h as built in
// the browser TFLite of 2022 (every profile; the XNNPACK delegate of that
// time has no GELU). float32 is an Eigen array expression whose erf and
// tanh are Eigen's rational approximations (eigenErff, eigenTanhf), each
// operation in float32:
//
//   - exact:       out = (0.5·x) · (1 + erf(x · float32(1/√2)))
//   - approximate: out = (0.5·x) · (1 + tanh(float32(√(2/π)) · (x + 0.044715·((x·x)·x))))
//
// int8 and uint8 look the output up in a 256-entry table built in float32
// when the model is loaded (PopulateLookupTable, builtinLUT),
//
//	table[v] = clamp(roundf(gelu(s_in·(v − zp_in)) · (1/s_out)) + zp_out),
//
// from gelu.h's plain functions, which call the C library instead
// (geluTableExact: erf in double; geluTableApproximate: tanhf, the cube
// multiplied from the left as ((0.044715·x)·x)·x).
func init() { register(tflite.BuiltinOperatorGELU, prepareGelu) }

// geluSqrt2dPi is gelu.h's kSqrt2dPi: 2/√π · 1/√2 in double, as float32.
var geluSqrt2dPi = float32(2 / math.SqrtPi * (1 / math.Sqrt2))

const geluSqrt1_2 = float32(1 / math.Sqrt2) // static_cast<float>(M_SQRT1_2)

// geluExact is the float32 kernel's exact GELU.
func geluExact(x float32) float32 {
	return float32(0.5*x) * (1 + eigenErff(float32(x*geluSqrt1_2)))
}

// geluApproximate is the float32 kernel's tanh GELU (Eigen's cube: (x·x)·x).
func geluApproximate(x float32) float32 {
	cube := float32(float32(x*x) * x)
	return float32(0.5*x) * (1 + eigenTanhf(float32(geluSqrt2dPi*float32(x+float32(0.044715*cube)))))
}

// geluTableExact is GeluTransform, the table's exact GELU: erf in double.
func geluTableExact(x float32) float32 {
	return float32(float64(float32(0.5*x)) * (1 + math.Erf(float64(x)*(1/math.Sqrt2))))
}

// geluTableApproximate is GeluTransformApproximate: tanhf, and the cube
// multiplied from the left.
func geluTableApproximate(x float32) float32 {
	cube := float32(float32(float32(0.044715*x)*x) * x)
	return float32(0.5*x) * (1 + cTanhf(float32(geluSqrt2dPi*float32(x+cube))))
}

// eigenPoly evaluates Eigen's Horner scheme c[0] + x2·(c[1] + x2·(…)) from
// the highest coefficient, one float32 multiply and add at a time (pmadd
// without FMA in WebAssembly).
func eigenPoly(x2 float32, c ...float32) float32 {
	p := c[len(c)-1]
	for i := len(c) - 2; i >= 0; i-- {
		p = float32(x2*p) + c[i]
	}
	return p
}

// eigenErff is Eigen's generic_fast_erf_float: x clamped to [−4, 4], an odd
// 13th-degree numerator over an even 8th-degree denominator.
func eigenErff(a float32) float32 {
	x := max32(min32(a, 4), -4)
	x2 := x * x
	p := x * eigenPoly(x2, -1.60960333262415e-02, -2.95459980854025e-03, -7.34990630326855e-04,
		-5.69250639462346e-05, -2.10102402082508e-06, 2.77068142495902e-08, -2.72614225801306e-10)
	q := eigenPoly(x2, -1.42647390514189e-02, -7.37332916720468e-03, -1.68282697438203e-03,
		-2.13374055278905e-04, -1.45660718464996e-05)
	return p / q
}

// eigenTanhf is Eigen's generic_fast_tanh_float (without FMA): x for
// |x| < 0.0004, otherwise x clamped to ±7.90531110763549805 and an odd
// 13th-degree numerator over an even 6th-degree denominator.
func eigenTanhf(a float32) float32 {
	if float32(math.Abs(float64(a))) < 0.0004 {
		return a
	}
	x := max32(min32(a, 7.90531110763549805), -7.90531110763549805)
	x2 := x * x
	p := x * eigenPoly(x2, 4.89352455891786e-03, 6.37261928875436e-04, 1.48572235717979e-05,
		5.12229709037114e-08, -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16)
	q := eigenPoly(x2, 4.89352518554385e-03, 2.26843463243900e-03, 1.18534705686654e-04, 1.19825839466702e-06)
	return p / q
}

// min32 and max32 are std::min and std::max.
func min32(a, b float32) float32 {
	if b < a {
		return b
	}
	return a
}

func max32(a, b float32) float32 {
	if a < b {
		return b
	}
	return a
}

func prepareGelu(c *prepCtx) (kernel, error) {
	_, _, quantized, err := c.elementwise(Int8, Uint8)
	if err != nil {
		return nil, err
	}
	o, _ := c.op.Options.(*tflite.GeluOptionsT)
	f, table, formula := geluExact, geluTableExact, "(0.5·x) · (1 + Eigen erf(x · 0.707106769))"
	if o != nil && o.Approximate {
		f, table, formula = geluApproximate, geluTableApproximate, "(0.5·x) · (1 + Eigen tanh(0.797884583 · (x + 0.044715·((x·x)·x))))"
	}
	if quantized {
		return builtinLUT(c, table)
	}
	return prepareFloatUnary(c, formula, f)
}
