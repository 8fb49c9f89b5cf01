package engine

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/int8scope/int8scope/engine/tflite"
)

// SVDFParams are SVDF's prepared parameters.
//
// Mirrors TFLite Micro's svdf (kernels/svdf_common.cc PrepareSvdf,
// EvalIntegerSvdfReference, EvalFloatSvdfReference). Inputs: input [B, I],
// weights_feature [F, I], weights_time [F, M], optional bias [U] (U = F/rank)
// and the variable state [B, F·M]. Each inference:
//
//	state ← state shifted left by one element (the oldest column drops out)
//	state[b, f, M−1] = T(clamp(MultiplyByQuantizedMultiplier(
//	        Σ_i wf[f,i]·(in[b,i] − z_in), Scale1), state type range) + z_state)
//	        (the zero point added after the clamp, the sum wrapping to T)
//	acc[b, u] = bias[u] + Σ_{r<rank} Σ_m wt[u·rank+r, m]·(state[b, u·rank+r, m] − z_state)
//	out[b, u] = clamp(MultiplyByQuantizedMultiplier(acc, Scale2) + z_out, −128, 127)
//
// with Scale1 = s_in·s_wf/s_state and Scale2 = s_state·s_wt/s_out, each
// computed in float32 as TFLite Micro does. Like TFLite's integer SVDF, the
// int8 kernel applies no fused activation beyond the int8 clamp. The state
// is int16 (or int8, with int8 weights_time). Float SVDF computes the same in
// float32 and then applies the fused activation.
type SVDFParams struct {
	Rank      int `json:"rank"`
	Batches   int `json:"batches"`
	InputSize int `json:"input_size"`
	Filters   int `json:"filters"`
	Units     int `json:"units"`
	Memory    int `json:"memory_size"`

	InputZeroPoint  int32 `json:"input_zero_point,omitempty"`
	StateZeroPoint  int32 `json:"state_zero_point,omitempty"`
	OutputZeroPoint int32 `json:"output_zero_point,omitempty"`
	// Scale1 requantizes the feature dot products into the state:
	// s_input·s_weights_feature/s_state.
	Scale1 *Requant `json:"scale_1,omitempty"`
	// Scale2 requantizes the time accumulators into the output:
	// s_state·s_weights_time/s_output.
	Scale2   *Requant `json:"scale_2,omitempty"`
	StateMin int32    `json:"state_min,omitempty"`
	StateMax int32    `json:"state_max,omitempty"`
	ActMin   int32    `json:"act_min,omitempty"`
	ActMax   int32    `json:"act_max,omitempty"`
	// Float models: the clamp of the fused activation.
	FloatMin float32 `json:"float_min,omitempty"`
	FloatMax float32 `json:"float_max,omitempty"`
	// RankSumFirst: a float unit's output is bias + (Σ over its rank
	// filters, from 0), as TFLite's ReductionSumVector adds them
	// (svdf_xnnpack.go, and hybrid SVDF); TFLite Micro adds each filter's
	// sum to the bias in turn.
	RankSumFirst bool `json:"rank_sum_first,omitempty"`

	in, wf, wt, bias, state, out int // bias −1 if absent
	typ, stateType               DType
	wfPacked                     []int64 // weights_feature packed in pairs of rows (packRows), or nil
	// featAdd is −z_in·Σ_i wf[f,i] per filter when weights_feature is
	// constant (svdfFeatAdd), or nil.
	featAdd []int32
	// q1, q2: Scale1 and Scale2 as svdfRequant, prepared once (nil: made
	// per run from Scale1 and Scale2).
	q1, q2 *svdfRequant
	// unitAdd is bias[u] − z_state·Σ wt over unit u's rank rows, per unit,
	// when weights_time and the bias are constant (svdfUnitAdd), or nil.
	unitAdd []int32
}

func init() { register(tflite.BuiltinOperatorSVDF, prepareSVDF) }

func prepareSVDF(c *prepCtx) (kernel, error) {
	if err := c.io(3, 5, 1); err != nil {
		return nil, err
	}
	if len(c.op.Inputs) != 5 || c.op.Inputs[4] < 0 {
		return nil, c.errorf("needs 5 inputs (input, weights_feature, weights_time, bias or −1, state)")
	}
	in, wf, wt, bias, state, out := c.in(0), c.in(1), c.in(2), c.in(3), c.in(4), c.out(0)
	o, _ := c.op.Options.(*tflite.SVDFOptionsT)
	if o == nil || o.Rank <= 0 {
		return nil, c.errorf("SVDFOptions with a positive rank are required")
	}
	for _, t := range []*Tensor{in, wf, wt, state} {
		if len(t.Shape) != 2 {
			return nil, c.errorf("tensor %d (%q) has shape %v; SVDF's input, weights, state and output are 2-D", t.Index, t.Name, t.Shape)
		}
	}
	p := &SVDFParams{Rank: int(o.Rank), Batches: in.Shape[0], InputSize: in.Shape[1], Filters: wf.Shape[0], Memory: wt.Shape[1],
		in: in.Index, wf: wf.Index, wt: wt.Index, bias: -1, state: state.Index, out: out.Index, typ: in.Type, stateType: state.Type}
	if p.Filters%p.Rank != 0 {
		return nil, c.errorf("%d filters do not divide by rank %d", p.Filters, p.Rank)
	}
	p.Units = p.Filters / p.Rank
	switch {
	case wf.Shape[1] != p.InputSize:
		return nil, c.errorf("weights_feature shape %v does not match input size %d", wf.Shape, p.InputSize)
	case wt.Shape[0] != p.Filters:
		return nil, c.errorf("weights_time shape %v needs %d rows (the filters)", wt.Shape, p.Filters)
	case state.Shape[0] != p.Batches || state.Shape[1] != p.Filters*p.Memory:
		return nil, c.errorf("state shape %v, want [%d %d]", state.Shape, p.Batches, p.Filters*p.Memory)
	case p.Memory < 1:
		return nil, c.errorf("weights_time shape %v has no memory columns", wt.Shape)
	case !state.Variable:
		return nil, c.errorf("state tensor %d (%q) must be a variable tensor", state.Index, state.Name)
	}
	if err := c.sameShape(out, []int{p.Batches, p.Units}); err != nil {
		return nil, err
	}
	if bias != nil {
		p.bias = bias.Index
		if bias.NumElements() != p.Units {
			return nil, c.errorf("bias tensor %d has %d elements, want %d", bias.Index, bias.NumElements(), p.Units)
		}
	}
	act, err := c.activation(o.FusedActivationFunction)
	if err != nil {
		return nil, err
	}
	switch {
	case in.Type == Float32 && wf.Type == Float32 && wt.Type == Float32 && state.Type == Float32 && out.Type == Float32 &&
		(bias == nil || bias.Type == Float32):
		p.FloatMin, p.FloatMax = floatActivation(act)
	case in.Type == Float32 && wf.Type == Int8 && wt.Type == Int8 && state.Type == Float32 && out.Type == Float32 &&
		(bias == nil || bias.Type == Float32):
		p.FloatMin, p.FloatMax = floatActivation(act)
		return prepareSVDFHybrid(c, p, o) // svdf_hybrid.go
	case in.Type == Int8 && wf.Type == Int8 && out.Type == Int8 && (wt.Type == Int16 || wt.Type == Int8) && state.Type == wt.Type &&
		(bias == nil || bias.Type == Int32):
		for _, t := range []*Tensor{in, wf, wt, state, out} {
			if err := c.needQuant("input/weights/state/output", t); err != nil {
				return nil, err
			}
		}
		// float32 arithmetic, as in PrepareSvdf.
		sIn, sWf, sWt, sState, sOut := in.Quant.Scale[0], wf.Quant.Scale[0], wt.Quant.Scale[0], state.Quant.Scale[0], out.Quant.Scale[0]
		s1, s2 := float64(sIn*sWf/sState), float64(sState*sWt/sOut)
		if math.IsInf(s1, 0) || math.IsInf(s2, 0) {
			return nil, c.errorf("effective scales %v and %v are not finite", s1, s2)
		}
		if bias != nil {
			if bias.Quant == nil || len(bias.Quant.Scale) == 0 ||
				math.Abs(float64(bias.Quant.Scale[0])-float64(sState*sWt)) >= 1e-5 {
				return nil, c.errorf("bias tensor %d needs scale s_state·s_weights_time = %v (TFLite Micro checks it within 1e-5)", bias.Index, sState*sWt)
			}
		}
		r1, r2 := c.requant(s1), c.requant(s2)
		p.Scale1, p.Scale2 = &r1, &r2
		q1, q2 := newSVDFRequant(r1), newSVDFRequant(r2)
		p.q1, p.q2 = &q1, &q2
		p.InputZeroPoint, p.StateZeroPoint, p.OutputZeroPoint = in.ZeroPoint(), state.ZeroPoint(), out.ZeroPoint()
		p.StateMin, p.StateMax = qrange(state.Type)
		p.ActMin, p.ActMax = qrange(Int8)
		if wf.Const && len(wf.Data) == p.Filters*p.InputSize {
			p.featAdd = svdfFeatAdd(p, AsInt8(wf.Data))
			g := &gemmWeights{w: AsInt8(wf.Data)}
			g.packRows(p.Filters, p.InputSize)
			p.wfPacked = g.packed
		}
		if wt.Const && len(wt.Data) == wt.Type.Size()*p.Filters*p.Memory && (bias == nil || bias.Const && len(bias.Data) == 4*p.Units) {
			var b []int32
			if bias != nil {
				b = AsInt32(bias.Data)
			}
			if wt.Type == Int16 {
				p.unitAdd = svdfUnitAdd(p, AsInt16(wt.Data), b)
			} else {
				p.unitAdd = svdfUnitAdd(p, AsInt8(wt.Data), b)
			}
		}
	default:
		return nil, c.unsupportedTypes()
	}
	return p, nil
}

// svdfTFLiteUndefined says why the tflite-xnnpack profile refuses SVDF op,
// or "". TFLite's svdf.cc never checks the type of weights_time or of the
// state: for an int8 input it reads both with GetTensorData<int16_t> and
// writes the state as int16. With the int8 state and weights_time TFLite
// Micro supports (keyword_scrambled_8bit), it reads and writes twice the
// bytes those buffers hold, so its result depends on whatever lies past
// them: undefined behaviour, and indeed the browser TFLite's SIMD and
// non-SIMD builds give different numbers. There is no TFLite arithmetic to
// reproduce.
func svdfTFLiteUndefined(m *Model, op *Op) string {
	if in, state := opTensor(m, op, 0), opTensor(m, op, 4); in != nil && state != nil && in.Type == Int8 && state.Type == Int8 {
		return "int8 SVDF with an int8 state and weights_time: TFLite's svdf.cc reads both as int16 " +
			"(GetTensorData<int16_t>, no type check), past the ends of the int8 buffers, so its result is " +
			"undefined (the browser TFLite's SIMD and non-SIMD builds disagree); int8scope does not imitate it " +
			"(the reference profile runs it as TFLite Micro does)"
	}
	return ""
}

func (p *SVDFParams) macs() int64 {
	return int64(p.Batches) * int64(p.Filters) * int64(p.InputSize+p.Memory)
}

func (p *SVDFParams) eval(r *run, op *Op) error {
	if p.typ == Float32 {
		p.evalFloat(r)
		return nil
	}
	if p.stateType == Int16 {
		svdfInt(p, r, r.i16(p.wt), r.i16(p.state))
	} else {
		svdfInt(p, r, r.i8(p.wt), r.i8(p.state))
	}
	return nil
}

// svdfInt is EvalIntegerSvdfReference for an int16 or int8 state. Its
// sums are the reference's in wrapping int32 arithmetic, taken in another
// order (any order gives the same integers): the feature dot products as
// one matrix product (gemm) plus featAdd (−z_in·Σ_i wf[f,i]), and each
// unit's time sum as one contiguous dot product (its rank filters' rows of
// weights_time and of the state lie next to each other) plus unitAdd
// (bias − z_state·Σ wt).
//
// After the state shift and the matrix product, one loop over the units
// does the rest of a unit's work: its rank new state values, its time sum
// and its output, with no branch in its body (the rounding is chosen at
// Prepare: svdfRequant) and no bounds checks. In Go's WebAssembly output
// every loop pass and every branch goes through the block dispatcher and
// intermediates live in memory; this loop instead of three (new state
// column, time sums, outputs) made keyword_scrambled's whole run about
// 9% faster in Node (its SVDF loops about a third faster).
func svdfInt[T int8 | int16](p *SVDFParams, r *run, wt, state []T) {
	B, I, F, M, U, R := p.Batches, p.InputSize, p.Filters, p.Memory, p.Units, p.Rank
	in, wf := r.i8(p.in), r.i8(p.wf)
	// The reference shifts the whole buffer left by one element; the
	// element each filter's row takes from the next row is its newest
	// column, written below.
	if len(state) > 0 {
		copy(state, state[1:])
	}
	gs := &r.gs
	gs.accs = grow(gs.accs, B*F)
	dots := gs.accs
	if p.wfPacked != nil && gemmGo {
		gemmRowsPacked(B, F, I, in, p.wfPacked, dots)
	} else {
		gemm(B, F, I, in, wf, dots)
	}
	featAdd, unitAdd := p.featAdd, p.unitAdd
	if featAdd == nil {
		featAdd = svdfFeatAdd(p, wf)
	}
	if unitAdd == nil {
		var bias []int32
		if p.bias >= 0 {
			bias = r.i32(p.bias)
		}
		unitAdd = svdfUnitAdd(p, wt, bias)
	}
	var q1, q2 svdfRequant
	if p.q1 != nil {
		q1, q2 = *p.q1, *p.q2
	} else {
		q1, q2 = newSVDFRequant(*p.Scale1), newSVDFRequant(*p.Scale2)
	}
	var accs []int64
	if r.tracing() {
		accs = r.accBuf(B * U)
		r.tr.Acc = accs
	}
	gs.tmp = grow(gs.tmp, U)
	sums := gs.tmp
	out := r.i8(p.out)
	n := R * M // one unit's stretch of weights_time and of a batch's state
	zState, sLo, sHi := p.StateZeroPoint, p.StateMin, p.StateMax
	zOut, lo, hi := p.OutputZeroPoint, p.ActMin, p.ActMax
	featAdd, unitAdd, wt = featAdd[:F], unitAdd[:U], wt[:U*n]
	// The loops below read and write through pointers, without Go's
	// bounds checks (a third of the loop bodies' instructions in the
	// WebAssembly output): with the slices cut to these lengths, unit u
	// reads row, featAdd [u·R, u·R+R), unitAdd, sums, o [u], and wt, st
	// [u·n, u·n+n), all inside them.
	// The requantizations' constants as plain locals (a struct whose
	// method takes its address stays in memory, each field read through a
	// computed address in the WebAssembly output).
	m1, c1, h1, n1, l1, s1, r1 := q1.m, q1.c, q1.half, q1.neg, uint(q1.left), uint(q1.s), uint(q1.right)
	m2, c2, h2, n2, l2, s2, r2 := q2.m, q2.c, q2.half, q2.neg, uint(q2.left), uint(q2.s), uint(q2.right)
	sz := int(unsafe.Sizeof(T(0)))
	ld := func(p unsafe.Pointer, i int) int32 { return int32(*(*T)(unsafe.Add(p, i*sz))) }
	for b := range B {
		row := dots[b*F:][:F]
		st := state[b*F*M:][:U*n]
		o := out[b*U:][:U]
		if U == 0 {
			continue
		}
		pw, ps := unsafe.Pointer(unsafe.SliceData(wt)), unsafe.Pointer(unsafe.SliceData(st))
		pd, pf := unsafe.Pointer(unsafe.SliceData(row)), unsafe.Pointer(unsafe.SliceData(featAdd))
		// A new state value: the feature dot requantized, clamped to the
		// state type before the zero point is added, stored with C's
		// wrapping conversion, as TFLite Micro does. (min/max, lo < hi: no
		// branch per element.) The time sum Σ wt·(state − z_state) + bias
		// is Σ wt·state + unitAdd[u], the same wrapping int32 sum.
		if R == 1 && M == 8 {
			// Rank 1, memory 8: the unit's filter is u, its eight
			// products unrolled (a loop per unit costs more than its
			// products in WebAssembly).
			for u, add := range unitAdd {
				d := *(*int32)(unsafe.Add(pd, 4*u)) + *(*int32)(unsafe.Add(pf, 4*u))
				v := T(min(max(svdfRQ(d, m1, c1, h1, n1, l1, s1, r1), sLo), sHi) + zState)
				a, s := unsafe.Add(pw, 8*u*sz), unsafe.Add(ps, 8*u*sz)
				*(*T)(unsafe.Add(s, 7*sz)) = v
				acc := add + ld(a, 0)*ld(s, 0) + ld(a, 1)*ld(s, 1) +
					ld(a, 2)*ld(s, 2) + ld(a, 3)*ld(s, 3) +
					ld(a, 4)*ld(s, 4) + ld(a, 5)*ld(s, 5) +
					ld(a, 6)*ld(s, 6) + ld(a, 7)*int32(v)
				sums[u] = acc
				o[u] = int8(min(max(svdfRQ(acc, m2, c2, h2, n2, l2, s2, r2)+zOut, lo), hi))
			}
		} else {
			for u, add := range unitAdd {
				wu, su := unsafe.Add(pw, u*n*sz), unsafe.Add(ps, u*n*sz)
				for k := range R {
					f := u*R + k
					d := *(*int32)(unsafe.Add(pd, 4*f)) + *(*int32)(unsafe.Add(pf, 4*f))
					*(*T)(unsafe.Add(su, (k*M+M-1)*sz)) = T(min(max(svdfRQ(d, m1, c1, h1, n1, l1, s1, r1), sLo), sHi) + zState)
				}
				// Sixteen products a step from a pointer to the step's
				// first (constant offsets from it become the loads'
				// offsets in the WebAssembly output), then one at a time.
				acc := add
				j := 0
				for ; j+16 <= n; j += 16 {
					a, s := unsafe.Add(wu, j*sz), unsafe.Add(su, j*sz)
					acc += ld(a, 0)*ld(s, 0) + ld(a, 1)*ld(s, 1) +
						ld(a, 2)*ld(s, 2) + ld(a, 3)*ld(s, 3) +
						ld(a, 4)*ld(s, 4) + ld(a, 5)*ld(s, 5) +
						ld(a, 6)*ld(s, 6) + ld(a, 7)*ld(s, 7) +
						ld(a, 8)*ld(s, 8) + ld(a, 9)*ld(s, 9) +
						ld(a, 10)*ld(s, 10) + ld(a, 11)*ld(s, 11) +
						ld(a, 12)*ld(s, 12) + ld(a, 13)*ld(s, 13) +
						ld(a, 14)*ld(s, 14) + ld(a, 15)*ld(s, 15)
				}
				for ; j < n; j++ {
					acc += ld(wu, j) * ld(su, j)
				}
				sums[u] = acc
				o[u] = int8(min(max(svdfRQ(acc, m2, c2, h2, n2, l2, s2, r2)+zOut, lo), hi))
			}
		}
		if accs != nil {
			for u, acc := range sums {
				accs[b*U+u] = int64(acc)
			}
		}
	}
}

// svdfRequant is MultiplyByQuantizedMultiplier with either rounding of
// quantMul in one branch-free form: v = (x′·m + c) >> s, then
// (v + half − [v < 0]·neg) >> right, with x′ = int32(x·2^left).
// quantMul's double rounding is c = 2^30, s = 31 followed by its
// RoundingDivideByPOT; its single rounding is left = 0, c = round,
// s = total followed by nothing (half = neg = right = 0). Choosing the
// rounding per element would cost a branch per element, which Go's
// WebAssembly output pays through its block dispatcher.
type svdfRequant struct {
	m, c, half, neg int64
	left, s, right  uint8
}

func newSVDFRequant(r Requant) svdfRequant {
	q := newQuantMul(r)
	if q.single {
		return svdfRequant{m: q.m, c: q.round, s: q.total}
	}
	return svdfRequant{m: q.m, c: 1 << 30, s: 31, half: q.half, neg: q.neg, left: q.left, right: q.right}
}

// apply equals quantMul.apply (TestSVDFRequant).
func (q *svdfRequant) apply(x int32) int32 {
	return svdfRQ(x, q.m, q.c, q.half, q.neg, uint(q.left), uint(q.s), uint(q.right))
}

// svdfRQ is svdfRequant.apply on its fields.
func svdfRQ(x int32, m, c, half, neg int64, left, s, right uint) int32 {
	v := (int64(int32(int64(x)<<(left&63)))*m + c) >> (s & 63)
	return int32((v + half - v>>63&neg) >> (right & 63))
}

// svdfFeatAdd returns, per filter f, what the integer SVDF adds to the
// feature dot product Σ_i wf[f,i]·in[b,i] to make the reference's
// Σ_i wf[f,i]·(in[b,i] − z_in): −z_in·Σ_i wf[f,i], in wrapping int32.
func svdfFeatAdd(p *SVDFParams, wf []int8) []int32 {
	add := rowSums(p.Filters, p.InputSize, wf, nil)
	for f, s := range add {
		add[f] = -p.InputZeroPoint * s
	}
	return add
}

// svdfUnitAdd returns, per unit u, what the integer SVDF adds to the
// unit's Σ wt·state to make EvalIntegerSvdfReference's
// bias[u] + Σ wt·(state − z_state): bias[u] − z_state·Σ wt over the unit's
// rank rows of weights_time, in wrapping int32 (bias nil for none).
func svdfUnitAdd[T int8 | int16](p *SVDFParams, wt []T, bias []int32) []int32 {
	n := p.Rank * p.Memory
	add := make([]int32, p.Units)
	for u := range add {
		var s int32
		for _, v := range wt[u*n:][:n] {
			s += int32(v)
		}
		add[u] = -p.StateZeroPoint * s
		if bias != nil {
			add[u] += bias[u]
		}
	}
	return add
}

// evalFloat is EvalFloatSvdfReference.
func (p *SVDFParams) evalFloat(r *run) {
	B, I, F, M := p.Batches, p.InputSize, p.Filters, p.Memory
	in, wf, state := r.f32(p.in), r.f32(p.wf), r.f32(p.state)
	if len(state) > 0 {
		copy(state, state[1:])
	}
	for b := range B {
		x := in[b*I : (b+1)*I]
		for f := range F {
			var dot float32
			for i, v := range x {
				dot += float32(wf[f*I+i] * v)
			}
			state[(b*F+f)*M+M-1] = dot
		}
	}
	p.timeWeights(r, r.f32(p.wt))
}

// timeWeights is the float kernels' ApplyTimeWeightsBiasAndActivation:
// per filter Σ_m wt·state in float32 from 0, per unit bias + the rank
// filters' sums in order, then the activation.
func (p *SVDFParams) timeWeights(r *run, wt []float32) {
	B, F, M := p.Batches, p.Filters, p.Memory
	state, out := r.f32(p.state), r.f32(p.out)
	scratch := make([]float32, B*F)
	for b := range B {
		for f := range F {
			var s float32
			for m := range M {
				s += float32(wt[f*M+m] * state[(b*F+f)*M+m])
			}
			scratch[b*F+f] = s
		}
	}
	for b := range B {
		for u := range p.Units {
			var v float32
			switch {
			case p.RankSumFirst:
				var sum float32
				for k := range p.Rank {
					sum += scratch[b*F+u*p.Rank+k]
				}
				v = sum
				if p.bias >= 0 {
					v = r.f32(p.bias)[u] + sum
				}
			default:
				if p.bias >= 0 {
					v = r.f32(p.bias)[u]
				}
				for k := range p.Rank {
					v += scratch[b*F+u*p.Rank+k]
				}
			}
			out[b*p.Units+u] = clampF(v, p.FloatMin, p.FloatMax)
		}
	}
}

func (p *SVDFParams) explain(res *Result, op *Op, index int) (*Explanation, error) {
	if p.typ == Float32 {
		return floatResult(res, op, index, fmt.Sprintf("Σ over rank and memory of activation state·time weights of unit %d, float32, + bias, then the fused activation", index%p.Units)), nil
	}
	b, u := index/p.Units, index%p.Units
	m := res.Model
	wt, state := Values(m.Tensors[p.wt].Type, res.Tensors[p.wt]), Values(m.Tensors[p.state].Type, res.Tensors[p.state])
	e := &Explanation{TermsTotal: p.Rank * p.Memory, TermInput: p.state, TermFilter: p.wt}
	var sum int64
	for f := u * p.Rank; f < (u+1)*p.Rank; f++ {
		for k := range p.Memory {
			t := Term{InputIndex: (b*p.Filters+f)*p.Memory + k, FilterIndex: f*p.Memory + k, FilterOffset: 0, InputOffset: -p.StateZeroPoint}
			t.Input, t.Filter = int32(state[t.InputIndex]), int32(wt[t.FilterIndex])
			t.Product = int64(t.Input+t.InputOffset) * int64(t.Filter)
			sum += t.Product
			if len(e.Terms) < res.termLimit() {
				e.Terms = append(e.Terms, t)
			}
		}
	}
	var bias int64
	if p.bias >= 0 {
		bias = int64(AsInt32(res.Tensors[p.bias])[u])
	}
	o := newFixedPointOutput([]Requant{*p.Scale2}, 1, p.OutputZeroPoint, p.ActMin, p.ActMax)
	explainAccumulator(e, o, int64(int32(sum)), bias, 0, false)
	e.Steps[0].Formula = "Σ_rank Σ_memory (state + state_offset)·weights_time (state after this step's update)"
	return e, nil
}
