package engine

import (
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// HARD_SWISH in the browser TFLite (tflite-xnnpack): the XNNPACK delegate
// takes float32 HARD_SWISH (f32-vhswish, below); int8 and uint8 run TFLite's
// builtin kernel, which computes like the reference.

func init() {
	registerXNNPack(tflite.BuiltinOperatorHARD_SWISH, func(c *prepCtx) (kernel, error) {
		if in := c.in(0); in == nil || in.Type != Float32 {
			return nil, errNotFloatHardSwish
		}
		return prepareFloatUnary(c, "XNNPACK f32-vhswish: min(max(x + 3, 0), 6) · (x · float32(1/6))", xnnHardSwish)
	})
}

var errNotFloatHardSwish = errorString("the XNNPACK delegate takes HARD_SWISH in float32 only")

// errorString is a constant error.
type errorString string

func (e errorString) Error() string { return string(e) }

// xnnHardSwish is XNNPACK's f32-vhswish (wasmsimd): (x + 3) clamped to
// [0, 6] by integer max and min on the bits (a negative sum, −0 included,
// becomes +0), times x·sixth with sixth = 0x1.555556p-3; float32 throughout.
// TFLite's kernel computes x·min(max(x + 3, 0), 6)/6 instead.
func xnnHardSwish(x float32) float32 {
	acc := x + 3
	if int32(math.Float32bits(acc)) < 0 {
		acc = 0
	}
	acc = min(acc, 6) // for non-negative floats the bits order like the values
	return acc * float32(x*0x1.555556p-3)
}
