// tensortable.js: every tensor of the model in one searchable table (what
// interpreter.get_tensor_details() lists, plus who makes and reads each
// tensor), and the tensor a row opens: its quantization in full and its
// values, per channel, as heatmaps and numbers.
import { h, clear } from './dom.js';
import { numbers, real, formatShape, numElements } from './tensors.js';

// producersAndConsumers maps each tensor to the op that writes it and the ops that read it.
export function producersAndConsumers(model) {
  const producer = new Array(model.tensors.length).fill(null);
  const consumers = model.tensors.map(() => []);
  for (const op of model.ops) {
    op.outputs.forEach((t) => { if (t >= 0 && t < producer.length) producer[t] = op.index; });
    op.inputs.forEach((t) => { if (t >= 0 && t < consumers.length && !consumers[t].includes(op.index)) consumers[t].push(op.index); });
  }
  return { producer, consumers };
}

const npDtype = { int8: 'numpy.int8', uint8: 'numpy.uint8', int16: 'numpy.int16', int32: 'numpy.int32', int64: 'numpy.int64', float32: 'numpy.float32', bool: 'numpy.bool_' };

// pyFloat writes a float32 the way NumPy repr prints it: shortest digits
// that read back as the same float32.
export function pyFloat(x) {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const f = Math.fround(x);
  for (let p = 1; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) {
      const a = Math.abs(f);
      // Scientific below 1e-4 and from 1e16 on, with a two-digit exponent.
      if (a !== 0 && (a < 1e-4 || a >= 1e16)) return f.toExponential(p - 1).replace(/e([+-])(\d)$/, 'e$10$2');
      const t = String(Number(s));
      return t.includes('.') ? t : `${t}.`;
    }
  }
  return String(f);
}

function pyArray(values, dtype, fmt = String) {
  if (!values.length) return `array([], dtype=${dtype})`;
  return `array([${values.map(fmt).join(', ')}]${dtype === 'int32' || dtype === 'float32' ? `, dtype=${dtype}` : ''})`;
}

// tensorDetailsPython writes the list interpreter.get_tensor_details()
// returns (TFLite's Python interpreter), tensor by tensor.
export function tensorDetailsPython(model) {
  return '[' + model.tensors.map((t, i) => {
    const q = t.quant;
    const scales = q ? q.scale : [], zps = q ? q.zero_point : [];
    const qt = q && scales.length === 1 ? `(${pyFloat(scales[0])}, ${zps[0]})` : '(0.0, 0)';
    return `{'name': ${JSON.stringify(t.name)}, 'index': ${i}, 'shape': ${pyArray(t.shape, 'int32')}, ` +
      `'shape_signature': ${pyArray(t.shape_signature ?? t.shape, 'int32')}, 'dtype': <class '${npDtype[t.type] ?? t.type}'>, ` +
      `'quantization': ${qt}, 'quantization_parameters': {'scales': ${pyArray(scales, 'float32', pyFloat)}, ` +
      `'zero_points': ${pyArray(zps, 'int32')}, 'quantized_dimension': ${q?.axis ?? 0}}, 'sparsity_parameters': {}}`;
  }).join(',\n ') + ']';
}

function listText(v, max = 4) {
  if (v.length <= max) return v.join(', ');
  return `${v.slice(0, max).join(', ')}, … (${v.length})`;
}

// renderTensorTable fills div with the search box and the table; a row's
// click calls onOpen(tensor index).
export function renderTensorTable(div, model, { onOpen, onCopy }) {
  clear(div);
  const { producer, consumers } = producersAndConsumers(model);
  const search = h('input', { type: 'search', placeholder: 'search name, index, type, shape or op…', dataset: { testid: 'tensor-search' }, 'aria-label': 'search tensors' });
  const count = h('span', { class: 'muted' });
  const copy = h('button', { type: 'button', dataset: { testid: 'copy-python' }, text: 'copy as Python', title: 'the list interpreter.get_tensor_details() returns' });
  const py = h('textarea', { class: 'python', dataset: { testid: 'python' }, readonly: true, rows: 6, hidden: true });
  copy.addEventListener('click', async () => {
    py.value = tensorDetailsPython(model);
    py.hidden = false;
    try { await navigator.clipboard.writeText(py.value); copy.textContent = 'copied'; } catch { copy.textContent = 'select and copy below'; }
    setTimeout(() => { copy.textContent = 'copy as Python'; }, 1500);
    onCopy?.();
  });
  const rows = model.tensors.map((t, i) => {
    const q = t.quant;
    const opName = (o) => `${o} ${model.ops[o].builtin}`;
    const cells = [String(i), t.name, formatShape(t.shape), t.type,
      q ? listText(q.scale) : '—', q ? listText(q.zero_point) : '—', q && q.scale.length > 1 ? String(q.axis) : q ? String(q.axis ?? 0) : '—',
      producer[i] !== null ? opName(producer[i]) : model.inputs.includes(i) ? 'model input' : '—',
      consumers[i].map(opName).join(', ') + (model.outputs.includes(i) ? `${consumers[i].length ? ', ' : ''}model output` : ''),
      t.const ? 'const' : t.variable ? 'variable' : ''];
    const tr = h('tr', { dataset: { testid: 'tensor-row', tensor: String(i) }, tabindex: '0', role: 'button',
      onclick: () => onOpen?.(i), onkeydown: (e) => { if (e.key === 'Enter') onOpen?.(i); } },
    cells.map((c, k) => h('td', { class: k === 1 ? 'name' : '', text: c })));
    tr.searchText = cells.join(' ').toLowerCase();
    return tr;
  });
  const update = () => {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let n = 0;
    for (const tr of rows) { tr.hidden = !words.every((w) => tr.searchText.includes(w)); if (!tr.hidden) n++; }
    count.textContent = `${n} of ${rows.length} tensors`;
  };
  search.addEventListener('input', update);
  update();
  div.append(h('div', { class: 'row tensor-tools' }, search, count, copy), py,
    h('div', { class: 'table-scroll' }, h('table', { dataset: { testid: 'tensor-table' }, class: 'tensor-table' },
      h('thead', {}, h('tr', {}, ['#', 'name', 'shape', 'type', 'scale', 'zero point', 'q. dim', 'producer', 'consumers', ''].map((x) => h('th', { text: x })))),
      h('tbody', {}, rows))));
  div.rows = rows;
  return div;
}

// setTableShapes writes model's shapes into the table renderTensorTable
// made of the same model's tensors (a dynamic model's run has its own),
// keeping the search and the open row.
export function setTableShapes(div, model) {
  for (const tr of div.rows ?? []) {
    const td = tr.cells[2], text = formatShape(model.tensors[Number(tr.dataset.tensor)].shape);
    if (td.textContent === text) continue;
    td.textContent = text;
    tr.searchText = Array.from(tr.cells, (c) => c.textContent).join(' ').toLowerCase();
  }
}

// slices splits a tensor's values along axis (its channels): slice c holds
// the elements whose coordinate on axis is c, in row-major order.
export function slices(values, shape, axis) {
  const C = shape[axis] ?? 1;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const out = Array.from({ length: C }, () => []);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < C; c++) {
      const base = (o * C + c) * inner;
      for (let k = 0; k < inner; k++) out[c].push(base + k);
    }
  }
  return out; // flat indices
}

const MAX_SLICES = 64, MAX_VALUES = 256;

// renderTensor shows one tensor: its quantization in full and, once a run
// has its bytes, the values per channel (heatmap + numbers).
export function renderTensor(div, model, ti, bytes, { onClose } = {}) {
  clear(div);
  const t = model.tensors[ti];
  const q = t.quant;
  div.append(h('div', { class: 'row' }, h('h3', { text: `tensor ${ti}: ${formatShape(t.shape)} ${t.type}${t.const ? ' (constant)' : ''}` }),
    h('button', { type: 'button', text: 'close', onclick: onClose })), h('p', { class: 'name', text: t.name }));
  if (q) {
    const perCh = q.scale.length > 1;
    div.append(h('details', { open: !perCh || q.scale.length <= 16 }, h('summary', { text: perCh ? `${q.scale.length} scales and zero points, one per index of dimension ${q.axis}` : `scale ${q.scale[0]}, zero point ${q.zero_point[0]}` }),
      h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, h('th', { text: perCh ? `index on dim ${q.axis}` : '' }), h('th', { text: 'scale' }), h('th', { text: 'zero point' }))),
        h('tbody', {}, q.scale.map((sc, c) => h('tr', {}, h('td', { text: String(c) }), h('td', { text: String(sc) }), h('td', { text: String(q.zero_point[c]) }))))))));
  }
  if (!bytes) { div.append(h('p', { class: 'muted', text: 'Values appear after the model runs.' })); return; }
  let vals;
  try { vals = numbers(t.type, bytes); } catch (e) { div.append(h('p', { class: 'muted', text: e.message })); return; }
  const n = numElements(t.shape);
  const axis = q && q.scale.length > 1 ? q.axis : t.shape.length >= 2 && t.const ? 0 : -1;
  const groups = axis >= 0 ? slices(vals, t.shape, axis) : [Array.from({ length: n }, (_, i) => i)];
  const box = h('div', { class: 'maps tensor-maps', dataset: { testid: 'tensor-values' } });
  groups.slice(0, MAX_SLICES).forEach((idx, c) => {
    const reals = idx.map((i) => real(t, vals[i], i));
    box.append(h('figure', {}, sliceCanvas(reals, idx, vals, t), axis >= 0 ? h('figcaption', { text: `${t.shape.length === 2 && axis === 0 ? 'row' : 'ch'} ${c}` }) : null));
  });
  div.append(h('p', { class: 'muted', text: axis >= 0 ? `${groups.length} slices along dimension ${axis}${groups.length > MAX_SLICES ? `, first ${MAX_SLICES} drawn` : ''}; red positive, blue negative; hover for the value` : 'red positive, blue negative; hover for the value' }), box);
  // The numbers, per channel: pick one, see all of its stored integers and real values.
  const pick = h('select', { 'aria-label': 'slice' }, groups.map((_, c) => h('option', { value: String(c), text: axis >= 0 ? `slice ${c}` : 'all' })));
  const list = h('div', { class: 'scroll values-list' });
  const show = (all = false) => {
    const idx = groups[Number(pick.value)] ?? [];
    const shown = all ? idx : idx.slice(0, MAX_VALUES);
    list.replaceChildren(h('table', {}, h('thead', {}, h('tr', {}, ['flat index', 'stored', 'real'].map((x) => h('th', { text: x })))),
      h('tbody', {}, shown.map((i) => h('tr', {}, h('td', { text: String(i) }), h('td', { text: String(vals[i]) }), h('td', { text: String(Number(real(t, vals[i], i).toPrecision(6))) }))))));
    if (shown.length < idx.length) list.append(h('button', { type: 'button', text: `show all ${idx.length}`, onclick: () => show(true) }));
  };
  pick.addEventListener('change', () => show());
  show();
  div.append(h('label', {}, 'values of ', pick), list);
}

function sliceCanvas(reals, idx, vals, t) {
  const n = reals.length;
  const side = Math.round(Math.sqrt(n));
  const W = side * side === n && side > 1 ? side : Math.min(n, 32), H = Math.ceil(n / W);
  const scale = Math.max(1, Math.floor(Math.min(96 / W, 96 / H)));
  const cv = h('canvas', { width: W, height: H, style: `width:${W * scale}px;height:${H * scale}px` });
  const ctx = cv.getContext('2d');
  const img = ctx.createImageData(W, H);
  let amax = 0;
  for (const v of reals) amax = Math.max(amax, Math.abs(v));
  reals.forEach((v, k) => {
    const u = amax > 0 ? v / amax : 0, o = 4 * k;
    if (u >= 0) { img.data[o] = 255; img.data[o + 1] = img.data[o + 2] = 255 * (1 - u); } else { img.data[o] = img.data[o + 1] = 255 * (1 + u); img.data[o + 2] = 255; }
    img.data[o + 3] = 255;
  });
  ctx.putImageData(img, 0, 0);
  cv.addEventListener('mousemove', (e) => {
    const r = cv.getBoundingClientRect();
    const k = Math.floor((e.clientY - r.top) / r.height * H) * W + Math.floor((e.clientX - r.left) / r.width * W);
    cv.title = k < n ? `flat index ${idx[k]}: ${vals[idx[k]]} → ${Number(reals[k].toPrecision(6))}` : '';
  });
  return cv;
}
