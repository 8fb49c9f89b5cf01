package export

import (
	"fmt"
	"strings"

	"github.com/int8scope/int8scope/engine"
)

func init() {
	register(emitBatchMatMul, "BatchMatMulParams")
	register(emitBatchMatMulHybrid, "HybridBatchMatMulParams")
}

// emitBatchMatMul: BATCH_MATMUL, TFLite's reference kernel and the browser
// TFLite's builtin one (ruy's single rounding, the multiplier from float32
// scales; float32 in Eigen's summation order): float32, int8, int16.
func emitBatchMatMul(c *opCtx) error {
	p := c.params.(*engine.BatchMatMulParams)
	c.use("batch_matmul")
	if c.inT(0).Type == engine.Float32 {
		eigen := !strings.HasPrefix(p.FloatOrder, "sequential")
		c.set(0, fmt.Sprintf("batch_matmul_float(%s, %s, adj_x=%s, adj_y=%s, eigen_order=%s)", c.in(0), c.in(1), pyBool(p.AdjX), pyBool(p.AdjY), pyBool(eigen)))
		return nil
	}
	wide := c.inT(0).Type == engine.Int16
	c.line("acc = batch_matmul_acc(%s, %s, adj_x=%s, adj_y=%s, input_offset=%d, filter_offset=%d%s)", c.in(0), c.in(1),
		pyBool(p.AdjX), pyBool(p.AdjY), p.InputOffset, p.FilterOffset, map[bool]string{true: ", wide=True"}[wide])
	expr, err := c.outputStage(p.Output, "acc", wide)
	if err != nil {
		return err
	}
	c.set(0, expr)
	return nil
}

// emitBatchMatMulHybrid: hybrid BATCH_MATMUL (float32 lhs and output, int8
// rhs), TFLite's EvalHybrid in every profile, with its scale-index quirk.
func emitBatchMatMulHybrid(c *opCtx) error {
	p := c.params.(*engine.HybridBatchMatMulParams)
	c.use("batch_matmul")
	c.set(0, fmt.Sprintf("batch_matmul_hybrid(%s, %s, adj_x=%s, adj_y=%s, asymmetric=%s, filter_scale=%s, lhs_shape=%s, rhs_shape=%s, batch=%s, m=%d, n=%d, k=%d, out_shape=%s)",
		c.in(0), c.in(1), pyBool(p.AdjX), pyBool(p.AdjY), pyBool(p.Asymmetric), pyF32(p.FilterScale),
		pyShape(p.LHSShape), pyShape(p.RHSShape), pyShape(p.Batch), p.M, p.N, p.K, pyShape(c.outT(0).Shape)))
	return nil
}
