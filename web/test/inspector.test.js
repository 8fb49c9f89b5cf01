// Unit tests of inspector.js's pure helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coords } from '../static/inspector.js';

test('coords unflattens a row-major index like the engine', () => {
  assert.deepEqual(coords(0, [1, 28, 28, 24]), [0, 0, 0, 0]);
  assert.deepEqual(coords(9696, [1, 28, 28, 24]), [0, 14, 12, 0]); // the README screenshot's element
  assert.deepEqual(coords(23, [1, 28, 28, 24]), [0, 0, 0, 23]);
  assert.deepEqual(coords(5, [2, 3]), [1, 2]);
  assert.deepEqual(coords(0, []), []);
});
