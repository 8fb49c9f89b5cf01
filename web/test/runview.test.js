// Unit tests of runview.js: a run's buffers, as the bridge lays them out,
// decoded into per-tensor and per-op views. (tests/browser/bridge.test.mjs
// checks the real engine's buffers against the command line's output.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensorViews, traceViews, decodeRun, accView, IN_NONE, IN_CONSTANTS, IN_VALUES } from '../static/runview.js';

// A model of three tensors: a constant (3 bytes), an input (2 bytes) and an
// output (4 bytes), each at a multiple of 8; one op.
const layout = { constants: 8, values: 12, tensors: [[IN_CONSTANTS, 0, 3], [IN_VALUES, 0, 2], [IN_VALUES, 8, 4], [IN_NONE, 0, 0]] };
const model = { ops: [{ builtin: 'FULLY_CONNECTED', profiles: { reference: { arithmetic: 'reference kernel' }, 'tflite-xnnpack': { arithmetic: 'XNNPACK delegate' } } }] };
const constants = new Uint8Array([1, 2, 3, 0, 0, 0, 0, 0]);
const values = new Uint8Array([9, 8, 0, 0, 0, 0, 0, 0, 4, 5, 6, 7]);

function bytesOf(typed) { return new Uint8Array(typed.buffer); }

test('tensorViews gives each tensor its bytes, without copying', () => {
  const t = tensorViews(layout, constants, values);
  assert.deepEqual(t.map((x) => x && Array.from(x)), [[1, 2, 3], [9, 8], [4, 5, 6, 7], null]);
  assert.equal(t[2].buffer, values.buffer, 'a view of the run buffer');
  assert.equal(t[0].buffer, constants.buffer, 'a view of the constants buffer');
  values[8] = 40;
  assert.equal(t[2][0], 40);
  values[8] = 4;
  // Without the constants (not fetched), constant tensors are null.
  assert.equal(tensorViews(layout, null, values)[0], null);
});

test("tensorViews refuses buffers of another model's size", () => {
  assert.throws(() => tensorViews(layout, constants, new Uint8Array(16)), /the run's values are 16 bytes, the loaded model's layout says 12/);
  assert.throws(() => tensorViews(layout, new Uint8Array(3), values), /the constants are 3 bytes, the loaded model's layout says 8/);
});

test('traceViews: per-op nanos, accumulator counts, arithmetic of the profile, notes', () => {
  const trace = bytesOf(new Float64Array([1500, 3]));
  const r = traceViews(model, 'tflite-xnnpack', { trace, notes: '{"0":{"note":"ran the then branch"}}' });
  assert.deepEqual(r, [{ op: 0, builtin: 'FULLY_CONNECTED', nanos: 1500, accumulators: 3, arithmetic: 'XNNPACK delegate', note: 'ran the then branch' }]);
  // The empty profile name is the reference; -1: the op records none.
  const none = traceViews(model, '', { trace: bytesOf(new Float64Array([2, -1])) });
  assert.equal(none[0].accumulators, -1);
  assert.equal(none[0].arithmetic, 'reference kernel');
  assert.equal(traceViews(model, 'reference', { values }), null);
});

test('decodeRun: tensors, trace, parsed state, note, profile, seq, and what else the worker added', () => {
  const r = decodeRun({ values, seq: 4, trace: bytesOf(new Float64Array([10, 0])), state: '[{"id":1,"values":[3]}]', note: 'Trace off…', ms: 1.5 }, { model, layout, constants }, '');
  assert.deepEqual(Object.keys(r).sort(), ['acc', 'layout', 'model', 'ms', 'note', 'profile', 'seq', 'state', 'tensors', 'trace']);
  assert.equal(r.model, model, 'a static model: the run reads the loaded model');
  assert.equal(r.layout, layout);
  assert.deepEqual(Array.from(r.tensors[1]), [9, 8]);
  assert.equal(r.trace[0].nanos, 10);
  assert.deepEqual(r.acc, [], 'accumulators are fetched when shown');
  assert.deepEqual(r.state, [{ id: 1, values: [3] }]);
  assert.equal(r.note, 'Trace off…');
  assert.equal(r.profile, 'reference');
  assert.equal(r.seq, 4);
  assert.equal(r.ms, 1.5);
  const plain = decodeRun({ values }, { model, layout, constants }, 'reference');
  assert.equal(plain.trace, null);
  assert.equal(plain.state, null);
  assert.equal(plain.note, null);
});

test("decodeRun: a dynamic model's run carries its own shapes and layout", () => {
  // The run made the output 6 bytes, not the load's 4: its values follow
  // its own layout; constants keep the load's offsets.
  const runModel = { ...model, ops: [{ ...model.ops[0], params: { run: true } }], tensors: [{ shape: [3] }, { shape: [2] }, { shape: [6] }, { shape: [] }] };
  const runLayout = { constants: 8, values: 14, tensors: [[IN_CONSTANTS, 0, 3], [IN_VALUES, 0, 2], [IN_VALUES, 8, 6], [IN_NONE, 0, 0]] };
  const vals = new Uint8Array([9, 8, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6]);
  const r = decodeRun({ values: vals, trace: bytesOf(new Float64Array([7, -1])), model: JSON.stringify(runModel), layout: JSON.stringify(runLayout) }, { model: { ...model, macs: 12 }, layout, constants }, 'tflite-xnnpack');
  assert.deepEqual(r.model.tensors[2].shape, [6]);
  assert.deepEqual(r.model.ops[0].params, { run: true });
  assert.equal(r.model.macs, 12, "the load's MAC count stays");
  assert.deepEqual(r.layout, runLayout);
  assert.deepEqual(r.tensors.map((x) => x && Array.from(x)), [[1, 2, 3], [9, 8], [1, 2, 3, 4, 5, 6], null]);
  assert.equal(r.trace[0].arithmetic, 'XNNPACK delegate');
  // Already parsed (a caller that decoded the JSON) works the same.
  assert.deepEqual(decodeRun({ values: vals, model: runModel, layout: runLayout }, { model, layout, constants }, '').layout, runLayout);
  // Without its layout, the run's values do not fit the load's.
  assert.throws(() => decodeRun({ values: vals }, { model, layout, constants }, ''), /the run's values are 14 bytes/);
});

test('accView reads int64 accumulators', () => {
  assert.deepEqual(Array.from(accView(bytesOf(new BigInt64Array([-5n, 2n ** 40n])))), [-5n, 2n ** 40n]);
});
