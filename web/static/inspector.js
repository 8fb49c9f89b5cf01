// inspector.js: the op list (left) and the selected op's tensors, derived
// parameters, accumulators and output values (right), like Netron's
// properties pane but with the numbers of the last run.
import { h, clear } from './dom.js';
import { numbers, reals, formatShape, numElements, formatMs } from './tensors.js';
import { hybridView } from './hybrid.js';

// renderOps lists the ops. Later calls for the same model update the list
// in place: a run finishing between a mouse down and up on an op must not
// replace the element under the pointer (the click would be lost).
export function renderOps(ol, model, { trace, diffs, selected, onSelect }) {
  // A run of a model with dynamic shapes brings its own model object, with
  // the same ops: keep the list (and its focus), relabel the shapes below.
  const sameOps = ol.model && ol.children.length === model.ops.length && ol.model.ops.every((op, i) => op.builtin === model.ops[i].builtin && op.unsupported === model.ops[i].unsupported);
  if (!sameOps) {
    clear(ol);
    model.ops.forEach((op) => {
      const out = model.tensors[op.outputs[0]];
      ol.append(h('li', { dataset: { testid: 'op', op: String(op.index) }, tabindex: '0', role: 'button', onclick: () => ol.onSelect?.(op.index),
        onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); ol.onSelect?.(op.index); } } },
        h('span', { class: 'muted', text: String(op.index) }),
        h('span', { text: op.builtin, title: op.unsupported ?? '' }),
        op.unsupported ? h('span', { class: 'unsupported', dataset: { testid: 'op-unsupported' }, text: 'not supported', title: op.unsupported })
          : h('span', { class: 'shape', text: out ? `${out.type} ${formatShape(out.shape)}` : 'no outputs' }),
        h('span', { class: 'time', hidden: true }),
        h('span', { class: 'time diff', hidden: true })));
    });
  }
  ol.model = model;
  ol.onSelect = onSelect;
  model.ops.forEach((op, i) => {
    const li = ol.children[i];
    const t = trace?.[op.index];
    const d = diffs?.[op.index];
    li.className = op.index === selected ? 'selected' : '';
    const shape = li.querySelector('.shape'), out = model.tensors[op.outputs[0]];
    if (shape && out) shape.textContent = `${out.type} ${formatShape(out.shape)}`;
    const [time, diff] = li.querySelectorAll('.time');
    time.hidden = !t;
    time.textContent = t ? formatMs(t.nanos) : '';
    diff.hidden = !d;
    diff.textContent = d ? `${d} ${d === 1 ? 'element differs' : 'elements differ'}` : '';
  });
}

function quantText(q) {
  if (!q) return ['—', '—'];
  if (q.scale.length === 1) return [String(q.scale[0]), String(q.zero_point[0])];
  return [`${q.scale.length} scales (axis ${q.axis}): ${q.scale.slice(0, 3).join(', ')}…`, `${q.zero_point.slice(0, 3).join(', ')}…`];
}

function tensorTable(model, op) {
  const rows = [];
  const add = (role, idx) => {
    if (idx < 0) return;
    const t = model.tensors[idx];
    const [s, z] = quantText(t.quant);
    rows.push(h('tr', { dataset: { tensor: String(idx) } },
      h('td', { text: role }), h('td', { text: String(idx) }), h('td', { class: 'name', text: t.name }),
      h('td', { text: formatShape(t.shape) }), h('td', { text: t.type }),
      h('td', { class: 'scale', text: s }), h('td', { class: 'zero-point', text: z }),
      h('td', { text: t.const ? 'const' : t.variable ? 'variable' : '' })));
  };
  const roles = { FULLY_CONNECTED: ['input', 'weights', 'bias'], CONV_2D: ['input', 'filter', 'bias'], DEPTHWISE_CONV_2D: ['input', 'filter', 'bias'], TRANSPOSE_CONV: ['output shape', 'filter', 'input', 'bias'] }[op.builtin] ?? [];
  op.inputs.forEach((idx, i) => add(roles[i] ?? `input ${i}`, idx));
  op.outputs.forEach((idx, i) => add(op.outputs.length > 1 ? `output ${i}` : 'output', idx));
  return h('table', { class: 'tensors' },
    h('thead', {}, h('tr', {}, ['role', '#', 'name', 'shape', 'type', 'scale', 'zero point', ''].map((x) => h('th', { text: x })))),
    h('tbody', {}, rows));
}

// paramsView shows the prepared params verbatim: scalars as rows, the
// per-channel requantization (fixed-point multipliers, or XNNPACK's float32
// scales) as tables, nested stages (an op's output stage) as boxes of
// their own.
function paramsView(params, title) {
  if (!params || typeof params !== 'object') return h('p', { class: 'muted', text: 'no derived parameters' });
  const box = h('div', { class: title ? 'param-stage' : 'params' });
  if (title) box.append(h('h4', { text: title }));
  const scalars = [];
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v) && v.length && typeof v[0] === 'object' && v[0] !== null && 'quantized_multiplier' in v[0]) {
      // A long per-channel list collapses, so the values below stay near the top.
      const table = h('div', { class: 'scroll' }, h('table', { class: 'requant' },
        h('thead', {}, h('tr', {}, ['ch', 'real multiplier', 'quantized multiplier', 'shift', 'rounding'].map((x) => h('th', { text: x })))),
        h('tbody', {}, v.map((r, i) => h('tr', {}, h('td', { text: String(i) }), h('td', { text: String(r.real_multiplier) }),
          h('td', { text: String(r.quantized_multiplier) }), h('td', { text: String(r.shift) }), h('td', { text: String(r.rounding ?? '') }))))));
      if (v.length > 4) {
        const first = v[0];
        box.append(h('details', { class: 'per-channel' }, h('summary', { text: `${k}: per channel (${v.length}) — channel 0: multiplier ${first.quantized_multiplier}, shift ${first.shift}; show all` }), table));
      } else {
        box.append(h('h3', { text: v.length > 1 ? `${k}: per channel (${v.length})` : k }), table);
      }
    } else if (Array.isArray(v) && v.length > 1 && v.every((x) => typeof x === 'number')) {
      // Per-channel numbers (XNNPACK's float32 scales): collapsed when long.
      const table = h('div', { class: 'scroll' }, h('table', { class: 'requant' },
        h('thead', {}, h('tr', {}, ['ch', k].map((x) => h('th', { text: x })))),
        h('tbody', {}, v.map((x, i) => h('tr', {}, h('td', { text: String(i) }), h('td', { text: String(x) }))))));
      if (v.length > 4) box.append(h('details', { class: 'per-channel' }, h('summary', { text: `${k}: per channel (${v.length}) — channel 0: ${v[0]}; show all` }), table));
      else box.append(h('h3', { text: `${k}: per channel (${v.length})` }), table);
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      box.append(paramsView(v, k));
    } else if (v !== null && typeof v === 'object') {
      scalars.push([k, JSON.stringify(v)]);
    } else {
      scalars.push([k, String(v)]);
    }
  }
  if (scalars.length) {
    const kv = h('table', { class: 'kv' }, h('tbody', {}, scalars.map(([k, v]) => h('tr', {}, h('td', { text: k }), h('td', { text: v })))));
    let node = kv;
    // A long list (a conv has ~24) collapses to the offsets the derivation uses.
    if (scalars.length > 8) {
      const key = scalars.filter(([k]) => /offset|act_m/.test(k)).map(([k, v]) => `${k} ${v}`).join(', ');
      node = h('details', { class: 'scalars' }, h('summary', { text: `${scalars.length} parameters${key ? `: ${key}` : ''}; show all` }), kv);
    }
    if (title) box.children[0].after(node);
    else box.prepend(node);
  }
  return box;
}

// layout picks how to draw a tensor as images: per channel for NHWC, one
// strip otherwise. Canvases stay at most MAX_SIDE on a side (a huge tensor
// shows its top-left corner or first rows, and says so).
const MAX_SIDE = 1024;
export function layout(shape) {
  // locate is per's inverse: where flat index i is drawn, or null when it
  // is not on screen (a later batch, or cropped away).
  const on = (L, c, y, x) => (c < L.maps && y < L.hgt && x < L.wid ? { c, y, x } : null);
  if (shape.length === 4) {
    const [, H, W, C] = shape;
    const hgt = Math.min(H, MAX_SIDE), wid = Math.min(W, MAX_SIDE);
    const L = { maps: C, hgt, wid, per: (c, y, x) => (y * W + x) * C + c,
      cropped: hgt < H || wid < W ? `showing the top-left ${hgt}×${wid} of each ${H}×${W} map` : '' };
    L.locate = (i) => (i >= H * W * C ? null : on(L, i % C, Math.floor(i / C / W), Math.floor(i / C) % W));
    return L;
  }
  if (shape.length === 3) {
    const [, P, C] = shape;
    const wid = Math.min(P, MAX_SIDE);
    const L = { maps: C, hgt: 1, wid, per: (c, y, x) => x * C + c,
      cropped: wid < P ? `showing the first ${wid} of ${P} positions` : '' };
    L.locate = (i) => (i >= P * C ? null : on(L, i % C, 0, Math.floor(i / C)));
    return L;
  }
  const n = numElements(shape);
  const wid = Math.min(n, 32), hgt = Math.min(Math.ceil(n / wid), MAX_SIDE);
  const L = { maps: 1, hgt, wid, per: (c, y, x) => y * wid + x,
    cropped: wid * hgt < n ? `showing the first ${wid * hgt} of ${n} elements` : '' };
  L.locate = (i) => (i >= n ? null : on(L, 0, Math.floor(i / wid), i % wid));
  return L;
}

// markElement outlines flat element i in the selected op's first output
// heatmaps (the element being explained), or clears the mark.
export function markElement(div, i) {
  const op = div.shown?.model.ops[div.shown.op];
  const wrap = op && div.shown.maps[op.outputs[0]];
  if (!wrap) return;
  wrap.querySelector('.marker')?.remove();
  const at = i === null ? null : wrap.state.L.locate(i);
  if (!at) return;
  const cv = wrap.state.canvases[at.c];
  if (!cv) return;
  const s = wrap.state.scale;
  cv.parentElement.append(h('div', { class: 'marker', dataset: { index: String(i) },
    style: `left:${cv.offsetLeft + 1 + at.x * s - 1}px;top:${cv.offsetTop + 1 + at.y * s - 1}px;width:${s}px;height:${s}px` }));
}

// heatmaps draws values (reals) as small images; click → onElement(flat
// index). Given the wrap it returned for the previous run of the same
// tensor, it redraws those canvases instead of building new ones: while
// the user draws, every frame reruns the model, and rebuilding dozens of
// canvases per frame made drawing lag.
export function heatmaps(values, shape, { onElement, diff, ints = null, maxMaps = 64, label = 'ch' } = {}, prev = null) {
  const key = `${shape.join('x')}/${maxMaps}/${label}`;
  const wrap = prev?.dataset.key === key ? prev : buildMaps(shape, key, maxMaps, label);
  Object.assign(wrap.state, { values, ints, onElement });
  const L = wrap.state.L;
  const n = values.length;
  let amax = 0;
  for (let i = 0; i < n; i++) amax = Math.max(amax, Math.abs(values[i]));
  wrap.state.canvases.forEach((cv, c) => {
    const ctx = cv.getContext('2d');
    const img = ctx.createImageData(L.wid, L.hgt);
    const px = img.data;
    for (let y = 0; y < L.hgt; y++) {
      for (let x = 0; x < L.wid; x++) {
        const i = L.per(c, y, x), o = 4 * (y * L.wid + x);
        if (i >= n) continue; // transparent
        if (diff && diff[i]) { px[o] = 255; px[o + 1] = 0; px[o + 2] = 170; px[o + 3] = 255; continue; }
        const t = amax > 0 ? values[i] / amax : 0;
        if (t >= 0) { px[o] = 255; px[o + 1] = px[o + 2] = 255 * (1 - t); } else { px[o] = px[o + 1] = 255 * (1 + t); px[o + 2] = 255; }
        px[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
  });
  return wrap;
}

function buildMaps(shape, key, maxMaps, label) {
  const L = layout(shape);
  const scale = Math.max(1, Math.floor(Math.min(320 / L.wid, (L.maps > 1 ? 64 : 160) / L.hgt)));
  const wrap = h('div', { class: 'maps', dataset: { key } });
  wrap.state = { L, scale, canvases: [], values: [], onElement: null };
  for (let c = 0; c < Math.min(L.maps, maxMaps); c++) {
    const cv = h('canvas', { width: L.wid, height: L.hgt, style: `width:${L.wid * scale}px;height:${L.hgt * scale}px`, dataset: { channel: String(c) } });
    const at = (e) => {
      const r = cv.getBoundingClientRect();
      const x = Math.min(L.wid - 1, Math.floor((e.clientX - r.left) / r.width * L.wid));
      const y = Math.min(L.hgt - 1, Math.floor((e.clientY - r.top) / r.height * L.hgt));
      const i = L.per(c, y, x);
      return i < wrap.state.values.length ? i : -1;
    };
    cv.addEventListener('click', (e) => { const i = at(e); if (i >= 0) wrap.state.onElement?.(i); });
    // Hovering names the element and its value, like a debugger's tooltip.
    cv.addEventListener('mousemove', (e) => {
      const i = at(e);
      const { ints, values } = wrap.state;
      cv.title = i < 0 ? '' : `[${coords(i, shape).join(',')}] = ${ints ? ints[i] : ''}${ints ? ' → ' : ''}${Number(values[i].toPrecision(6))} (click to explain)`;
    });
    wrap.state.canvases.push(cv);
    wrap.append(h('figure', {}, cv, L.maps > 1 ? h('figcaption', { text: `${label} ${c}` }) : null));
  }
  if (L.maps > maxMaps) wrap.append(h('p', { class: 'muted', text: `… ${L.maps - maxMaps} more channels` }));
  if (L.cropped) wrap.append(h('p', { class: 'muted', text: L.cropped }));
  return wrap;
}

// histogram draws the distribution of values (an array or typed array of
// numbers) in bins between their minimum and maximum.
export function histogram(values, { bins = 64, width = 320, height = 60 } = {}) {
  const n = values.length;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) { const v = values[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
  const cv = h('canvas', { width, height, class: 'histogram' });
  if (!n) return cv;
  const counts = new Array(bins).fill(0);
  const span = hi - lo || 1;
  for (let i = 0; i < n; i++) counts[Math.min(bins - 1, Math.floor((values[i] - lo) / span * bins))]++;
  const ctx = cv.getContext('2d');
  const mx = Math.max(...counts);
  ctx.fillStyle = '#1a73e8';
  counts.forEach((c, i) => { const bh = c / mx * (height - 12); ctx.fillRect(i * width / bins, height - 12 - bh, width / bins - 1, bh); });
  ctx.fillStyle = '#69737d'; ctx.font = '10px sans-serif';
  ctx.fillText(String(lo), 0, height - 1);
  const hs = String(hi); ctx.fillText(hs, width - ctx.measureText(hs).width, height - 1);
  return cv;
}

// coords turns a flat row-major index into per-dimension coordinates.
export function coords(i, shape) {
  const c = new Array(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] > 0) { c[d] = i % shape[d]; i = Math.floor(i / shape[d]); }
  }
  return c;
}

// diffList names the output elements where the compared profile computes
// another integer (the heatmaps mark them too, but one pixel is easy to
// miss); a click explains the element under both profiles.
export function diffList(t, a, b, diff, { onElement, profileB, max = 24 } = {}) {
  const idx = [];
  let total = 0;
  diff.forEach((d, i) => { if (d) { total++; if (idx.length < max) idx.push(i); } });
  const box = h('div', { class: 'diff-list', dataset: { testid: 'diff-list' } });
  if (!total) {
    box.append(h('p', { class: 'muted', text: `Every element equals ${profileB ?? 'the compared profile'}'s.` }));
    return box;
  }
  box.append(h('p', { class: 'diff-summary', text: `${total} ${total === 1 ? 'element differs' : 'elements differ'} from ${profileB ?? 'the compared profile'} (this profile vs that one); click one to see both derivations:` }));
  box.append(...idx.map((i) => h('button', {
    class: 'diff-chip', dataset: { index: String(i) }, text: `[${coords(i, t.shape).join(',')}] ${a[i]} vs ${b[i]}`,
    onclick: () => onElement?.(i),
  })));
  if (total > idx.length) box.append(h('span', { class: 'muted', text: ` … ${total - idx.length} more` }));
  return box;
}

// renderDetails shows the selected op. What depends only on the model
// (tensors, prepared params) is built once per op; each run replaces the
// values below it and redraws the heatmaps in place. loadAcc(op) resolves
// with the op's accumulators in run (engine.js accumulators).
export function renderDetails(div, model, opIndex, run, { onElement, diff, runB, profile = 'reference', profileB, loadAcc = null } = {}) {
  const op = model.ops[opIndex];
  if (div.shown?.model !== model || div.shown?.op !== opIndex || div.shown?.profile !== profile || !div.shown.values.isConnected) {
    clear(div);
    const timing = h('p', { class: 'muted', dataset: { testid: 'op-arithmetic' }, hidden: true });
    const values = h('div', { class: 'run-values' });
    // Each profile prepares its own parameters: show the ones this
    // profile's arithmetic uses, and say whose they are.
    const prep = op.profiles?.[profile] ?? { params: op.params };
    const heading = h('h3', { dataset: { testid: 'params-profile' }, text: `Derived parameters (Prepare), ${profile}` });
    div.append(h('h2', { text: `op ${op.index}: ${op.builtin}` }), timing, tensorTable(model, op));
    if (op.unsupported) div.append(h('p', { class: 'error', dataset: { testid: 'op-unsupported-reason' }, text: op.unsupported }));
    div.append(heading);
    if (prep.arithmetic) div.append(h('p', { class: 'muted', text: prep.arithmetic }));
    div.append(paramsView(prep.params));
    if (op.options) div.append(h('details', {}, h('summary', { text: 'builtin options as stored' }), h('pre', { text: JSON.stringify(op.options, null, 1) })));
    div.append(values);
    div.shown = { model, op: opIndex, profile, timing, values, maps: {} };
  }
  const { timing, values } = div.shown;
  const tr = run?.trace?.[op.index];
  timing.hidden = !tr;
  if (tr) timing.replaceChildren(`${formatMs(tr.nanos)} in the engine · arithmetic: `, h('b', { text: tr.arithmetic || '' }));
  if (!run) { values.replaceChildren(); return; }
  const parts = [];
  // The accumulators stay in the engine until shown (runview.js): loadAcc
  // fetches them.
  const count = run.trace?.[op.index]?.accumulators ?? -1;
  if (count >= 0) {
    const box = h('div', { class: 'accumulators', dataset: { testid: 'accumulators' } });
    const title = `int32 accumulators after bias, before requantization (${count})`;
    const show = (acc) => {
      const a = Float64Array.from(acc, Number);
      box.replaceChildren(h('h3', { text: title }),
        h('p', { class: 'acc-values name', text: Array.from(a.slice(0, 32)).join(', ') + (a.length > 32 ? ', …' : '') }),
        histogram(a));
    };
    parts.push(box);
    if (run.acc?.[op.index]) show(run.acc[op.index]);
    else if (loadAcc) {
      box.append(h('h3', { text: title }), h('p', { class: 'muted', text: 'loading…' }));
      loadAcc(op.index).then((acc) => { if (acc && box.isConnected) show(acc); },
        (e) => { if (box.isConnected) box.replaceChildren(h('h3', { text: title }), h('p', { class: 'muted', text: `not shown: ${e.message}` })); });
    }
  }
  const hybrid = hybridView(tr?.hybrid);
  if (hybrid) parts.push(hybrid);
  const maps = {};
  op.outputs.forEach((ti) => {
    const t = model.tensors[ti];
    const bytes = run.tensors[ti];
    if (!bytes) return;
    const vals = numbers(t.type, bytes);
    const rv = reals(t, vals);
    parts.push(h('h3', { text: `output tensor ${ti} values ${formatShape(t.shape)} — click an element to explain it` }));
    if (diff && ti === op.outputs[0] && runB?.tensors[ti]) parts.push(diffList(t, vals, numbers(t.type, runB.tensors[ti]), diff, { onElement, profileB }));
    maps[ti] = heatmaps(rv, t.shape, { onElement, diff: ti === op.outputs[0] ? diff : null, ints: t.quant ? vals : null }, div.shown.maps[ti]);
    parts.push(maps[ti], histogram(vals),
      h('p', { class: 'name out-values', text: Array.from(vals.slice(0, 48), String).join(', ') + (vals.length > 48 ? ', …' : '') }));
  });
  div.shown.maps = maps;
  values.replaceChildren(...parts);
}
