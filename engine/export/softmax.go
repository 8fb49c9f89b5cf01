package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/fixedpoint"
)

// widen16 is an int16 table as int32 for the .npz.
func widen16(v []int16) []int32 {
	w := make([]int32, len(v))
	for i, x := range v {
		w[i] = int32(x)
	}
	return w
}

func init() {
	register(emitSoftmax, "SoftmaxParams")
	register(emitSoftmaxTable, "builtinSoftmaxNode")
	register(emitSoftmaxFloatXNNPack, "xnnSoftmaxFloat")
}

// emitSoftmax: TFLite's reference SOFTMAX (fixed point) for int8 and uint8
// inputs, with the build's rounding of the input scaling.
func emitSoftmax(c *opCtx) error {
	p := c.params.(*engine.SoftmaxParams)
	in, out := c.inT(0), c.outT(0)
	if in.Type == engine.Float32 {
		c.use("softmax")
		c.set(0, fmt.Sprintf("softmax_float(%s, beta=%s)", c.in(0), pyF32(p.Beta)))
		return nil
	}
	if in.Type == engine.Int16 {
		exp, rec := fixedpoint.SoftmaxInt16LUTs[float32]() // as the engine's Prepare (TFLite Micro's float32 LUTPopulate)
		c.use("softmax")
		ep := c.array("exp_lut", "513-entry int16 table of exp(x), x in [-10, 0] (LUTPopulate<int16_t>, float32)", widen16(exp))
		rp := c.array("reciprocal_lut", "513-entry int16 table of 1/(1+x), x in [0, 1] (LUTPopulate<int16_t>, float32)", widen16(rec))
		c.set(0, fmt.Sprintf("softmax_int16(%s, input_multiplier=%d, input_left_shift=%d, rounding=%q, exp_lut=%s, reciprocal_lut=%s)",
			c.in(0), p.InputMultiplier, p.InputLeftShift, string(p.Rounding), ep, rp))
		return nil
	}
	if in.Type != engine.Int8 && in.Type != engine.Uint8 {
		return c.unsupported("%v → %v", in.Type, out.Type)
	}
	c.use("softmax")
	c.set(0, fmt.Sprintf("softmax_fixedpoint(%s, input_multiplier=%d, input_left_shift=%d, diff_min=%d, rounding=%q, out_dtype=%s)",
		c.in(0), p.InputMultiplier, p.InputLeftShift, p.DiffMin, string(p.Rounding), pyDType(out.Type)))
	return nil
}

// builtinSoftmaxNode mirrors the engine's builtin (table) SOFTMAX.
type builtinSoftmaxNode struct {
	Table     [256]float32
	ZeroPoint int32
	Scale     float32
}

func emitSoftmaxTable(c *opCtx) error {
	var k builtinSoftmaxNode
	c.decode(&k)
	c.use("softmax")
	tab := c.array("table", "SOFTMAX table[d] = expf(−s_in·β·d), float32 (PopulateSoftmaxLookupTable)", k.Table[:])
	c.set(0, fmt.Sprintf("softmax_table(%s, %s, scale=%s, zero_point=%d, out_dtype=%s)", c.in(0), tab, pyF32(k.Scale), k.ZeroPoint, pyDType(c.outT(0).Type)))
	return nil
}

// emitSoftmaxFloatXNNPack: XNNPACK's float32 SOFTMAX (no parameters).
func emitSoftmaxFloatXNNPack(c *opCtx) error {
	c.use("softmax")
	c.set(0, fmt.Sprintf("softmax_float_xnnpack(%s)", c.in(0)))
	return nil
}
