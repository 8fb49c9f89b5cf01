package engine

import (
	"fmt"
	"slices"
)

// Accumulators on demand. A traced run records, for the ops that have
// them (FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV and
// quantized BATCH_MATMUL), every accumulator: as many int64s as the op has
// outputs, written while the op runs. With Options.LazyAccumulators the run
// records only how many there are (OpTrace.AccumulatorCount) and runs the
// op as fast as untraced; Result.Accumulators computes one op's when they
// are asked for, by evaluating that op again on the run's values of its
// inputs (the same kernel, so the same integers). The page asks for one
// op's at a time, when it shows that op.
//
// An op that reads a variable tensor (state that later ops or runs
// overwrite) still records its accumulators during the run, as do the
// hybrid ops and SVDF, which record them themselves.

// traceAcc returns the slice op records its n accumulators into while it
// runs, or nil when the run is untraced or leaves them for later
// (Options.LazyAccumulators; then the trace notes their count).
func (r *run) traceAcc(op *Op, n int) []int64 {
	if r.tr == nil {
		return nil
	}
	if r.lazyAcc && !r.m.readsVariable(op) {
		r.tr.lazyAcc = n + 1
		return nil
	}
	acc := make([]int64, n)
	r.tr.Acc = acc
	return acc
}

// readsVariable reports whether one of op's inputs is a variable tensor,
// whose value when the op ran is gone after the run.
func (m *Model) readsVariable(op *Op) bool {
	for _, t := range op.Inputs {
		if t >= 0 && m.Tensors[t].Variable {
			return true
		}
	}
	return false
}

// AccumulatorCount is how many accumulators the op has (len(Acc), or the
// count Result.Accumulators will compute), or -1 when it has none.
func (t *OpTrace) AccumulatorCount() int {
	switch {
	case t.Acc != nil:
		return len(t.Acc)
	case t.lazyAcc > 0:
		return t.lazyAcc - 1
	}
	return -1
}

// Accumulators returns op's accumulators in this traced run: the ones the
// run recorded, or, left for later (Options.LazyAccumulators), computed
// now from the run's values and kept. nil when the op has none.
func (res *Result) Accumulators(op int) ([]int64, error) {
	if res.Trace == nil || op < 0 || op >= len(res.Trace.Ops) {
		return nil, fmt.Errorf("no traced op %d in this run", op)
	}
	t := &res.Trace.Ops[op]
	if t.Acc != nil || t.lazyAcc == 0 {
		return t.Acc, nil
	}
	m := res.Model
	o := m.Ops[op]
	// The op's outputs go to scratch buffers: the run's values stay as
	// they are (the same bytes would be written again).
	vals := slices.Clone(res.Tensors)
	for _, ti := range o.Outputs {
		if ti >= 0 && vals[ti] != nil {
			vals[ti] = alignedBytes(len(vals[ti]))
		}
	}
	var rec OpTrace
	r := &run{m: m, p: res.Profile, st: m.top().states[res.Profile], vals: vals, tr: &rec}
	if err := m.plans[res.Profile].kernels[op].eval(r, o); err != nil {
		return nil, fmt.Errorf("op %d (%s): %w", op, o.Builtin, err)
	}
	if len(rec.Acc) != t.lazyAcc-1 {
		return nil, fmt.Errorf("op %d (%s): computed %d accumulators, the run counted %d", op, o.Builtin, len(rec.Acc), t.lazyAcc-1)
	}
	t.Acc, t.lazyAcc = rec.Acc, 0
	return t.Acc, nil
}
