package export

import (
	"fmt"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitSVDF, "SVDFParams")
	register(emitSVDF, "HybridSVDFParams")
}

// emitSVDF: SVDF, TFLite Micro's reference kernels (float32; int8 with an
// int16 or int8 state), which TFLite's builtin kernel matches for the int16
// state; the state tensor is updated in place. Float32 under the browser
// TFLite sums a unit's rank filters before adding the bias (RankSumFirst).
// Hybrid SVDF (float32 input, int8 weights): TFLite's EvalHybridSVDF.
func emitSVDF(c *opCtx) error {
	h, hybrid := c.params.(*engine.HybridSVDFParams)
	p, _ := c.params.(*engine.SVDFParams)
	if hybrid {
		p = h.SVDFParams
	}
	c.use("svdf")
	state := initVariable(c, 4)
	args := fmt.Sprintf("%s, %s, %s, %s, %s, rank=%d", c.in(0), c.in(1), c.in(2), c.in(3), state, p.Rank)
	if hybrid {
		c.line("out, state = svdf_hybrid(%s, feature_scale=%s, time_scale=%s, asymmetric=%s, act_min=%s, act_max=%s)",
			args, pyF32(h.FeatureScale), pyF32(h.TimeScale), pyBool(h.Asymmetric), pyF32(p.FloatMin), pyF32(p.FloatMax))
	} else if c.inT(0).Type == engine.Float32 {
		c.line("out, state = svdf_float(%s, act_min=%s, act_max=%s, rank_sum_first=%s)", args, pyF32(p.FloatMin), pyF32(p.FloatMax), pyBool(p.RankSumFirst))
	} else {
		c.line("out, state = svdf_int(%s, input_zero_point=%d, state_zero_point=%d, output_zero_point=%d, scale1=%s, scale2=%s, act_min=%d, act_max=%d)",
			args, p.InputZeroPoint, p.StateZeroPoint, p.OutputZeroPoint, requantTuple(*p.Scale1), requantTuple(*p.Scale2), p.ActMin, p.ActMax)
	}
	c.set(0, "out")
	st := c.inT(4)
	c.line("t[%d] = as_tensor(state, %s, %s)", st.Index, pyDType(st.Type), pyShape(st.Shape))
	return nil
}
