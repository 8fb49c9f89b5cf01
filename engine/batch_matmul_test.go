package engine

import (
	"bytes"
	"testing"

	"github.com/int8scope/int8scope/engine/tfbuild"
	"github.com/int8scope/int8scope/engine/tflite"
)

func bmmOpts(adjX, adjY bool) *tflite.BuiltinOptionsT {
	return &tflite.BuiltinOptionsT{Type: tflite.BuiltinOptionsBatchMatMulOptions, Value: &tflite.BatchMatMulOptionsT{AdjX: adjX, AdjY: adjY}}
}

func TestBatchMatMulHand(t *testing.T) {
	// [1 2 3; 4 5 6] · [1 0; 0 1; 1 1] = [4 5; 10 11]; lhs zero point 1
	// (values stored +1), real multiplier 0.5·0.5/0.25 = 1.
	lhs := q8([]int{2, 3}, 0.5, 1, 2, 3, 4, 5, 6, 7)
	rhs := q8([]int{3, 2}, 0.5, 0, 1, 0, 0, 1, 1, 1)
	// The same operands stored transposed, with adj_x and adj_y.
	lhsT := q8([]int{3, 2}, 0.5, 1, 2, 5, 3, 6, 4, 7)
	rhsT := q8([]int{2, 3}, 0.5, 0, 1, 0, 1, 0, 1, 1)
	want := tfbuild.I8(4, 5, 10, 11)
	cases := []opCase{
		{name: "int8", opts: bmmOpts(false, false), ins: []tt{lhs, rhs}, out: q8([]int{2, 2}, 0.25, 0), want: want},
		// Multiplier 0.25, double rounding: SRDHM(5, 2^30) = round(2.5) = 3,
		// then 3/2 rounds half away to 2 (exact 1.25); 10 → 5 → 3 (2.5);
		// 11 → 6 → 3 (2.75); 4 → 2 → 1.
		{name: "int8 double rounding", opts: bmmOpts(false, false), ins: []tt{lhs, rhs}, out: q8([]int{2, 2}, 1, 0), want: tfbuild.I8(1, 2, 3, 3)},
		{name: "adj_x", opts: bmmOpts(true, false), ins: []tt{lhsT, rhs}, out: q8([]int{2, 2}, 0.25, 0), want: want},
		{name: "adj_y", opts: bmmOpts(false, true), ins: []tt{lhs, rhsT}, out: q8([]int{2, 2}, 0.25, 0), want: want},
		{name: "adj_x adj_y", opts: bmmOpts(true, true), ins: []tt{lhsT, rhsT}, out: q8([]int{2, 2}, 0.25, 0), want: want},
		// Batches broadcast: lhs [2, 1, 3] (scale 1) against rhs [3, 2]; the
		// second batch is the first times −1; multiplier 1·0.5/0.25 = 2.
		{name: "broadcast", opts: bmmOpts(false, false), ins: []tt{q8([]int{2, 1, 3}, 1, 0, 1, 2, 3, -1, -2, -3), rhs},
			out: q8([]int{2, 1, 2}, 0.25, 0), want: tfbuild.I8(8, 10, -8, -10)},
		{name: "int16", opts: bmmOpts(false, false), ins: []tt{q16([]int{1, 2}, 1, 0, 1000, -2000), q16([]int{2, 1}, 1, 0, 3, 1)},
			out: q16([]int{1, 1}, 1, 0), want: tfbuild.I16(1000)},
		{name: "float", opts: bmmOpts(false, false), ins: []tt{f32t([]int{1, 2}, 1.5, -2), f32t([]int{2, 1}, 2, 0.25)},
			out: f32t([]int{1, 1}), want: tfbuild.F32(2.5)},
		// errors
		{name: "depth", opts: bmmOpts(false, false), ins: []tt{lhs, lhs}, out: q8([]int{2, 3}, 1, 0), wantErr: "do not multiply"},
		{name: "batch", opts: bmmOpts(false, false), ins: []tt{q8([]int{2, 1, 3}, 1, 0, 1, 2, 3, 4, 5, 6), q8([]int{3, 3, 2}, 1, 0, make([]int8, 18)...)},
			out: q8([]int{3, 1, 2}, 1, 0), wantErr: "do not broadcast"},
		{name: "int16 zero point", opts: bmmOpts(false, false), ins: []tt{q16([]int{1, 1}, 1, 3, 1), q16([]int{1, 1}, 1, 0, 1)},
			out: q16([]int{1, 1}, 1, 0), wantErr: "zero points 0"},
		{name: "output shape", opts: bmmOpts(false, false), ins: []tt{lhs, rhs}, out: q8([]int{2, 3}, 1, 0), wantErr: "but the op computes [2 2]"},
	}
	runOpCases(t, tflite.BuiltinOperatorBATCH_MATMUL, cases)
}

// TestBatchMatMulFloatOrder: with K = 8, M = 4, N = 8 TFLite's builtin
// float kernel (Eigen's GEMM) sums even and odd k apart. Row 0 of lhs is
// 1e8, 1, −1e8, 1, 0, 0, 0, 0 and rhs is all ones: in order,
// 1e8 + 1 = 1e8 in float32, so the sum is 1; Eigen's (1e8 − 1e8) + (1 + 1)
// is 2.
func TestBatchMatMulFloatOrder(t *testing.T) {
	l := make([]float32, 4*8)
	copy(l, []float32{1e8, 1, -1e8, 1})
	r := make([]float32, 8*8)
	for i := range r {
		r[i] = 1
	}
	ins := []tt{f32t([]int{4, 8}, l...), {typ: tflite.TensorTypeFLOAT32, shape: []int{8, 8}, data: tfbuild.F32(r...)}}
	m, err := Load(oneOp(tflite.BuiltinOperatorBATCH_MATMUL, bmmOpts(false, false), ins, f32t([]int{4, 8})))
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[Profile]float32{Reference: 1, SingleRounding: 1, XNNPack: 2} {
		res, err := m.Run([][]byte{ins[0].feed}, Options{Profile: p})
		if err != nil {
			t.Fatal(err)
		}
		if got := AsFloat32(res.Tensors[m.Outputs[0]])[0]; got != want {
			t.Errorf("%s: out[0][0] = %v, want %v", p, got, want)
		}
		e, err := res.Explain(0, 0)
		if err != nil || e.Real != float64(want) {
			t.Errorf("%s: explanation %+v, %v", p, e, err)
		}
	}
	if n := m.MACs(); n != 4*8*8 {
		t.Errorf("MACs = %d, want 256", n)
	}
}

// TestBatchMatMulExplain: an int8 element's terms and accumulator.
func TestBatchMatMulExplain(t *testing.T) {
	ins := []tt{q8([]int{2, 3}, 0.5, 1, 2, 3, 4, 5, 6, 7), q8([]int{3, 2}, 0.5, 0, 1, 0, 0, 1, 1, 1)}
	m, err := Load(oneOp(tflite.BuiltinOperatorBATCH_MATMUL, bmmOpts(false, false), ins, q8([]int{2, 2}, 0.25, 0)))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Profiles() {
		res, err := m.Run([][]byte{ins[0].feed, ins[1].feed}, Options{Profile: p, Trace: true})
		if err != nil {
			t.Fatal(err)
		}
		e, err := res.Explain(0, 3) // (1, 1): 4·0 + 5·1 + 6·1
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Terms) != 3 || e.Terms[2].Product != 6 || e.Value != 11 || res.Trace.Ops[0].Acc[3] != 11 {
			t.Errorf("%s: terms %+v value %d acc %v", p, e.Terms, e.Value, res.Trace.Ops[0].Acc)
		}
		if !bytes.Equal(res.Tensors[m.Outputs[0]], tfbuild.I8(4, 5, 10, 11)) {
			t.Errorf("%s: out %v", p, res.Tensors[m.Outputs[0]])
		}
	}
}
