package export

import (
	"math/rand/v2"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// randomBatchMatMulHybrid builds a hybrid BATCH_MATMUL whose float32 lhs
// has two batch dimensions larger than 1 and rows of very different ranges,
// so that TFLite's per-batch scale index (which advances by M per batch
// dimension) reads another row's scale visibly; internal/difftest's rows
// mostly share their range, which hides it.
func randomBatchMatMulHybrid(r *rand.Rand, _ tflite.TensorType) ([]byte, [][]byte) {
	b0, b1, m, k, n := 2+r.IntN(2), 2+r.IntN(2), 1+r.IntN(4), 1+r.IntN(12), 1+r.IntN(6)
	xv := make([]float32, b0*b1*m*k)
	for i := range xv {
		row := i / k
		xv[i] = float32((r.Float64()*2 - 1) * float64(1+row) * 0.7)
	}
	wv := make([]int8, k*n)
	for i := range wv {
		wv[i] = int8(r.IntN(255) - 127)
	}
	b := tfbuild.New()
	x := b.Tensor("x", tflite.TensorTypeFLOAT32, []int{b0, b1, m, k}, nil, nil)
	w := b.Tensor("w", tflite.TensorTypeINT8, []int{k, n}, tfbuild.Q(float32(0.002+0.02*r.Float64()), 0), tfbuild.I8(wv...))
	y := b.Tensor("y", tflite.TensorTypeFLOAT32, []int{b0, b1, m, n}, nil, nil)
	b.Op(tflite.BuiltinOperatorBATCH_MATMUL, 1, &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsBatchMatMulOptions,
		Value: &tflite.BatchMatMulOptionsT{AsymmetricQuantizeInputs: r.IntN(2) == 0}}, []int{x, w}, []int{y})
	b.Inputs(x)
	b.Outputs(y)
	return b.Bytes(), [][]byte{tfbuild.F32(xv...)}
}

// TestBatchMatMulHybridScaleIndex compares hybrid BATCH_MATMUL with two lhs
// batch dimensions under every profile.
func TestBatchMatMulHybridScaleIndex(t *testing.T) {
	compareBuilt(t, "batch-matmul-hybrid", 4, 7, []tflite.TensorType{tflite.TensorTypeFLOAT32}, randomBatchMatMulHybrid)
}
