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
		p := k.(*BatchMatMulParams)
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

// eigenSplit is how many leading k of output column m Eigen's float GEMM
// sums with two accumulators (even k in one, odd k in the other, added
// together before the remaining k), 0 when it sums in order. TFLite hands
// Eigen dst (N×M) = rhsᵀ (N×K) · lhsᵀ (K×M). Eigen multiplies small
// products (K + N + M < 20) coefficient by coefficient and matrix-vector
// products (N = 1 or M = 1) with a GEMV, both in order; a GEMM's 4-column
// panels (columns below 4·⌊M/4⌋) use the two-accumulator micro-kernel over
// 8·⌊K/8⌋ k, the last columns one at a time, in order. Found against the
// browser TFLite (generator BATCH_MATMUL_float, K ≤ 300, M, N ≤ 24).
func (p *BatchMatMulParams) eigenSplit(m int) int {
	if p.K+p.N+p.M < 20 || p.N == 1 || p.M == 1 || m >= p.M/4*4 {
		return 0
	}
	return p.K / 8 * 8
}
