// Unit tests of predictions.probabilities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probabilities } from '../static/predictions.js';

const close = (a, b, eps = 1e-9) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= eps);

test('logits get a softmax', () => {
  const { p, logits } = probabilities([1, 2, 3]);
  assert.equal(logits, true);
  const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
  const s = e[0] + e[1] + e[2];
  assert.ok(close(p, e.map((x) => x / s)), `got ${p}`);
  assert.ok(Math.abs(p.reduce((a, b) => a + b) - 1) < 1e-12);
});

test('softmax is stable for large logits and keeps the order', () => {
  const { p, logits } = probabilities(Float32Array.from([1000, 1001, -1000]));
  assert.equal(logits, true);
  assert.ok(p.every(Number.isFinite));
  assert.ok(p[1] > p[0] && p[0] > p[2]);
});

test('a distribution passes through unchanged', () => {
  const d = [0.1, 0.7, 0.2];
  const { p, logits } = probabilities(d);
  assert.equal(logits, false);
  assert.deepEqual(p, d);
  // A quantized softmax output sums to ~1 but not exactly (1/256 steps).
  const q = [0.00390625, 0.98828125, 0, 0.00390625];
  assert.deepEqual(probabilities(q), { p: q, logits: false });
});

test('non-negative values that do not sum to 1 are treated as logits', () => {
  const { logits, p } = probabilities([0.2, 0.2, 0.2]);
  assert.equal(logits, true);
  assert.ok(close(p, [1 / 3, 1 / 3, 1 / 3]));
  assert.equal(probabilities([0, 3, 0]).logits, true);
});

test('BigInt-free typed arrays and negatives work', () => {
  const { p, logits } = probabilities(Int8Array.from([-128, 0, 127]));
  assert.equal(logits, true);
  assert.ok(p[2] > 0.99);
});

test('isClassifier: softmax/logistic vectors, or any small vector of a drawing model', async () => {
  const { isClassifier } = await import('../static/predictions.js');
  const t = (shape) => ({ shape });
  const m = (ops, shape = [1, 10]) => ({ outputs: [2], tensors: [t([1, 8]), t([1, 10]), t(shape)], ops });
  assert.ok(isClassifier(m([{ builtin: 'FULLY_CONNECTED', inputs: [0], outputs: [1] }, { builtin: 'SOFTMAX', inputs: [1], outputs: [2] }])));
  assert.ok(isClassifier(m([{ builtin: 'SOFTMAX', inputs: [0], outputs: [1] }, { builtin: 'DEQUANTIZE', inputs: [1], outputs: [2] }])));
  assert.ok(!isClassifier(m([{ builtin: 'FULLY_CONNECTED', inputs: [1], outputs: [2] }])), 'logits of a non-image model');
  assert.ok(isClassifier(m([{ builtin: 'FULLY_CONNECTED', inputs: [1], outputs: [2] }]), true), 'logits of a drawing model');
  assert.ok(!isClassifier(m([{ builtin: 'SOFTMAX', inputs: [1], outputs: [2] }], [1, 1])), 'one value is no class list');
  assert.ok(!isClassifier(m([{ builtin: 'SOFTMAX', inputs: [1], outputs: [2] }], [1, 4, 4, 3])), 'an image is no class list');
});

test('renderPredictions: no winner for a blank drawing; raw values for a non-classifier', async () => {
  // A minimal document for dom.js's h() and clear().
  globalThis.Node = Object;
  globalThis.document = {
    createElement: (tag) => ({ tag, dataset: {}, children: [], className: '', append(...c) { this.children.push(...c); }, replaceChildren() { this.children = []; }, setAttribute() {}, addEventListener() {} }),
    createTextNode: (t) => ({ text: t }),
  };
  const { renderPredictions } = await import('../static/predictions.js');
  const ol = document.createElement('ol');
  renderPredictions(ol, [0.1, 0.7, 0.2], { blank: true });
  assert.equal(ol.dataset.class, '1');
  assert.equal(ol.dataset.blank, 'true');
  assert.ok(ol.children.every((li) => li.className !== 'top'));
  renderPredictions(ol, [-2, 4, 1], { classifier: false });
  assert.ok(ol.children.every((li) => li.className !== 'top'));
  assert.equal(ol.dataset.blank, undefined);
});

test('renderPredictions names classes with the model\'s labels and draws the top ones of many', async () => {
  globalThis.Node = Object;
  globalThis.document = {
    createElement: (tag) => ({ tag, dataset: {}, children: [], className: '', append(...c) { this.children.push(...c); }, replaceChildren() { this.children = []; }, setAttribute() {}, addEventListener() {} }),
    createTextNode: (t) => ({ text: t }),
  };
  const { renderPredictions } = await import('../static/predictions.js');
  const ol = document.createElement('ol');
  renderPredictions(ol, [0.1, 0.7, 0.2], { labels: ['cat', 'dog', 'fish'] });
  assert.deepEqual(ol.children.map((li) => li.children[0].text ?? li.children[0].textContent), ['0 cat', '1 dog', '2 fish']);
  const many = Array.from({ length: 1001 }, (_, i) => (i === 7 ? 0.5 : i === 3 ? 0.3 : 0.2 / 999));
  const labels = many.map((_, i) => `class ${i}`);
  renderPredictions(ol, many, { labels });
  assert.equal(ol.children.length, 10, 'the top 10 of 1001');
  assert.deepEqual(ol.children.slice(0, 2).map((li) => li.dataset.class), ['7', '3']);
  assert.equal(ol.dataset.class, '7');
});
