package engine

import "github.com/int8scope/int8scope/engine/tflite"

// BATCH_MATMUL in the browser TFLite (tflite-xnnpack): the XNNPACK delegate
// of mid 2022 has no batch matrix multiply, so TFLite's builtin kernel
// (optimized_ops::BatchMatMul, one GEMM per batch through
// cpu_backend_gemm) runs it: int8 with ruy's requantization, which rounds
// once; int16 as the reference kernel; both with the real multiplier
// float32(s_lhs·s_rhs)/s_out; float32 with Eigen's summation order
// (eigenSplit).

func init() {
	registerBuiltin(tflite.BuiltinOperatorBATCH_MATMUL, func(c *prepCtx) (kernel, error) {
		k, err := prepareBatchMatMul(ruyRounding(c))
		if err != nil {
			return nil, err
		}
		p, ok := k.(*BatchMatMulParams)
		if !ok {
			return k, nil // hybrid: one kernel for every profile
		}
		if p.typ == Float32 {
			p.FloatOrder = floatEigen
			return p, nil
		}
		// This TFLite's GetQuantizedConvolutionMultipler multiplies the
		// two input scales in float32 (TFLite Micro: in double).
		lhs, rhs, out := c.in(0), c.in(1), c.out(0)
		rq := ruyRounding(c).requant(float64(lhs.Quant.Scale[0]*rhs.Quant.Scale[0]) / out.Scale())
		fp := p.Output.(*FixedPointOutput)
		p.Output = newFixedPointOutput([]Requant{rq}, 1, fp.ZeroPoint, fp.Min, fp.Max)
		return p, nil
	})
}

const floatEigen = "Eigen's GEMM: in 4-column panels, even and odd k summed apart for the first 8·⌊K/8⌋ k"

// eigenSplit is eigenGemmSplit for output column m of this BATCH_MATMUL:
// TFLite hands Eigen dst (N×M) = rhsᵀ (N×K) · lhsᵀ (K×M).
func (p *BatchMatMulParams) eigenSplit(m int) int { return eigenGemmSplit(p.K, p.N, p.M, m) }

// eigenGemmSplit is how many leading k of column col of Eigen's float
// product dst (rows×cols) = lhs (rows×k) · rhs (k×cols), as TFLite's
// cpu_backend_gemm hands it over without ruy, are summed with two
// accumulators (even k in one, odd k in the other, added together before
// the remaining k); 0 when they are summed in order. Eigen multiplies small
// products (k + rows + cols < 20) coefficient by coefficient and
// matrix-vector products (rows = 1 or cols = 1) with a GEMV, both in order;
// a GEMM's 4-column panels (columns below 4·⌊cols/4⌋) use the
// two-accumulator micro-kernel over 8·⌊k/8⌋ k, the last columns one at a
// time, in order. Found against the browser TFLite (generators
// BATCH_MATMUL_float, K ≤ 300, M, N ≤ 24, and FULLY_CONNECTED_float_builtin).
func eigenGemmSplit(k, rows, cols, col int) int {
	if k+rows+cols < 20 || rows == 1 || cols == 1 || col >= cols/4*4 {
		return 0
	}
	return k / 8 * 8
}

// eigenDot adds the products prod(0..k−1) as Eigen's GEMM does with split
// (eigenGemmSplit), each product and sum rounded to float32.
func eigenDot(k, split int, prod func(i int) float32) float32 {
	var total, odd float32
	for i := 0; i < k; i++ {
		v := prod(i)
		if i < split && i%2 == 1 {
			odd += v
		} else {
			total += v
		}
		if i == split-1 {
			total += odd
		}
	}
	return total
}
