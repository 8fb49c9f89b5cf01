package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitAddSub, "AddParams", "SubParams")
	register(emitAddSubXNNPack, "xnnAddSub")
	register(emitMul, "MulParams")
	register(emitMulXNNPack, "xnnMul")
	register(emitMaxMin, "MaximumMinimumParams")
}

func requantTuple(q engine.Requant) string {
	return fmt.Sprintf("(%d, %d, %q)", q.Multiplier, q.Shift, string(q.Rounding))
}

// emitPlainBinary writes float32 and int32 ADD, SUB and MUL.
func emitPlainBinary(c *opCtx, b engine.Binary, op string) {
	c.use("binary")
	if c.outT(0).Type == engine.Float32 {
		c.set(0, fmt.Sprintf("binary_float(%s, %s, %q, %s, %s)", c.in(0), c.in(1), op, pyF32(b.FloatMin), pyF32(b.FloatMax)))
		return
	}
	c.set(0, fmt.Sprintf("binary_int32(%s, %s, %q, %d, %d)", c.in(0), c.in(1), op, b.ActMin, b.ActMax))
}

// emitAddSub: TFLite's reference ADD and SUB (and the builtin SUB, whose
// multipliers differ only in how they were derived).
func emitAddSub(c *opCtx) error {
	var p *engine.AddParams
	op := "add"
	switch k := c.params.(type) {
	case *engine.AddParams:
		p = k
	case *engine.SubParams:
		p, op = &k.AddParams, "sub"
	}
	if t := c.outT(0).Type; t == engine.Float32 || t == engine.Int32 {
		emitPlainBinary(c, p.Binary, op)
		return nil
	}
	c.use("binary")
	c.set(0, fmt.Sprintf("add_sub_int(%s, %s, sub=%s, input1_offset=%d, input2_offset=%d, left_shift=%d, requant1=%s, requant2=%s, requant_out=%s, output_offset=%d, act_min=%d, act_max=%d)",
		c.in(0), c.in(1), pyBool(op == "sub"), p.Input1Offset, p.Input2Offset, p.LeftShift,
		requantTuple(p.Input1), requantTuple(p.Input2), requantTuple(p.Output), p.OutputOffset, p.ActMin, p.ActMax))
	return nil
}

// xnnAddSub mirrors the engine's XNNPACK ADD/SUB node.
type xnnAddSub struct {
	AMultiplier, BMultiplier int32
	Shift                    uint
	Bias, ZeroPoint          int32
	Min, Max                 int32
}

func emitAddSubXNNPack(c *opCtx) error {
	var k xnnAddSub
	c.decode(&k)
	c.use("binary")
	c.set(0, fmt.Sprintf("add_sub_xnnpack(%s, %s, a_multiplier=%d, b_multiplier=%d, shift=%d, bias=%d, zero_point=%d, out_min=%d, out_max=%d)",
		c.in(0), c.in(1), k.AMultiplier, k.BMultiplier, k.Shift, k.Bias, k.ZeroPoint, k.Min, k.Max))
	return nil
}

// emitMul: TFLite's reference MUL (and the builtin one, whose multiplier
// is derived in float32).
func emitMul(c *opCtx) error {
	p := c.params.(*engine.MulParams)
	if t := c.outT(0).Type; t == engine.Float32 || t == engine.Int32 {
		emitPlainBinary(c, p.Binary, "mul")
		return nil
	}
	c.use("binary")
	q := p.Requant
	c.set(0, fmt.Sprintf("mul_int(%s, %s, input1_offset=%d, input2_offset=%d, multiplier=%d, shift=%d, rounding=%q, output_offset=%d, act_min=%d, act_max=%d)",
		c.in(0), c.in(1), p.Input1Offset, p.Input2Offset, q.Multiplier, q.Shift, string(q.Rounding), p.OutputOffset, p.ActMin, p.ActMax))
	return nil
}

// xnnMul mirrors the engine's XNNPACK MUL node.
type xnnMul struct {
	Scale                  float32
	AZeroPoint, BZeroPoint int32
	ZeroPoint, Min, Max    int32
}

func emitMulXNNPack(c *opCtx) error {
	var k xnnMul
	c.decode(&k)
	c.use("binary")
	c.set(0, fmt.Sprintf("mul_xnnpack(%s, %s, a_zero_point=%d, b_zero_point=%d, scale=%s, zero_point=%d, out_min=%d, out_max=%d)",
		c.in(0), c.in(1), k.AZeroPoint, k.BZeroPoint, pyF32(k.Scale), k.ZeroPoint, k.Min, k.Max))
	return nil
}

// emitMaxMin: MAXIMUM and MINIMUM of the stored values (every profile).
func emitMaxMin(c *opCtx) error {
	p := c.params.(*engine.MaximumMinimumParams)
	c.use("binary")
	c.set(0, fmt.Sprintf("maximum_minimum(%s, %s, is_max=%s)", c.in(0), c.in(1), pyBool(p.Function == "max")))
	return nil
}
