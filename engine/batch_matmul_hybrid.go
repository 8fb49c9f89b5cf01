package engine

import (
	"fmt"
	"slices"

	"github.com/int8scope/int8scope/engine/tflite"
)

// HybridBatchMatMulParams are the prepared parameters of a hybrid
// (dynamic-range) BATCH_MATMUL: float32 lhs and output, int8 rhs (weights).
//
// Mirrors TFLite's batch_matmul.cc EvalHybrid with
// reference/batch_matmul.h's hybrid BatchMatMul, which the optimized kernel
// computes alike (its integer GEMM is exact); TFLite Micro and the XNNPACK
// delegate of the browser TFLite have no hybrid BATCH_MATMUL, so every
// profile runs this one kernel. Each row of lhs (K values; a column with
// adj_x) is quantized on the fly (quantizeRow: symmetric, or asymmetric with
// asymmetric_quantize_inputs), then for output (b, m, n):
//
//	dot   = Σ_k q[b, m, k]·rhs[b, k, n]                                  (int32)
//	total = int32(float32(dot) − float32(RowSum[n])·float32(zp[s]))      (s below)
//	out   = 0 + float32(scale[s]·float32(total)),   scale[s] = float32(s_row[s]·FilterScale)
//
// TFLite advances its per-row scale and zero-point pointers by M rows for
// every batch dimension of lhs larger than 1 (not by the product of the
// dimensions after it), so with two or more such batch dimensions rows take
// another row's scale: s = Σ_x (lhs batch dim x > 1 ? b_x·M : 0) + m, and the
// weight row sums likewise with N. The kernel does the same. Before all
// this, TFLite merges a lhs [..., Q, R, S] with a rhs [..., 1, X, Y] into
// [..., Q·R, S] and [..., X, Y] (the shapes below are after that merge).
// The filter's zero point is ignored and its scale is the legacy
// per-tensor scale (0 for a per-channel filter).
type HybridBatchMatMulParams struct {
	AdjX        bool    `json:"adj_x"`
	AdjY        bool    `json:"adj_y"`
	Asymmetric  bool    `json:"asymmetric_quantize_inputs"`
	FilterScale float32 `json:"filter_scale"`
	// LHSShape and RHSShape are TFLite's 5-D views of the operands (after
	// the merge); Batch the broadcast batch dimensions; M, N, K the sizes.
	LHSShape []int `json:"lhs_shape_5d"`
	RHSShape []int `json:"rhs_shape_5d"`
	Batch    []int `json:"batch"`
	M        int   `json:"m"`
	N        int   `json:"n"`
	K        int   `json:"k"`

	lhs, rhs, out int
}

// prepareBatchMatMulHybrid prepares the hybrid kernel once p has checked the
// shapes.
func prepareBatchMatMulHybrid(c *prepCtx, p *BatchMatMulParams, o *tflite.BatchMatMulOptionsT) (kernel, error) {
	lhs, rhs := c.in(0), c.in(1)
	if rhs.Quant == nil || len(rhs.Quant.Scale) == 0 {
		return nil, c.errorf("rhs tensor %d has no quantization parameters", rhs.Index)
	}
	ls, rs := slices.Clone(lhs.Shape), slices.Clone(rhs.Shape)
	if len(ls) > 2 && len(rs) > 2 && rs[len(rs)-3] == 1 { // TFLite's Eval merges these
		if o.AdjX {
			return nil, c.errorf("hybrid BATCH_MATMUL with adj_x and an rhs of shape %v: TFLite merges lhs dimensions across the transposition (not modelled)", rs)
		}
		n := len(ls)
		ls = append(ls[:n-3:n-3], ls[n-3]*ls[n-2], ls[n-1])
		rs = append(rs[:len(rs)-3:len(rs)-3], rs[len(rs)-2:]...)
	}
	h := &HybridBatchMatMulParams{AdjX: o.AdjX, AdjY: o.AdjY, Asymmetric: o.AsymmetricQuantizeInputs,
		LHSShape: extend5(ls), RHSShape: extend5(rs), K: p.K, N: p.N, lhs: lhs.Index, rhs: rhs.Index, out: p.out}
	if len(rhs.Quant.Scale) == 1 {
		h.FilterScale = rhs.Quant.Scale[0]
	}
	h.M = h.LHSShape[3]
	if o.AdjX {
		h.M = h.LHSShape[4]
	}
	for x := range 3 {
		h.Batch = append(h.Batch, max(h.LHSShape[x], h.RHSShape[x]))
	}
	if h.RHSShape[0] > 1 && h.Asymmetric {
		return nil, c.errorf("hybrid BATCH_MATMUL with a 5-D rhs whose first dimension is %d: TFLite leaves its weight row sums uncomputed (not modelled)", h.RHSShape[0])
	}
	return h, nil
}

// extend5 is TFLite's RuntimeShape::ExtendedShape(5, s).
func extend5(s []int) []int {
	e := []int{1, 1, 1, 1, 1}
	copy(e[5-len(s):], s)
	return e
}

// extent is batch_matmul::extent: the stride of dimension x of a 5-D
// shape, 0 when that dimension is 1 (broadcast).
func extent(s []int, x int) int {
	if s[x] == 1 {
		return 0
	}
	return numElements(s[x+1:])
}

func (p *HybridBatchMatMulParams) macs() int64 {
	return int64(numElements(p.Batch)) * int64(p.M) * int64(p.N) * int64(p.K)
}

// hybridBMM is one run's quantized lhs rows and what the output loop reads.
type hybridBMM struct {
	q      []int8    // rows of K values, in lhs order (rows = lhs elements / K)
	scale  []float32 // per row: its scale × FilterScale
	rowS   []float32 // per row: its own scale (for the trace)
	zp     []int32   // per row
	rowSum []int32   // per rhs matrix row n (N per rhs matrix)
}

// quantize quantizes every lhs row and sums every rhs row (as TFLite's
// ReductionSumVector over the transposed weights).
func (p *HybridBatchMatMulParams) quantize(l []float32, w []int8) *hybridBMM {
	rows := len(l) / p.K
	h := &hybridBMM{q: make([]int8, len(l)), scale: make([]float32, rows), rowS: make([]float32, rows), zp: make([]int32, rows)}
	row := make([]float32, p.K)
	for r := range rows {
		base, m := r/p.M*p.M*p.K, r%p.M
		for k := range p.K {
			if p.AdjX {
				row[k] = l[base+k*p.M+m]
			} else {
				row[k] = l[base+m*p.K+k]
			}
		}
		s, zp := quantizeRow(row, h.q[r*p.K:(r+1)*p.K], p.Asymmetric)
		h.rowS[r], h.scale[r], h.zp[r] = s, s*p.FilterScale, zp
	}
	h.rowSum = make([]int32, len(w)/p.K)
	for r := range h.rowSum {
		base, n := r/p.N*p.N*p.K, r%p.N
		for k := range p.K {
			h.rowSum[r] += int32(w[base+p.rhsIndex(k, n)])
		}
	}
	return h
}

// rhsIndex is the offset of rhs[k, n] within its matrix.
func (p *HybridBatchMatMulParams) rhsIndex(k, n int) int {
	if p.AdjY {
		return n*p.K + k
	}
	return k*p.N + n
}

// hybridElement is how output element i was computed.
type hybridElement struct {
	row, s     int   // the quantized lhs row it reads; TFLite's scale index
	lo, ro     int   // offsets of its lhs and rhs matrices
	rowSum     int32 // TFLite's weight row sum for it
	dot, total int32
	v          float32
}

// element computes output i as TFLite does.
func (p *HybridBatchMatMulParams) element(h *hybridBMM, w []int8, i int) hybridElement {
	mn := p.M * p.N
	b, j, n := i/mn, i%mn/p.N, i%p.N
	bx := []int{b / (p.Batch[1] * p.Batch[2]), b / p.Batch[2] % p.Batch[1], b % p.Batch[2]}
	var e hybridElement
	sBase, wBase := 0, 0
	for x, v := range bx {
		e.lo += v * extent(p.LHSShape, x)
		e.ro += v * extent(p.RHSShape, x)
		if p.LHSShape[x] > 1 {
			sBase += v * p.M
		}
		if p.RHSShape[x] > 1 {
			wBase += v * p.N
		}
	}
	e.row, e.s, e.rowSum = e.lo/p.K+j, sBase+j, h.rowSum[wBase+n]
	for k, qv := range h.q[e.row*p.K : (e.row+1)*p.K] {
		e.dot += int32(qv) * int32(w[e.ro+p.rhsIndex(k, n)])
	}
	e.total = int32(float32(e.dot) - float32(float32(e.rowSum)*float32(h.zp[e.s])))
	e.v = 0 + float32(h.scale[e.s]*float32(e.total))
	return e
}

func (p *HybridBatchMatMulParams) eval(r *run, op *Op) error {
	w, out := r.i8(p.rhs), r.f32(p.out)
	h := p.quantize(r.f32(p.lhs), w)
	if r.tracing() {
		r.tr.Hybrid = &HybridTrace{RowScale: h.rowS, RowZeroPoint: h.zp, Quantized: h.q}
		r.tr.Acc = make([]int64, len(out))
	}
	for i := range out {
		e := p.element(h, w, i)
		out[i] = e.v
		if r.tracing() {
			r.tr.Acc[i] = int64(e.total)
		}
	}
	return nil
}

func (p *HybridBatchMatMulParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	w := AsInt8(res.Tensors[p.rhs])
	h := p.quantize(AsFloat32(res.Tensors[p.lhs]), w)
	e := p.element(h, w, index)
	n, m := index%p.N, e.row%p.M
	x := &Explanation{TermsTotal: p.K, TermInput: p.lhs, TermFilter: p.rhs, Value: int64(e.total),
		Arithmetic: fmt.Sprintf("hybrid: lhs row %d quantized on the fly to int8, integer dot product, scaled back to float32", e.row)}
	for k := 0; k < p.K && k < res.termLimit(); k++ {
		li := e.lo + m*p.K + k
		if p.AdjX {
			li = e.lo + k*p.M + m
		}
		t := Term{InputIndex: li, Input: int32(h.q[e.row*p.K+k]), InputOffset: -h.zp[e.s], FilterIndex: e.ro + p.rhsIndex(k, n)}
		t.Filter = int32(w[t.FilterIndex])
		t.Product = int64(t.Input+t.InputOffset) * int64(t.Filter)
		x.Terms = append(x.Terms, t)
	}
	x.Steps = []Step{
		{"input scale", fmt.Sprintf("lhs row %d's on-the-fly scale (zero point %d)", e.s, h.zp[e.s]), float64(h.rowS[e.s])},
		{"scale", fmt.Sprintf("input scale %.9g × filter scale %.9g, rounded to float32", h.rowS[e.s], p.FilterScale), float64(h.scale[e.s])},
		{"dot", fmt.Sprintf("Σ_k q[%d, k]·rhs[k, %d] in int32", e.row, n), float64(e.dot)},
		{"zero point", fmt.Sprintf("int32(float32(%d) − float32(row sum %d)·float32(zero point %d))", e.dot, e.rowSum, h.zp[e.s]), float64(e.total)},
		{"to float", fmt.Sprintf("%.9g × float32(%d), rounded to float32", h.scale[e.s], e.total), float64(e.v)},
	}
	return x, nil
}
