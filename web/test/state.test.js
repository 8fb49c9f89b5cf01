// Unit tests of state.js's formatting of resource variables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stateRows } from '../static/state.js';

test('stateRows names each variable and shows stored and real values', () => {
  const rows = stateRows([
    { id: 0, container: '', shared_name: 'acc', type: 'int8', shape: [1, 3], quant: { scale: [0.5], zero_point: [2], axis: 0 }, values: [2, 4, -1] },
    { id: 1, container: 'c', shared_name: 'ring', type: 'float32', shape: [4], values: [0.25, 1, 2, 3] },
  ], 3);
  assert.deepEqual(rows[0], { id: 0, name: 'acc', kind: 'int8 [1, 3]', values: '2 (0), 4 (1), -1 (-1.5)' });
  assert.deepEqual(rows[1], { id: 1, name: 'c/ring', kind: 'float32 [4]', values: '0.25, 1, 2 … (4 values)' });
});
