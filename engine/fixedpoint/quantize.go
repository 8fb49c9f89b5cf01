package fixedpoint

import (
	"fmt"
	"math"
)

// QuantizeMultiplier mirrors TFLite's QuantizeMultiplier (quantization_util.cc)
// in the default build. It splits real into a Q0.31 multiplier and a
// power-of-two exponent with real ≈ multiplier * 2^(shift-31):
//
//	q, shift = frexp(real)          // 0.5 <= |q| < 1
//	multiplier = round(q * 2^31)    // ties away from zero
//	if multiplier == 2^31 { multiplier /= 2; shift++ }
//	if shift < -31 { multiplier, shift = 0, 0 }
//
// A positive shift is a left shift. Zero gives (0, 0). It panics if real is
// NaN or infinite (TFLite aborts). The TFLITE_SINGLE_ROUNDING build
// additionally saturates shift > 30 to (MaxInt32, 30); that is not done here.
func QuantizeMultiplier(real float64) (multiplier int32, shift int) {
	if real == 0 {
		return 0, 0
	}
	if math.IsNaN(real) || math.IsInf(real, 0) {
		panic(fmt.Sprintf("fixedpoint: QuantizeMultiplier(%v): not finite", real))
	}
	q, shift := math.Frexp(real)
	qFixed := int64(math.Round(q * (1 << 31)))
	if qFixed == 1<<31 {
		qFixed /= 2
		shift++
	}
	if shift < -31 {
		return 0, 0
	}
	return int32(qFixed), shift
}

// QuantizeMultiplierSmallerThanOneExp mirrors TFLite's
// QuantizeMultiplierSmallerThanOneExp: QuantizeMultiplier for 0 < real < 1,
// returning a left shift <= 0. Like TFLite's TFLITE_CHECKs, it panics if real
// is outside (0, 1) or rounds up to a positive shift.
func QuantizeMultiplierSmallerThanOneExp(real float64) (multiplier int32, leftShift int) {
	if !(real > 0 && real < 1) {
		panic(fmt.Sprintf("fixedpoint: QuantizeMultiplierSmallerThanOneExp(%v): want 0 < real < 1", real))
	}
	multiplier, leftShift = QuantizeMultiplier(real)
	if leftShift > 0 {
		panic(fmt.Sprintf("fixedpoint: QuantizeMultiplierSmallerThanOneExp(%v): shift %d > 0", real, leftShift))
	}
	return multiplier, leftShift
}

// quantizeMultiplierGreaterThanOne mirrors TFLite's
// quantizeMultiplierGreaterThanOne: QuantizeMultiplier for real > 1, returning
// a left shift >= 0. Like TFLite's TFLITE_CHECKs, it panics if real <= 1.
func quantizeMultiplierGreaterThanOne(real float64) (multiplier int32, leftShift int) {
	if !(real > 1) {
		panic(fmt.Sprintf("fixedpoint: quantizeMultiplierGreaterThanOne(%v): want real > 1", real))
	}
	multiplier, leftShift = QuantizeMultiplier(real)
	if leftShift < 0 {
		panic(fmt.Sprintf("fixedpoint: quantizeMultiplierGreaterThanOne(%v): shift %d < 0", real, leftShift))
	}
	return multiplier, leftShift
}

// CalculateInputRadius mirrors TFLite's CalculateInputRadius
// (quantization_util.cc): the largest input difference that, after scaling
// by a multiplier with the given left shift, stays inside a
// Q(inputIntegerBits) fixed-point value of totalSignedBits bits:
//
//	floor((2^inputIntegerBits - 1) * 2^(totalSignedBits-inputIntegerBits) / 2^inputLeftShift)
//
// TFLite's default totalSignedBits is 15; int8 softmax and TFLite Micro's
// logistic and tanh pass 31. The result saturates at MaxInt32 (TFLite's int
// conversion would overflow), and a negative inputLeftShift multiplies.
func CalculateInputRadius(inputIntegerBits, inputLeftShift, totalSignedBits int) int32 {
	// The C++ scales by exact powers of two in double arithmetic; Ldexp does
	// the same in one step.
	r := math.Floor(math.Ldexp(float64(int64(1)<<inputIntegerBits-1),
		totalSignedBits-inputIntegerBits-inputLeftShift))
	if r > math.MaxInt32 {
		return math.MaxInt32
	}
	return int32(r)
}

// PreprocessSoftmaxScaling mirrors TFLite's PreprocessSoftmaxScaling
// (quantization_util.cc, default build) used by the int8 softmax: it
// quantizes min(beta * inputScale * 2^(31-inputIntegerBits), 2^31 - 1) with
// quantizeMultiplierGreaterThanOne, for input differences held in
// Q(inputIntegerBits). TFLite passes the float32 beta and scale widened to
// float64. Like TFLite, it panics if the product is not greater than 1.
func PreprocessSoftmaxScaling(beta, inputScale float64, inputIntegerBits int) (multiplier int32, leftShift int) {
	real := math.Min(beta*inputScale*float64(int64(1)<<(31-inputIntegerBits)), 1<<31-1)
	return quantizeMultiplierGreaterThanOne(real)
}

// Activation is a fused activation function, numbered as in the TFLite
// flatbuffer schema's ActivationFunctionType (and TfLiteFusedActivation).
type Activation int8

// Fused activation functions.
const (
	ActNone      Activation = 0
	ActRelu      Activation = 1
	ActReluN1To1 Activation = 2 // clamp to [-1, 1]
	ActRelu6     Activation = 3 // clamp to [0, 6]
	ActTanh      Activation = 4
	ActSignBit   Activation = 5
)

// ActivationRangeQuantized mirrors TFLite's CalculateActivationRangeQuantized
// (kernel_util.cc) for an output with the given scale and zero point, whose
// type holds [qmin, qmax]. For ActRelu, ActRelu6 and ActReluN1To1 it clamps
// [qmin, qmax] to the quantized bounds zeroPoint + round(f/scale), computed in
// float32 with ties away from zero (f = 0, 6, -1, 1); every other activation
// yields [qmin, qmax]. It returns an error, as TFLite does, if f/scale rounds
// outside the int32 range (e.g. a zero or tiny scale).
func ActivationRangeQuantized(act Activation, scale float64, zeroPoint, qmin, qmax int32) (lo, hi int32, err error) {
	s := float32(scale) // TFLite keeps tensor scales as float
	quantize := func(f float32) int32 {
		t := roundF(f / s)
		if err == nil && !(t >= -(1<<31) && t <= 1<<31) {
			err = fmt.Errorf("fixedpoint: activation bound %v with scale %v overflows int32", f, s)
		}
		return zeroPoint + cvtInt32(float64(t))
	}
	lo, hi = qmin, qmax
	switch act {
	case ActRelu:
		lo = max(qmin, quantize(0))
	case ActRelu6:
		lo = max(qmin, quantize(0))
		hi = min(qmax, quantize(6))
	case ActReluN1To1:
		lo = max(qmin, quantize(-1))
		hi = min(qmax, quantize(1))
	}
	if err != nil {
		return 0, 0, err
	}
	return lo, hi, nil
}

// ActivationRangeFloat mirrors TFLite's CalculateActivationRange<float>
// (kernel_util.h): [0, MaxFloat32] for ActRelu, [0, 6] for ActRelu6,
// [-1, 1] for ActReluN1To1 and [-MaxFloat32, MaxFloat32] otherwise.
func ActivationRangeFloat(act Activation) (lo, hi float32) {
	switch act {
	case ActRelu:
		return 0, math.MaxFloat32
	case ActRelu6:
		return 0, 6
	case ActReluN1To1:
		return -1, 1
	}
	return -math.MaxFloat32, math.MaxFloat32
}

// roundF is TfLiteRound (std::round): round half away from zero, in the
// precision of F.
func roundF[F float32 | float64](x F) F { return F(math.Round(float64(x))) }

// cvtInt32 converts f to int32 the way TFLite's static_cast<int32_t> behaves
// on x86-64 (CVTTSD2SI): truncation toward zero, with NaN and out-of-range
// values giving MinInt32.
func cvtInt32(f float64) int32 {
	if !(f > math.MinInt32-1 && f < math.MaxInt32+1) {
		return math.MinInt32
	}
	return int32(f)
}
