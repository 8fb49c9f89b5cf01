package engine

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	flatbuffers "github.com/google/flatbuffers/go"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Limits on what a model may ask for. A model over them is refused at load.
const (
	MaxTensorBytes = 1 << 30 // all tensors together
	MaxRank        = 8
	MaxMACs        = 1 << 36 // multiply-accumulates per inference (64 Gi, minutes in a browser)
	maxFileBytes   = math.MaxInt32
)

// Model is a loaded, validated and prepared subgraph of a .tflite file:
// subgraph 0 (what TFLite's interpreter runs), or a signature's.
type Model struct {
	Description string            `json:"description"`
	Version     uint32            `json:"version"`
	Tensors     []*Tensor         `json:"tensors"`
	Ops         []*Op             `json:"ops"`
	Inputs      []int             `json:"inputs"`  // subgraph input tensor indices
	Outputs     []int             `json:"outputs"` // subgraph output tensor indices
	Metadata    map[string][]byte `json:"-"`
	// Signatures lists the file's signature defs; Signature is the one
	// loaded ("" for subgraph 0 loaded by Load).
	Signatures []Signature `json:"signatures,omitempty"`
	// OutputLabels holds, by output tensor index, the class names of the
	// outputs the file's associated label files describe (labels.go).
	OutputLabels map[int][]string `json:"output_labels,omitempty"`
	Signature    string           `json:"signature,omitempty"`
	Subgraph     int              `json:"subgraph"`
	// Subgraphs holds, by index, the other subgraphs the model's ops call
	// (CALL_ONCE's init subgraph, WHILE's and IF's), each loaded and
	// prepared like the model itself (subgraphs.go). Set on the model Load
	// returns; the called subgraphs' own field is nil.
	Subgraphs map[int]*Model `json:"subgraphs,omitempty"`

	root         *Model             // the model Load returned; nil for it
	nGraphs      int                // subgraphs in the file
	firstDynamic int                // the first subgraph with a dynamic-sized tensor (state.go), nGraphs if none
	resources    []resourceKey      // resource variables by id, as VAR_HANDLE's Prepare numbers them (root only)
	states       map[Profile]*State // per profile, what runs keep (root only; state.go)

	plans   map[Profile]*plan    // what each profile runs, prepared at load
	weights map[int]*gemmWeights // constant GEMM operands by tensor, shared by the plans (gemm.go)
	// dynamic says why the model has an op whose output shape only a run
	// works out (plan.dynamicAt), "" if none.
	dynamic string
	// runRead, on a dynamic model's run copy (Result.Model), lists the
	// run's values its ops' Prepare read (prepCtx.known); nil on a model
	// Load returned.
	runRead []RunRead
}

// RunRead is a value a dynamic model's run computed and an op's Prepare
// read while the run prepared it (a shape, paddings, begin or output_shape
// input): the run's shapes follow from it.
type RunRead struct {
	Op     int    // the op prepared with it
	Role   string // its role in the op ("output_shape", "paddings", ...)
	Tensor int    // the tensor read
	Data   []byte // its value in the run, little-endian
}

// RunReads lists, for a dynamic model's run copy (Result.Model), the values
// of this run its ops were prepared with; ok is false for a model that is
// not a dynamic model's run copy.
func (m *Model) RunReads() (reads []RunRead, ok bool) { return m.runRead, m.runRead != nil }

// Op is one operator of the model, in execution order.
type Op struct {
	Index         int    `json:"index"`
	Builtin       string `json:"builtin"`
	Version       int    `json:"version"`
	Inputs        []int  `json:"inputs"` // -1 = optional input left out
	Outputs       []int  `json:"outputs"`
	Intermediates []int  `json:"intermediates,omitempty"`
	// Options are the op's builtin options as stored in the file (a
	// *tflite.XxxOptionsT), nil when the op has none.
	Options any `json:"options,omitempty"`
	// CustomCode names a custom op (Builtin is then "CUSTOM:" + CustomCode);
	// CustomOptions are its options as stored, usually a flexbuffer map.
	CustomCode    string `json:"custom_code,omitempty"`
	CustomOptions []byte `json:"-"`
	// Params are the integer parameters the op's prepare step derived for
	// the reference profile, a plain struct per op; the arithmetic uses
	// exactly these numbers.
	Params kernel `json:"params,omitempty"`
	// Unsupported says why int8scope cannot run the op (it has no kernel
	// for it), naming the ops around it; "" for the ops it runs.
	Unsupported string `json:"unsupported,omitempty"`
	// Dynamic says why the op is prepared only when the model runs (its
	// output shape, or an earlier op's, depends on values a run computes,
	// as in TFLite's dynamic tensors); "" for the ops prepared at load.
	// Params and Profiles are then set on a run's Result.Model.
	Dynamic string `json:"dynamic,omitempty"`
	// Profiles holds, per profile, the kernel's arithmetic and the
	// parameters it computes with (Profiles[Reference].Params is Params).
	Profiles map[Profile]OpPrepared `json:"profiles,omitempty"`

	code tflite.BuiltinOperator
}

// Signature is one of a model's signature defs: a named entry point, its
// subgraph, and its inputs and outputs by name.
type Signature struct {
	Key      string         `json:"key"`
	Subgraph int            `json:"subgraph"`
	Inputs   []SignatureArg `json:"inputs"`
	Outputs  []SignatureArg `json:"outputs"`
}

// SignatureArg names one tensor of a signature's subgraph.
type SignatureArg struct {
	Name   string `json:"name"`
	Tensor int    `json:"tensor"`
}

// LoadError is returned for a malformed or unsupported model.
type LoadError struct{ Msg string }

func (e *LoadError) Error() string { return e.Msg }

func loadErrorf(format string, args ...any) error {
	return &LoadError{Msg: fmt.Sprintf(format, args...)}
}

// Load parses, validates and prepares a .tflite model's subgraph 0, which
// TFLite's interpreter runs.
func Load(b []byte) (*Model, error) { return load(b, "") }

// LoadSignature loads the subgraph of the signature named key ("" means
// subgraph 0, like Load).
func LoadSignature(b []byte, key string) (*Model, error) { return load(b, key) }

func load(b []byte, signature string) (*Model, error) {
	m, err := loadGraph(b, signature, -1, nil)
	if err != nil {
		return nil, err
	}
	if err := m.loadCalled(b); err != nil {
		return nil, err
	}
	if n := m.MACs(); n > MaxMACs {
		return nil, loadErrorf("the model needs %.1f G multiply-accumulates per inference; int8scope runs models up to %d G (this would take minutes)", float64(n)/1e9, MaxMACs>>30)
	}
	m.OutputLabels = readLabels(b, m)
	return m, nil
}

// MACs counts the multiply-accumulates of one inference in the ops that
// multiply (FULLY_CONNECTED, the convolutions, SVDF...), from their shapes:
// every filter tap, padding included (for TRANSPOSE_CONV, every input
// element times the whole filter).
func (m *Model) MACs() int64 {
	var n int64
	for _, op := range m.Ops {
		if k, ok := op.Params.(macCounter); ok {
			n += k.macs()
		}
	}
	for _, g := range m.Subgraphs {
		n += g.MACs()
	}
	return n
}

// SupportedOps lists the builtin ops the engine can run.
func SupportedOps() []string {
	var s []string
	for c, d := range ops {
		if d.prepare != nil {
			s = append(s, c.String())
		}
	}
	for name := range customOps {
		s = append(s, "CUSTOM:"+name)
	}
	sort.Strings(s)
	return s
}

// Dynamic says why an op of the model has an output shape that only a run
// works out (TFLite's dynamic tensors: a shape, paddings or begin input
// computed by an earlier op), or "" when every shape is known at load.
func (m *Model) Dynamic() string { return m.dynamic }

// parse reads the flatbuffer into a Model. The generated accessors index the
// buffer without bounds checks of their own, so every vector length is checked
// against the file size before it is used, and any out-of-range read that
// remains becomes an error here instead of a panic.
func parse(b []byte, signature string) (*Model, error) { return parseGraph(b, signature, -1) }

// parseGraph is parse for subgraph index subgraph (< 0: the signature's, or
// subgraph 0).
func parseGraph(b []byte, signature string, subgraph int) (m *Model, err error) {
	if len(b) < 8 {
		return nil, loadErrorf("not a .tflite model: %d bytes is too short", len(b))
	}
	if len(b) > maxFileBytes {
		return nil, loadErrorf("model is %d bytes; int8scope loads models up to 2 GiB", len(b))
	}
	if !flatbuffers.BufferHasIdentifier(b, "TFL3") {
		return nil, loadErrorf("not a .tflite model: file identifier is %q, want \"TFL3\"", string(b[4:8]))
	}
	defer func() {
		if r := recover(); r != nil {
			// The parser checks offsets before following them; this is
			// the backstop for what it misses. Say what it means for the
			// user, not the Go runtime's words.
			m, err = nil, loadErrorf("malformed .tflite: the flatbuffer is corrupt or truncated (a table or vector lies outside the file); export or download the model again")
		}
	}()
	p := parser{b: b}
	fm := tflite.GetRootAsModel(b, 0)
	m = &Model{Version: fm.Version(), Description: string(fm.Description()), Metadata: map[string][]byte{}}
	if err := p.vec("model.subgraphs", fm.SubgraphsLength(), 4); err != nil {
		return nil, err
	}
	if fm.SubgraphsLength() == 0 {
		return nil, loadErrorf("model has no subgraphs")
	}
	if err := p.vec("model.buffers", fm.BuffersLength(), 4); err != nil {
		return nil, err
	}
	buffers := make([][]byte, fm.BuffersLength())
	var fb tflite.Buffer
	for i := range buffers {
		fm.Buffers(&fb, i)
		if err := p.vec(fmt.Sprintf("buffer %d data", i), fb.DataLength(), 1); err != nil {
			return nil, err
		}
		buffers[i] = fb.DataBytes()
		if off, size := fb.Offset(), fb.Size(); off > 1 {
			if off > uint64(len(b)) || size > uint64(len(b))-off {
				return nil, loadErrorf("buffer %d: offset %d + size %d is past the end of the %d-byte file", i, off, size, len(b))
			}
			buffers[i] = b[off : off+size]
		}
	}
	if err := p.vec("model.metadata", fm.MetadataLength(), 4); err != nil {
		return nil, err
	}
	var md tflite.Metadata
	for i := 0; i < fm.MetadataLength(); i++ {
		fm.Metadata(&md, i)
		if bi := int(md.Buffer()); bi < len(buffers) {
			m.Metadata[string(md.Name())] = buffers[bi]
		}
	}

	if err := p.vec("model.operator_codes", fm.OperatorCodesLength(), 4); err != nil {
		return nil, err
	}
	type opcode struct {
		code    tflite.BuiltinOperator
		custom  string
		version int
	}
	codes := make([]opcode, fm.OperatorCodesLength())
	var oc tflite.OperatorCode
	for i := range codes {
		fm.OperatorCodes(&oc, i)
		// Files from before schema 3a only set the byte-sized field; newer
		// ones set both, and codes past 127 only the wide one.
		c := max(oc.BuiltinCode(), tflite.BuiltinOperator(oc.DeprecatedBuiltinCode()))
		codes[i] = opcode{c, string(oc.CustomCode()), int(oc.Version())}
	}

	if err := p.vec("model.signature_defs", fm.SignatureDefsLength(), 4); err != nil {
		return nil, err
	}
	var sd tflite.SignatureDef
	var tm tflite.TensorMap
	for i := 0; i < fm.SignatureDefsLength(); i++ {
		fm.SignatureDefs(&sd, i)
		s := Signature{Key: string(sd.SignatureKey()), Subgraph: int(sd.SubgraphIndex())}
		what := fmt.Sprintf("signature %d (%q)", i, s.Key)
		if s.Subgraph < 0 || s.Subgraph >= fm.SubgraphsLength() {
			return nil, loadErrorf("%s: subgraph index %d is out of range (model has %d subgraphs)", what, s.Subgraph, fm.SubgraphsLength())
		}
		for _, side := range []struct {
			n   int
			at  func(*tflite.TensorMap, int) bool
			dst *[]SignatureArg
		}{{sd.InputsLength(), sd.Inputs, &s.Inputs}, {sd.OutputsLength(), sd.Outputs, &s.Outputs}} {
			if err := p.vec(what+" tensors", side.n, 4); err != nil {
				return nil, err
			}
			for j := 0; j < side.n; j++ {
				side.at(&tm, j)
				*side.dst = append(*side.dst, SignatureArg{Name: string(tm.Name()), Tensor: int(tm.TensorIndex())})
			}
		}
		m.Signatures = append(m.Signatures, s)
	}
	if signature != "" {
		i := slices.IndexFunc(m.Signatures, func(s Signature) bool { return s.Key == signature })
		if i < 0 && len(m.Signatures) == 0 {
			return nil, loadErrorf("model has no signature %q: it has no signatures at all (load it without one)", signature)
		}
		if i < 0 {
			var keys []string
			for _, s := range m.Signatures {
				keys = append(keys, strconv.Quote(s.Key))
			}
			return nil, loadErrorf("model has no signature %q (it has %d: %s)", signature, len(keys), strings.Join(keys, ", "))
		}
		m.Signature, m.Subgraph = signature, m.Signatures[i].Subgraph
	}
	if subgraph >= 0 {
		if subgraph >= fm.SubgraphsLength() {
			return nil, loadErrorf("subgraph index %d is out of range (model has %d subgraphs)", subgraph, fm.SubgraphsLength())
		}
		m.Subgraph = subgraph
	}
	m.nGraphs = fm.SubgraphsLength()
	m.firstDynamic = p.firstDynamicSubgraph(fm)
	var sg tflite.SubGraph
	fm.Subgraphs(&sg, m.Subgraph)
	sgName := fmt.Sprintf("subgraph %d", m.Subgraph)
	if err := p.vec(sgName+" tensors", sg.TensorsLength(), 4); err != nil {
		return nil, err
	}
	var ft tflite.Tensor
	var fq tflite.QuantizationParameters
	for i := 0; i < sg.TensorsLength(); i++ {
		sg.Tensors(&ft, i)
		t := &Tensor{Index: i, Name: string(ft.Name()), Type: DType(ft.Type()), Variable: ft.IsVariable()}
		what := fmt.Sprintf("tensor %d (%q)", i, t.Name)
		if err := p.vec(what+" shape", ft.ShapeLength(), 4); err != nil {
			return nil, err
		}
		if ft.ShapeLength() > MaxRank {
			return nil, loadErrorf("%s: rank %d is over the limit of %d", what, ft.ShapeLength(), MaxRank)
		}
		t.Shape = make([]int, ft.ShapeLength())
		for j := range t.Shape {
			t.Shape[j] = int(ft.Shape(j))
		}
		if n := ft.ShapeSignatureLength(); n > 0 {
			if err := p.vec(what+" shape_signature", n, 4); err != nil {
				return nil, err
			}
			if n > MaxRank {
				return nil, loadErrorf("%s: shape_signature of rank %d is over the limit of %d", what, n, MaxRank)
			}
			for j := 0; j < n; j++ {
				t.ShapeSignature = append(t.ShapeSignature, int(ft.ShapeSignature(j)))
			}
		}
		if ft.Sparsity(nil) != nil {
			return nil, loadErrorf("%s: sparse tensors are not supported", what)
		}
		if bi := int(ft.Buffer()); bi != 0 {
			if bi >= len(buffers) {
				return nil, loadErrorf("%s: buffer index %d is out of range (model has %d buffers)", what, bi, len(buffers))
			}
			if len(buffers[bi]) > 0 {
				t.Data = buffers[bi]
				t.Const = !t.Variable
			}
		}
		if ft.Quantization(&fq) != nil {
			if err := p.vec(what+" quantization.scale", fq.ScaleLength(), 4); err != nil {
				return nil, err
			}
			if err := p.vec(what+" quantization.zero_point", fq.ZeroPointLength(), 8); err != nil {
				return nil, err
			}
			if fq.ScaleLength() > 0 {
				q := &Quant{Axis: int(fq.QuantizedDimension())}
				for j := 0; j < fq.ScaleLength(); j++ {
					q.Scale = append(q.Scale, fq.Scale(j))
				}
				for j := 0; j < fq.ZeroPointLength(); j++ {
					q.ZeroPoint = append(q.ZeroPoint, fq.ZeroPoint(j))
				}
				t.Quant = q
			}
		}
		m.Tensors = append(m.Tensors, t)
	}
	readIdx := func(what string, n int, at func(int) int32) ([]int, error) {
		if err := p.vec(what, n, 4); err != nil {
			return nil, err
		}
		s := make([]int, n)
		for j := range s {
			s[j] = int(at(j))
		}
		return s, nil
	}
	for _, sig := range m.Signatures {
		for _, a := range append(slices.Clip(sig.Inputs), sig.Outputs...) {
			if sig.Subgraph == m.Subgraph && (a.Tensor < 0 || a.Tensor >= len(m.Tensors)) {
				return nil, loadErrorf("signature %q: %q is tensor index %d, out of range (subgraph %d has %d tensors)", sig.Key, a.Name, a.Tensor, m.Subgraph, len(m.Tensors))
			}
		}
	}
	if m.Inputs, err = readIdx(sgName+" inputs", sg.InputsLength(), sg.Inputs); err != nil {
		return nil, err
	}
	if m.Outputs, err = readIdx(sgName+" outputs", sg.OutputsLength(), sg.Outputs); err != nil {
		return nil, err
	}
	if err := p.vec(sgName+" operators", sg.OperatorsLength(), 4); err != nil {
		return nil, err
	}
	var fo tflite.Operator
	for i := 0; i < sg.OperatorsLength(); i++ {
		sg.Operators(&fo, i)
		op := &Op{Index: i}
		ci := int(fo.OpcodeIndex())
		if ci >= len(codes) {
			return nil, loadErrorf("op %d: opcode index %d is out of range (model has %d operator codes)", i, ci, len(codes))
		}
		op.code, op.Version = codes[ci].code, codes[ci].version
		op.Builtin = op.code.String()
		if op.code == tflite.BuiltinOperatorCUSTOM {
			op.CustomCode = codes[ci].custom
			op.Builtin = "CUSTOM:" + op.CustomCode
			if err := p.vec(fmt.Sprintf("op %d (%s) custom_options", i, op.Builtin), fo.CustomOptionsLength(), 1); err != nil {
				return nil, err
			}
			op.CustomOptions = fo.CustomOptionsBytes()
		}
		what := fmt.Sprintf("op %d (%s)", i, op.Builtin)
		if op.Inputs, err = readIdx(what+" inputs", fo.InputsLength(), fo.Inputs); err != nil {
			return nil, err
		}
		if op.Outputs, err = readIdx(what+" outputs", fo.OutputsLength(), fo.Outputs); err != nil {
			return nil, err
		}
		if op.Intermediates, err = readIdx(what+" intermediates", fo.IntermediatesLength(), fo.Intermediates); err != nil {
			return nil, err
		}
		var tbl flatbuffers.Table
		if typ := fo.BuiltinOptionsType(); typ != tflite.BuiltinOptionsNONE && fo.BuiltinOptions(&tbl) {
			if err := p.optionVectors(what, typ, tbl); err != nil {
				return nil, err
			}
			if u := typ.UnPack(tbl); u != nil {
				op.Options = u.Value
			}
		}
		m.Ops = append(m.Ops, op)
	}
	return m, nil
}

type parser struct{ b []byte }

// vec checks that a vector of n elements of elemSize bytes can fit in the file.
func (p *parser) vec(what string, n, elemSize int) error {
	if n < 0 || n > len(p.b)/elemSize {
		return loadErrorf("%s: vector length %d does not fit in the %d-byte file", what, n, len(p.b))
	}
	return nil
}

// optionVectors checks the vectors inside the option tables that have them.
func (p *parser) optionVectors(what string, typ tflite.BuiltinOptions, tbl flatbuffers.Table) error {
	switch typ {
	case tflite.BuiltinOptionsReshapeOptions:
		var o tflite.ReshapeOptions
		o.Init(tbl.Bytes, tbl.Pos)
		return p.vec(what+" new_shape", o.NewShapeLength(), 4)
	case tflite.BuiltinOptionsSqueezeOptions:
		var o tflite.SqueezeOptions
		o.Init(tbl.Bytes, tbl.Pos)
		return p.vec(what+" squeeze_dims", o.SqueezeDimsLength(), 4)
	}
	return nil
}

// validate checks indices, shapes, buffer sizes, quantization and data flow,
// and copies constant data into aligned memory.
func (m *Model) validate() error {
	nt := len(m.Tensors)
	m.markInferred()
	total := 0
	for _, t := range m.Tensors {
		what := fmt.Sprintf("tensor %d (%q)", t.Index, t.Name)
		if t.Type.Size() == 0 {
			// Only an error if an op uses it; recorded as such below.
			continue
		}
		if t.inferred {
			if err := validateQuant(what, t, false); err != nil {
				return err
			}
			continue
		}
		n := 1
		for _, d := range t.Shape {
			if d < 0 {
				return loadErrorf("%s: shape %v has a negative dimension (dynamic shapes are not supported)", what, t.Shape)
			}
			if d > 0 && n > MaxTensorBytes/d {
				return loadErrorf("%s: shape %v is too large (over %d elements)", what, t.Shape, MaxTensorBytes)
			}
			n *= d
		}
		size := n * t.Type.Size()
		total += size
		if total > MaxTensorBytes {
			return loadErrorf("%s: the model's tensors need more than %d MiB in all; int8scope's limit is %d MiB", what, total>>20, MaxTensorBytes>>20)
		}
		if t.Data != nil {
			if len(t.Data) != size {
				return loadErrorf("%s: buffer has %d bytes, shape %v of %v needs %d", what, len(t.Data), t.Shape, t.Type, size)
			}
			d := alignedBytes(size)
			copy(d, t.Data)
			t.Data = d
		}
		if err := validateQuant(what, t, true); err != nil {
			return err
		}
	}
	checkType := func(what string, ti int) error {
		if t := m.Tensors[ti]; t.Type.Size() == 0 {
			return loadErrorf("%s: tensor %d (%q) has type %v, which int8scope does not support", what, ti, t.Name, t.Type)
		}
		return nil
	}
	// A tensor can be read once it is constant, a variable, a subgraph input,
	// or written by an earlier op.
	ready := make([]bool, nt)
	for _, t := range m.Tensors {
		ready[t.Index] = t.Const || t.Variable
	}
	for _, i := range m.Inputs {
		if i < 0 || i >= nt {
			return loadErrorf("subgraph input tensor index %d is out of range (model has %d tensors)", i, nt)
		}
		if err := checkType("subgraph input", i); err != nil {
			return err
		}
		ready[i] = true
	}
	for _, i := range m.Outputs {
		if i < 0 || i >= nt {
			return loadErrorf("subgraph output tensor index %d is out of range (model has %d tensors)", i, nt)
		}
	}
	for _, op := range m.Ops {
		what := fmt.Sprintf("op %d (%s)", op.Index, op.Builtin)
		for j, i := range op.Inputs {
			if i == -1 {
				continue
			}
			if i < 0 || i >= nt {
				return loadErrorf("%s: input %d is tensor index %d, out of range (model has %d tensors)", what, j, i, nt)
			}
			if err := checkType(what, i); err != nil {
				return err
			}
			if !ready[i] {
				return loadErrorf("%s: input %d reads tensor %d (%q) before any op writes it", what, j, i, m.Tensors[i].Name)
			}
		}
		for j, i := range op.Outputs {
			if i < 0 || i >= nt {
				return loadErrorf("%s: output %d is tensor index %d, out of range (model has %d tensors)", what, j, i, nt)
			}
			if err := checkType(what, i); err != nil {
				return err
			}
			if m.Tensors[i].Const {
				return loadErrorf("%s: output %d writes constant tensor %d (%q)", what, j, i, m.Tensors[i].Name)
			}
			ready[i] = true
		}
		for _, i := range op.Intermediates {
			if i < 0 || i >= nt {
				return loadErrorf("%s: intermediate tensor index %d is out of range", what, i)
			}
		}
	}
	for _, i := range m.Outputs {
		if !ready[i] {
			return loadErrorf("subgraph output tensor %d (%q) is never written", i, m.Tensors[i].Name)
		}
	}
	return nil
}

var errNoModel = errors.New("engine: nil model")

// validateQuant checks tensor t's quantization: as many zero points as
// scales, finite non-negative scales, int32 zero points and, per channel, a
// quantized dimension that the shape has (shaped: for a tensor whose shape
// Prepare works out, once it has one, in checkInferred).
func validateQuant(what string, t *Tensor, shaped bool) error {
	q := t.Quant
	if q == nil {
		return nil
	}
	if len(q.ZeroPoint) != len(q.Scale) {
		return loadErrorf("%s: quantization has %d scales but %d zero points", what, len(q.Scale), len(q.ZeroPoint))
	}
	for _, s := range q.Scale {
		if s < 0 || math.IsNaN(float64(s)) || math.IsInf(float64(s), 0) {
			return loadErrorf("%s: quantization scale %v is not a finite non-negative number", what, s)
		}
	}
	for _, z := range q.ZeroPoint {
		if z < math.MinInt32 || z > math.MaxInt32 {
			return loadErrorf("%s: zero point %d is out of the int32 range", what, z)
		}
	}
	if len(q.Scale) <= 1 || !shaped {
		return nil // per tensor, or a shape Prepare has not worked out yet
	}
	// Converters write the filter's axis on the 1-D per-channel bias
	// (person_detect's biases say 3); TFLite Micro ignores it there, so a
	// 1-D tensor with one scale per element is read along its only axis.
	if len(t.Shape) == 1 && t.Shape[0] == len(q.Scale) && q.Axis != 0 {
		file := q.Axis
		q.Axis, q.rewrittenFrom = 0, &file
	}
	if q.Axis < 0 || q.Axis >= len(t.Shape) {
		return loadErrorf("%s: quantized_dimension %d is out of range for shape %v", what, q.Axis, t.Shape)
	}
	if t.Shape[q.Axis] != len(q.Scale) {
		return loadErrorf("%s: %d scales, but dimension %d of shape %v has size %d", what, len(q.Scale), q.Axis, t.Shape, t.Shape[q.Axis])
	}
	return nil
}

// markInferred marks the tensors whose shape the ops' Prepare works out:
// those an op writes that the file stores without a shape (or with a
// negative dimension). TFLite ignores such a stored shape: every kernel's
// Prepare resizes its outputs.
func (m *Model) markInferred() {
	for _, op := range m.Ops {
		for _, i := range op.Outputs {
			if i < 0 || i >= len(m.Tensors) {
				continue // validate says so
			}
			if t := m.Tensors[i]; !t.Const && (len(t.Shape) == 0 || slices.ContainsFunc(t.Shape, func(d int) bool { return d < 0 })) {
				t.inferred = true
			}
		}
	}
}

// checkInferred checks the size of the tensors whose shapes the ops'
// Prepare worked out, as validate does for stored shapes.
func (m *Model) checkInferred() error {
	total := 0
	for _, t := range m.Tensors {
		if err := checkSize(t, &total); err != nil {
			return &LoadError{Msg: err.Error()}
		}
		if t.inferred {
			if err := validateQuant(fmt.Sprintf("tensor %d (%q)", t.Index, t.Name), t, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkSize checks that t's shape has no negative dimension and that its
// bytes, added to *total, stay within MaxTensorBytes.
func checkSize(t *Tensor, total *int) error {
	n := 1
	for _, d := range t.Shape {
		if d < 0 {
			return fmt.Errorf("tensor %d (%q): its shape %v has a negative dimension", t.Index, t.Name, t.Shape)
		}
		if d > 0 && n > MaxTensorBytes/d {
			return fmt.Errorf("tensor %d (%q): shape %v is too large (over %d elements)", t.Index, t.Name, t.Shape, MaxTensorBytes)
		}
		n *= d
	}
	if *total += n * t.Type.Size(); *total > MaxTensorBytes {
		return fmt.Errorf("tensor %d (%q): the model's tensors need more than %d MiB in all; int8scope's limit is %d MiB", t.Index, t.Name, *total>>20, MaxTensorBytes>>20)
	}
	return nil
}
