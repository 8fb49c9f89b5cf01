// predictions.js: the classifier's output as bars, winner highlighted.
import { h, clear } from './dom.js';

// probabilities turns an output vector into probabilities: as-is when it
// already is a distribution (softmax output), else a softmax of the logits.
export function probabilities(values) {
  const v = Array.from(values, Number);
  const sum = v.reduce((a, b) => a + b, 0);
  if (v.every((x) => x >= 0 && x <= 1.0001) && Math.abs(sum - 1) < 0.05) return { p: v, logits: false };
  const mx = Math.max(...v);
  const e = v.map((x) => Math.exp(x - mx));
  const s = e.reduce((a, b) => a + b, 0);
  return { p: e.map((x) => x / s), logits: true };
}

// isClassifier says whether the model's first output is class scores: a
// vector of 2 to 1000 values (any number when the model labels them) made
// by SOFTMAX or LOGISTIC (through any
// DEQUANTIZE, QUANTIZE or RESHAPE), or any such vector of a model that reads
// the 28×28 drawing (the MNIST models end in logits).
export function isClassifier(model, drawing = false) {
  const ti = model.outputs[0];
  const t = model.tensors[ti];
  if (!t) return false;
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (n < 2 || (n > 1000 && !model.output_labels?.[ti]) || t.shape.filter((d) => d > 1).length !== 1) return false;
  if (drawing) return true;
  let cur = ti;
  for (let hop = 0; hop < 8; hop++) {
    const op = model.ops.find((o) => o.outputs.includes(cur));
    if (!op) return false;
    if (op.builtin === 'SOFTMAX' || op.builtin === 'LOGISTIC') return true;
    if (!['DEQUANTIZE', 'QUANTIZE', 'RESHAPE'].includes(op.builtin)) return false;
    cur = op.inputs[0];
  }
  return false;
}

// renderPredictions draws class scores as bars. classifier=false draws
// the raw values instead (bar ∝ |value|); blank=true draws no winner (an
// empty drawing has no answer worth bold type). labels name the classes
// (the model's packed label file); past MAX_BARS classes only the top ones
// are drawn, in order.
const MAX_BARS = 20, TOP = 10;
export function renderPredictions(ol, values, { classifier = true, blank = false, labels = null } = {}) {
  clear(ol);
  delete ol.dataset.blank;
  if (!values) { delete ol.dataset.class; return; }
  let p, title;
  if (classifier) {
    const r = probabilities(values);
    p = r.p;
    title = r.logits ? 'softmax of the model\'s logits' : 'model output';
  } else {
    p = Array.from(values, Number);
    title = 'the output\'s real values';
  }
  let top = 0;
  p.forEach((x, i) => { if (x > p[top]) top = i; });
  const amax = Math.max(...p.map(Math.abs)) || 1;
  ol.dataset.class = String(top);
  if (blank) ol.dataset.blank = 'true';
  let shown = p.map((_, i) => i);
  if (p.length > MAX_BARS) {
    shown = shown.sort((a, b) => p[b] - p[a] || a - b).slice(0, TOP);
    title += ` (the top ${TOP} of ${p.length} classes)`;
  }
  ol.title = title;
  for (const i of shown) {
    const x = p[i];
    const w = classifier ? 100 * x : 100 * Math.abs(x) / amax;
    const name = labels?.[i] ? `${i} ${labels[i]}` : String(i);
    ol.append(h('li', { class: i === top && !blank && classifier ? 'top' : '', dataset: { class: String(i) } },
      h('span', { class: labels ? 'label' : '', text: name, title: name }),
      h('div', { class: 'bar', style: `width:${w.toFixed(1)}%` }),
      h('span', { text: classifier ? `${(100 * x).toFixed(1)}%` : String(Number(x.toPrecision(4))) })));
  }
}
