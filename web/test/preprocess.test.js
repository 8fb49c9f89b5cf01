// Unit tests of preprocess.js: drawing (280×280 ink) → MNIST-style 28×28.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocess, resizeArea } from '../static/preprocess.js';

const W = 280, H = 280;

function blank() { return new Float32Array(W * H); }

function fillRect(ink, x0, y0, w, h, v = 1) {
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) ink[y * W + x] = v;
  return ink;
}

// stats returns the center of mass and the bounding box of the ink in a 28×28 image.
function stats(img, size = 28) {
  let sum = 0, sx = 0, sy = 0, x0 = size, y0 = size, x1 = -1, y1 = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = img[y * size + x];
      if (v <= 0) continue;
      sum += v; sx += v * x; sy += v * y;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
  }
  return { sum, cx: sx / sum, cy: sy / sum, w: x1 - x0 + 1, h: y1 - y0 + 1, x0, y0, x1, y1 };
}

function assertInUnitRange(img) {
  for (let i = 0; i < img.length; i++) {
    assert.ok(img[i] >= 0 && img[i] <= 1, `pixel ${i} = ${img[i]} is outside [0, 1]`);
  }
}

test('an empty drawing gives all zeros', () => {
  const out = preprocess(blank(), W, H);
  assert.equal(out.length, 784);
  assert.ok(out.every((v) => v === 0));
});

test('ink below the threshold counts as empty', () => {
  const out = preprocess(fillRect(blank(), 10, 10, 50, 50, 0.01), W, H);
  assert.ok(out.every((v) => v === 0));
});

test('a centered square blob is centred by mass and scaled to a 20 px box', () => {
  const out = preprocess(fillRect(blank(), 90, 90, 100, 100), W, H);
  const s = stats(out);
  assert.ok(Math.abs(s.cx - 13.5) <= 0.5, `center of mass x ${s.cx}`);
  assert.ok(Math.abs(s.cy - 13.5) <= 0.5, `center of mass y ${s.cy}`);
  assert.equal(Math.max(s.w, s.h), 20);
  assert.equal(s.w, 20);
  assert.equal(s.h, 20);
  // A solid square stays solid: every pixel inside the box is full ink.
  for (let y = s.y0; y <= s.y1; y++) for (let x = s.x0; x <= s.x1; x++) assert.equal(out[y * 28 + x], 1);
  assertInUnitRange(out);
});

test('an off-center, elongated stroke is scaled to 20 px and recentred', () => {
  // A tall thin bar in the top-left corner, 24 px wide and 200 px tall.
  const out = preprocess(fillRect(blank(), 5, 3, 24, 200), W, H);
  const s = stats(out);
  assert.equal(s.h, 20, 'the longer side becomes 20 px');
  assert.ok(s.w >= 2 && s.w <= 4, `the shorter side keeps the aspect ratio (24/200·20 ≈ 2.4), got ${s.w}`);
  assert.ok(Math.abs(s.cx - 13.5) <= 0.5, `center of mass x ${s.cx}`);
  assert.ok(Math.abs(s.cy - 13.5) <= 0.5, `center of mass y ${s.cy}`);
  assertInUnitRange(out);

  // A wide bar at the bottom right: the width becomes 20.
  const wide = stats(preprocess(fillRect(blank(), 150, 250, 120, 20), W, H));
  assert.equal(wide.w, 20);
  assert.ok(wide.h >= 3 && wide.h <= 5, `height ${wide.h}`);
  assert.ok(Math.abs(wide.cx - 13.5) <= 0.5 && Math.abs(wide.cy - 13.5) <= 0.5, `center of mass (${wide.cx}, ${wide.cy})`);
});

test('a lopsided shape is centred by mass, not by its box', () => {
  // An "L": a heavy vertical bar plus a thin foot to the right.
  const ink = fillRect(fillRect(blank(), 40, 40, 40, 200), 80, 230, 120, 10);
  const s = stats(preprocess(ink, W, H));
  assert.ok(Math.abs(s.cx - 13.5) <= 0.5 && Math.abs(s.cy - 13.5) <= 0.5, `center of mass (${s.cx}, ${s.cy})`);
  assert.ok(s.x0 + s.x1 > 27, 'the box sits right of center because the mass is on the left');
});

test('values stay in [0, 1] and finite, also when the ink touches the canvas edges', () => {
  // Ink reaching the right and bottom edges used to make the area resize read
  // one pixel past the image (NaN) through float rounding.
  for (const [w, h] of [[8, 7], [11, 1], [20, 33], [279, 280], [280, 280], [1, 1], [137, 3]]) {
    const out = preprocess(fillRect(blank(), W - w, H - h, w, h), W, H);
    assertInUnitRange(out);
    assert.ok(out.some((v) => v > 0), `${w}×${h} blob vanished`);
  }
  // Anti-aliased grey ink and overlapping strokes.
  const ink = blank();
  for (let i = 0; i < ink.length; i++) ink[i] = ((i * 7919) % 256) / 255;
  assertInUnitRange(preprocess(ink, W, H));
});

test('a single dot still produces ink', () => {
  const out = preprocess(fillRect(blank(), 200, 17, 1, 1), W, H);
  const s = stats(out);
  assert.ok(s.sum > 0);
  assertInUnitRange(out);
});

test('resizeArea averages areas', () => {
  const src = Float32Array.from([1, 0, 0, 1, 1, 1, 1, 1]); // 4×2
  assert.deepEqual(Array.from(resizeArea(src, 4, 0, 0, 4, 2, 2, 1)), [0.75, 0.75]);
  assert.deepEqual(Array.from(resizeArea(src, 4, 0, 0, 4, 2, 4, 2)), Array.from(src));
});
