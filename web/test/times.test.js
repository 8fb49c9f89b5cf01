// Unit tests of times.js: per-op medians over the last runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpTimes, median } from '../static/times.js';

test('median', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('OpTimes smooths a one-off spike and keeps the last 7 runs per profile', () => {
  const t = new OpTimes();
  const tr = (a, b) => [{ nanos: a, arithmetic: 'x' }, { nanos: b }];
  t.add('reference', tr(100, 200));
  t.add('reference', tr(110, 19_700_000)); // a GC pause in op 1
  t.add('reference', tr(90, 210));
  const s = t.smoothed('reference', tr(95, 205));
  assert.deepEqual(s.map((x) => x.nanos), [100, 210]);
  assert.equal(s[0].arithmetic, 'x', 'other fields are kept');
  for (let i = 0; i < 10; i++) t.add('reference', tr(1, 1));
  assert.equal(t.count('reference'), 7);
  assert.equal(t.count('tflite-xnnpack'), 0);
  assert.deepEqual(t.smoothed('tflite-xnnpack', tr(5, 6)).map((x) => x.nanos), [5, 6], 'no history: the run as it is');
  t.reset();
  assert.equal(t.count('reference'), 0);
});
