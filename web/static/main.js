// main.js wires the panels together: model choice → engine → input
// (drawing or tensor inputs) → run → predictions, op list, details,
// explanation; and the share link that restores all of it.
import { $, h } from './dom.js';
import { Engine } from './engine.js';
import { DrawPad } from './canvas.js';
import { preprocess } from './preprocess.js';
import { renderPredictions, isClassifier } from './predictions.js';
import { renderOps, renderDetails, markElement } from './inspector.js';
import { renderExplanation } from './explain.js';
import { renderState } from './state.js';
import { isImageInput, isPictureInput, renderInputs, renderPictureInput } from './inputs.js';
import { GraphView } from './graph.js';
import { renderTensorTable, renderTensor, setTableShapes } from './tensortable.js';
import { OpTimes } from './times.js';
import { numbers, real, quantize, numElements, formatCount, formatShape, modelSummary } from './tensors.js';
import { renderDownloads } from './download.js';
import { encodeState, decodeState, packStrokes, toBase64Url, sha256Hex, MAX_EMBED, ShareError } from './share.js';

const engine = new Engine();
// The explanation panel moves next to the heatmap that was clicked; this
// keeps hold of it while the details are redrawn.
const explainEl = $('#explain');
const graph = new GraphView($('#graph-box'), { onSelect: (i) => selectOp(i) });
graph.onOverlay = () => updateURL();
const times = new OpTimes();
// The panels' empty-state hints, as index.html writes them.
const hints = { details: $('#tensor-details').firstElementChild.cloneNode(true), explain: $('#explain').firstElementChild.cloneNode(true) };
const state = {
  source: null, bytes: null, model: null, profile: 'reference', profileB: null, compare: false,
  op: null, elem: null, run: null, runB: null, input: { mode: 'random', value: 0, seed: 1 }, tensorInputs: null,
  expectHash: null, sha256: null, tensor: null, picture: null,
};
let builtins = [];
let profiles = ['reference'];

function showError(msg) {
  const el = $('#error');
  el.classList.remove('wait');
  el.textContent = msg;
  el.hidden = false;
}
// showNotice shows a non-fatal message (a link naming a missing op, …)
// that the next run's note does not overwrite.
let linkNotice = '';
function showNotice(msg) {
  linkNotice = msg;
  const n = $('#notice');
  n.textContent = msg;
  n.hidden = !msg;
}

// setPickerFile names a loaded local file in the model picker.
function setPickerFile(name) {
  const opt = $('#model-picker').querySelector('option[value=""]');
  opt.textContent = name ? `${name} (local file)` : '(local file)';
}

function clearError() { $('#error').hidden = true; $('#error').textContent = ''; $('#error').classList.remove('wait'); }

function progress(frac, label) {
  const p = $('#progress');
  if (frac === null) { p.hidden = true; return; }
  p.hidden = false;
  p.querySelector('.bar').style.width = `${Math.round(frac * 100)}%`;
  p.querySelector('.label').textContent = label;
}

// fetchWithProgress downloads a built-in model showing progress.
async function fetchWithProgress(url, label) {
  const resp = await fetch(url);
  if (!resp.ok) throw new Error(`${url}: HTTP ${resp.status}`);
  const total = Number(resp.headers.get('content-length')) || 0;
  const reader = resp.body.getReader();
  const parts = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value); n += value.length;
    if (total) progress(n / total, `${label}: ${(n / 1024).toFixed(0)} of ${(total / 1024).toFixed(0)} KB`);
  }
  progress(null);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function readFileWithProgress(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onprogress = (e) => { if (e.lengthComputable) progress(e.loaded / e.total, `reading ${file.name}: ${(e.loaded / 1048576).toFixed(1)} of ${(e.total / 1048576).toFixed(1)} MB`); };
    r.onload = () => { progress(null); resolve(new Uint8Array(r.result)); };
    r.onerror = () => { progress(null); reject(new Error(`could not read ${file.name}: ${r.error}`)); };
    r.readAsArrayBuffer(file);
  });
}

// renderSignatures offers a model's signatures (entry points, each its own
// subgraph) when it has more than one; picking one reloads that subgraph.
function renderSignatures(model) {
  const box = $('#signature-box');
  const sigs = model.signatures ?? [];
  box.hidden = sigs.length < 2;
  if (box.hidden) { box.replaceChildren(); return; }
  const current = model.signature || sigs.find((g) => g.subgraph === model.subgraph)?.key;
  const sel = h('select', { dataset: { testid: 'signature' }, onchange: (e) => loadModel(state.bytes, state.source, { signature: e.target.value }) },
    ...sigs.map((g) => h('option', { value: g.key, text: `${g.key} (subgraph ${g.subgraph}: ${g.inputs.map((a) => a.name).join(', ')} → ${g.outputs.map((a) => a.name).join(', ')})` })));
  sel.value = current ?? '';
  box.replaceChildren(h('label', {}, 'Signature ', sel));
}

// loadModel opens a model and shows it; with shapes ([dims] per input) it
// shows the loaded model resized to them instead (engine.resize).
async function loadModel(bytes, source, restore = {}, shapes = null) {
  progress(0.5, `loading ${source.name ?? source.builtin} into the engine…`);
  let model;
  try {
    model = shapes ? await engine.resize(shapes) : await engine.load(bytes, restore.signature ?? '');
  } catch (e) {
    progress(null);
    showError(shapes ? `Cannot resize the input: ${e.message}` : `Could not load ${source.name ?? source.builtin}: ${e.message}`);
    return false;
  }
  // A link may carry input shapes the inputs panel set (resizeInput).
  const missing = [];
  if (!shapes && restore.shapes) {
    try {
      model = await engine.resize(restore.shapes);
      shapes = restore.shapes;
    } catch (e) {
      missing.push(`The link resizes the inputs, which this model refuses: ${e.message}`);
    }
  }
  progress(null);
  clearError();
  Object.assign(state, { source, bytes, model, shapes, run: null, runB: null, op: restore.op ?? null, elem: restore.elem ?? null, tensorInputs: null, sha256: null, tensor: restore.tensor ?? null, picture: null });
  times.reset();
  // A link may name an op or element this model does not have: say so.
  if (state.op !== null && state.op >= model.ops.length) {
    missing.push(`The link selects op ${state.op}, but this model has ${model.ops.length} ops (0–${model.ops.length - 1}).`);
    state.op = null; state.elem = null;
  } else if (state.op !== null && state.elem !== null) {
    const out = model.tensors[model.ops[state.op].outputs[0]];
    const n = out ? numElements(out.shape) : 0;
    if (state.elem >= n) { missing.push(`The link selects element ${state.elem} of op ${state.op}, whose output has ${n} elements (0–${n - 1}).`); state.elem = null; }
  }
  if (state.tensor !== null && state.tensor >= model.tensors.length) { missing.push(`The link opens tensor ${state.tensor}, but this model has ${model.tensors.length} tensors.`); state.tensor = null; }
  if (restore.overlay) graph.setOverlay(restore.overlay);
  // Nothing of the previous model stays on screen, even if this one fails to run.
  renderPredictions($('#prediction'), null);
  $('#outputs').hidden = true;
  $('#timing').textContent = '';
  renderOps($('#ops'), model, { selected: state.op, onSelect: selectOp });
  $('#model-summary').textContent = modelSummary(model, bytes?.length);
  renderSignatures(model);
  renderDownloads($('#downloads'), { engine, profile: () => state.profile, name: () => (source.name ?? source.builtin ?? 'model').replace(/\.tflite$/i, '') });
  $('#tensor-details').replaceChildren(hints.details.cloneNode(true));
  explainEl.replaceChildren(hints.explain.cloneNode(true));
  $('#tensor-details').after(explainEl);
  graph.setModel(model);
  graph.select(state.op);
  renderTensorTable($('#tensor-list'), model, { onOpen: openTensor });
  $('#tensor-view').hidden = true;
  const picker = $('#model-picker');
  setPickerFile(source.name ?? null);
  picker.value = source.builtin ?? '';
  const image = isImageInput(model);
  $('#draw-area').hidden = !image;
  $('#tensor-inputs').hidden = image;
  $('#image-input').hidden = image || !isPictureInput(model);
  $('#prediction-title').textContent = isClassifier(model, image) ? 'Prediction' : 'Output';
  showNotice(missing.join(' '));
  if (!image) {
    if (restore.input) state.input = restore.input;
    if (isPictureInput(model)) renderPictureInput($('#image-input'), model, (inputs, name) => { state.tensorInputs = inputs; state.picture = name; classify(); }, (e) => showError(e.message), quantize);
    renderInputs($('#tensor-inputs'), model, state.input, (inputs) => { state.tensorInputs = inputs; state.picture = null; classify(); }, (e) => showError(e.message), resizeInput);
  } else if (restore.strokes) {
    pad.setStrokes(restore.strokes);
  } else {
    classify();
  }
  if (state.tensor !== null) openTensor(state.tensor);
  if (!source.builtin && bytes.length > MAX_EMBED) sha256Hex(bytes).then((h) => { if (state.bytes === bytes) { state.sha256 = h; updateURL(); } });
  updateURL();
  return true;
}

// imageInputs turns the drawing into the model's input bytes.
function imageInputs() {
  const t = state.model.tensors[state.model.inputs[0]];
  const x = preprocess(pad.ink(), pad.canvas.width, pad.canvas.height);
  drawPreview(x);
  if (t.type === 'float32') return [new Uint8Array(x.buffer)];
  // An int8/uint8 image input: real pixel values 0..1 quantized with the input's scale/zero point.
  return [quantize(t, x)];
}

function drawPreview(x) {
  const c = $('#preview').getContext('2d');
  const img = c.createImageData(28, 28);
  for (let i = 0; i < 784; i++) { const v = Math.round(x[i] * 255); img.data.set([v, v, v, 255], 4 * i); }
  c.putImageData(img, 0, 0);
}

let running = false, again = false;
// busy counts runs and explanations in flight; body[data-busy] is "true"
// while there are any (the browser tests wait for it to clear).
let inflight = 0;
function busy(delta) {
  inflight += delta;
  document.body.dataset.busy = String(inflight > 0);
}

// resizeInput gives model input k the shape dims (its shape_signature has
// −1 there) and shows the resized model, keeping the selection.
function resizeInput(k, dims) {
  const m = state.model;
  const shapes = m.inputs.map((ti, i) => (i === k ? dims : m.tensors[ti].shape));
  return loadModel(state.bytes, state.source, { op: state.op, elem: state.elem, tensor: state.tensor, signature: m.signature }, shapes);
}

// classify runs the model on the current input.
async function classify() {
  if (!state.model) return;
  if (running) { again = true; return; }
  running = true;
  busy(+1);
  try {
    do {
      again = false;
      const model = state.model;
      const inputs = isImageInput(model) ? imageInputs() : state.tensorInputs;
      if (!inputs) break;
      const t0 = performance.now();
      // A run that takes a while (300 ms; the browser tests set
      // window.int8scopeSlowRunMs so that no machine is too fast for them)
      // says what it is doing.
      let shown = false;
      const slow = setTimeout(() => { shown = true; progress(1, `running the model: ${formatCount(model.macs ?? 0)} multiply-accumulates…`); }, window.int8scopeSlowRunMs ?? 300);
      let run, runB;
      try {
        // The compared profile runs first: the engine keeps each profile's
        // last run, whose accumulators the details panel fetches, and the
        // two profiles may be the same.
        runB = state.compare && state.profileB ? await engine.run(inputs, state.profileB, true) : null;
        run = await engine.run(inputs, state.profile, true);
      } finally {
        clearTimeout(slow);
        if (shown) progress(null);
      }
      // Another model was loaded meanwhile: this result is not its; run again.
      if (state.model !== model) { again = true; continue; }
      Object.assign(state, { run, runB });
      const note = $('#notice');
      note.textContent = [linkNotice, run.note].filter(Boolean).join(' ');
      note.hidden = !note.textContent;
      times.add(state.profile, run.trace);
      renderAll(performance.now() - t0);
    } while (again);
  } catch (e) {
    showError(`Run failed: ${e.message}`);
  } finally {
    running = false;
    busy(-1);
  }
}

// shown is the model as the panels show it: the last run's (a model with
// dynamic shapes has its own shapes and parameters per run), else the
// loaded one.
function shown() {
  return state.run?.model ?? state.model;
}

function outputVector() {
  const m = shown(), r = state.run;
  const ti = m.outputs[0];
  const t = m.tensors[ti];
  const n = numElements(t.shape);
  // Up to 20 outputs are drawn as bars; a labelled classifier of any size
  // shows its top classes by name.
  if (!r || n < 2 || (n > 20 && !(m.output_labels?.[ti] && n <= 100_000)) || !r.tensors[ti]) return null;
  const v = numbers(t.type, r.tensors[ti]);
  return Array.from(v, (x, i) => real(t, x, i));
}

// diffs counts, per op, output elements that differ between the two profiles.
function diffs() {
  if (!state.runB) return null;
  const d = {};
  for (const op of state.model.ops) {
    const ti = op.outputs[0];
    if (ti === undefined) continue; // CALL_ONCE, ASSIGN_VARIABLE
    const a = state.run.tensors[ti], b = state.runB.tensors[ti];
    let n = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
    if (n) d[op.index] = n;
  }
  return d;
}

function diffMask(ti) {
  if (!state.runB || ti === undefined) return null;
  const t = shown().tensors[ti];
  const a = numbers(t.type, state.run.tensors[ti]), b = numbers(t.type, state.runB.tensors[ti]);
  return Array.from(a, (x, i) => x !== b[i]);
}

let lastWall = 0;
// renderAll redraws every panel from the last run; wall is that run's round
// trip time (omitted when only the selection changed).
function renderAll(wall = lastWall) {
  lastWall = wall;
  const m = shown(), r = state.run;
  const image = isImageInput(m);
  const classifier = isClassifier(m, image);
  renderPredictions($('#prediction'), outputVector(), { classifier, blank: image && pad.isEmpty(), labels: m.output_labels?.[m.outputs[0]] ?? null });
  renderOutputs(classifier);
  // Per-op times are the median of the last runs: one run's times jump
  // with garbage collection and the browser's timer resolution.
  const trace = times.smoothed(state.profile, r.trace);
  const engineMs = trace ? trace.reduce((a, t) => a + t.nanos, 0) / 1e6 : r.ms;
  $('#timing').textContent = `inference: ${engineMs.toFixed(2)} ms in the engine${times.count(state.profile) > 1 ? ` (median of recent runs)` : ''}, ${r.ms.toFixed(2)} ms in the worker, ${wall.toFixed(1)} ms round trip (trace on, profile ${state.profile})`;
  const d = diffs();
  renderOps($('#ops'), m, { trace, diffs: d, selected: state.op, onSelect: selectOp });
  renderState($('#ops-panel'), r.state, { profile: state.profile, onReset: resetState });
  graph.setShapes(m);
  graph.setData({ trace, diffs: d });
  // A dynamic model's tensors have this run's shapes.
  setTableShapes($('#tensor-list'), m);
  if (state.op !== null && state.op < m.ops.length) {
    renderDetails($('#tensor-details'), m, state.op, r, { onElement: (i) => selectElem(i, true), diff: diffMask(m.ops[state.op].outputs[0]), runB: state.runB, profile: state.profile, profileB: state.profileB, loadAcc: (op) => loadAccumulators(r, op) });
    placeExplain();
    if (state.elem !== null) selectElem(state.elem);
  }
  if (state.tensor !== null && !$('#tensor-view').hidden) openTensor(state.tensor, false);
  updateURL();
}

// loadAccumulators fetches op's accumulators of run r from the engine (they
// are not sent with every run).
async function loadAccumulators(r, op) {
  busy(+1);
  try {
    return await engine.accumulators(r, op);
  } finally {
    busy(-1);
  }
}

// renderOutputs lists every model output's values when they are not a
// classifier's scores (or there are several outputs).
function renderOutputs(classifier) {
  const m = shown(), r = state.run, div = $('#outputs');
  div.hidden = classifier && m.outputs.length === 1;
  if (div.hidden) return;
  div.replaceChildren(...m.outputs.map((ti, k) => {
    const t = m.tensors[ti];
    const b = r.tensors[ti];
    const v = b ? numbers(t.type, b) : [];
    const shown = Array.from(v.slice(0, 16), (x, i) => Number(real(t, x, i).toPrecision(5)));
    return h('p', { class: 'out', dataset: { tensor: String(ti) } }, h('b', { text: `output ${k}` }), ' ', h('span', { class: 'name', text: t.name }),
      ` ${t.type} ${formatShape(t.shape)}: `, h('span', { class: 'name', text: shown.join(', ') + (v.length > 16 ? ', …' : '') }));
  }));
}

// placeExplain puts the explanation right under the heatmap of the
// selected op's output, where the click happened.
function placeExplain() {
  const d = $('#tensor-details');
  const wrap = state.op !== null && d.shown?.maps?.[shown().ops[state.op].outputs[0]];
  if (wrap && wrap.isConnected) { wrap.after(explainEl); explainEl.classList.add('near'); } else { d.after(explainEl); explainEl.classList.remove('near'); }
}

// resetState brings a stateful model's state back to its initial value
// and runs the current input from there.
async function resetState() {
  try {
    await engine.reset();
  } catch (e) {
    showError(`Reset failed: ${e.message}`);
    return;
  }
  classify();
}

function selectOp(i) {
  state.op = i;
  state.elem = null;
  explainEl.replaceChildren(hints.explain.cloneNode(true));
  graph.select(i);
  if (state.run) renderAll();
  else {
    renderOps($('#ops'), state.model, { selected: i, onSelect: selectOp });
    renderDetails($('#tensor-details'), state.model, i, null, { profile: state.profile });
    updateURL();
  }
  // On a phone the details are below the graph: bring them up.
  if (matchMedia('(max-width: 900px)').matches) $('#detail-panel').scrollIntoView({ block: 'start' });
}

// selectElem explains element i of the selected op; a click (user=true)
// also scrolls the explanation into view.
async function selectElem(i, user = false) {
  state.elem = i;
  markElement($('#tensor-details'), i);
  busy(+1);
  try {
    const e = await engine.explain(state.op, i, state.profile);
    const eB = state.runB ? await engine.explain(state.op, i, state.profileB) : null;
    renderExplanation(explainEl, shown(), e, eB, { run: state.run, loadAll: ((op) => (profile) => engine.explain(op, i, profile, true))(state.op) });
  } catch (err) {
    explainEl.replaceChildren(h('p', { class: 'muted', text: `Cannot explain element ${i}: ${err.message}` }));
  } finally {
    busy(-1);
  }
  placeExplain();
  if (user) {
    explainEl.scrollIntoView({ block: 'nearest' });
    updateURL();
  }
}

// openTensor shows tensor ti (from the tensor table) above the table.
function openTensor(ti, scroll = true) {
  state.tensor = ti;
  const v = $('#tensor-view');
  v.hidden = false;
  renderTensor(v, shown(), ti, state.run?.tensors[ti] ?? null, { onClose: () => { v.hidden = true; state.tensor = null; markTensorRow(); updateURL(); } });
  markTensorRow();
  if (scroll) { v.scrollIntoView({ block: 'nearest' }); updateURL(); }
}

function markTensorRow() {
  for (const tr of $('#tensor-list').rows ?? []) tr.classList.toggle('open', Number(tr.dataset.tensor) === state.tensor);
}

// linkState is the playground state a link carries.
async function linkState() {
  const s = { model: null, profile: state.profile };
  if (state.compare) { s.compare = true; s.profileB = state.profileB; }
  const src = state.source;
  if (src.builtin) s.model = { builtin: src.builtin };
  else if (state.bytes.length <= MAX_EMBED) s.model = { embed: toBase64Url(state.bytes), name: src.name };
  else s.model = { sha256: state.sha256 ?? await sha256Hex(state.bytes), name: src.name };
  if (state.model.signature) s.signature = state.model.signature;
  if (state.shapes) s.shapes = state.shapes;
  if (isImageInput(state.model)) s.strokes = packStrokes(pad.strokes);
  else s.input = state.input;
  if (state.op !== null) s.op = state.op;
  if (state.elem !== null) s.elem = state.elem;
  if (state.tensor !== null) s.tensor = state.tensor;
  if (graph.overlay !== 'none') s.overlay = graph.overlay;
  return s;
}

// updateURL keeps the address bar equal to the state (as TensorFlow
// Playground does), at most a few times a second while drawing. It does
// nothing while a link waits for its local model file.
let urlTimer = null;
function updateURL() {
  if (urlTimer || !state.model || state.expectHash) return;
  document.body.dataset.urlPending = 'true';
  urlTimer = setTimeout(async () => {
    urlTimer = null;
    delete document.body.dataset.urlPending;
    if (!state.model || state.expectHash) return;
    if (!state.source.builtin && state.bytes.length > MAX_EMBED && !state.sha256) return; // the hash is on its way
    try {
      const url = `${location.origin}${location.pathname}#${await encodeState(await linkState())}`;
      if (url !== location.href) history.replaceState(null, '', url);
      document.body.dataset.url = String(Number(document.body.dataset.url ?? 0) + 1);
    } catch { /* the Copy link button reports errors */ }
  }, 150);
}

async function share() {
  if (!state.model) throw new Error('load a model first');
  const url = `${location.origin}${location.pathname}#${await encodeState(await linkState())}`;
  $('#share-link').value = url;
  history.replaceState(null, '', url);
  try { await navigator.clipboard.writeText(url); } catch { /* the field still holds the link */ }
  $('#share').textContent = 'Link copied';
  setTimeout(() => { $('#share').textContent = 'Copy link'; }, 1500);
}

async function restoreFromLink(frag) {
  let s;
  try {
    s = await decodeState(frag, { builtins: builtins.map((b) => b.id), profiles });
  } catch (e) {
    showError(`This share link cannot be opened: ${e instanceof ShareError ? e.message : 'it is malformed'}. Loading the default model instead.`);
    return false;
  }
  if (s.profile) { state.profile = s.profile; $('#profile').value = s.profile; }
  if (s.compare && s.profileB) { state.compare = true; state.profileB = s.profileB; $('#compare').checked = true; $('#profile-b').value = s.profileB; }
  const restore = { op: s.op, elem: s.elem, strokes: s.strokes, input: s.input, tensor: s.tensor, overlay: s.overlay, signature: s.signature, shapes: s.shapes };
  if (s.model.builtin) {
    const b = builtins.find((x) => x.id === s.model.builtin);
    return loadBuiltin(b, restore);
  }
  if (s.model.embed) return loadModel(s.model.embed, { name: s.model.name }, restore);
  state.expectHash = { ...s.model, restore };
  waitForFile(s.model);
  return true;
}

// openFile loads a dropped or chosen file. body[data-files] counts the
// files handled (loaded or refused), for the browser tests.
// waitForFile turns the message panel into a drop target asking for the
// local model a link was made with; the rest of the link's state is kept
// and restored once the file is given.
function waitForFile(m) {
  const el = $('#error');
  el.classList.add('wait');
  el.replaceChildren(h('b', { text: `Drop ${m.name} (SHA-256 ${m.sha256.slice(0, 12)}…) here to continue.` }), h('br'),
    `This link uses your local model "${m.name}" (SHA-256 ${m.sha256.slice(0, 12)}…), which is not inside the link: models over 64 KB stay on your machine. Drop that file on the page or `,
    h('button', { type: 'button', text: 'choose it', onclick: () => $('#model-file').click() }),
    ' to continue; the drawing, selection and settings in the link are restored then. Or pick a built-in model above.');
  el.hidden = false;
  $('#draw-area').hidden = true;
}

async function openFile(file) {
  try {
    const bytes = await readFileWithProgress(file);
    let restore = {}, mismatch = null;
    if (state.expectHash) {
      // A link to a local model waits for that file. Another file still
      // opens (the user may have given up on the link), without the link's state.
      const got = await sha256Hex(bytes);
      if (got === state.expectHash.sha256) restore = state.expectHash.restore;
      else mismatch = `${file.name} is not the model the share link was made with (SHA-256 ${got.slice(0, 12)}…, the link expects ${state.expectHash.sha256.slice(0, 12)}…), so it opened without the link's drawing and selection.`;
      state.expectHash = null;
    }
    if (await loadModel(bytes, { name: file.name }, restore) && mismatch) showError(mismatch);
  } catch (e) {
    showError(e.message);
  } finally {
    document.body.dataset.files = String(Number(document.body.dataset.files ?? 0) + 1);
  }
}

const pad = new DrawPad($('#draw-canvas'), () => classify());

async function main() {
  const info = await engine.info;
  profiles = info.profiles;
  for (const sel of [$('#profile'), $('#profile-b')]) sel.replaceChildren(...profiles.map((p) => h('option', { value: p, text: p })));
  // The question users bring: why does my TFLite print something else?
  state.profileB = profiles.includes('tflite-xnnpack') ? 'tflite-xnnpack' : (profiles.find((p) => p !== 'reference') ?? 'reference');
  $('#profile-b').value = state.profileB;
  builtins = await (await fetch('models/index.json')).json();
  $('#model-picker').replaceChildren(...builtins.map((b) => h('option', { value: b.id, text: b.title })), h('option', { value: '', text: '(local file)', disabled: true }));
  // "The model from the question": the StackOverflow asker's Dense(10),
  // opened on its FULLY_CONNECTED.
  const question = builtins.find((b) => b.id === 'mnist_dense_int8');
  $('#question-model').hidden = !question;
  $('#question').addEventListener('click', async () => {
    state.expectHash = null;
    if (await loadBuiltin(question)) {
      const fc = state.model.ops.findIndex((o) => o.builtin === 'FULLY_CONNECTED');
      if (fc >= 0) selectOp(fc);
    }
  });
  $('#model-picker').addEventListener('change', async (e) => {
    const b = builtins.find((x) => x.id === e.target.value);
    state.expectHash = null;
    if (b) await loadBuiltin(b);
  });
  $('#model-file').addEventListener('change', (e) => { if (e.target.files[0]) openFile(e.target.files[0]); e.target.value = ''; });
  $('#clear').addEventListener('click', () => pad.clear());
  $('#profile').addEventListener('change', (e) => { state.profile = e.target.value; classify(); updateURL(); });
  $('#profile-b').addEventListener('change', (e) => { state.profileB = e.target.value; classify(); updateURL(); });
  $('#compare').addEventListener('change', (e) => { state.compare = e.target.checked; classify(); updateURL(); });
  $('#share').addEventListener('click', () => share().catch((e) => showError(`Could not make a link: ${e.message}`)));
  document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
  document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) document.body.classList.remove('dragging'); });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const f = e.dataTransfer.files[0];
    if (f) openFile(f);
  });
  document.body.dataset.wasmBytes = String(info.wasmBytes);
  document.body.dataset.simd = info.simd?.on ? 'on' : `off: ${info.simdReason ?? info.simd?.error ?? 'unknown'}`; // WebAssembly SIMD kernels (simd.js)
  // A share link pasted into this tab changes only the fragment: restore it too.
  window.addEventListener('hashchange', () => {
    if (location.hash.length > 1) restoreFromLink(location.hash).catch((e) => showError(e.message));
  });
  if (location.hash.length > 1 && await restoreFromLink(location.hash)) { document.body.dataset.ready = 'true'; return; }
  // Without a (usable) link: the default model. Loading it clears the error
  // panel, so a message about a bad link is shown again after it.
  const linkError = $('#error').hidden ? null : $('#error').textContent;
  if (builtins.length) await loadBuiltin(builtins[0]);
  if (linkError && $('#error').textContent !== linkError) showError([linkError, $('#error').textContent].filter(Boolean).join('\n'));
  document.body.dataset.ready = 'true';
}

// loadBuiltin fetches and loads a built-in model; a failed download is shown
// like a failed load, and the page stays usable (a local file still opens).
async function loadBuiltin(b, restore = {}) {
  let bytes;
  try {
    bytes = await fetchWithProgress(`models/${b.file}`, b.title);
  } catch (e) {
    progress(null);
    showError(`Could not download the built-in model ${b.title}: ${e.message}`);
    return false;
  }
  return loadModel(bytes, { builtin: b.id }, restore);
}

main().catch((e) => {
  showError(`The playground failed to start: ${e.message}`);
  document.body.dataset.ready = 'error';
});
