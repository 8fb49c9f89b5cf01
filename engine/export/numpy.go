package export

import (
	"embed"
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/int8scope/int8scope/engine"
)

//go:embed py/*.py
var pyFiles embed.FS

// Program is a model's forward pass as a standalone NumPy program: its
// Python source and the arrays of its side .npz (the constant tensors and
// the prepared parameters), which the program loads from the file beside
// it with the same base name (OUT.py reads OUT.npz).
type Program struct {
	Source []byte
	Arrays []Array
}

// emitFunc writes one op's lines of forward() from what its profile
// prepared (see opCtx); it returns an *UnsupportedError for a variant it
// does not cover.
type emitFunc func(c *opCtx) error

// emitters holds the exporter of each kernel kind: the Go type name of the
// params a profile prepared for the op (engine.Model.Prepared), e.g.
// "FullyConnectedParams" (TFLite's reference kernel, any rounding) or
// "xnnFCFloat" (XNNPACK's float32 GEMM).
var emitters = map[string]emitFunc{}

// register adds the exporter of the kernel kinds named; called from the op
// files' init.
func register(f emitFunc, kinds ...string) {
	for _, k := range kinds {
		if emitters[k] != nil {
			panic("export: kind registered twice: " + k)
		}
		emitters[k] = f
	}
}

// UnsupportedError is an op the exporter has no NumPy code for.
type UnsupportedError struct {
	Op      int
	Builtin string
	Detail  string // the variant, e.g. "kernel SoftmaxParams, int16 → int16"
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("export: op %d (%s) has no NumPy exporter yet (%s)", e.Op, e.Builtin, e.Detail)
}

// unsupported is the error an emitter returns for a variant it lacks.
func (c *opCtx) unsupported(format string, args ...any) error {
	return &UnsupportedError{Op: c.op.Index, Builtin: c.op.Builtin, Detail: fmt.Sprintf("kernel %s: ", c.kind) + fmt.Sprintf(format, args...)}
}

// builder accumulates a program.
type builder struct {
	m        *engine.Model
	profile  engine.Profile
	title    string // the model's file name
	arrays   []Array
	names    map[string]bool
	snippets map[string]bool
	consts   map[int]bool
	body     []string
	keys     []string // the .npz key index, for the program's comment block
	// prefix starts the .npz keys of the subgraph being written: "" for
	// the model's subgraph, "g<i>_" for subgraph i that its ops call.
	prefix string
	// reads, for a dynamic model's run copy, are the run's values its ops
	// were prepared with (guards); guarded, the tensors already checked.
	reads   []engine.RunRead
	guarded map[int]bool
}

// opCtx is what an emitter sees of its op: the model, the op, the kernel
// kind and its prepared params (decode), and the builder's methods to add
// .npz arrays (array), Python helpers (use) and lines of forward() (line,
// set).
type opCtx struct {
	*builder
	op    *engine.Op
	kind  string
	arith string
	// params is what the profile prepared (engine.OpPrepared.Params): an
	// exported params struct (type-assert it) or a kernel of the engine's
	// own (read its exported fields with decode).
	params any
}

// decode copies the exported fields of the op's prepared params into the
// fields of the same names of *v (a struct mirroring the kernel's), so that
// emitters can read kernels whose types the engine does not export.
func (c *opCtx) decode(v any) {
	copyExported(reflect.ValueOf(v).Elem(), reflect.Indirect(reflect.ValueOf(c.params)))
}

// copyExported sets each field of dst from src's field of the same name
// (promoted fields included), converting where the types differ only by
// name and recursing into structs.
func copyExported(dst, src reflect.Value) {
	for i := range dst.NumField() {
		f := dst.Type().Field(i)
		s := src.FieldByName(f.Name)
		if !s.IsValid() || !f.IsExported() {
			continue
		}
		d := dst.Field(i)
		switch {
		case s.Type().AssignableTo(d.Type()):
			d.Set(s)
		case s.Type().ConvertibleTo(d.Type()):
			d.Set(s.Convert(d.Type()))
		case d.Kind() == reflect.Struct && s.Kind() == reflect.Struct:
			copyExported(d, s)
		}
	}
}

// inT is the op's input tensor i, nil when absent.
func (c *opCtx) inT(i int) *engine.Tensor {
	if i >= len(c.op.Inputs) || c.op.Inputs[i] < 0 {
		return nil
	}
	return c.m.Tensors[c.op.Inputs[i]]
}

// outT is the op's output tensor i.
func (c *opCtx) outT(i int) *engine.Tensor { return c.m.Tensors[c.op.Outputs[i]] }

// in is the Python expression of input i ("None" when absent); a constant
// tensor is loaded from the .npz.
func (c *opCtx) in(i int) string {
	t := c.inT(i)
	if t == nil {
		return "None"
	}
	if t.Const {
		c.consts[t.Index] = true
	}
	return fmt.Sprintf("t[%d]", t.Index)
}

// line adds one line to forward(), indented once.
func (c *opCtx) line(format string, args ...any) {
	c.body = append(c.body, "    "+fmt.Sprintf(format, args...))
}

// set assigns expr, converted to output i's type and shape, to output i.
func (c *opCtx) set(i int, expr string) {
	t := c.outT(i)
	c.line("t[%d] = as_tensor(%s, %s, %s)", t.Index, expr, pyDType(t.Type), pyShape(t.Shape))
}

// use adds the named Python helpers (files py/NAME.py) to the program.
func (c *opCtx) use(names ...string) {
	for _, n := range names {
		c.snippets[n] = true
	}
}

// array stores values (a slice of int32, int64 or float32) in the .npz as
// op<N>_<field> and returns the Python expression reading it.
func (c *opCtx) array(field, what string, values any) string {
	name := fmt.Sprintf("%sop%d_%s", c.prefix, c.op.Index, field)
	var t engine.DType
	var n int
	switch v := values.(type) {
	case []int32:
		t, n = engine.Int32, len(v)
	case []int64:
		t, n = engine.Int64, len(v)
	case []float32:
		t, n = engine.Float32, len(v)
	default:
		panic(fmt.Sprintf("export: array of %T", values))
	}
	b := make([]byte, 0, n*t.Size())
	b, _ = binary.Append(b, binary.LittleEndian, values)
	c.addArray(Array{Name: name, Type: t, Shape: []int{n}, Data: b},
		fmt.Sprintf("%sop %d (%s): %s", c.graphNote(), c.op.Index, c.op.Builtin, what))
	return fmt.Sprintf("P[%q]", name)
}

func (b *builder) addArray(a Array, doc string) {
	if b.names[a.Name] {
		panic("export: array added twice: " + a.Name)
	}
	b.names[a.Name] = true
	b.arrays = append(b.arrays, a)
	b.keys = append(b.keys, fmt.Sprintf("%-16s %s %v: %s", a.Name, a.Type, a.Shape, doc))
}

// NumPy exports m's forward pass under profile p as a NumPy program; name
// (the model's file name, or "") titles it. An op it cannot export gives an
// *UnsupportedError.
func NumPy(m *engine.Model, p engine.Profile, name string) (*Program, error) {
	p, err := engine.ParseProfile(string(p))
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := m.Runnable(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	reads, fromRun := m.RunReads()
	if why := m.Dynamic(); why != "" && !fromRun {
		return nil, fmt.Errorf("export: this model works some shapes out while it runs (%s); pass --inputs DIR to export the program of a run on those inputs (it checks that its run-time shape inputs keep their values), or export one run's tensors with --vectors", why)
	}
	b := &builder{m: m, profile: p, title: name, names: map[string]bool{}, snippets: map[string]bool{}, reads: reads}
	root, err := b.graph(m, "")
	if err != nil {
		return nil, err
	}
	var called []*graphCode
	for _, i := range slices.Sorted(maps.Keys(m.Subgraphs)) {
		g, err := b.graph(m.Subgraphs[i], fmt.Sprintf("g%d_", i))
		if err != nil {
			return nil, err
		}
		called = append(called, g)
	}
	b.m = m
	return b.program(root, called)
}

// graphCode is one subgraph's part of the program: the constants it loads,
// the lines of its function and the summary of its ops.
type graphCode struct {
	m       *engine.Model
	prefix  string
	consts  []int
	body    []string
	summary []string
}

// graphNote names the subgraph being written in the .npz key index.
func (b *builder) graphNote() string {
	if b.prefix == "" {
		return ""
	}
	return fmt.Sprintf("subgraph %d, ", b.m.Subgraph)
}

// graph writes the ops of subgraph m (prefix: its .npz key prefix).
func (b *builder) graph(m *engine.Model, prefix string) (*graphCode, error) {
	p := b.profile
	b.m, b.prefix, b.consts, b.body = m, prefix, map[int]bool{}, nil
	where := ""
	if prefix != "" {
		where = fmt.Sprintf(" of subgraph %d", m.Subgraph)
	}
	var summary []string
	if prefix == "" {
		b.guards(m, -1)
	}
	for _, op := range m.Ops {
		if prefix == "" {
			b.guards(m, op.Index)
		}
		prep, err := m.Prepared(p, op.Index)
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		if prep.Params == nil && prep.Arithmetic == "" && b.reads != nil {
			return nil, fmt.Errorf("export: op %d (%s) under %s: the run this model comes from prepared it under another profile; export under the run's profile", op.Index, op.Builtin, p)
		}
		if prep.Params == nil {
			return nil, fmt.Errorf("export: op %d (%s)%s under %s: %s", op.Index, op.Builtin, where, p, prep.Arithmetic)
		}
		kind := reflect.Indirect(reflect.ValueOf(prep.Params)).Type().Name()
		f := emitters[kind]
		if f == nil {
			return nil, &UnsupportedError{Op: op.Index, Builtin: op.Builtin, Detail: "kernel " + kind + where}
		}
		c := &opCtx{builder: b, op: op, kind: kind, arith: prep.Arithmetic, params: prep.Params}
		c.line("")
		c.line("# op %d: %s, %s", op.Index, op.Builtin, oneLine(prep.Arithmetic))
		if err := f(c); err != nil {
			return nil, err
		}
		summary = append(summary, fmt.Sprintf("op %d %s: in %v, out %v; %s", op.Index, op.Builtin, op.Inputs, op.Outputs, oneLine(prep.Arithmetic)))
	}
	g := &graphCode{m: m, prefix: prefix, body: b.body, summary: summary}
	for t := range b.consts {
		g.consts = append(g.consts, t)
	}
	sort.Ints(g.consts)
	return g, nil
}

// oneLine keeps the first 160 characters of s on one line.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 160 {
		s = string(r[:157]) + "..."
	}
	return s
}

// written lists the tensors the program writes: every non-constant input,
// output and intermediate of the model's ops, as `int8scope run` writes
// them.
func written(m *engine.Model) []int {
	seen := map[int]bool{}
	for _, t := range m.Inputs {
		seen[t] = true
	}
	for _, op := range m.Ops {
		for _, t := range slices.Concat(op.Inputs, op.Outputs, op.Intermediates) {
			if t >= 0 && !m.Tensors[t].Const {
				seen[t] = true
			}
		}
	}
	var s []int
	for t := range seen {
		s = append(s, t)
	}
	sort.Ints(s)
	return s
}

func (b *builder) program(root *graphCode, called []*graphCode) (*Program, error) {
	m := b.m
	var constArrays []Array
	var constKeys []string
	for _, g := range slices.Concat([]*graphCode{root}, called) {
		where := ""
		if g.prefix != "" {
			where = fmt.Sprintf("subgraph %d ", g.m.Subgraph)
		}
		for _, ti := range g.consts {
			t := g.m.Tensors[ti]
			if _, ok := npyDescr[t.Type]; !ok || t.Data == nil {
				return nil, fmt.Errorf("export: constant %stensor %d (%q) of type %v cannot be stored in the .npz", where, ti, t.Name, t.Type)
			}
			key := fmt.Sprintf("%st%d", g.prefix, ti)
			constArrays = append(constArrays, Array{Name: key, Type: t.Type, Shape: t.Shape, Data: t.Data})
			constKeys = append(constKeys, fmt.Sprintf("%-16s %s %v: %stensor %d %q%s", key, t.Type, t.Shape, where, ti, t.Name, quantNote(t)))
		}
	}
	// A model that calls subgraphs or keeps resource variables gets a
	// function per called subgraph and a state (py/control.py). The
	// variable tensors of SVDF and LSTM start from their initial values in
	// every forward(), as in a fresh interpreter (int8scope run's one run).
	stateful := len(called) > 0 || slices.ContainsFunc(m.Ops, func(o *engine.Op) bool { return o.Builtin == "VAR_HANDLE" })
	var s strings.Builder
	name := b.title
	if name == "" {
		name = "a model"
	}
	if d := strings.TrimSpace(m.Description); d != "" {
		name += fmt.Sprintf(" (%q)", d)
	}
	fmt.Fprintf(&s, "#!/usr/bin/env python3\n")
	fmt.Fprintf(&s, "\"\"\"The forward pass of %s, exported by int8scope for the %s profile.\n\n", pyDocString(name), b.profile)
	fmt.Fprintf(&s, "%s\n\n", profileNote(b.profile))
	fmt.Fprintf(&s, "Usage: python3 THIS.py IN0.npy [IN1.npy ...] --out DIR   (writes DIR/tensor<t>.npy)\n")
	fmt.Fprintf(&s, "Needs Python 3 and NumPy only. Every tensor equals int8scope's engine (`int8scope run\n")
	fmt.Fprintf(&s, "--profile %s`) byte for byte.\n\n", b.profile)
	if stateful {
		fmt.Fprintf(&s, "%s\n\n", stateNote)
	}
	fmt.Fprintf(&s, "Ops:\n")
	for _, l := range root.summary {
		fmt.Fprintf(&s, "  %s\n", pyDocString(l))
	}
	for _, g := range called {
		fmt.Fprintf(&s, "Ops of subgraph %d (subgraph_%d()):\n", g.m.Subgraph, g.m.Subgraph)
		for _, l := range g.summary {
			fmt.Fprintf(&s, "  %s\n", pyDocString(l))
		}
	}
	fmt.Fprintf(&s, "\nThe .npz beside this file (same base name) holds, by key:\n")
	for _, l := range slices.Concat(constKeys, b.keys) {
		fmt.Fprintf(&s, "  %s\n", pyDocString(l))
	}
	fmt.Fprintf(&s, "\"\"\"\n\n")
	helpersAt := s.Len() // the helpers go here, once we know which the model uses
	s.WriteString("\n\n# The model.\n\n")
	fmt.Fprintf(&s, "PROFILE = %q\n", string(b.profile))
	s.WriteString("# Subgraph inputs, in order: (tensor index, name, dtype, shape).\nINPUTS = [\n")
	for _, ti := range m.Inputs {
		t := m.Tensors[ti]
		fmt.Fprintf(&s, "    (%d, %s, %s, %s),\n", ti, pyString(t.Name), pyDType(t.Type), pyShape(t.Shape))
	}
	s.WriteString("]\n# Every tensor the forward pass writes (what `int8scope run` writes), by index.\nWRITTEN = [")
	for i, ti := range written(m) {
		if i > 0 {
			s.WriteString(", ")
		}
		fmt.Fprint(&s, ti)
	}
	s.WriteString("]\n\n\n")
	for _, g := range called {
		writeSubgraph(&s, g)
	}
	if stateful {
		s.WriteString("def forward(inputs, P=None, S=None):\n")
		s.WriteString("    \"\"\"Runs the model on inputs (one array per entry of INPUTS) and returns a\n")
		s.WriteString("    dict of every tensor by index. P is the .npz (load_params()); S the state\n")
		s.WriteString("    (default STATE, kept from call to call; reset_state() starts afresh).\"\"\"\n")
		s.WriteString("    if S is None:\n        S = STATE\n")
	} else {
		s.WriteString("def forward(inputs, P=None):\n")
		s.WriteString("    \"\"\"Runs the model on inputs (one array per entry of INPUTS) and returns a\n")
		s.WriteString("    dict of every tensor by index. P is the .npz (load_params()).\"\"\"\n")
	}
	s.WriteString("    if P is None:\n        P = load_params()\n")
	s.WriteString("    t = {}\n")
	s.WriteString("    for (i, name, dtype, shape), x in zip(INPUTS, check_inputs(inputs)):\n        t[i] = x\n")
	writeBody(&s, root)
	s.WriteString("    return t\n\n\n")
	s.WriteString(snippet("main"))
	src := s.String()
	helpers := usedHelpers(append([]string{"prelude"}, b.orderedSnippets()...), src[helpersAt:])
	src = src[:helpersAt] + helpers + src[helpersAt:]
	return &Program{Source: []byte(src), Arrays: append(constArrays, b.arrays...)}, nil
}

// pyBlock is one top-level statement of a helper file: a def (name set)
// or anything else (imports, classes: always kept).
type pyBlock struct {
	name, text string
	def        bool // a def or class
}

// splitBlocks cuts Python source into its top-level statements.
func splitBlocks(src string) []pyBlock {
	var blocks []pyBlock
	for _, line := range strings.SplitAfter(src, "\n") {
		top := line != "" && line[0] != ' ' && line[0] != '\t' && line[0] != '\n' && line[0] != '#'
		def := strings.HasPrefix(line, "def ") || strings.HasPrefix(line, "class ")
		// A def or class starts a block, and so does any statement after one;
		// consecutive other statements (imports) stay together.
		if len(blocks) == 0 || top && (def || blocks[len(blocks)-1].def) {
			name := ""
			if rest, ok := strings.CutPrefix(line, "def "); ok {
				name, _, _ = strings.Cut(rest, "(")
			}
			blocks = append(blocks, pyBlock{name: name, def: def})
		}
		blocks[len(blocks)-1].text += line
	}
	return blocks
}

var pyIdent = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)

// usedHelpers joins the helper files' top-level statements that the
// program uses: every non-def statement, and each def whose name appears in
// rest (forward() and the command line) or in a def already kept. The
// program then shows only the arithmetic its model runs.
func usedHelpers(files []string, rest string) string {
	var blocks []pyBlock
	for i, f := range files {
		bs := splitBlocks(snippet(f))
		if i > 0 && len(bs) > 0 {
			bs[0].text = "\n\n" + bs[0].text
		}
		blocks = append(blocks, bs...)
	}
	used := map[string]bool{}
	mark := func(text string) {
		for _, id := range pyIdent.FindAllString(text, -1) {
			used[id] = true
		}
	}
	mark(rest)
	keep := make([]bool, len(blocks))
	for changed := true; changed; {
		changed = false
		for i, bl := range blocks {
			if !keep[i] && (bl.name == "" || used[bl.name]) {
				keep[i], changed = true, true
				mark(bl.text)
			}
		}
	}
	var out strings.Builder
	for i, bl := range blocks {
		if keep[i] {
			out.WriteString(strings.TrimRight(bl.text, "\n") + "\n\n\n")
		}
	}
	return strings.TrimRight(out.String(), "\n") + "\n"
}

// stateNote is the docstring paragraph of programs with state or called
// subgraphs.
const stateNote = `Called subgraphs are functions subgraph_<i>(inputs, P, S) returning their outputs.
The state TFLite keeps from one Invoke to the next (the resource variables, by resource
id, and which CALL_ONCE init subgraphs have run) is the dict STATE, which persists from
one forward() call to the next as TFLite's interpreter does; reset_state() gives a fresh
interpreter's state, and forward(inputs, S=new_state()) runs on a state of your own.`

// writeBody writes the constant loads and op lines of g's function.
func writeBody(s *strings.Builder, g *graphCode) {
	for _, ti := range g.consts {
		t := g.m.Tensors[ti]
		fmt.Fprintf(s, "    t[%d] = P[\"%st%d\"]  # %s %s %v\n", ti, g.prefix, ti, pyString(t.Name), t.Type, t.Shape)
	}
	for _, l := range g.body {
		s.WriteString(strings.TrimRight(l, " ") + "\n")
	}
}

// writeSubgraph writes called subgraph g as a function: its inputs (copied
// in with the subgraph's types and shapes, as the engine copies the values
// it is given), its ops, its outputs.
func writeSubgraph(s *strings.Builder, g *graphCode) {
	m := g.m
	fmt.Fprintf(s, "def subgraph_%d(inputs, P, S):\n", m.Subgraph)
	fmt.Fprintf(s, "    \"\"\"Subgraph %d: takes the values of tensors %v, returns those of tensors %v.\"\"\"\n", m.Subgraph, m.Inputs, m.Outputs)
	s.WriteString("    t = {}\n")
	for k, ti := range m.Inputs {
		t := m.Tensors[ti]
		fmt.Fprintf(s, "    t[%d] = as_tensor(inputs[%d], %s, %s)  # %s\n", ti, k, pyDType(t.Type), pyShape(t.Shape), pyString(t.Name))
	}
	writeBody(s, g)
	outs := make([]string, len(m.Outputs))
	for k, ti := range m.Outputs {
		outs[k] = fmt.Sprintf("t[%d]", ti)
	}
	fmt.Fprintf(s, "    return [%s]\n\n\n", strings.Join(outs, ", "))
}

// orderedSnippets lists the requested helpers and what they need, each
// after its needs, otherwise alphabetically.
func (b *builder) orderedSnippets() []string {
	var order []string
	done := map[string]bool{"prelude": true, "main": true}
	var visit func(n string)
	visit = func(n string) {
		if done[n] {
			return
		}
		done[n] = true
		for _, d := range snippetNeeds(n) {
			visit(d)
		}
		order = append(order, n)
	}
	var names []string
	for n := range b.snippets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		visit(n)
	}
	return order
}

// snippet is the Python helper file py/NAME.py without its "# needs:" line.
func snippet(name string) string {
	b, err := pyFiles.ReadFile("py/" + name + ".py")
	if err != nil {
		panic("export: no Python helper " + name)
	}
	s := string(b)
	if strings.HasPrefix(s, "# needs:") {
		s = s[strings.Index(s, "\n")+1:]
	}
	return strings.TrimSpace(s) + "\n"
}

// snippetNeeds reads the "# needs: a b" first line of py/NAME.py.
func snippetNeeds(name string) []string {
	b, _ := pyFiles.ReadFile("py/" + name + ".py")
	first, _, _ := strings.Cut(string(b), "\n")
	if n, ok := strings.CutPrefix(first, "# needs:"); ok {
		return strings.Fields(n)
	}
	return nil
}

func profileNote(p engine.Profile) string {
	switch p {
	case engine.Reference:
		return "Arithmetic: TFLite's reference kernels and TFLite Micro (MultiplyByQuantizedMultiplier\nwith double rounding)."
	case engine.SingleRounding:
		return "Arithmetic: TFLite's reference kernels built with TFLITE_SINGLE_ROUNDING\n(MultiplyByQuantizedMultiplier rounds once)."
	}
	return "Arithmetic: the browser TFLite (npm @tensorflow/tfjs-tflite): XNNPACK's float32\nrequantization for the ops its delegate takes, TFLite's builtin kernels for the rest."
}

func quantNote(t *engine.Tensor) string {
	if t.Quant == nil || len(t.Quant.Scale) == 0 {
		return ""
	}
	if len(t.Quant.Scale) == 1 {
		return fmt.Sprintf(", scale %g, zero point %d", t.Quant.Scale[0], t.Quant.ZeroPoint[0])
	}
	return fmt.Sprintf(", %d scales along axis %d", len(t.Quant.Scale), t.Quant.Axis)
}

// pyDocString makes s safe inside a """ docstring.
func pyDocString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return strings.ReplaceAll(s, `"""`, `\"\"\"`)
}

// pyString is s as a Python string literal (ASCII, escaped).
func pyString(s string) string { return strconv.QuoteToASCII(s) }

var pyDTypes = map[engine.DType]string{
	engine.Int8: "np.int8", engine.Uint8: "np.uint8", engine.Int16: "np.int16", engine.Int32: "np.int32",
	engine.Int64: "np.int64", engine.Float32: "np.float32", engine.Bool: "np.bool_", engine.Float16: "np.float16",
	engine.Resource:  "np.int32", // a resource handle holds its int32 resource id
	engine.Complex64: "np.complex64",
}

func pyDType(t engine.DType) string {
	if s, ok := pyDTypes[t]; ok {
		return s
	}
	return "None"
}

func pyShape(shape []int) string {
	if len(shape) == 1 {
		return fmt.Sprintf("(%d,)", shape[0])
	}
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = fmt.Sprint(d)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// pyF32 is a float32 as a Python expression of exactly that value.
func pyF32(f float32) string {
	switch {
	case math.IsInf(float64(f), 1):
		return "np.float32(np.inf)"
	case math.IsInf(float64(f), -1):
		return "np.float32(-np.inf)"
	case math.IsNaN(float64(f)):
		return "np.float32(np.nan)"
	}
	return "np.float32(" + strconv.FormatFloat(float64(f), 'g', -1, 64) + ")"
}
