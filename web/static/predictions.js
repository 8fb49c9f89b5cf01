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

export function renderPredictions(ol, values) {
  clear(ol);
  if (!values) { delete ol.dataset.class; return; }
  const { p, logits } = probabilities(values);
  let top = 0;
  p.forEach((x, i) => { if (x > p[top]) top = i; });
  ol.dataset.class = String(top);
  ol.title = logits ? 'softmax of the model\'s logits' : 'model output';
  p.forEach((x, i) => {
    ol.append(h('li', { class: i === top ? 'top' : '', dataset: { class: String(i) } },
      h('span', { text: String(i) }),
      h('div', { class: 'bar', style: `width:${(100 * x).toFixed(1)}%` }),
      h('span', { text: `${(100 * x).toFixed(1)}%` })));
  });
}
