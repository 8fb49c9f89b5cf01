// graph.js: the model as a graph, as Netron draws it: ops are nodes in
// layers from top to bottom, each tensor that flows from one op to another
// is an edge labelled with its type and shape, constant inputs (weights,
// biases) are folded into their op's node. Layout by dagre (vendored from
// npm @dagrejs/dagre into vendor/). Pan by dragging, zoom with the wheel,
// a pinch or the buttons; a click on a node selects that op. Overlays
// colour the nodes by a number per op: time, or differing elements.
import { h } from './dom.js';
import { formatShape, formatMs } from './tensors.js';
import dagre from './vendor/dagre.js';

const SVG = 'http://www.w3.org/2000/svg';
const NODE_W = 220, ROW_H = 14, HEAD_H = 22;
const MIN_SCALE = 0.01, MAX_SCALE = 4;
// A freshly opened graph is never drawn smaller than this: a 250-op model
// starts at its top, readable, instead of as a grey smear.
const READABLE_SCALE = 0.85;

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

// graphModel derives what the graph draws from a model: op nodes with their
// folded constant inputs, input/output nodes, and one edge per (tensor,
// producer, consumer). Pure; the unit tests call it without a DOM.
export function graphModel(model) {
  const producer = new Map();
  model.ops.forEach((op) => op.outputs.forEach((t) => { if (t >= 0) producer.set(t, op.index); }));
  const nodes = [], edges = [];
  for (const [i, t] of model.inputs.entries()) nodes.push({ id: `in${i}`, kind: 'input', tensor: t, title: 'input', rows: [model.tensors[t]?.name ?? ''] });
  for (const op of model.ops) {
    const consts = op.inputs.filter((t) => t >= 0 && model.tensors[t]?.const);
    nodes.push({ id: `op${op.index}`, kind: 'op', op: op.index, title: op.builtin,
      rows: consts.map((t) => `${model.tensors[t].type} ${formatShape(model.tensors[t].shape)}`) });
  }
  const source = (t) => {
    if (producer.has(t)) return { id: `op${producer.get(t)}`, op: producer.get(t) };
    const i = model.inputs.indexOf(t);
    return i >= 0 ? { id: `in${i}`, op: null } : null;
  };
  for (const op of model.ops) {
    op.inputs.forEach((t) => {
      if (t < 0 || model.tensors[t]?.const) return;
      const from = source(t);
      if (from) edges.push({ tensor: t, from: from.id, to: `op${op.index}`, fromOp: from.op, toOp: op.index });
    });
  }
  for (const [i, t] of model.outputs.entries()) {
    nodes.push({ id: `out${i}`, kind: 'output', tensor: t, title: 'output', rows: [model.tensors[t]?.name ?? ''] });
    const from = source(t);
    if (from) edges.push({ tensor: t, from: from.id, to: `out${i}`, fromOp: from.op, toOp: null });
  }
  return { nodes, edges };
}

function edgeLabel(model, t) {
  const x = model.tensors[t];
  return x ? `${x.type} ${formatShape(x.shape)}` : '';
}

// layoutGraph places nodes and routes edges with dagre.
export function layoutGraph(model, gm = graphModel(model)) {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, edgesep: 12, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of gm.nodes) {
    const rows = Math.min(n.rows.length, 3);
    n.width = n.kind === 'op' ? NODE_W : Math.min(NODE_W, Math.max(96, 6.2 * (n.rows[0]?.length ?? 0) + 16));
    n.height = HEAD_H + rows * ROW_H + (rows ? 4 : 0);
    g.setNode(n.id, { width: n.width, height: n.height });
  }
  gm.edges.forEach((e, i) => {
    e.label = edgeLabel(model, e.tensor);
    g.setEdge(e.from, e.to, { width: Math.min(160, 6 * e.label.length), height: 12, labelpos: 'c' }, `e${i}`);
  });
  dagre.layout(g);
  for (const n of gm.nodes) Object.assign(n, { x: g.node(n.id).x, y: g.node(n.id).y });
  gm.edges.forEach((e, i) => {
    const d = g.edge(e.from, e.to, `e${i}`);
    e.points = d.points;
    e.lx = d.x; e.ly = d.y;
  });
  const gg = g.graph();
  gm.width = gg.width; gm.height = gg.height;
  return gm;
}

// overlayColor maps v in [0,1] onto white → orange → red.
function overlayColor(v) {
  const t = Math.max(0, Math.min(1, v));
  return `rgb(255,${Math.round(255 - 120 * t)},${Math.round(255 - 200 * t)})`;
}

// overlayValues returns, per op index, a number and its text for the chosen
// overlay, or null when the overlay has no data yet.
export function overlayValues(kind, model, { trace, diffs } = {}) {
  if (kind === 'time' && trace) {
    return model.ops.map((op) => { const t = trace[op.index]; return t ? { v: t.nanos, text: formatMs(t.nanos).replace('< ', '<') } : null; });
  }
  if (kind === 'diff' && diffs) {
    return model.ops.map((op) => { const d = diffs[op.index] ?? 0; return { v: d, text: d ? `${d} differ` : '' }; });
  }
  return null;
}

// GraphView owns the graph panel: the SVG, pan/zoom, overlay and selection.
export class GraphView {
  constructor(container, { onSelect } = {}) {
    this.container = container;
    this.onSelect = onSelect;
    this.view = { x: 0, y: 0, k: 1 };
    this.svg = s('svg', { class: 'graph-svg', role: 'img', 'aria-label': 'model graph' });
    this.root = s('g');
    this.svg.append(s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#7a8591' }))), this.root);
    this.overlaySel = h('select', { dataset: { testid: 'graph-overlay' }, 'aria-label': 'overlay' },
      h('option', { value: 'none', text: 'no overlay' }), h('option', { value: 'time', text: 'time per op' }),
      h('option', { value: 'diff', text: 'elements differing between profiles' }));
    this.overlaySel.addEventListener('change', () => { this.overlay = this.overlaySel.value; this.paintOverlay(); this.onOverlay?.(this.overlay); });
    const btn = (text, title, fn) => h('button', { type: 'button', title, text, onclick: fn });
    this.legend = h('span', { class: 'graph-legend muted' });
    this.toolbar = h('div', { class: 'graph-toolbar' },
      btn('−', 'zoom out', () => this.zoomBy(1 / 1.25)), btn('+', 'zoom in', () => this.zoomBy(1.25)),
      btn('fit', 'fit the whole graph', () => this.fit(true)), this.overlaySel, this.legend);
    this.viewport = h('div', { class: 'graph-viewport', dataset: { testid: 'graph' } }, this.svg);
    container.replaceChildren(this.toolbar, this.viewport);
    this.overlay = 'none';
    this.pan();
  }

  // setModel lays out a new model and shows its top, at a readable size.
  setModel(model) {
    this.model = model;
    this.gm = layoutGraph(model);
    this.nodeEls = new Map();
    const edges = this.gm.edges.map((e) => {
      const pts = e.points;
      const d = `M${pts[0].x},${pts[0].y}` + pts.slice(1).map((p) => ` L${p.x},${p.y}`).join('');
      return s('g', { class: 'graph-edge', dataset: { testid: 'graph-edge', tensor: String(e.tensor), from: e.fromOp ?? 'input', to: e.toOp ?? 'output' } },
        s('path', { d, 'marker-end': 'url(#arrow)' }),
        s('text', { x: e.lx, y: e.ly + 4, 'text-anchor': 'middle', class: 'edge-label', text: e.label }));
    });
    this.edgeLabels = edges.map((g) => g.lastChild);
    const nodes = this.gm.nodes.map((n) => {
      const x = n.x - n.width / 2, y = n.y - n.height / 2;
      const g = s('g', { class: `graph-node ${n.kind}`, transform: `translate(${x},${y})`,
        dataset: n.kind === 'op' ? { testid: 'graph-node', op: String(n.op) } : { testid: `graph-${n.kind}` } });
      g.append(s('rect', { width: n.width, height: n.height, rx: 4 }),
        s('text', { x: 8, y: 15, class: 'node-title', text: n.kind === 'op' ? `${n.op} ${n.title}` : n.title }));
      const fit = (t) => (t.length * 6.2 > n.width - 14 ? `${t.slice(0, Math.floor((n.width - 14) / 6.2) - 1)}…` : t);
      n.rows.slice(0, 3).forEach((r, i) => g.append(s('text', { x: 8, y: HEAD_H + 10 + i * ROW_H, class: 'node-row', text: fit(i === 2 && n.rows.length > 3 ? `… ${n.rows.length - 2} more` : r) })));
      if (n.kind === 'op') {
        g.append(s('text', { x: n.width - 6, y: 15, 'text-anchor': 'end', class: 'node-badge' }));
        g.setAttribute('tabindex', '0');
        g.setAttribute('role', 'button');
        g.addEventListener('click', () => { if (!this.dragged) this.onSelect?.(n.op); });
        g.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.onSelect?.(n.op); } });
        this.nodeEls.set(n.op, g);
      }
      g.append(s('title', { text: n.kind === 'op' ? `op ${n.op}: ${n.title}` : `${n.title}: ${n.rows[0]}` }));
      return g;
    });
    this.root.replaceChildren(s('g', { class: 'edges' }, edges), s('g', { class: 'nodes' }, nodes));
    this.selected = null;
    this.data = {};
    this.fit(false);
    this.paintOverlay();
  }

  // setShapes relabels the edges with model's shapes: a model with dynamic
  // shapes has its own in each run (the layout stays the load's).
  setShapes(model) {
    if (!this.gm || !this.edgeLabels) return;
    this.gm.edges.forEach((e, i) => {
      const label = edgeLabel(model, e.tensor);
      if (this.edgeLabels[i].textContent !== label) this.edgeLabels[i].textContent = label;
    });
  }

  // setData gives the overlays their numbers (the last run's trace and diffs).
  setData(data) { this.data = data; this.paintOverlay(); }

  setOverlay(kind) { this.overlay = kind; this.overlaySel.value = kind; this.paintOverlay(); }

  paintOverlay() {
    if (!this.model) return;
    const vals = this.overlay === 'none' ? null : overlayValues(this.overlay, this.model, this.data);
    let mx = 0;
    vals?.forEach((x) => { if (x && x.v > mx) mx = x.v; });
    for (const [op, g] of this.nodeEls) {
      const x = vals?.[op];
      g.querySelector('rect').style.fill = x && mx > 0 ? overlayColor(x.v / mx) : '';
      g.querySelector('.node-badge').textContent = x?.text ?? '';
      if (x) g.dataset.overlay = String(x.v); else delete g.dataset.overlay;
    }
    this.legend.textContent = this.overlay === 'none' ? '' : !vals ? (this.overlay === 'diff' ? 'turn on "compare with" to see differences' : 'run the model to see times')
      : this.overlay === 'time' ? `darker = slower (slowest ${formatMs(mx)}); times vary from run to run` : `darker = more elements differ (most: ${mx})`;
  }

  // select highlights op i and, unless it is on screen, centres it.
  select(i) {
    if (this.selected !== null) this.nodeEls?.get(this.selected)?.classList.remove('selected');
    this.selected = i;
    const g = i === null ? null : this.nodeEls?.get(i);
    if (!g) return;
    g.classList.add('selected');
    const n = this.gm.nodes.find((x) => x.op === i);
    const { width, height } = this.size();
    const sx = n.x * this.view.k + this.view.x, sy = n.y * this.view.k + this.view.y;
    if (sx < 0 || sx > width || sy < 0 || sy > height) {
      this.view.x = width / 2 - n.x * this.view.k;
      this.view.y = height / 2 - n.y * this.view.k;
      this.apply();
    }
  }

  size() {
    const r = this.viewport.getBoundingClientRect();
    return { width: r.width || 600, height: r.height || 400 };
  }

  // fit shows the whole graph; unless forced, never below READABLE_SCALE
  // (then the top of the graph is shown).
  fit(force) {
    if (!this.gm) return;
    const { width, height } = this.size();
    let k = Math.min(width / this.gm.width, height / this.gm.height, 1.5);
    if (!force) k = Math.max(k, Math.min(READABLE_SCALE, width / NODE_W / 1.2));
    k = Math.max(MIN_SCALE, k);
    this.view = { k, x: Math.max((width - this.gm.width * k) / 2, width / 2 - this.gm.width * k / 2), y: Math.max(0, (height - this.gm.height * k) / 2) };
    if (this.gm.width * k > width) this.view.x = (width - this.gm.width * k) / 2;
    this.apply();
  }

  zoomBy(f, cx, cy) {
    const { width, height } = this.size();
    cx ??= width / 2; cy ??= height / 2;
    const k = Math.max(MIN_SCALE, Math.min(MAX_SCALE, this.view.k * f));
    this.view.x = cx - (cx - this.view.x) * k / this.view.k;
    this.view.y = cy - (cy - this.view.y) * k / this.view.k;
    this.view.k = k;
    this.apply();
  }

  apply() {
    const { x, y, k } = this.view;
    this.root.setAttribute('transform', `translate(${x},${y}) scale(${k})`);
    this.viewport.dataset.scale = k.toFixed(3);
  }

  // pan wires dragging (one pointer) and pinching (two) and the wheel.
  pan() {
    const vp = this.viewport;
    const pts = new Map();
    let last = null;
    vp.addEventListener('pointerdown', (e) => {
      pts.set(e.pointerId, { x: e.clientX, y: e.clientY });
      this.dragged = false;
      last = null;
    });
    vp.addEventListener('pointermove', (e) => {
      if (!pts.has(e.pointerId)) return;
      const prev = pts.get(e.pointerId);
      pts.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (pts.size === 1) {
        const dx = e.clientX - prev.x, dy = e.clientY - prev.y;
        if (!this.dragged && Math.hypot(dx, dy) < 3) { pts.set(e.pointerId, prev); return; }
        if (!this.dragged) vp.setPointerCapture?.(e.pointerId);
        this.dragged = true;
        this.view.x += dx; this.view.y += dy;
        this.apply();
      } else if (pts.size === 2) {
        const [a, b] = [...pts.values()];
        const d = Math.hypot(a.x - b.x, a.y - b.y);
        const r = vp.getBoundingClientRect();
        if (last) this.zoomBy(d / last, (a.x + b.x) / 2 - r.left, (a.y + b.y) / 2 - r.top);
        last = d;
        this.dragged = true;
      }
    });
    const up = (e) => { pts.delete(e.pointerId); if (pts.size < 2) last = null; };
    for (const t of ['pointerup', 'pointercancel']) vp.addEventListener(t, up);
    vp.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = vp.getBoundingClientRect();
      this.zoomBy(Math.exp(-e.deltaY / 400), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
  }
}
