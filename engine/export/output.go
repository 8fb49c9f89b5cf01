package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

// outputStage returns the Python expression turning the accumulators acc
// (int64, output channels on the last axis) into output integers with the
// output stage the profile prepared: TFLite's fixed-point multiplier and
// shift per channel (engine.FixedPointOutput) or XNNPACK's float32 scale per
// channel (engine.XNNPackOutput). wide is true for the int64 accumulators
// of 16x8 ops.
func (c *opCtx) outputStage(o any, acc string, wide bool) (string, error) {
	switch o := o.(type) {
	case *engine.FixedPointOutput:
		var m, sh []int32
		for _, q := range o.Requant {
			m, sh = append(m, q.Multiplier), append(sh, int32(q.Shift))
			if q.Rounding != o.Requant[0].Rounding {
				return "", c.unsupported("output channels with different roundings")
			}
		}
		mp, sp := fmt.Sprint(m[0]), fmt.Sprint(sh[0]) // one for all channels: inline
		if len(m) > 1 {
			mp = c.array("multiplier", "output multiplier per channel (quantized_multiplier)", m)
			sp = c.array("shift", "output shift per channel (> 0: left)", sh)
		}
		if wide {
			c.use("output_fixedpoint64")
			return fmt.Sprintf("output_fixedpoint64(%s, %s, %s, zero_point=%d, act_min=%d, act_max=%d)",
				acc, mp, sp, o.ZeroPoint, o.Min, o.Max), nil
		}
		c.use("output_fixedpoint")
		return fmt.Sprintf("output_fixedpoint(%s, %s, %s, %q, zero_point=%d, act_min=%d, act_max=%d)",
			acc, mp, sp, string(o.Requant[0].Rounding), o.ZeroPoint, o.Min, o.Max), nil
	case *engine.XNNPackOutput:
		c.use("output_xnnpack")
		sp := pyF32(o.Scales[0])
		if len(o.Scales) > 1 {
			sp = c.array("scale", "XNNPACK requantization scale per channel, float32(float32(s_in·s_filter)/s_out)", o.Scales)
		}
		return fmt.Sprintf("output_xnnpack(%s, %s, zero_point=%d, out_min=%d, out_max=%d)", acc, sp, o.ZeroPoint, o.Min, o.Max), nil
	}
	return "", c.unsupported("output stage %T", o)
}
