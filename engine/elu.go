package engine

import (
	"math"

	"github.com/int8scope/int8scope/engine/tflite"
)

// ELU mirrors TFLite's activations.cc (EluPrepare, EluEval) and TFLite
// Micro's elu.cc, int8 only: float32 ELU is refused for now (the browser
// TFLite's XNNPACK f32-velu polynomial and TFLite Micro's expf(x) − 1 are
// not reproduced bit for bit yet). int8 is a 256-entry lookup table built in float32 when the model is prepared
// (PopulateLookupTable, in every TFLite build):
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

func prepareElu(c *prepCtx) (kernel, error) {
	if err := c.io(1, 1, 1); err != nil {
		return nil, err
	}
	if c.in(0).Type == Float32 {
		return nil, c.errorf("float32 ELU is not supported yet: the browser TFLite's XNNPACK f32-velu and TFLite Micro's float kernel are not reproduced bit for bit")
	}
	if _, _, _, err := c.elementwise(Int8); err != nil {
		return nil, err
	}
	return builtinLUT(c, cElu)
}
