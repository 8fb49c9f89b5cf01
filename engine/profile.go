package engine

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/int8scope/int8scope/engine/tflite"
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

// profileDef is a profile as a value: how it prepares a model. The kernels
// never see a profile's name; they get what it prepared for them (the
// rounding of each Requant, XNNPACK's output stage, the builtin kernels'
// own parameters).
type profileDef struct {
	name Profile
	plan func(m *Model) (*plan, error)
	// atRun prepares one op of a dynamic model while it runs (the ops
	// from plan.dynamicAt on), with the values computed so far.
	atRun func(c *prepCtx) (kernel, string, error)
}

const (
	arithReference = "TFLite reference kernel (as TFLite Micro)"
	arithSingle    = "TFLite reference kernel, single rounding (TFLITE_SINGLE_ROUNDING)"
)

var profiles = []profileDef{
	{Reference, func(m *Model) (*plan, error) {
		return portablePlan(m, RoundDouble, arithReference)
	}, func(c *prepCtx) (kernel, string, error) {
		c.rounding = RoundDouble
		k, err := prepareCtx(c)
		return k, arithReference, err
	}},
	{SingleRounding, func(m *Model) (*plan, error) {
		return portablePlan(m, RoundSingle, arithSingle)
	}, func(c *prepCtx) (kernel, string, error) {
		c.rounding = RoundSingle
		k, err := prepareCtx(c)
		return k, arithSingle, err
	}},
	{XNNPack, planXNNPack, builtinAtRun},
}

// profileOf returns profile p's definition.
func profileOf(p Profile) profileDef {
	for _, d := range profiles {
		if d.name == p {
			return d
		}
	}
	panic("engine: unknown profile " + string(p))
}

// Profiles lists the profiles the engine implements.
func Profiles() []Profile {
	var s []Profile
	for _, p := range profiles {
		s = append(s, p.name)
	}
	return s
}

// ParseProfile checks a profile name; "" means Reference.
func ParseProfile(s string) (Profile, error) {
	if s == "" {
		return Reference, nil
	}
	for _, p := range profiles {
		if string(p.name) == s {
			return p.name, nil
		}
	}
	return "", fmt.Errorf("unknown profile %q (have %v)", s, Profiles())
}

// plan is what one profile runs for each op of a model: the kernel that
// profile's Prepare made (its params are what the page shows for the
// profile) and a name for its arithmetic.
type plan struct {
	kernels    []kernel
	arithmetic []string // per op: which kernel's arithmetic, for the trace and explanations
	// refused is set when this profile's TFLite refuses the model (or
	// cannot compute one of its ops): a run, or an explanation, fails with
	// it, a whole sentence.
	refused string
	// tflite-xnnpack: per op, whether the XNNPACK delegate took it, and
	// why not.
	delegated []bool
	why       []string
	// dynamicAt is the first op whose output shape only a run can work
	// out (dynamicError); it and the ops after it are prepared while the
	// model runs (Model.Run). len(kernels) when there is none.
	dynamicAt int
}

// deferRest records that op is dynamic (err is a *dynamicError): it and
// the ops after it are prepared at run time. It reports whether err was
// such an error.
func (pl *plan) deferRest(m *Model, op *Op, err error) bool {
	d, ok := err.(*dynamicError)
	if !ok {
		return false
	}
	pl.dynamicAt = op.Index
	if m.dynamic == "" {
		m.dynamic = d.msg
	}
	for _, o := range m.Ops[op.Index:] {
		pl.arithmetic[o.Index] = "prepared when the model runs: " + d.msg
	}
	return true
}

// portablePlan prepares every op with TFLite's reference kernel and the
// given rounding.
func portablePlan(m *Model, rd Rounding, arith string) (*plan, error) {
	pl := &plan{kernels: make([]kernel, len(m.Ops)), arithmetic: make([]string, len(m.Ops)), dynamicAt: len(m.Ops)}
	for _, op := range m.Ops {
		if op.Unsupported != "" {
			continue
		}
		k, err := prepareOp(m, op, rd)
		if pl.deferRest(m, op, err) {
			break
		}
		var no *profileRefusal
		if errors.As(err, &no) {
			// This build cannot compute the op: the profile refuses the
			// model, the others run it.
			if pl.refused == "" {
				pl.refused = no.Error()
			}
			pl.arithmetic[op.Index] = no.Error()
			continue
		}
		if err != nil {
			return nil, err
		}
		pl.kernels[op.Index], pl.arithmetic[op.Index] = k, arith
	}
	return pl, nil
}

// profileRefusal is a Prepare error that holds for one profile only: its
// TFLite build cannot compute the op (an assertion, or undefined
// behaviour, in its arithmetic), where the other profiles' can. The
// profile's plan refuses the model with it; the model still loads.
type profileRefusal struct{ msg string }

func (e *profileRefusal) Error() string { return e.msg }

// refuseProfile is c's op refused by c's profile, with a message that says
// why and what to do.
func (c *prepCtx) refuseProfile(format string, args ...any) error {
	return &profileRefusal{fmt.Sprintf("op %d (%s): ", c.op.Index, c.op.Builtin) + fmt.Sprintf(format, args...)}
}

// prepareOp prepares op's reference kernel with rounding rd.
func prepareOp(m *Model, op *Op, rd Rounding) (kernel, error) {
	return prepareCtx(&prepCtx{m: m, op: op, rounding: rd})
}

// prepareCtx prepares c's op with its reference kernel.
func prepareCtx(c *prepCtx) (kernel, error) {
	d := defOf(c.op)
	if d == nil || d.prepare == nil {
		return nil, loadErrorf("op %d: %s is not supported by int8scope yet", c.op.Index, c.op.Builtin)
	}
	return d.prepare(c)
}

// markUnsupported records, on each op that int8scope has no kernel for,
// why, naming the ops around it. Such a model opens for inspection; running
// it fails with Model.Runnable's error.
func (m *Model) markUnsupported() {
	producer := map[int]*Op{}
	for _, op := range m.Ops {
		for _, t := range op.Outputs {
			producer[t] = op
		}
	}
	for _, op := range m.Ops {
		if d := defOf(op); d != nil && d.prepare != nil {
			continue
		}
		var around []string
		for _, t := range op.Inputs {
			if p := producer[t]; p != nil {
				around = append(around, fmt.Sprintf("after op %d (%s)", p.Index, p.Builtin))
			}
		}
		for _, c := range m.Ops {
			if slices.ContainsFunc(c.Inputs, func(t int) bool { return slices.Contains(op.Outputs, t) }) {
				around = append(around, fmt.Sprintf("before op %d (%s)", c.Index, c.Builtin))
				break
			}
		}
		where := ""
		if len(around) > 0 {
			where = ", " + strings.Join(slices.Compact(around), " and ")
		}
		hint := "int8scope has no kernel for it yet"
		if strings.HasPrefix(op.Builtin, "CUSTOM:Flex") {
			hint = "it is a TensorFlow (Flex) op, which only TFLite's Flex delegate runs; convert the model without SELECT_TF_OPS"
		} else if op.code == tflite.BuiltinOperatorCUSTOM {
			hint = "it is a custom op, which only a runtime that registers it can run"
		}
		op.Unsupported = fmt.Sprintf("op %d (%s%s) is not supported: %s", op.Index, op.Builtin, where, hint)
	}
}

// Runnable reports why the model cannot run (an op int8scope has no kernel
// for), or nil. Such a model is still open for inspection.
func (m *Model) Runnable() error {
	if !m.hasUnsupported() {
		return nil // every run asks: no allocation on this path
	}
	var msgs []string
	for _, op := range m.Ops {
		if op.Unsupported != "" {
			msgs = append(msgs, op.Unsupported)
		}
	}
	for _, i := range slices.Sorted(maps.Keys(m.Subgraphs)) {
		for _, op := range m.Subgraphs[i].Ops {
			if op.Unsupported != "" {
				msgs = append(msgs, fmt.Sprintf("in subgraph %d, %s", i, op.Unsupported))
			}
		}
	}
	switch len(msgs) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("this model cannot run in int8scope: %s. Its tensors and other ops can still be inspected", msgs[0])
	}
	return fmt.Errorf("this model cannot run in int8scope: %d ops are not supported: %s. Its tensors and other ops can still be inspected", len(msgs), strings.Join(msgs, "; "))
}

// hasUnsupported reports whether an op of m or of a subgraph it calls is
// unsupported.
func (m *Model) hasUnsupported() bool {
	for _, op := range m.Ops {
		if op.Unsupported != "" {
			return true
		}
	}
	if len(m.Subgraphs) == 0 {
		return false // (no map iteration: every run asks)
	}
	for _, g := range m.Subgraphs {
		for _, op := range g.Ops {
			if op.Unsupported != "" {
				return true
			}
		}
	}
	return false
}

// prepare makes every profile's plan. The reference plan's kernels are the
// ops' Params.
func (m *Model) prepare() error {
	m.markUnsupported()
	m.plans = map[Profile]*plan{}
	for _, p := range profiles {
		pl, err := p.plan(m)
		if err != nil {
			return err
		}
		m.plans[p.name] = pl
	}
	for _, op := range m.Ops {
		if op.Unsupported != "" {
			continue
		}
		op.Profiles = map[Profile]OpPrepared{}
		if op.Index >= m.plans[Reference].dynamicAt {
			// Prepared when the model runs: no parameters yet.
			op.Dynamic = m.plans[Reference].arithmetic[op.Index]
			for _, p := range profiles {
				op.Profiles[p.name] = OpPrepared{Arithmetic: m.plans[p.name].arithmetic[op.Index]}
			}
			continue
		}
		op.Params = m.plans[Reference].kernels[op.Index]
		for _, p := range profiles {
			pl := m.plans[p.name]
			op.Profiles[p.name] = OpPrepared{Arithmetic: pl.arithmetic[op.Index], Params: pl.kernels[op.Index]}
		}
	}
	return nil
}

// OpPrepared is what one profile prepared for an op: the kernel's
// arithmetic and the parameters it computes with.
type OpPrepared struct {
	Arithmetic string `json:"arithmetic"`
	Params     any    `json:"params,omitempty"`
}

// Prepared returns the parameters profile p's arithmetic uses for op, and
// its name.
func (m *Model) Prepared(p Profile, op int) (OpPrepared, error) {
	p, err := ParseProfile(string(p))
	if err != nil {
		return OpPrepared{}, err
	}
	if op < 0 || op >= len(m.Ops) {
		return OpPrepared{}, fmt.Errorf("op %d is out of range (model has %d ops)", op, len(m.Ops))
	}
	return m.Ops[op].Profiles[p], nil
}
