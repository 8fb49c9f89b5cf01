// Unit tests of explain.js's comparison summary (needs a DOM only for h()).
import { test } from 'node:test';
import assert from 'node:assert/strict';

// A minimal document for dom.js's h(): enough for text and data attributes.
globalThis.document = {
  createElement: (tag) => ({ tag, dataset: {}, children: [], append(...c) { this.children.push(...c); }, setAttribute() {}, addEventListener() {} }),
  createTextNode: (t) => ({ text: t }),
};
globalThis.Node = Object;
const { compareSummary } = await import('../static/explain.js');

const step = (name, value) => ({ name, formula: '', value });

test('compareSummary names the shared steps and the nearer profile', () => {
  const ref = { profile: 'reference', value: -122, exact: -122.5006, steps: [step('sum', 2854), step('bias', 2265), step('SRDHM', 1408), step('shift', 6), step('zero point', -122), step('clamp', -122)] };
  const xnn = { profile: 'tflite-xnnpack', value: -123, exact: -122.5006, steps: [step('sum', 2854), step('bias', 2265), step('float', 2265), step('scale', 5.4994), step('round', 5), step('zero point', -123), step('clamp', -123)] };
  assert.equal(compareSummary(ref, xnn).textContent,
    'reference gives -122, tflite-xnnpack gives -123. They agree up to bias = 2265 and part in the rounding after it. Without rounding the value is -122.5006: tflite-xnnpack is nearer.');
  assert.equal(compareSummary(ref, { ...ref, profile: 'tflite-single-rounding' }).textContent, 'Both profiles give -122.');
});

test('compareSummary does not pick a nearer side when the accumulators differ', () => {
  const a = { profile: 'reference', value: 14, exact: 14.0392, steps: [step('sum', -48), step('bias', 381)] };
  const b = { profile: 'tflite-xnnpack', value: 15, exact: 15.2, steps: [step('sum', -7), step('bias', 422)] };
  const text = compareSummary(a, b).textContent;
  assert.match(text, /^reference gives 14, tflite-xnnpack gives 15\. Their accumulators differ/);
  assert.doesNotMatch(text, /nearer/);
});

test('compareSummary shows float outputs untruncated', () => {
  const a = { profile: 'reference', value: 0, real: -5.788399696350098, steps: [step('dequantize', -5.788399696350098)] };
  assert.equal(compareSummary(a, { ...a, profile: 'tflite-xnnpack' }, true).textContent, 'Both profiles give -5.7883997.');
  const b = { ...a, profile: 'tflite-xnnpack', real: -5.788400173187256, steps: [step('dequantize', -5.788400173187256)] };
  assert.equal(compareSummary(a, b, true).textContent, 'reference gives -5.7883997, tflite-xnnpack gives -5.78840017.');
});

test('termCoords names terms by coordinates in the tensors the engine names', async () => {
  const { termCoords } = await import('../static/explain.js');
  const model = { tensors: [{ shape: [1, 28, 28, 1] }, { shape: [24, 3, 3, 1] }, { shape: [4] }, { shape: [1, 5, 5, 2] }] };
  const conv = termCoords(model, { term_input: 0, term_filter: 1 });
  assert.equal(conv.inAt(203), '[0,7,7,0]');
  assert.equal(conv.wAt(81), '[9,0,0,0]');
  const tconv = termCoords(model, { term_input: 3, term_filter: 1 });
  assert.equal(tconv.inAt(11), '[0,1,0,1]');
  assert.equal(termCoords(model, { term_input: 2, term_filter: 2 }).inAt(3), '[3]', '1-D tensors keep flat indices');
});

test('quantizeMultiplier is TFLite QuantizeMultiplier: frexp, Q31 round, 2^31 carry', async () => {
  const { quantizeMultiplier } = await import('../static/explain.js');
  // The skip test model's FULLY_CONNECTED: real 0.02 (from float32 scales) → 1374389504, shift −5 (engine's Prepare).
  assert.deepEqual([quantizeMultiplier(0.019999999552965164).q, quantizeMultiplier(0.019999999552965164).shift], [1374389504, -5]);
  assert.deepEqual([quantizeMultiplier(0.5).q, quantizeMultiplier(0.5).shift], [2 ** 30, 0]);
  assert.deepEqual([quantizeMultiplier(9.5367431640625e-7).q, quantizeMultiplier(9.5367431640625e-7).shift], [2 ** 30, -19]);
  // Just below 1: the mantissa rounds up to 2^31 and carries into the exponent.
  const c = quantizeMultiplier(1 - 2 ** -40);
  assert.deepEqual([c.q, c.shift], [2 ** 30, 1]);
  assert.equal(quantizeMultiplier(0).q, 0);
});

test('allTerms rebuilds every FULLY_CONNECTED product from the run and checks them against the engine', async () => {
  const { allTerms, byContribution } = await import('../static/explain.js');
  const n = 100;
  const inp = Int8Array.from({ length: n }, (_, i) => (i * 37) % 256 - 128);
  const w = Int8Array.from({ length: 2 * n }, (_, i) => (i * 53) % 255 - 127);
  const term = (k) => ({ input_index: k, input: inp[k], input_offset: 128, filter_index: n + k, filter: w[n + k], filter_offset: 0, product: (inp[k] + 128) * w[n + k] });
  let sum = 0;
  for (let k = 0; k < n; k++) sum += term(k).product;
  const model = { tensors: [{ type: 'int8', shape: [1, n] }, { type: 'int8', shape: [2, n] }] };
  const tensors = [new Uint8Array(inp.buffer), new Uint8Array(w.buffer)];
  const e = { terms: Array.from({ length: 64 }, (_, k) => term(k)), terms_total: n, term_input: 0, term_filter: 1, steps: [{ name: 'sum', value: sum }] };
  const all = allTerms(e, tensors, model);
  assert.equal(all.length, n);
  assert.deepEqual(all[99], term(99));
  // A sum that disagrees with the engine's means the pattern guess is wrong: no list.
  assert.equal(allTerms({ ...e, steps: [{ name: 'sum', value: sum + 1 }] }, tensors, model), null);
  // Terms that do not run over consecutive elements (a conv window) are not extended.
  assert.equal(allTerms({ ...e, terms: e.terms.map((t, k) => ({ ...t, input_index: 2 * k })) }, tensors, model), null);
  const sorted = byContribution(all);
  assert.ok(sorted.every((t, i) => i === 0 || Math.abs(sorted[i - 1].product) >= Math.abs(t.product)));
});
