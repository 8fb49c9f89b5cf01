// Unit tests of inspector.js's pure helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coords, layout } from '../static/inspector.js';

test('coords unflattens a row-major index like the engine', () => {
  assert.deepEqual(coords(0, [1, 28, 28, 24]), [0, 0, 0, 0]);
  assert.deepEqual(coords(9696, [1, 28, 28, 24]), [0, 14, 12, 0]); // the README screenshot's element
  assert.deepEqual(coords(23, [1, 28, 28, 24]), [0, 0, 0, 23]);
  assert.deepEqual(coords(5, [2, 3]), [1, 2]);
  assert.deepEqual(coords(0, []), []);
});

test('layout keeps canvases small for huge tensors and says what it shows', () => {
  const small = layout([1, 28, 28, 24]);
  assert.equal(small.maps, 24); assert.equal(small.hgt, 28); assert.equal(small.cropped, '');
  assert.equal(small.per(3, 1, 2), (1 * 28 + 2) * 24 + 3);
  const big = layout([1, 4096, 300, 3]);
  assert.equal(big.hgt, 1024); assert.equal(big.wid, 300);
  assert.equal(big.per(2, 5, 7), (5 * 300 + 7) * 3 + 2, 'crops, keeping the tensor strides');
  assert.match(big.cropped, /top-left 1024×300 of each 4096×300 map/);
  const strip = layout([40 << 20, 1]);
  assert.equal(strip.wid, 32); assert.equal(strip.hgt, 1024);
  assert.equal(strip.cropped, `showing the first 32768 of ${40 << 20} elements`);
  assert.equal(layout([10]).cropped, '');
});

test('layout.locate is the inverse of per for every element on screen', () => {
  for (const shape of [[1, 5, 4, 3], [2, 3, 2, 2], [1, 7, 3], [70], [3, 50]]) {
    const L = layout(shape);
    const n = shape.reduce((a, b) => a * b, 1);
    let onScreen = 0;
    for (let i = 0; i < n; i++) {
      const at = L.locate(i);
      if (!at) continue;
      onScreen++;
      assert.equal(L.per(at.c, at.y, at.x), i, `${shape}: element ${i}`);
    }
    // Only batch 0 of a 4-D tensor is drawn.
    assert.equal(onScreen, shape.length === 4 ? n / shape[0] : n, `${shape}`);
  }
  assert.equal(layout([1, 2000, 2, 1]).locate(1500 * 2), null, 'cropped rows are not on screen');
});
