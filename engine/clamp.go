package engine

import (
	"github.com/int8scope/int8scope/internal/jsonenc"
	"math"

	"github.com/int8scope/int8scope/engine/fixedpoint"
)

// The clamps of TFLite's kernels, and the activation ranges they clamp to.

// clamp limits an integer to [lo, hi].
func clamp(v, lo, hi int32) int32 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// clampF is TFLite's ActivationFunctionWithMinMax for float32:
// std::min(std::max(x, lo), hi), which keeps −0 and NaN as they are (Go's
// min and max would turn −0 into +0).
func clampF(x, lo, hi float32) float32 {
	if x < lo {
		x = lo
	}
	if hi < x {
		x = hi
	}
	return x
}

// clampGo sets each v[i] to Go's min(max(v[i], lo), hi) for float32,
// written out: NaN stays NaN, and max(−0, +0) is +0 as min(+0, −0) is −0.
// The XNNPACK float kernels clamp so. Go's WebAssembly backend makes the
// builtin float min and max calls into the runtime (runtime.fmax32 and
// fmin32, two per element: a third of a 3-op float model's run there);
// this loop makes none.
func clampGo(v []float32, lo, hi float32) {
	for i, x := range v {
		switch {
		case lo < x && x < hi:
		case x < lo && lo < hi:
			v[i] = lo
		case hi < x && lo < hi:
			v[i] = hi
		default: // NaNs, equal values, lo ≥ hi
			v[i] = minGo(maxGo(x, lo), hi)
		}
	}
}

// maxGo is Go's max(x, y) for float32.
func maxGo(x, y float32) float32 {
	switch {
	case y != y || y > x:
		return y
	case x != x || x > y || x != 0:
		return x
	}
	return math.Float32frombits(math.Float32bits(x) & math.Float32bits(y)) // ±0: +0 unless both are −0
}

// minGo is Go's min(x, y) for float32.
func minGo(x, y float32) float32 {
	switch {
	case y != y || y < x:
		return y
	case x != x || x < y || x != 0:
		return x
	}
	return math.Float32frombits(math.Float32bits(x) | math.Float32bits(y)) // ±0: −0 if either is
}

// qrange returns the representable range of an integer type.
func qrange(t DType) (lo, hi int32) {
	switch t {
	case Int8:
		return -128, 127
	case Uint8:
		return 0, 255
	case Int16:
		return -32768, 32767
	}
	return -1 << 31, 1<<31 - 1
}

// quantizedActivation is TFLite's CalculateActivationRangeQuantized for the
// output tensor's scale, zero point and type.
func quantizedActivation(act fixedpoint.Activation, out *Tensor) (lo, hi int32, err error) {
	qmin, qmax := qrange(out.Type)
	return fixedpoint.ActivationRangeQuantized(act, out.Scale(), out.ZeroPoint(), qmin, qmax)
}

// floatActivation is TFLite's CalculateActivationRange for float.
func floatActivation(act fixedpoint.Activation) (lo, hi float32) {
	return fixedpoint.ActivationRangeFloat(act)
}

// int32ActivationRange is TFLite's CalculateActivationRange<int32_t>, the
// clamp of a fused activation on an unquantized int32 output.
func int32ActivationRange(act fixedpoint.Activation) (lo, hi int32) {
	switch act {
	case fixedpoint.ActRelu:
		return 0, 1<<31 - 1
	case fixedpoint.ActRelu6:
		return 0, 6
	case fixedpoint.ActReluN1To1:
		return -1, 1
	}
	return -1 << 31, 1<<31 - 1
}

// Bound is a float32 clamp bound of XNNPACK's float operators: ±Inf when
// the op has no fused activation (XNNPACK clamps to [−∞, +∞], which keeps
// infinities, where TFLite's kernels clamp to ±FLT_MAX). JSON has no
// infinities, so a Bound marshals them as the strings "-Infinity" and
// "Infinity" (JavaScript's names), and the parameters of a float model
// can still be shown.
type Bound float32

// MarshalJSON writes b as a JSON number, or ±Infinity as a string.
func (b Bound) MarshalJSON() ([]byte, error) {
	switch f := float64(b); {
	case math.IsInf(f, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-Infinity"`), nil
	}
	return jsonenc.Marshal(float32(b))
}
