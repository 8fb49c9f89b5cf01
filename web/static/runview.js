// runview.js: the page's view of what the WASM bridge (wasm/run.go) hands
// over. A run returns one buffer holding every non-constant tensor (inputs,
// activations, variables) and, traced, one buffer of per-op numbers; the
// constant tensors (weights, biases) come once per loaded model, in one
// buffer of their own; an op's accumulators come when the page shows them
// (engine.js accumulators). The layout that load returns says where each
// tensor is. decodeRun turns these back into what the panels read, without
// copying a byte:
//
//	tensors[ti]  a Uint8Array view of tensor ti's bytes, or null
//	trace[op]    {op, builtin, arithmetic, nanos, accumulators, note?, hybrid?}, or trace null;
//	             accumulators is how many the op recorded (-1: none)
//	acc[op]      the op's accumulators (a BigInt64Array) once fetched, else undefined
//	model        the model as this run has it: the loaded one, or, for a model
//	             with dynamic shapes, the run's own (its op output shapes and
//	             parameters), which the panels read instead
//	layout       where the run's tensors are (the load's, or the run's own)
//
// Pure functions, shared by engine.js, the benchmark (tools/bench) and the
// Node tests.

// Where a tensor is: layout.tensors[ti] is [where, byte offset, byte length].
export const IN_NONE = 0, IN_CONSTANTS = 1, IN_VALUES = 2;

// tensorViews returns, per tensor of the layout, a view of its bytes in
// constants or values (null for tensors without a value). It throws when
// the buffers do not have the layout's sizes (a result of another model).
export function tensorViews(layout, constants, values) {
  if (values.byteLength !== layout.values) throw new Error(`the run's values are ${values.byteLength} bytes, the loaded model's layout says ${layout.values}`);
  if (constants && constants.byteLength !== layout.constants) throw new Error(`the constants are ${constants.byteLength} bytes, the loaded model's layout says ${layout.constants}`);
  const n = layout.tensors.length;
  const out = new Array(n);
  // new Uint8Array(buffer, offset, length): the view subarray makes, in
  // half the time (subarray looks up the species constructor), which a
  // small model's run notices with one view per tensor.
  // The constants' views are made once per (layout, constants) and shared
  // by the runs: the same bytes, and a run makes only its values' views.
  const vb = values.buffer, vo = values.byteOffset;
  const cv = constants ? constantViews(layout, constants) : null;
  for (let i = 0; i < n; i++) {
    const t = layout.tensors[i];
    const where = t[0];
    if (where === IN_VALUES) out[i] = new Uint8Array(vb, vo + t[1], t[2]);
    else if (where === IN_CONSTANTS && cv) out[i] = cv[i];
    else out[i] = null;
  }
  return out;
}

// constantViews returns, per tensor of layout, a view of its bytes in
// constants (undefined for the others), made on the first call for this
// layout and these constants.
const constantCache = new WeakMap(); // constants → {layout, views}
function constantViews(layout, constants) {
  const c = constantCache.get(constants);
  if (c && c.layout === layout) return c.views;
  const views = new Array(layout.tensors.length);
  const cb = constants.buffer, co = constants.byteOffset;
  for (let i = 0; i < views.length; i++) {
    const [where, off, len] = layout.tensors[i];
    if (where === IN_CONSTANTS) views[i] = new Uint8Array(cb, co + off, len);
  }
  constantCache.set(constants, { layout, views });
  return views;
}

// traceViews decodes a traced run's per-op records (null untraced):
// raw.trace holds, per op, [nanos, accumulator count or -1] as float64s;
// raw.notes, JSON, the notes and hybrid records of the ops that have them.
// The arithmetic of each op under profile comes from the model (it is fixed
// per profile).
export function traceViews(model, profile, raw) {
  if (!raw.trace) return null;
  const u8 = raw.trace;
  const t = f64(u8);
  const notes = raw.notes ? JSON.parse(raw.notes) : null;
  const n = Math.min(model.ops.length, u8.byteLength >> 4);
  const trace = new Array(n);
  const p = profile || 'reference';
  for (let i = 0; i < n; i++) {
    const op = model.ops[i];
    const rec = { op: i, builtin: op.builtin, nanos: t[2 * i], accumulators: t[2 * i + 1], arithmetic: op.profiles?.[p]?.arithmetic ?? '' };
    // notes[i]'s fields assigned one by one: the same object as the literal
    // {…, ...notes[i]}, which V8 builds through its slow path (about 0.3 µs
    // per op, a third of a 3-op model's traced run)
    const extra = notes?.[i];
    if (extra) for (const k of Object.keys(extra)) rec[k] = extra[k];
    trace[i] = rec;
  }
  return trace;
}

// decodeRun is the page's run result: {tensors, trace, acc, state, note,
// profile, seq} plus whatever else raw carries (ms, …); raw is what the
// bridge's run returned (state still JSON, or already parsed). view is
// {model, layout, constants} of the loaded model (constants null: those
// tensors are null). acc starts empty: engine.js fills it on demand.
//
// A run of a model with dynamic shapes also carries raw.model and
// raw.layout (JSON, or parsed): its own shapes and parameters, and where
// its values are; the constants keep the load's offsets.
export function decodeRun(raw, view, profile) {
  const state = typeof raw.state === 'string' ? JSON.parse(raw.state) : raw.state ?? null;
  const model = raw.model ? { ...parsed(raw.model), macs: view.model?.macs } : view.model;
  const layout = raw.layout ? parsed(raw.layout) : view.layout;
  // The rest of raw, then the decoded fields, assigned one by one: the same
  // object as {...rest, profile, …}, but V8 builds that literal (a spread
  // followed by more keys) through its slow path, ~3 µs a run, more than a
  // small model's whole inference.
  const out = {};
  for (const k of Object.keys(raw)) if (!RAW_ONLY.has(k)) out[k] = raw[k];
  out.profile = profile || 'reference';
  out.model = model;
  out.layout = layout;
  out.tensors = tensorViews(layout, view.constants, raw.values);
  out.trace = traceViews(model, profile, raw);
  out.acc = [];
  out.state = state;
  out.note = raw.note ?? null;
  return out;
}

// The fields of a raw run that decodeRun replaces by their decoded forms.
const RAW_ONLY = new Set(['values', 'trace', 'notes', 'model', 'layout']);

function parsed(j) {
  return typeof j === 'string' ? JSON.parse(j) : j;
}

// accView views the bytes accumulators() returned as int64s.
export function accView(bytes) {
  return new BigInt64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
}

// f64 views u8's bytes as float64s. V8 keeps a typed array of at most 64
// bytes (a trace of up to four ops) inside its heap, and reading its
// .buffer moves it out (an allocation that cost a 3-op model's traced run
// a tenth): such a trace is copied into a scratch array instead (one set,
// where reading it 8 bytes at a time cost half of decoding it), valid until
// the next call.
function f64(u8) {
  if (u8.byteLength <= scratchBytes.byteLength) {
    scratchBytes.set(u8);
    return scratchF64;
  }
  if (u8.byteOffset % 8 === 0) return new Float64Array(u8.buffer, u8.byteOffset, u8.byteLength / 8);
  return new Float64Array(u8.slice().buffer);
}

const scratchF64 = new Float64Array(8);
const scratchBytes = new Uint8Array(scratchF64.buffer);
