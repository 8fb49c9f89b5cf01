//go:build js && wasm

package main

import (
	"fmt"
	"time"
	"unsafe"

	"github.com/hack-pad/safejs"
	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/jsonenc"
	"github.com/int8scope/int8scope/wasm/internal/jsargs"
)

// How a run reaches JS. A run leaves its results in Go memory: one buffer
// holding every non-constant tensor and, traced, one of per-op numbers; JS
// copies each out with one slice of the instance's memory
// (web/static/bridge.js), or, on the general path (int8scope.run called
// without bridge.js), gets them as Uint8Arrays. Constants never travel with
// a run: constants() hands them over once per model. Nor do accumulators
// (as big as the activations, 8 bytes each): accumulators(op, profile, seq)
// hands over one op's when the page shows it. The layout that load returns
// says where each tensor is, and web/static/runview.js turns the buffers
// back into per-tensor views; a run of a model with dynamic shapes (whose
// op output shapes only the run works out) returns its own model and
// layout with its values.
//
// The fast path is two exported WebAssembly functions that take and return
// numbers only, so a run costs no JS value on the Go side (a function made
// with syscall/js costs about 15 µs a call, more than a small model's
// inference):
//
//	int8scope_io() → address of the io block (ioBlock)
//	int8scope_run(profileLen, inputs, trace) → address of the result header (header)
//
// JS writes the profile's name into the args area and each input into its
// buffer (both named by the io block) before int8scope_run.

// Layout says where every tensor of the loaded model is in the buffers the
// bridge hands to JS: constants (weights, biases) in the one buffer
// constants() returns, once per model; everything else (inputs, activations,
// variables) in the one buffer each run returns. Offsets are multiples of 8,
// so JS views any tensor as a typed array without copying.
type Layout struct {
	Constants int `json:"constants"` // bytes of the constants buffer
	Values    int `json:"values"`    // bytes of a run's values buffer
	// Tensors holds, per tensor index, [where, offset, length]: where is
	// 0 (the tensor has no value: strings, resources), 1 (constants) or
	// 2 (values).
	Tensors [][3]int `json:"tensors"`
}

// Where a tensor's bytes are (Layout.Tensors[i][0]).
const (
	inNone = iota
	inConstants
	inValues
)

// layoutOf lays out m's tensors, each at the next multiple of 8.
func layoutOf(m *engine.Model) Layout {
	l := Layout{Tensors: make([][3]int, len(m.Tensors))}
	for i, t := range m.Tensors {
		switch {
		case t.Const && t.Data != nil:
			l.Tensors[i] = [3]int{inConstants, l.Constants, len(t.Data)}
			l.Constants += (len(t.Data) + 7) &^ 7
		case !t.Const && t.Type.Size() > 0:
			n := t.NumBytes()
			l.Tensors[i] = [3]int{inValues, l.Values, n}
			l.Values += (n + 7) &^ 7
		}
	}
	return l
}

// pack copies the tensors of vals that l places in buffer where into buf;
// a tensor that already lives at its place in buf (carve) is not copied.
func (l Layout) pack(buf []byte, where int, vals [][]byte) error {
	for i, p := range l.Tensors {
		if p[0] != where {
			continue
		}
		if len(vals[i]) != p[2] {
			return fmt.Errorf("tensor %d holds %d bytes, its layout %d", i, len(vals[i]), p[2])
		}
		if p[2] > 0 && &vals[i][0] != &buf[p[1]] {
			copy(buf[p[1]:p[1]+p[2]], vals[i])
		}
	}
	return nil
}

// carve gives each tensor l places in values its place in buf (l.Values
// bytes, 8-byte aligned), as the tensors of the engine.Options.Reuse of a
// profile's first run: the engine then writes every run's tensors where JS
// reads them, and pack copies nothing (MobileNet v2: 7 MB a run).
func (l Layout) carve(buf []byte) [][]byte {
	t := make([][]byte, len(l.Tensors))
	for i, p := range l.Tensors {
		if p[0] == inValues {
			t[i] = buf[p[1] : p[1]+p[2] : p[1]+p[2]]
		}
	}
	return t
}

// alignedBytes returns n zero bytes at an 8-byte aligned address, as the
// engine's typed views of tensor bytes need.
func alignedBytes(n int) []byte {
	if n == 0 {
		return []byte{}
	}
	w := make([]uint64, (n+7)/8)
	return unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), n)
}

// ioBlock tells JS where to write a run's arguments, as uint32s:
//
//	[0] number of model inputs n
//	[1], [2] address and capacity of the args area (the profile's name, UTF-8)
//	[3] address of n uint32s: the byte length JS gives for each input
//	[4+2i], [5+2i] address and byte length of input i's buffer
//
// It is rebuilt by load; its buffers live until the next load.
var (
	ioBlock   []uint32
	ioInputs  [][]byte
	ioGiven   []uint32
	ioArgs    [256]byte
	ioHeader  [hdrLen]uint32
	lastOut   runOut // kept until the next run: JS copies out of it
	noIOBlock = [1]uint32{0}
)

// The result header int8scope_run returns, as uint32 indexes.
const (
	hdrStatus = iota // 0 ok, 1 error (message at hdrValues)
	hdrValues        // address, then byte length
	_
	hdrTraced // 1 when the run recorded a trace
	hdrTrace  // per op [nanos, accumulators or -1], float64s
	_
	hdrSeq // the run's number, for accumulators()
	_
	hdrNotes // JSON {op: {note?, hybrid?}}, when any op has one
	_
	hdrState // JSON of the resource variables, stateful models only
	_
	hdrNote // why the trace was left off
	_
	hdrModel // JSON of the run's model, when its shapes are the run's own (dynamic models)
	_
	hdrLayout // JSON of the run's Layout, with hdrModel
	_
	hdrLen
)

// newIO allocates the io block and input buffers for m.
func newIO(m *engine.Model) {
	n := len(m.Inputs)
	ioInputs = make([][]byte, n)
	ioGiven = make([]uint32, n+1)
	ioBlock = make([]uint32, 4+2*n)
	ioBlock[0], ioBlock[1], ioBlock[2], ioBlock[3] = uint32(n), bufAddr(ioArgs[:]), uint32(len(ioArgs)), bufAddr(sliceBytes(ioGiven))
	for i, ti := range m.Inputs {
		b := make([]byte, m.Tensors[ti].NumBytes()+1) // +1: a real address even when empty
		ioInputs[i] = b[:len(b)-1]
		ioBlock[4+2*i], ioBlock[5+2*i] = bufAddr(b), uint32(len(ioInputs[i]))
	}
}

// bufAddr is the linear-memory address of b's first byte (0 when empty).
func bufAddr(b []byte) uint32 {
	if len(b) == 0 {
		return 0
	}
	return uint32(uintptr(unsafe.Pointer(&b[0])))
}

// wasmIO is int8scope_io: the address of the io block.
//
//lint:ignore U1000 called from JS (go:wasmexport)
//go:wasmexport int8scope_io
func wasmIO() uint32 {
	if model == nil {
		return bufAddr(sliceBytes(noIOBlock[:]))
	}
	return bufAddr(sliceBytes(ioBlock))
}

// wasmRun is int8scope_run: it runs the loaded model on the inputs and
// profile JS wrote into the io block's buffers (inputs: how many it gave;
// trace: 1 to record a trace) and returns the address of the result header.
//
//lint:ignore U1000 called from JS (go:wasmexport)
//go:wasmexport int8scope_run
func wasmRun(profileLen, inputs, trace int32) (hdr uint32) {
	defer func() {
		if r := recover(); r != nil {
			hdr = fail(fmt.Errorf("internal error in run: %v", r))
		}
	}()
	if profileLen < 0 || int(profileLen) > len(ioArgs) {
		return fail(fmt.Errorf("unknown profile (a %d-byte name)", profileLen))
	}
	if model == nil {
		return fail(fmt.Errorf("no model loaded"))
	}
	if int(inputs) != len(model.Inputs) {
		return fail(fmt.Errorf("model has %d inputs, got %d", len(model.Inputs), inputs))
	}
	for i, b := range ioInputs {
		if int(ioGiven[i]) != len(b) {
			t := model.Tensors[model.Inputs[i]]
			return fail(fmt.Errorf("input %d (tensor %d %q, %v %v) needs %d bytes, got %d", i, t.Index, t.Name, t.Type, t.Shape, len(b), ioGiven[i]))
		}
	}
	out, err := runCore(ioInputs, profileName(ioArgs[:profileLen]), trace != 0)
	if err != nil {
		return fail(err)
	}
	return succeed(out)
}

// knownProfiles are the engine's profile names.
var knownProfiles = engine.Profiles()

// profileName is string(b) without allocating when b names a profile (the
// page's every run).
func profileName(b []byte) string {
	for _, p := range knownProfiles {
		if string(p) == string(b) {
			return string(p)
		}
	}
	return string(b)
}

// fail puts err in the header.
func fail(err error) uint32 {
	lastOut = runOut{note: []byte(err.Error())}
	ioHeader = [hdrLen]uint32{hdrStatus: 1}
	span(hdrValues, lastOut.note)
	return bufAddr(sliceBytes(ioHeader[:]))
}

// span puts b's address and length at header index i.
func span(i int, b []byte) {
	ioHeader[i], ioHeader[i+1] = bufAddr(b), uint32(len(b))
}

// succeed describes out in the header.
func succeed(out runOut) uint32 {
	lastOut = out
	ioHeader = [hdrLen]uint32{}
	span(hdrValues, out.values)
	span(hdrTrace, sliceBytes(out.trace))
	ioHeader[hdrSeq] = out.seq
	span(hdrNotes, out.notes)
	span(hdrState, out.state)
	span(hdrNote, out.note)
	span(hdrModel, out.model)
	span(hdrLayout, out.layout)
	if out.traced {
		ioHeader[hdrTraced] = 1
	}
	return bufAddr(sliceBytes(ioHeader[:]))
}

// runOut is what one run hands JS.
type runOut struct {
	values             []byte
	traced             bool
	trace              []float64
	seq                uint32 // which run: runs counts them
	notes, state, note []byte
	// model and layout (JSON) describe a run whose model is not the
	// loaded one: a dynamic model's, whose op output shapes and
	// parameters the run worked out (engine.Result.Model). values then
	// follows layout, not the load's.
	model, layout []byte
}

// The buffers runCore reuses from run to run (JS copies out of them
// before the next): reuseValues is the one a dynamic model's run, whose
// shapes are its own, is packed into; reuseTrace holds a traced run's
// per-op numbers.
var (
	reuseValues []byte
	reuseTrace  []float64
)

// profRuns is what the runs under one profile keep from run to run.
type profRuns struct {
	p engine.Profile
	// values is the buffer (laid out by lay) the profile's runs write
	// their tensors into; use drops it.
	values []byte
	last   *engine.Result // the latest result (nil: none since the load, or it failed)
	seq    uint32         // its number (runs)
	times  opTimes
}

// Op times of tiny runs. A traced run reads the clock once per op and once
// more, and under WebAssembly each read is a call into JavaScript
// (performance.now, 0.1–0.25 µs): a fifth of a 3-op model's 5 µs run. So
// when the last timed run under a profile took less than tinyRun for all
// its ops, the next traced runs read no clock (engine.Options.Untimed) and
// report that run's op times, until every retimeEvery-th traced run times
// its ops again. The page shows an op time under 0.1 ms as "< 0.1 ms"
// (tensors.js formatMs), so for such runs it shows the same text either
// way; its time overlay colours ops by times measured at most
// retimeEvery-1 traced runs earlier, with the same kernels.
const (
	tinyRun     = 50 * time.Microsecond
	retimeEvery = 16
)

// opTimes are the op times of a profile's last timed run.
type opTimes struct {
	nanos  []int64
	tiny   bool // they add up to less than tinyRun
	simd   bool // simdOn when they were measured
	reused int  // traced runs that reported them since
}

// untimed says whether a traced run reports t instead of reading the clock.
func (t *opTimes) untimed(ops int) bool {
	return t.tiny && t.simd == simdOn && len(t.nanos) == ops && t.reused < retimeEvery-1
}

// update records the op times of a traced run that read the clock, or
// gives an untimed one the last timed run's.
func (t *opTimes) update(tr *engine.Trace, untimed bool) {
	if untimed {
		for i := range tr.Ops {
			tr.Ops[i].Nanos = t.nanos[i]
		}
		t.reused++
		return
	}
	t.nanos = t.nanos[:0]
	var total int64
	for i := range tr.Ops {
		t.nanos = append(t.nanos, tr.Ops[i].Nanos)
		total += tr.Ops[i].Nanos
	}
	t.tiny, t.simd, t.reused = total < tinyRun.Nanoseconds(), simdOn, 0
}

// ran holds a profRuns per profile that ran since the load: a slice a
// run searches by name, where a map keyed by the name would hash it a few
// times per run (a twentieth of a small model's run under WebAssembly).
var ran []*profRuns

// runsOf returns p's profRuns, made on its first run since the load.
func runsOf(p engine.Profile) *profRuns {
	for _, r := range ran {
		if r.p == p {
			return r
		}
	}
	r := &profRuns{p: p}
	ran = append(ran, r)
	return r
}

// lastRun is the latest result under p and its number (nil, 0 when none).
func lastRun(p engine.Profile) (*engine.Result, uint32) {
	for _, r := range ran {
		if r.p == p {
			return r.last, r.seq
		}
	}
	return nil, 0
}

// runs counts the runs.
var runs uint32

// runCore runs the loaded model and packs what JS gets.
func runCore(inputs [][]byte, profile string, trace bool) (runOut, error) {
	if model == nil {
		return runOut{}, fmt.Errorf("no model loaded")
	}
	// Refuse a run that does not fit before it allocates.
	trace, note, err := fitRun(model, trace)
	if err != nil {
		return runOut{}, err
	}
	// The last result under this profile gives its buffers to this run
	// (engine.Options.Reuse): it is replaced by this one, or, if the run
	// fails, dropped, its tensors no longer being its own.
	p, err := engine.ParseProfile(profile)
	if err != nil {
		return runOut{}, err
	}
	pr := runsOf(p)
	prev := pr.last
	if prev == nil {
		// The profile's first run since the load: its tensors go into
		// the profile's values buffer, and later runs reuse them there.
		if pr.values == nil {
			pr.values = alignedBytes(lay.Values)
		}
		prev = &engine.Result{Model: model, Tensors: lay.carve(pr.values)}
	}
	// The page fetches an op's accumulators when it shows the op
	// (accumulators()): the run leaves them to be computed then.
	untimed := trace && pr.times.untimed(len(model.Ops))
	res, err := model.Run(inputs, engine.Options{Profile: p, Trace: trace, LazyAccumulators: true, Untimed: untimed, Reuse: prev})
	if err != nil {
		pr.last = nil
		return runOut{}, err
	}
	runs++
	pr.last, pr.seq = res, runs
	l, out := lay, runOut{seq: runs}
	if note != "" {
		out.note = []byte(note)
	}
	if res.Model != model {
		// A dynamic model: this run's shapes are its own.
		l = layoutOf(res.Model)
		if out.model, err = jsonenc.Marshal(res.Model); err != nil {
			return runOut{}, err
		}
		if out.layout, err = jsonenc.Marshal(l); err != nil {
			return runOut{}, err
		}
	}
	buf := pr.values
	if res.Model != model {
		reuseValues = grow(reuseValues, l.Values)
		buf = reuseValues
	}
	if err := l.pack(buf, inValues, res.Tensors); err != nil {
		return runOut{}, err
	}
	out.values = buf
	if stateful(model) {
		if res.State == nil {
			out.state = nullJSON // what Marshal gives, without reflection (SVDF and LSTM models' every run)
		} else if out.state, err = jsonenc.Marshal(res.State); err != nil {
			return runOut{}, err
		}
	}
	if res.Trace != nil {
		out.traced = true
		pr.times.update(res.Trace, untimed)
		if err := packTrace(res.Trace, &out); err != nil {
			return runOut{}, err
		}
	}
	return out, nil
}

// statefulOf caches model.Stateful() for the loaded model (it walks the
// model; the page asks on every run).
var statefulOf struct {
	m   *engine.Model
	yes bool
}

func stateful(m *engine.Model) bool {
	if statefulOf.m != m {
		statefulOf.m, statefulOf.yes = m, m.Stateful()
	}
	return statefulOf.yes
}

// nullJSON is the JSON of a nil slice.
var nullJSON = []byte("null")

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// packTrace fills out's trace and notes from tr.
func packTrace(tr *engine.Trace, out *runOut) error {
	reuseTrace = grow(reuseTrace, 2*len(tr.Ops))
	type extra struct {
		Note   string              `json:"note,omitempty"`
		Hybrid *engine.HybridTrace `json:"hybrid,omitempty"`
	}
	var notes map[int]extra
	for i := range tr.Ops {
		t := &tr.Ops[i] // not a copy of the record (a small model's traced run noticed)
		reuseTrace[2*i], reuseTrace[2*i+1] = float64(t.Nanos), float64(t.AccumulatorCount())
		if t.Note != "" || t.Hybrid != nil {
			if notes == nil {
				notes = map[int]extra{}
			}
			notes[i] = extra{t.Note, t.Hybrid}
		}
	}
	out.trace = reuseTrace
	if notes != nil {
		j, err := jsonenc.Marshal(notes)
		if err != nil {
			return err
		}
		out.notes = j
	}
	return nil
}

// run(inputs: Uint8Array[], profile: string, trace: bool) →
//
//	{values: Uint8Array (Layout.Values bytes: every non-constant tensor after the run),
//	 seq: number (which run, for accumulators()),
//	 trace?: Uint8Array (Float64Array bytes, per op [nanos, accumulators or -1]),
//	 notes?: JSON ({op index: {note?, hybrid?}} for the ops that have them),
//	 state?: JSON (stateful models: the resource variables after the run),
//	 note?: string (why the trace was left off),
//	 model?, layout?: JSON (a dynamic model: the run's model, with its own
//	   shapes and parameters, and the Layout of values)} | {error}
//
// This is the general path; web/static/bridge.js replaces it with the fast
// one (int8scope_run), which returns the same.
func run(args []safejs.Value) (map[string]any, error) {
	if model == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	if len(args) != 3 {
		return nil, fmt.Errorf("run takes inputs, profile, trace")
	}
	trace, err := args[2].Bool()
	if err != nil {
		return nil, err
	}
	// Refuse a run that does not fit before copying its inputs into Go.
	if _, _, err := fitRun(model, trace); err != nil {
		return nil, err
	}
	inputs, err := jsargs.BytesList(args[0])
	if err != nil {
		return nil, err
	}
	profile, err := args[1].String()
	if err != nil {
		return nil, err
	}
	out, err := runCore(inputs, profile, trace)
	if err != nil {
		return nil, err
	}
	res := map[string]any{}
	add := func(key string, b []byte) error {
		a, err := toJS(b)
		if err == nil {
			res[key] = safejs.Unsafe(a)
		}
		return err
	}
	if err := add("values", out.values); err != nil {
		return nil, err
	}
	res["seq"] = float64(out.seq)
	if out.traced {
		if err := add("trace", sliceBytes(out.trace)); err != nil {
			return nil, err
		}
	}
	for key, b := range map[string][]byte{"notes": out.notes, "state": out.state, "note": out.note, "model": out.model, "layout": out.layout} {
		if len(b) > 0 {
			res[key] = string(b)
		}
	}
	return res, nil
}

// runBudget bounds what one run may allocate inside the 32-bit WebAssembly
// memory (whose Go heap dies, not errs, when it runs out).
const runBudget = 512 << 20

// fitRun decides whether a run fits the budget: traced, untraced with a
// note, or not at all with an error that says what to do instead. The
// trace's accumulators count twice: the engine's int64s and the copies
// handed to JS (one op's at a time, but the bound stays conservative).
func fitRun(m *engine.Model, trace bool) (bool, string, error) {
	base := untracedBytes(m)
	if base > runBudget {
		return false, "", fmt.Errorf("this model needs %s of activations per inference; the in-browser engine runs models up to %s. Run it with the command line instead: int8scope run MODEL.tflite --inputs DIR --out DIR", mib(base), mib(runBudget))
	}
	if !trace {
		return false, "", nil
	}
	if need := tracedBytes(m, base); need > runBudget {
		return false, fmt.Sprintf("Trace off for this model: recording its int32 accumulators would need %s, more than the in-browser engine's %s. Values and explanations still work; int8scope run --trace on the command line records everything.", mib(need), mib(runBudget)), nil
	}
	return true, "", nil
}

// traced caches tracedBytes for the loaded model (RunBytes walks every op).
var traced struct {
	m    *engine.Model
	need int64
}

// untraced caches m.RunBytes(false) for the loaded model (it walks every
// tensor: a noticeable part of a small model's run).
var untraced struct {
	m    *engine.Model
	need int64
}

// untracedBytes is m.RunBytes(false).
func untracedBytes(m *engine.Model) int64 {
	if untraced.m != m {
		untraced.m, untraced.need = m, m.RunBytes(false)
	}
	return untraced.need
}

// tracedBytes is what fitRun counts for a traced run of m, whose untraced
// run needs base: the accumulators twice (see fitRun).
func tracedBytes(m *engine.Model, base int64) int64 {
	if traced.m != m {
		traced.m, traced.need = m, base+2*(m.RunBytes(true)-base)
	}
	return traced.need
}

func mib(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%d MiB", (n+1<<20-1)>>20)
}

// sliceBytes views s as bytes (wasm is little-endian).
func sliceBytes[T int64 | float64 | uint32](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

// accumulators(op: number, profile: string, seq: number) →
// {acc: Uint8Array (BigInt64Array bytes)} | {error}: op's accumulators in
// run seq (the last traced run under profile), for the page to show.
func accumulators(args []safejs.Value) (map[string]any, error) {
	if len(args) != 3 {
		return nil, fmt.Errorf("accumulators takes op, profile and the run's seq")
	}
	p, err := profileArg(args[1])
	if err != nil {
		return nil, err
	}
	op, err := args[0].Int()
	if err != nil {
		return nil, err
	}
	seq, err := args[2].Int()
	if err != nil {
		return nil, err
	}
	res, lastSeq := lastRun(p)
	switch {
	case res == nil || res.Trace == nil:
		return nil, fmt.Errorf("no traced run with profile %s to take accumulators from", p)
	case uint32(seq) != lastSeq:
		return nil, fmt.Errorf("run %d's accumulators are gone: run %d under %s came after it", seq, lastSeq, p)
	case op < 0 || op >= len(res.Trace.Ops):
		return nil, fmt.Errorf("op %d is out of range (model has %d ops)", op, len(res.Trace.Ops))
	}
	acc, err := res.Accumulators(op)
	if err != nil {
		return nil, err
	}
	a, err := toJS(sliceBytes(acc))
	if err != nil {
		return nil, err
	}
	return map[string]any{"acc": safejs.Unsafe(a)}, nil
}
