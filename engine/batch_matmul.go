package engine

import (
	"fmt"

	"github.com/int8scope/int8scope/engine/tflite"
)

// BatchMatMulParams are BATCH_MATMUL's prepared parameters.
//
// Mirrors TFLite's kernels/batch_matmul.cc with the reference kernels
// reference/batch_matmul.h (float32; int8 and int16 with
// MultiplyByQuantizedMultiplier), and TFLite Micro's kernels/batch_matmul.cc.
// lhs is [..., M, K] ([..., K, M] with adj_x), rhs [..., K, N] ([..., N, K]
// with adj_y); the batch dimensions broadcast. For output (b..., m, n):
//
//	acc = Σ_k (lhs[b, m, k] + InputOffset)·(rhs[b, k, n] + FilterOffset)
//	out = Output(acc)
//
// in int32 (int64 for int16), where Output is the profile's output stage
// (FixedPointOutput: MultiplyByQuantizedMultiplier by s_lhs·s_rhs/s_out,
// zero point, clamp to the type), or for float32 the sum in float32 from 0
// in order of k.
type BatchMatMulParams struct {
	AdjX bool `json:"adj_x"`
	AdjY bool `json:"adj_y"`
	// Batch is the output's batch shape; M, N, K the matrix sizes.
	Batch []int `json:"batch"`
	M     int   `json:"m"`
	N     int   `json:"n"`
	K     int   `json:"k"`

	InputOffset  int32       `json:"input_offset,omitempty"`  // −lhs zero point
	FilterOffset int32       `json:"filter_offset,omitempty"` // −rhs zero point
	Output       outputStage `json:"output,omitempty"`
	// FloatOrder names the float32 summation order: "sequential" (the
	// reference kernel) or Eigen's (the browser TFLite's builtin kernel,
	// batch_matmul_xnnpack.go).
	FloatOrder string `json:"float_order,omitempty"`

	lhs, rhs, out            int
	lhsBatch, rhsBatch       []int // per output batch index: the operand's matrix
	lhsRowStep, lhsColStep   int   // lhs[m, k] = lhs[base + m·lhsRowStep + k·lhsColStep]
	rhsDepthStep, rhsColStep int   // rhs[k, n] = rhs[base + k·rhsDepthStep + n·rhsColStep]
	typ                      DType
}

func init() { register(tflite.BuiltinOperatorBATCH_MATMUL, prepareBatchMatMul) }

func prepareBatchMatMul(c *prepCtx) (kernel, error) {
	if err := c.io(2, 2, 1); err != nil {
		return nil, err
	}
	lhs, rhs, out := c.in(0), c.in(1), c.out(0)
	o, _ := c.op.Options.(*tflite.BatchMatMulOptionsT)
	if o == nil {
		o = &tflite.BatchMatMulOptionsT{}
	}
	p := &BatchMatMulParams{AdjX: o.AdjX, AdjY: o.AdjY, lhs: lhs.Index, rhs: rhs.Index, out: out.Index, typ: lhs.Type}
	for _, t := range []*Tensor{lhs, rhs} {
		if len(t.Shape) < 2 || len(t.Shape) > 5 {
			return nil, c.errorf("tensor %d (%q) has shape %v; BATCH_MATMUL takes 2 to 5 dimensions", t.Index, t.Name, t.Shape)
		}
	}
	ls, rs := lhs.Shape, rhs.Shape
	lr, lc := ls[len(ls)-2], ls[len(ls)-1] // rows, columns as stored
	rr, rc := rs[len(rs)-2], rs[len(rs)-1]
	p.M, p.K, p.lhsRowStep, p.lhsColStep = lr, lc, lc, 1
	if o.AdjX {
		p.M, p.K, p.lhsRowStep, p.lhsColStep = lc, lr, 1, lc
	}
	k2 := rr
	p.N, p.rhsDepthStep, p.rhsColStep = rc, rc, 1
	if o.AdjY {
		k2, p.N, p.rhsDepthStep, p.rhsColStep = rc, rr, 1, rc
	}
	if p.K != k2 {
		return nil, c.errorf("lhs %v (adj_x %v) and rhs %v (adj_y %v) do not multiply: depth %d vs %d", ls, o.AdjX, rs, o.AdjY, p.K, k2)
	}
	// Batch dimensions, aligned at the right, broadcast.
	n := max(len(ls), len(rs)) - 2
	lb, rb := make([]int, n), make([]int, n)
	for i := range n {
		lb[i], rb[i] = 1, 1
		if j := i - (n - (len(ls) - 2)); j >= 0 {
			lb[i] = ls[j]
		}
		if j := i - (n - (len(rs) - 2)); j >= 0 {
			rb[i] = rs[j]
		}
		if lb[i] != rb[i] && lb[i] != 1 && rb[i] != 1 {
			return nil, c.errorf("batch dimensions of lhs %v and rhs %v do not broadcast", ls, rs)
		}
		p.Batch = append(p.Batch, max(lb[i], rb[i]))
	}
	if err := c.sameShape(out, append(append([]int{}, p.Batch...), p.M, p.N)); err != nil {
		return nil, err
	}
	nb := numElements(p.Batch)
	p.lhsBatch, p.rhsBatch = make([]int, nb), make([]int, nb)
	for b := range nb {
		idx := unflatten(b, p.Batch)
		li, ri := 0, 0
		for i, v := range idx {
			li = li*lb[i] + min(v, lb[i]-1)
			ri = ri*rb[i] + min(v, rb[i]-1)
		}
		p.lhsBatch[b], p.rhsBatch[b] = li*lr*lc, ri*rr*rc
	}
	switch {
	case lhs.Type == Float32 && rhs.Type == Int8 && out.Type == Float32:
		return prepareBatchMatMulHybrid(c, p, o) // batch_matmul_hybrid.go
	case lhs.Type == Float32 && rhs.Type == Float32 && out.Type == Float32:
		p.FloatOrder = floatSequential
	case (lhs.Type == Int8 && rhs.Type == Int8 && out.Type == Int8) || (lhs.Type == Int16 && rhs.Type == Int16 && out.Type == Int16):
		for _, t := range []*Tensor{lhs, rhs, out} {
			if err := c.needQuant("input/output", t); err != nil {
				return nil, err
			}
			if t.Quant.PerChannel() {
				return nil, c.errorf("tensor %d (%q) is quantized per channel; BATCH_MATMUL takes one scale per tensor", t.Index, t.Name)
			}
		}
		if lhs.Type == Int16 && (lhs.ZeroPoint() != 0 || rhs.ZeroPoint() != 0 || out.ZeroPoint() != 0) {
			return nil, c.errorf("int16 BATCH_MATMUL needs zero points 0")
		}
		p.InputOffset, p.FilterOffset = -lhs.ZeroPoint(), -rhs.ZeroPoint()
		rq := c.requant(lhs.Scale() * rhs.Scale() / out.Scale())
		if lhs.Type == Int16 {
			if err := c.check64("output", rq); err != nil {
				return nil, err
			}
		}
		lo, hi := int32(-128), int32(127)
		if lhs.Type == Int16 {
			lo, hi = -32768, 32767
		}
		p.Output = newFixedPointOutput([]Requant{rq}, 1, out.ZeroPoint(), lo, hi)
	default:
		return nil, c.unsupportedTypes()
	}
	return p, nil
}

func (p *BatchMatMulParams) macs() int64 {
	return int64(numElements(p.Batch)) * int64(p.M) * int64(p.N) * int64(p.K)
}

// at returns the offsets of lhs[b, m, 0] and rhs[b, 0, n].
func (p *BatchMatMulParams) at(b, m, n int) (int, int) {
	return p.lhsBatch[b] + m*p.lhsRowStep, p.rhsBatch[b] + n*p.rhsColStep
}

func (p *BatchMatMulParams) eval(r *run, op *Op) error {
	var acc []int64
	if p.typ != Float32 {
		acc = r.traceAcc(op, numElements(p.Batch)*p.M*p.N)
	}
	i := 0
	switch p.typ {
	case Float32:
		l, rh, out := r.f32(p.lhs), r.f32(p.rhs), r.f32(p.out)
		for b := range p.lhsBatch {
			for m := 0; m < p.M; m++ {
				for n := 0; n < p.N; n++ {
					out[i] = p.floatSum(l, rh, b, m, n)
					i++
				}
			}
		}
	case Int8:
		batchMatMulInt(p, r.i8(p.lhs), r.i8(p.rhs), r.i8(p.out), acc)
	case Int16:
		batchMatMulInt(p, r.i16(p.lhs), r.i16(p.rhs), r.i16(p.out), acc)
	}
	return nil
}

const floatSequential = "sequential: the products added to 0 in order of k, each rounded to float32"

// batchMatMulInt is the integer kernel: int8 accumulates in int32 (here
// int64, truncated to int32 as TFLite's int32 sum wraps), int16 in int64.
func batchMatMulInt[T int8 | int16](p *BatchMatMulParams, l, rh, out []T, acc []int64) {
	i := 0
	for b := range p.lhsBatch {
		for m := 0; m < p.M; m++ {
			for n := 0; n < p.N; n++ {
				lo, ro := p.at(b, m, n)
				var a int64
				for k := 0; k < p.K; k++ {
					a += (int64(l[lo+k*p.lhsColStep]) + int64(p.InputOffset)) * (int64(rh[ro+k*p.rhsDepthStep]) + int64(p.FilterOffset))
				}
				var v int32
				if p.typ == Int8 {
					a = int64(int32(a))
					v = p.Output.requantize(int32(a), 0)
				} else {
					v = p.Output.requantize64(a, 0)
				}
				if acc != nil {
					acc[i] = a
				}
				out[i] = T(v)
				i++
			}
		}
	}
}

// floatSum is output (b, m, n) of a float32 BATCH_MATMUL: the products
// added to 0 in order of k, each rounded to float32 (or in Eigen's order,
// eigenSplit).
func (p *BatchMatMulParams) floatSum(l, r []float32, b, m, n int) float32 {
	lo, ro := p.at(b, m, n)
	split := 0
	if p.FloatOrder != floatSequential {
		split = p.eigenSplit(m)
	}
	return eigenDot(p.K, split, func(k int) float32 { return float32(r[ro+k*p.rhsDepthStep] * l[lo+k*p.lhsColStep]) })
}

func (p *BatchMatMulParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	b, mn := index/(p.M*p.N), index%(p.M*p.N)
	m, n := mn/p.N, mn%p.N
	lo, ro := p.at(b, m, n)
	if p.typ == Float32 {
		v := p.floatSum(AsFloat32(res.Tensors[p.lhs]), AsFloat32(res.Tensors[p.rhs]), b, m, n)
		f := fmt.Sprintf("Σ_k lhs[%d, %d, k]·rhs[%d, k, %d] for k = 0..%d, each product and sum rounded to float32, in order of k", b, m, b, n, p.K-1)
		if s := p.eigenSplit(m); p.FloatOrder != floatSequential && s > 0 {
			f = fmt.Sprintf("Σ_k lhs[%d, %d, k]·rhs[%d, k, %d]: for k < %d even k into one sum and odd k into another, the two added, then k = %d..%d in order; float32 throughout", b, m, b, n, s, s, p.K-1)
		}
		return &Explanation{Arithmetic: "float32 " + p.FloatOrder,
			Steps: []Step{{"sum", f, float64(v)}}, Value: int64(v)}, nil
	}
	e := &Explanation{TermsTotal: p.K, TermInput: p.lhs, TermFilter: p.rhs}
	lv, rv := Values(p.typ, res.Tensors[p.lhs]), Values(p.typ, res.Tensors[p.rhs])
	var sum int64
	for k := 0; k < p.K; k++ {
		li, ri := lo+k*p.lhsColStep, ro+k*p.rhsDepthStep
		t := Term{InputIndex: li, Input: int32(lv[li]), InputOffset: p.InputOffset, FilterIndex: ri, Filter: int32(rv[ri]), FilterOffset: p.FilterOffset}
		t.Product = int64(t.Input+t.InputOffset) * int64(t.Filter+t.FilterOffset)
		sum += t.Product
		if len(e.Terms) < res.termLimit() {
			e.Terms = append(e.Terms, t)
		}
	}
	explainAccumulator(e, p.Output, sum, 0, 0, p.typ == Int16)
	return e, nil
}
