package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitReduceMax, "ReduceMaxParams")
	register(emitReduceProd, "ReduceProdParams")
	register(emitSum, "SumParams")
	register(emitCumsum, "CumsumParams")
}

// The reductions visit the input elements of each output element in
// row-major input order (reduce.cc's ReduceGeneric, ReduceSumImpl); the
// Python helpers keep that order where the result depends on it.

// emitReduceMax: REDUCE_MAX and REDUCE_MIN, every profile.
func emitReduceMax(c *opCtx) error {
	p := c.params.(*engine.ReduceMaxParams)
	c.use("reduce")
	c.set(0, fmt.Sprintf("reduce_max_min(%s, %s, is_min=%s)", c.in(0), pyShape(p.Axes), pyBool(p.Min)))
	return nil
}

// emitReduceProd: REDUCE_PROD, float32 and integers in the element type,
// int8 rescaled at every step (QuantizedReduceProd), every profile.
func emitReduceProd(c *opCtx) error {
	p := c.params.(*engine.ReduceProdParams)
	c.use("reduce")
	q := "None"
	if c.inT(0).Type == engine.Int8 {
		q = fmt.Sprintf("(%d, %d, %d, %d)", p.InputZeroPoint, p.Requant.Multiplier, p.Requant.Shift, p.OutputZeroPoint)
	}
	c.set(0, fmt.Sprintf("reduce_prod(%s, %s, int8=%s)", c.in(0), pyShape(p.Axes), q))
	return nil
}

// emitSum: SUM in the modes the profile prepared (float, wrap, integer,
// rescale; see engine.SumParams).
func emitSum(c *opCtx) error {
	p := c.params.(*engine.SumParams)
	c.use("reduce")
	args := ""
	switch p.Mode {
	case "float", "wrap":
	case "integer":
		lo, hi := intRange(c.outT(0).Type)
		args = fmt.Sprintf(", input_zero_point=%d, requant=%s, output_zero_point=%d, qmin=%d, qmax=%d",
			p.InputZeroPoint, requantTuple(p.Requant), p.OutputZeroPoint, lo, hi)
	case "rescale":
		args = fmt.Sprintf(", scale=%s, bias=%s, output_zero_point=%d", pyF32(p.Scale), pyF32(p.Bias), p.OutputZeroPoint)
	default:
		return c.unsupported("SUM mode %q", p.Mode)
	}
	c.set(0, fmt.Sprintf("reduce_sum(%s, %s, %q%s)", c.in(0), pyShape(p.Axes), p.Mode, args))
	return nil
}

// intRange is the range of an integer type.
func intRange(t engine.DType) (lo, hi int64) {
	switch t {
	case engine.Int8:
		return -128, 127
	case engine.Uint8:
		return 0, 255
	case engine.Int16:
		return -32768, 32767
	}
	return -1 << 31, 1<<31 - 1
}

// emitCumsum: CUMSUM (optimized_ops::CumSum), every profile.
func emitCumsum(c *opCtx) error {
	p := c.params.(*engine.CumsumParams)
	c.use("reduce")
	c.set(0, fmt.Sprintf("cumsum(%s, axis=%d, exclusive=%s, reverse=%s)", c.in(0), p.Axis, pyBool(p.Exclusive), pyBool(p.Reverse)))
	return nil
}
