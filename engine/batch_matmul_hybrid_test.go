package engine

import (
	"slices"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

// TestHybridBatchMatMulHand: lhs [[1 −2 0.5] [0 0 0]] (float32), rhs
// [[1 2] [3 −4] [5 6]] (int8, scale 0.5), symmetric. Row 0: range 2, scale
// 2/127, q = round(x·63.5) = [64 −127 32] (63.5 and 31.75 round away);
// dots 64 − 381 + 160 = −157 and 128 + 508 + 192 = 828. Row 1 is zero:
// scale 1, q 0, outputs 0.
func TestHybridBatchMatMulHand(t *testing.T) {
	x := tfbuild.F32(1, -2, 0.5, 0, 0, 0)
	ins := []tt{
		{typ: tflite.TensorTypeFLOAT32, shape: []int{2, 3}, feed: x},
		{typ: tflite.TensorTypeINT8, shape: []int{3, 2}, q: tfbuild.Q(0.5, 0), data: tfbuild.I8(1, 2, 3, -4, 5, 6)},
	}
	o := &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsBatchMatMulOptions, Value: &tflite.BatchMatMulOptionsT{}}
	got, res, err := runOneOp(tflite.BuiltinOperatorBATCH_MATMUL, o, ins, tt{typ: tflite.TensorTypeFLOAT32, shape: []int{2, 2}})
	if err != nil {
		t.Fatal(err)
	}
	s := float32(2) / 127
	want := []float32{float32(float32(s*0.5) * -157), float32(float32(s*0.5) * 828), 0, 0}
	if out := AsFloat32(got); !slices.Equal(out, want) {
		t.Errorf("output %v, want %v", out, want)
	}
	tr := res.Trace.Ops[0]
	if tr.Hybrid == nil || !slices.Equal(tr.Hybrid.RowScale, []float32{s, 1}) || !slices.Equal(tr.Hybrid.Quantized, []int8{64, -127, 32, 0, 0, 0}) ||
		!slices.Equal(tr.Acc, []int64{-157, 828, 0, 0}) {
		t.Errorf("trace %+v acc %v", tr.Hybrid, tr.Acc)
	}
	for _, p := range Profiles() {
		r, err := res.Model.Run([][]byte{x}, Options{Profile: p})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.Tensors[res.Model.Outputs[0]], got) {
			t.Errorf("%s differs from the reference", p)
		}
	}
	e, err := res.Explain(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, term := range e.Terms {
		sum += term.Product
	}
	if sum != 828 || e.Steps[len(e.Steps)-1].Value != float64(want[1]) {
		t.Errorf("explanation: terms sum to %d, last step %v; want 828, %v", sum, e.Steps[len(e.Steps)-1].Value, want[1])
	}
}
