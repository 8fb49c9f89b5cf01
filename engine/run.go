package engine

import (
	"fmt"
	"time"

	"github.com/int8scope/int8scope/engine/fixedpoint"
)

// Profile names the arithmetic TFLite build that a run reproduces.
type Profile string

// The arithmetic profiles.
const (
	// Reference is TFLite's reference kernels and TFLite Micro:
	// MultiplyByQuantizedMultiplier with double rounding.
	Reference Profile = "reference"
	// SingleRounding is a TFLite build with TFLITE_SINGLE_ROUNDING.
	SingleRounding Profile = "tflite-single-rounding"
	// XNNPack is what the browser TFLite (tfjs-tflite: TFLite with its
	// default XNNPACK delegate, in WebAssembly) computes: XNNPACK's float32
	// requantization for the ops the delegate takes, TFLite's builtin
	// kernels for the rest. See PROFILES.md and xnnpack.go.
	XNNPack Profile = "tflite-xnnpack"
)

// Profiles lists the profiles the engine implements.
func Profiles() []Profile { return []Profile{Reference, SingleRounding, XNNPack} }

// ParseProfile checks a profile name; "" means Reference.
func ParseProfile(s string) (Profile, error) {
	if s == "" {
		return Reference, nil
	}
	for _, p := range Profiles() {
		if string(p) == s {
			return p, nil
		}
	}
	return "", fmt.Errorf("unknown profile %q (have %v)", s, Profiles())
}

// Options control one run.
type Options struct {
	Profile Profile // "" = Reference
	Trace   bool    // record per-op accumulators and timings
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
	Trace   *Trace // nil unless Options.Trace
}

// Trace records what a run computed beyond the tensor values.
type Trace struct {
	Ops []OpTrace `json:"ops"`
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
	// TRANSPOSE_CONV and SVDF, the int32 (int64 for 16x8) accumulator of every output
	// element after the bias and before requantization, in output order.
	Acc []int64 `json:"acc,omitempty"`
}

// run is the state of one evaluation, passed to the kernels.
type run struct {
	m       *Model
	vals    [][]byte
	profile Profile
	tr      *OpTrace // current op's record; nil when not tracing
	xnn     *xnnPlan // XNNPack profile: which ops the delegate takes; built on first use
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
	r := &run{m: m, vals: make([][]byte, len(m.Tensors)), profile: p}
	for i, t := range m.Tensors {
		switch {
		case t.Const:
			r.vals[i] = t.Data
		case t.Type.Size() > 0:
			r.vals[i] = alignedBytes(t.NumBytes())
			if t.Variable {
				resetVariable(t, r.vals[i])
				copy(r.vals[i], opt.state[i])
			}
		}
	}
	for i, ti := range m.Inputs {
		t := m.Tensors[ti]
		if len(inputs[i]) != t.NumBytes() {
			return nil, fmt.Errorf("input %d (tensor %d %q, %v %v) needs %d bytes, got %d",
				i, ti, t.Name, t.Type, t.Shape, t.NumBytes(), len(inputs[i]))
		}
		copy(r.vals[ti], inputs[i])
	}
	res := &Result{Model: m, Profile: p, Tensors: r.vals}
	if opt.Trace {
		res.Trace = &Trace{Ops: make([]OpTrace, len(m.Ops))}
	}
	for _, op := range m.Ops {
		var start time.Time
		if res.Trace != nil {
			r.tr = &res.Trace.Ops[op.Index]
			*r.tr = OpTrace{Op: op.Index, Builtin: op.Builtin}
			start = time.Now()
		}
		if err := r.evalOp(op); err != nil {
			return nil, fmt.Errorf("op %d (%s): %w", op.Index, op.Builtin, err)
		}
		if r.tr != nil {
			r.tr.Nanos = time.Since(start).Nanoseconds()
			r.tr.Arithmetic = r.opArithmetic(op)
		}
	}
	return res, nil
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

// tracing reports whether the run records a trace.
func (r *run) tracing() bool { return r.tr != nil }

// requant scales an int32 accumulator by a prepared multiplier with the
// profile's rounding.
func (r *run) requant(acc int32, q Requant) int32 {
	return requant(r.profile, acc, q)
}

func requant(p Profile, acc int32, q Requant) int32 {
	if p == SingleRounding {
		return fixedpoint.MultiplyByQuantizedMultiplierSingleRounding(acc, q.Multiplier, q.Shift)
	}
	return fixedpoint.MultiplyByQuantizedMultiplier(acc, q.Multiplier, q.Shift)
}

// requant64 is requant for the int64 accumulators of 16x8 ops.
func requant64(p Profile, acc int64, q Requant) int32 {
	if p == SingleRounding {
		return fixedpoint.MultiplyByQuantizedMultiplier64SingleRounding(acc, q.Multiplier, q.Shift)
	}
	return fixedpoint.MultiplyByQuantizedMultiplier64(acc, q.Multiplier, q.Shift)
}

func clamp(v, lo, hi int32) int32 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// opArithmetic names the kernel op ran with under the run's profile.
func (r *run) opArithmetic(op *Op) string {
	switch r.profile {
	case SingleRounding:
		return "TFLite reference kernel, single rounding (TFLITE_SINGLE_ROUNDING)"
	case XNNPack: // evalOp has planned r.xnn
		if r.xnn.delegated[op.Index] {
			return "XNNPACK delegate"
		}
		return "TFLite builtin kernel: " + r.xnn.why[op.Index]
	}
	return "TFLite reference kernel (as TFLite Micro)"
}

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
	if !trace {
		return n
	}
	for _, op := range m.Ops {
		switch op.Params.(type) {
		case *FullyConnectedParams, *Conv2DParams, *DepthwiseConv2DParams, *TransposeConvParams, *SVDFParams:
			for _, o := range op.Outputs {
				n += 8 * int64(m.Tensors[o].NumElements())
			}
		}
	}
	return n
}
