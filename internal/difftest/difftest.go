// Package difftest generates small random int8 TensorFlow Lite models, one or
// a few ops each, and compares the int8scope engine with the real TFLite (the
// oracle in internal/oracle: the browser build of TFLite with XNNPACK) on
// every tensor the model computes, element by element, and on which ops
// XNNPACK takes.
//
// A Case is fully determined by its generator name and seed, so a failure
// printed as "CONV_2D/1234" reproduces with Generate("CONV_2D", 1234), or
//
//	go test ./internal/difftest -run TestDifferential/CONV_2D -case CONV_2D/1234 -v
//
// Generators (gen*.go) draw shapes, strides, paddings, dilations, per-tensor
// and per-channel scales (sometimes powers of two, so requantization lands on
// exact .5 ties), zero points (often −128, 0 or 127), fused activations,
// broadcasting shapes and inputs crowded at the int8 edges. 15 % of the
// models also get a "poison" ADD that makes XNNPACK fail as a whole, so the
// same ops are checked under TFLite's builtin kernels too.
//
// The same models also check the reference profile against TFLite Micro
// itself (CheckTFLM, CheckTFLMBatch: ../shared/oracles/tflm/tflm_run via
// internal/tflm), on every tensor TFLite Micro dumps, state included.
package difftest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/oracle"
	"github.com/int8scope/int8scope/internal/tflm"
)

// Case is one generated model with its inputs.
type Case struct {
	Gen    string   // generator name, e.g. "CONV_2D" or "chain"
	Seed   int64    // with Gen, reproduces the case
	Desc   string   // what was drawn: shapes, options, quantization
	Ops    []string // builtin ops the model contains, in order
	Model  []byte
	Inputs [][]byte
	// Engine, when set, is what the engine runs instead of loading Model:
	// a model resized to Model's input shapes (TestBatchResize).
	Engine *engine.Model
}

// load returns the model the engine runs for c.
func (c *Case) load() (*engine.Model, error) {
	if c.Engine != nil {
		return c.Engine, nil
	}
	m, err := engine.Load(c.Model)
	if err != nil {
		return nil, fmt.Errorf("engine refused %s: %w", c.ID(), err)
	}
	return m, nil
}

// ID is "GEN/SEED".
func (c *Case) ID() string { return fmt.Sprintf("%s/%d", c.Gen, c.Seed) }

// Diff is one element on which the engine and the oracle disagree.
type Diff struct {
	Tensor int
	Name   string
	Op     int // producing op, -1 if none
	Index  int // flat element index
	Coords []int
	Oracle float64
	Engine float64
}

// Outcome is the comparison of one case.
type Outcome struct {
	Case     *Case
	Tensors  int    // tensors compared
	Elements int    // elements compared
	Differ   int    // elements that differ
	Diffs    []Diff // the first differing elements (at most MaxDiffs)
	// PerOp counts differing elements by the builtin of the op that wrote
	// the tensor.
	PerOp map[string]int
	// Profiled is set when TFLite's profile showed which ops XNNPACK ran;
	// Delegation then lists the ops where the engine's XNNPackDelegated
	// disagrees with it.
	Profiled   bool
	Delegation []string
	// Unwritten lists the tensors not compared because the browser TFLite
	// never writes them (engine.Model.XNNPackUnwritten: weights the XNNPACK
	// delegate dequantizes once inside itself).
	Unwritten []int
	// BuildsDisagree counts, for CheckBoth, the elements on which the two
	// TFLite builds disagree (not compared).
	BuildsDisagree int
}

// MaxDiffs bounds Outcome.Diffs.
const MaxDiffs = 8

// Check runs c in the engine under profile p and in the oracle, with every
// tensor an op writes exposed as a model output, and compares them element
// by element. An error means the case could not be compared (the engine or
// TFLite refused it): a generator bug, not a mismatch.
func Check(o *oracle.Oracle, c *Case, p engine.Profile) (*Outcome, error) {
	return check(o, nil, c, p)
}

// CheckBoth is Check against two builds of TFLite (the browser package's
// SIMD and non-SIMD WebAssembly), on the elements where they agree; the
// elements where they disagree are counted in Outcome.BuildsDisagree, not
// compared.
func CheckBoth(o, other *oracle.Oracle, c *Case, p engine.Profile) (*Outcome, error) {
	return check(o, other, c, p)
}

func check(o, other *oracle.Oracle, c *Case, p engine.Profile) (*Outcome, error) {
	m, err := c.load()
	if err != nil {
		return nil, err
	}
	res, err := m.Run(c.Inputs, engine.Options{Profile: p})
	if err != nil {
		return nil, fmt.Errorf("engine failed on %s: %w", c.ID(), err)
	}
	m = res.Model // a dynamic model's shapes are the run's
	written := Written(m)
	exposed, err := oracle.ExposeTensors(c.Model, written)
	if err != nil {
		return nil, err
	}
	outs, summary, err := o.RunProfiled(exposed, c.Inputs)
	if err != nil {
		return nil, fmt.Errorf("oracle on %s: %w", c.ID(), err)
	}
	if len(outs) < len(written) {
		return nil, fmt.Errorf("oracle on %s: %d outputs, want at least %d", c.ID(), len(outs), len(written))
	}
	producer := producers(m)
	out := &Outcome{Case: c, PerOp: map[string]int{}}
	var others []oracle.Output
	if other != nil {
		if others, err = other.Run(exposed, c.Inputs); err != nil {
			return nil, fmt.Errorf("second oracle on %s: %w", c.ID(), err)
		}
		if len(others) != len(outs) {
			return nil, fmt.Errorf("%s: the two TFLite builds give %d and %d outputs", c.ID(), len(outs), len(others))
		}
	}
	if delegated, builtin := parseProfile(summary); len(delegated)+len(builtin) > 0 {
		out.Profiled = true
		taken, why := m.XNNPackDelegated()
		for _, op := range m.Ops {
			name := m.Tensors[op.Outputs[0]].Name
			switch {
			case taken[op.Index] && !delegated[name]:
				out.Delegation = append(out.Delegation, fmt.Sprintf("op %d %s: the engine says XNNPACK takes it, TFLite ran its builtin kernel", op.Index, op.Builtin))
			case !taken[op.Index] && !builtin[name]:
				out.Delegation = append(out.Delegation, fmt.Sprintf("op %d %s: TFLite's XNNPACK took it, the engine says builtin (%s)", op.Index, op.Builtin, why[op.Index]))
			}
		}
	}
	var unwritten []bool
	if p == engine.XNNPack {
		unwritten = m.XNNPackUnwritten()
	}
	for i, ot := range outs[len(outs)-len(written):] {
		if unwritten != nil && unwritten[ot.Tensor] {
			out.Unwritten = append(out.Unwritten, ot.Tensor)
			continue
		}
		got := res.Tensors[ot.Tensor]
		if others != nil {
			// Where the builds disagree, take the engine's value: only
			// the elements both builds agree on are compared.
			alt := others[len(others)-len(written)+i].Data
			if len(alt) != len(ot.Data) {
				return nil, fmt.Errorf("%s: tensor %d has %d bytes in one TFLite build, %d in the other", c.ID(), ot.Tensor, len(ot.Data), len(alt))
			}
			size := m.Tensors[ot.Tensor].Type.Size()
			want := append([]byte{}, ot.Data...)
			for j := 0; j+size <= len(want) && len(got) == len(want); j += size {
				if !bytes.Equal(want[j:j+size], alt[j:j+size]) {
					out.BuildsDisagree++
					copy(want[j:j+size], got[j:j+size])
				}
			}
			ot.Data = want
		}
		if err := out.compare(m, producer, ot.Tensor, ot.Data, got); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// producers maps each tensor an op writes to that op.
func producers(m *engine.Model) map[int]int {
	producer := map[int]int{}
	for _, op := range m.Ops {
		for _, t := range op.Outputs {
			producer[t] = op.Index
		}
	}
	return producer
}

// compare adds tensor ti's elements to the outcome: want is the oracle's
// value, got the engine's.
func (out *Outcome) compare(m *engine.Model, producer map[int]int, ti int, want, got []byte) error {
	t := m.Tensors[ti]
	if len(want) != len(got) {
		return fmt.Errorf("%s: tensor %d has %d bytes in the oracle, %d in the engine", out.Case.ID(), t.Index, len(want), len(got))
	}
	a, b := engine.Values(t.Type, want), engine.Values(t.Type, got)
	out.Tensors++
	out.Elements += len(a)
	opi, ok := producer[t.Index]
	if !ok {
		opi = -1
	}
	for i := range a {
		if a[i] == b[i] || (math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			continue
		}
		out.Differ++
		switch {
		case opi >= 0:
			out.PerOp[m.Ops[opi].Builtin]++
		case t.Variable:
			out.PerOp["state"]++
		}
		if len(out.Diffs) < MaxDiffs {
			out.Diffs = append(out.Diffs, Diff{Tensor: t.Index, Name: t.Name, Op: opi, Index: i,
				Coords: t.Coords(i), Oracle: a[i], Engine: b[i]})
		}
	}
	return nil
}

// CheckTFLM runs c in the engine under the reference profile and in TFLite
// Micro (tflm_run), and compares every tensor TFLite Micro dumps that is not
// a constant, variable (state) tensors included, element by element. An
// error means the case could not be compared; a *tflm.Error whose Refused
// is true means TFLite Micro does not run the model.
func CheckTFLM(ctx context.Context, r *tflm.Runner, c *Case) (*Outcome, error) {
	m, err := c.load()
	if err != nil {
		return nil, err
	}
	res, err := m.Run(c.Inputs, engine.Options{Profile: engine.Reference})
	if err != nil {
		return nil, fmt.Errorf("engine failed on %s: %w", c.ID(), err)
	}
	want, err := r.Run(ctx, c.Model, c.Inputs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.ID(), err)
	}
	return CompareTFLM(c, res.Model, res, want) // a dynamic model's shapes are the run's
}

// CompareTFLM compares an engine result with TFLite Micro's (a tflm_run
// output or a golden) on every non-constant tensor TFLite Micro dumped.
func CompareTFLM(c *Case, m *engine.Model, res *engine.Result, want *tflm.Result) (*Outcome, error) {
	out := &Outcome{Case: c, PerOp: map[string]int{}}
	producer := producers(m)
	for _, t := range want.Tensors {
		d, ok := want.Data[t.Index]
		if !ok || t.Const {
			continue
		}
		if t.Index < 0 || t.Index >= len(m.Tensors) || m.Tensors[t.Index].Const || slices.Contains(m.Inputs, t.Index) {
			continue
		}
		if err := out.compare(m, producer, t.Index, d, res.Tensors[t.Index]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parseProfile reads TFLite's profiling summary ("Run Order" table): the
// output tensor names of the XNNPACK delegate's partitions and of the ops
// TFLite ran with builtin kernels.
func parseProfile(summary string) (delegated, builtin map[string]bool) {
	delegated, builtin = map[string]bool{}, map[string]bool{}
	_, table, ok := strings.Cut(summary, "Run Order")
	if !ok {
		return
	}
	table, _, _ = strings.Cut(table, "\n\n")
	for _, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "[") {
			continue
		}
		i, j := strings.Index(line, "["), strings.LastIndex(line, "]:")
		if i < 0 || j < i || strings.HasPrefix(line[i:], "[node type]") {
			continue
		}
		for _, name := range strings.Split(line[i+1:j], ", ") {
			if f[0] == "TfLiteXNNPackDelegate" {
				delegated[name] = true
			} else {
				builtin[name] = true
			}
		}
	}
	return
}

// Written lists the tensors the ops of m write, in index order: their
// outputs and the variable (state) tensors they update in place, except
// complex64 and int64 ones, which the oracle cannot read (tfjs-tflite
// returns no data for them; compare complex64 through REAL and IMAG).
func Written(m *engine.Model) []int {
	oracleReads := func(t engine.DType) bool { return t.Size() > 0 && t != engine.Complex64 && t != engine.Int64 }
	var ts []int
	for _, op := range m.Ops {
		for _, t := range op.Outputs {
			if t >= 0 && !slices.Contains(ts, t) && oracleReads(m.Tensors[t].Type) {
				ts = append(ts, t)
			}
		}
		for _, t := range op.Inputs {
			if t >= 0 && m.Tensors[t].Variable && !slices.Contains(ts, t) && m.Tensors[t].Type.Size() > 0 {
				ts = append(ts, t)
			}
		}
	}
	slices.Sort(ts)
	return ts
}

// Report describes a mismatch for a test log: the case, then the first
// differing elements.
func (o *Outcome) Report() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s (%s; ops %v): %d of %d elements differ (%v)\n", o.Case.ID(), o.Case.Desc, o.Case.Ops, o.Differ, o.Elements, o.PerOp)
	for _, d := range o.Diffs {
		fmt.Fprintf(&sb, "  tensor %d %q (op %d) element %d %v: tflite %v, engine %v\n", d.Tensor, d.Name, d.Op, d.Index, d.Coords, d.Oracle, d.Engine)
	}
	return sb.String()
}

// Save writes the case to dir: model.tflite, inputs/input<i>.bin and
// case.json; `int8scope run dir/model.tflite --inputs dir/inputs` replays it.
func (c *Case) Save(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "inputs"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "model.tflite"), c.Model, 0o644); err != nil {
		return err
	}
	for i, in := range c.Inputs {
		if err := os.WriteFile(filepath.Join(dir, "inputs", fmt.Sprintf("input%d.bin", i)), in, 0o644); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(map[string]any{"gen": c.Gen, "seed": c.Seed, "desc": c.Desc, "ops": c.Ops}, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "case.json"), b, 0o644)
}

// ErrNoGenerator is returned by Generate for an unknown generator name.
var ErrNoGenerator = errors.New("difftest: no such generator")

// Generate builds the case gen/seed.
func Generate(gen string, seed int64) (*Case, error) {
	f, ok := generators[gen]
	if !ok {
		return nil, fmt.Errorf("%w: %q (have %v)", ErrNoGenerator, gen, Generators())
	}
	g := newGen(seed)
	if err := f(g); err != nil {
		return nil, fmt.Errorf("generating %s/%d: %w", gen, seed, err)
	}
	c := &Case{Gen: gen, Seed: seed, Desc: strings.Join(g.desc, " "), Model: g.b.Bytes(), Inputs: g.inputData}
	for _, op := range g.b.M.Subgraphs[0].Operators {
		c.Ops = append(c.Ops, g.b.M.OperatorCodes[op.OpcodeIndex].BuiltinCode.String())
	}
	return c, nil
}

// Generators lists the generator names, sorted.
func Generators() []string {
	var s []string
	for k := range generators {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}

// Needs returns the builtin ops generator gen can emit.
func Needs(gen string) []string { return needs[gen] }
