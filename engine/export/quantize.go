package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitQuantize, "QuantizeParams")
	register(emitXNNConvert, "xnnConvert")
	register(emitDequantize, "DequantizeParams")
}

// emitQuantize: TFLite's reference QUANTIZE (AffineQuantize from float32,
// Requantize between integer types).
func emitQuantize(c *opCtx) error {
	p := c.params.(*engine.QuantizeParams)
	c.use("quantize")
	if c.inT(0).Type == engine.Float32 {
		c.set(0, fmt.Sprintf("quantize_float(%s, %s, zero_point=%d, qmin=%d, qmax=%d)", c.in(0), pyF32(p.Scale), p.OutputZeroPoint, p.Min, p.Max))
		return nil
	}
	q := p.Requant
	c.set(0, fmt.Sprintf("requantize_int(%s, input_zero_point=%d, multiplier=%d, shift=%d, rounding=%q, output_zero_point=%d, qmin=%d, qmax=%d)",
		c.in(0), p.InputZeroPoint, q.Multiplier, q.Shift, string(q.Rounding), p.OutputZeroPoint, p.Min, p.Max))
	return nil
}

// xnnConvert mirrors the engine's XNNPACK QUANTIZE node.
type xnnConvert struct {
	Multiplier                      int32
	Scale                           float32
	InputZeroPoint, OutputZeroPoint int32
}

func emitXNNConvert(c *opCtx) error {
	var k xnnConvert
	c.decode(&k)
	c.use("quantize")
	out := pyDType(c.outT(0).Type)
	if c.inT(0).Type == engine.Float32 {
		c.set(0, fmt.Sprintf("quantize_float_xnnpack(%s, %s, zero_point=%d, dtype=%s)", c.in(0), pyF32(k.Scale), k.OutputZeroPoint, out))
		return nil
	}
	c.set(0, fmt.Sprintf("requantize_xnnpack(%s, input_zero_point=%d, multiplier=%d, output_zero_point=%d, dtype=%s)",
		c.in(0), k.InputZeroPoint, k.Multiplier, k.OutputZeroPoint, out))
	return nil
}

// emitDequantize: every profile computes scale·(q − zero point) in float32
// (XNNPACK's Convert node exactly so).
func emitDequantize(c *opCtx) error {
	p := c.params.(*engine.DequantizeParams)
	in := c.inT(0)
	c.use("quantize")
	switch {
	case in.Type == engine.Float16:
		c.set(0, fmt.Sprintf("%s.astype(np.float32)", c.in(0)))
	case p.Scales != nil:
		sc := c.array("scales", fmt.Sprintf("scale per slice of axis %d", p.Axis), p.Scales)
		zp := c.array("zero_points", fmt.Sprintf("zero point per slice of axis %d", p.Axis), p.ZeroPoints)
		c.set(0, fmt.Sprintf("dequantize_per_channel(%s, %s, %s, axis=%d)", c.in(0), sc, zp, p.Axis))
	default:
		c.set(0, fmt.Sprintf("dequantize(%s, %s, zero_point=%d)", c.in(0), pyF32(p.Scale), p.ZeroPoint))
	}
	return nil
}
