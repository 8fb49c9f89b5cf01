package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitComparison, "ComparisonParams")
	register(emitLogical, "LogicalParams")
	register(emitSelect, "SelectParams")
	register(emitMaxMin, "MaximumMinimumParams")
}

// emitComparison: EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER,
// GREATER_EQUAL (reference_ops comparisons; int8/uint8 through
// ComparisonWithScaling with the profile's rounding).
func emitComparison(c *opCtx) error {
	p := c.params.(*engine.ComparisonParams)
	c.use("compare")
	scaling := "None"
	if p.Input1 != nil {
		scaling = fmt.Sprintf("(%d, %d, %d, %s, %s)", p.LeftShift, p.Offset1, p.Offset2, requantTuple(*p.Input1), requantTuple(*p.Input2))
	}
	c.set(0, fmt.Sprintf("compare(%s, %s, %q, scaling=%s)", c.in(0), c.in(1), p.Op, scaling))
	return nil
}

// emitLogical: LOGICAL_AND, LOGICAL_OR (broadcasting) and LOGICAL_NOT.
func emitLogical(c *opCtx) error {
	p := c.params.(*engine.LogicalParams)
	c.use("compare")
	if p.Op == "!" {
		c.set(0, fmt.Sprintf("raw(%s) == 0", c.in(0)))
		return nil
	}
	op := "&"
	if p.Op == "||" {
		op = "|"
	}
	c.set(0, fmt.Sprintf("(raw(%s) != 0) %s (raw(%s) != 0)", c.in(0), op, c.in(1)))
	return nil
}

// emitSelect: SELECT (condition of x's shape, or 1-D over x's first
// dimension) and SELECT_V2 (broadcasting): condition ? x : y.
func emitSelect(c *opCtx) error {
	p := c.params.(*engine.SelectParams)
	c.use("compare")
	c.set(0, fmt.Sprintf("select(%s, %s, %s, rank_one=%s)", c.in(0), c.in(1), c.in(2), pyBool(p.RankOne)))
	return nil
}

// emitMaxMin: MAXIMUM and MINIMUM (std::max / std::min of the stored
// values, broadcasting), every profile (XNNPACK's float32 node computes
// the same).
func emitMaxMin(c *opCtx) error {
	p := c.params.(*engine.MaximumMinimumParams)
	c.use("compare")
	c.set(0, fmt.Sprintf("maximum_minimum(%s, %s, %s)", c.in(0), c.in(1), pyBool(p.Function == "max")))
	return nil
}
