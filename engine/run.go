package engine

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync/atomic"
	"time"
)

// Options control one run.
type Options struct {
	Profile Profile // "" = Reference
	Trace   bool    // record per-op accumulators and timings
	// LazyAccumulators, with Trace, leaves the accumulators of the ops that
	// can compute them again out of the run: the trace counts them and
	// Result.Accumulators computes one op's when asked (trace_lazy.go).
	LazyAccumulators bool
	// Untimed, with Trace, reads no clock: every OpTrace.Nanos stays 0.
	// Reading the clock costs a call into JavaScript under WebAssembly, and
	// the page's traced run of a tiny model takes its op times from an
	// earlier run instead (wasm/run.go).
	Untimed bool
	// Reuse, when set, is the Result of an earlier run of this same model
	// that the caller gives up: the run writes its tensors into that
	// Result's buffers (zeroed first) where they have the sizes it needs,
	// instead of allocating new ones. The WebAssembly page passes its last
	// run's, so that a run of a small model allocates next to nothing (Go's
	// collector is slow in WebAssembly). Reuse's tensors, and its trace
	// records when this run is traced too, then change.
	Reuse *Result
	// state, in tests, replaces the initial value of variable tensors, by
	// tensor index (TFLite has no way to set it: it resets them).
	state map[int][]byte
}

// Result is the state after one inference.
type Result struct {
	Model   *Model
	Profile Profile
	// Tensors holds the raw little-endian value of every tensor, indexed like
	// Model.Tensors: constants, inputs, and everything the ops wrote.
	Tensors [][]byte
	// State is the model's state after the run, under Profile: its
	// resource variables (state.go), which the next Run starts from.
	State []Variable
	Trace *Trace // nil unless Options.Trace

	allTerms bool // ExplainAll: explanations list every term
}

// Trace records what a run computed beyond the tensor values.
type Trace struct {
	Ops []OpTrace `json:"ops"`
	// State is the resource variables' values after the run.
	State []Variable `json:"state,omitempty"`
}

// OpTrace is one op's record.
type OpTrace struct {
	Op      int    `json:"op"`
	Builtin string `json:"builtin"`
	Nanos   int64  `json:"nanos"`
	// Arithmetic names the kernel whose arithmetic the op ran with: under
	// tflite-xnnpack, the XNNPACK delegate or TFLite's builtin kernel (and
	// why the delegate left it).
	Arithmetic string `json:"arithmetic"`
	// Acc holds, for FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D,
	// TRANSPOSE_CONV, SVDF and quantized BATCH_MATMUL, the int32 (int64 for 16x8) accumulator of every output
	// element after the bias and before requantization, in output order.
	// For hybrid ops (float32 input, int8 weights) Acc holds the integer
	// dot products and Hybrid the on-the-fly quantization of the input.
	Acc    []int64      `json:"acc,omitempty"`
	Hybrid *HybridTrace `json:"hybrid,omitempty"`
	// Note says what a control-flow op did: which IF branch ran, how many
	// times a WHILE body ran, whether CALL_ONCE ran its init subgraph.
	Note string `json:"note,omitempty"`
	// lazyAcc is 1 + the number of accumulators left for
	// Result.Accumulators (Options.LazyAccumulators), 0 when none are.
	lazyAcc int
}

// run is the state of one evaluation, passed to the kernels.
type run struct {
	m     *Model
	pl    *plan // m's plan for p, or nil (exec looks it up)
	p     Profile
	st    *State // the model's state under p
	depth int    // how deep in subgraph calls (subgraphs.go)
	vals  [][]byte
	tr    *OpTrace // current op's record; nil when not tracing
	gs    gemmScratch
	// lazyAcc: ops that can leave their accumulators for later do
	// (Options.LazyAccumulators).
	lazyAcc bool
	// untimed: a traced run reads no clock (Options.Untimed).
	untimed bool
	// spareAcc is the accumulator buffer of the given-up record that
	// r.tr overwrote (Options.Reuse), for accBuf.
	spareAcc []int64
	// dynBytes counts what the outputs of ops prepared during the run
	// (a dynamic model's) take, against MaxTensorBytes.
	dynBytes int
}

// Run performs one inference. inputs[i] holds the raw little-endian bytes of
// subgraph input i.
func (m *Model) Run(inputs [][]byte, opt Options) (*Result, error) {
	if m == nil {
		return nil, errNoModel
	}
	p, err := ParseProfile(string(opt.Profile))
	if err != nil {
		return nil, err
	}
	if len(inputs) != len(m.Inputs) {
		return nil, fmt.Errorf("model has %d inputs, got %d", len(m.Inputs), len(inputs))
	}
	if err := m.Runnable(); err != nil {
		return nil, err
	}
	pl := m.plans[p]
	if pl.refused != "" {
		return nil, errors.New(pl.refused)
	}
	if pl.dynamicAt < len(m.Ops) {
		// The shapes of this run are its own: run a copy whose dynamic
		// ops are prepared as they are reached (TFLite's Invoke after a
		// dynamic tensor), and the Result describes that copy.
		m = m.runCopy(p)
		pl = m.plans[p]
	}
	var reuse [][]byte
	if opt.Reuse != nil && opt.Reuse.Model == m {
		reuse = opt.Reuse.Tensors
	}
	st := m.top().states[p]
	r := takeRun()
	defer putRun(r)
	r.m, r.pl, r.p, r.st, r.vals, r.lazyAcc = m, pl, p, st, m.newValues(st, opt.state, reuse), opt.LazyAccumulators
	for i, ti := range m.Inputs {
		t := m.Tensors[ti]
		if len(inputs[i]) != t.NumBytes() {
			return nil, fmt.Errorf("input %d (tensor %d %q, %v %v) needs %d bytes, got %d",
				i, ti, t.Name, t.Type, t.Shape, t.NumBytes(), len(inputs[i]))
		}
		copy(r.vals[ti], inputs[i])
	}
	// The given-up Reuse itself becomes this run's Result (one allocation
	// fewer per run, which a small model's run in WebAssembly notices).
	var res *Result
	var old *Trace
	if opt.Reuse != nil && opt.Reuse.Model == m {
		res, old = opt.Reuse, opt.Reuse.Trace
		*res = Result{Model: m, Profile: p, Tensors: r.vals}
	} else {
		res = &Result{Model: m, Profile: p, Tensors: r.vals}
	}
	if opt.Trace {
		// The records of the given-up Reuse's trace, when it has as many
		// (exec overwrites each), else new ones.
		if old != nil && len(old.Ops) == len(m.Ops) {
			*old = Trace{Ops: old.Ops}
			res.Trace = old
		} else {
			res.Trace = &Trace{Ops: make([]OpTrace, len(m.Ops))}
		}
	}
	r.untimed = opt.Untimed
	if err := r.exec(res.Trace); err != nil {
		return nil, err
	}
	r.st.saveVariables(m, r.vals)
	res.State = r.st.snapshot()
	if res.Trace != nil {
		res.Trace.State = res.State
	}
	return res, nil
}

// newValues allocates the value of every tensor of m for one run:
// constants are their data, variable tensors start where the last run under
// st left them (their initial value after Load or Reset; override's, in
// tests), the rest at zero. The buffers of reuse (an earlier run's
// tensors, or nil) are taken where their sizes fit.
func (m *Model) newValues(st *State, override map[int][]byte, reuse [][]byte) [][]byte {
	var vals [][]byte
	if len(reuse) == len(m.Tensors) {
		vals = reuse // given up with its buffers: each entry is set again below
	} else {
		vals, reuse = make([][]byte, len(m.Tensors)), nil
	}
	for i, t := range m.Tensors {
		switch {
		case t.Const:
			vals[i] = t.Data
		case t.Type.Size() > 0:
			if n := t.NumBytes(); reuse != nil && len(reuse[i]) == n && n > 0 {
				vals[i] = reuse[i]
				clear(vals[i])
			} else {
				vals[i] = alignedBytes(n)
			}
			if t.Variable {
				resetVariable(t, vals[i])
			}
		}
	}
	st.loadVariables(m, vals)
	for i, v := range override {
		if m.Tensors[i].Variable {
			copy(vals[i], v)
		}
	}
	return vals
}

// spareRun keeps one run, with its gemm scratch buffers, from one Run to
// the next: a small model's run (the page's) then allocates neither (Go's
// allocator and collector are slow in WebAssembly; allocating them was a
// tenth of a 3-op model's run there). Concurrent runs take new ones.
var spareRun atomic.Pointer[run]

// takeRun returns a zeroed run whose gemm scratch buffers are an earlier
// run's.
func takeRun() *run {
	if r := spareRun.Swap(nil); r != nil {
		return r
	}
	return &run{gs: takeGemmScratch()}
}

// putRun keeps r for the next Run, dropping what it referred to but its
// scratch buffers, or gives its buffers back when another run was kept.
func putRun(r *run) {
	*r = run{gs: r.gs}
	if !spareRun.CompareAndSwap(nil, r) {
		putGemmScratch(&r.gs)
	}
}

// exec evaluates the ops of r.m's plan for r.p in order, recording into tr
// when it is not nil, with each op's time unless r.untimed.
func (r *run) exec(tr *Trace) error {
	pl := r.pl
	if pl == nil {
		pl = r.m.plans[r.p]
	}
	timed := tr != nil && !r.untimed
	var start time.Duration // timed: when the op started (one clock read per op)
	if timed {
		start = monotonic()
	}
	for _, op := range r.m.Ops {
		if tr != nil {
			r.tr = &tr.Ops[op.Index]
			r.spareAcc = r.tr.Acc // a given-up record's (Options.Reuse), or nil
			*r.tr = OpTrace{Op: op.Index, Builtin: op.Builtin, Arithmetic: pl.arithmetic[op.Index]}
		}
		if op.Index >= pl.dynamicAt {
			if err := r.prepareAtRun(pl, op); err != nil {
				return fmt.Errorf("op %d (%s): %w", op.Index, op.Builtin, err)
			}
			if r.tr != nil {
				r.tr.Arithmetic = pl.arithmetic[op.Index]
			}
		}
		if err := pl.kernels[op.Index].eval(r, op); err != nil {
			return fmt.Errorf("op %d (%s): %w", op.Index, op.Builtin, err)
		}
		if timed {
			now := monotonic()
			r.tr.Nanos, start = (now - start).Nanoseconds(), now
		}
	}
	return nil
}

// resetVariable sets a variable (state) tensor to its initial value as
// TFLite Micro (MicroInterpreterGraph::ResetTensorData) and TFLite
// (tflite::ResetVariableTensor) do when tensors are allocated: an int8
// tensor is filled with its zero point, any other type with zero bytes.
// Both ignore a buffer stored in the file (TFLite refuses such a model).
func resetVariable(t *Tensor, b []byte) {
	if t.Type == Int8 {
		zp := byte(int8(t.ZeroPoint()))
		for i := range b {
			b[i] = zp
		}
	}
}

// Typed views of tensor t's value.
func (r *run) i8(t int) []int8     { return AsInt8(r.vals[t]) }
func (r *run) u8(t int) []uint8    { return r.vals[t] }
func (r *run) i16(t int) []int16   { return AsInt16(r.vals[t]) }
func (r *run) i32(t int) []int32   { return AsInt32(r.vals[t]) }
func (r *run) i64(t int) []int64   { return AsInt64(r.vals[t]) }
func (r *run) f32(t int) []float32 { return AsFloat32(r.vals[t]) }

// accBuf returns n zeroed int64s for the current op's trace record: the
// buffer of the record it replaced (Options.Reuse) when that is big
// enough, else new ones.
func (r *run) accBuf(n int) []int64 {
	if a := r.spareAcc; cap(a) >= n {
		r.spareAcc = nil
		a = a[:n]
		clear(a)
		return a
	}
	return make([]int64, n)
}

// tracing reports whether the run records a trace.
func (r *run) tracing() bool { return r.tr != nil }

// RunBytes is what one inference allocates, known before it starts: every
// non-constant tensor (kernels add scratch, at most as much again), plus
// with a trace 8 bytes per accumulator of the ops that record them. Callers
// with little memory (the WebAssembly playground) check it to refuse a run
// with a message instead of dying.
func (m *Model) RunBytes(trace bool) int64 {
	var n int64
	for _, t := range m.Tensors {
		if !t.Const {
			n += int64(t.NumBytes())
		}
	}
	for _, g := range m.Subgraphs { // (the page asks on every run: cached there)
		n += g.RunBytes(trace) // a called subgraph's values live while it runs
	}
	if !trace {
		return n
	}
	for _, op := range m.Ops {
		if _, ok := op.Params.(macCounter); ok {
			for _, o := range op.Outputs {
				n += 8 * int64(m.Tensors[o].NumElements())
			}
		}
	}
	return n
}

// runCopy returns a copy of m for one run under profile p of a model with
// dynamic ops: its own tensors (their shapes are the run's), ops and plan
// for p, sharing everything else (constants, state, called subgraphs).
func (m *Model) runCopy(p Profile) *Model {
	c := *m
	c.Tensors = make([]*Tensor, len(m.Tensors))
	for i, t := range m.Tensors {
		tc := *t
		tc.Shape = slices.Clone(t.Shape)
		c.Tensors[i] = &tc
	}
	pl := *m.plans[p]
	pl.kernels, pl.arithmetic = slices.Clone(pl.kernels), slices.Clone(pl.arithmetic)
	c.plans = maps.Clone(m.plans)
	c.plans[p] = &pl
	c.runRead = []RunRead{}
	c.Ops = make([]*Op, len(m.Ops))
	for i, op := range m.Ops {
		oc := *op
		c.Ops[i] = &oc
		if i >= pl.dynamicAt {
			for _, t := range op.Outputs {
				c.Tensors[t].inferred = true
			}
		}
	}
	return &c
}

// prepareAtRun prepares op, of a dynamic model, with the values the ops
// before it computed (TFLite's Subgraph::Invoke re-prepares the ops after
// a dynamic tensor), and gives its outputs their run's sizes.
func (r *run) prepareAtRun(pl *plan, op *Op) error {
	if r.m.root != nil {
		return fmt.Errorf("a called subgraph with dynamic shapes is not supported (%s)", op.Dynamic)
	}
	k, arith, err := profileOf(r.p).atRun(&prepCtx{m: r.m, op: op, vals: r.vals})
	if err != nil {
		return err
	}
	pl.kernels[op.Index], pl.arithmetic[op.Index] = k, arith
	op.Params, op.Dynamic = k, ""
	if _, ok := k.(macCounter); ok && r.m.MACs() > MaxMACs {
		return fmt.Errorf("with this run's shapes the model needs over %d G multiply-accumulates per inference, int8scope's limit", MaxMACs>>30)
	}
	op.Profiles = map[Profile]OpPrepared{r.p: {Arithmetic: arith, Params: k}}
	for _, t := range op.Outputs {
		if err := checkSize(r.m.Tensors[t], &r.dynBytes); err != nil {
			return err
		}
		if n := r.m.Tensors[t].NumBytes(); len(r.vals[t]) != n {
			r.vals[t] = alignedBytes(n)
		}
	}
	return nil
}

// clockBase is the origin of monotonic.
var clockBase = time.Now()

// monotonic is the time since clockBase on the monotonic clock only: one
// clock read, where time.Now also reads the wall clock (two calls into
// JavaScript per read under WebAssembly).
func monotonic() time.Duration { return time.Since(clockBase) }
