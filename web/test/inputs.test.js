// Unit tests of inputs.js: .npy parsing, generated inputs, image detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNpy, makeInput, isImageInput, parseShape, resizable } from '../static/inputs.js';

// npy writes a NumPy .npy file: magic, version, little-endian header length,
// the header dict padded with spaces to a multiple of 64, then the data.
function npy(descr, shape, data, { major = 1, fortran = false } = {}) {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const pre = major === 1 ? 10 : 12;
  header += ' '.repeat(63 - ((pre + header.length) % 64)) + '\n';
  const out = new Uint8Array(pre + header.length + data.length);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), major, 0]);
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, header.length, true); else dv.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  out.set(data, pre + header.length);
  return out;
}
const bytesOf = (typed) => new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);

const int8In = { type: 'int8', shape: [1, 4] };
const f32In = { type: 'float32', shape: [2, 3] };

test('parseNpy reads a version 1 file and returns the raw data', () => {
  const data = Uint8Array.from([1, 2, 0xff, 0x80]);
  const f = npy('|i1', [1, 4], data);
  assert.equal((f.length) % 64, 4, 'header is padded to 64 bytes');
  assert.deepEqual(Array.from(parseNpy(f.buffer, int8In)), [1, 2, 255, 128]);
  const fl = bytesOf(Float32Array.from([1, 2, 3, 4, 5, 6.5]));
  assert.deepEqual(Array.from(new Float32Array(parseNpy(npy('<f4', [6], fl), f32In).buffer)), [1, 2, 3, 4, 5, 6.5]);
});

test('parseNpy reads version 2 headers', () => {
  const data = Uint8Array.from([9, 8, 7, 6]);
  assert.deepEqual(Array.from(parseNpy(npy('|i1', [4], data, { major: 2 }), int8In)), [9, 8, 7, 6]);
});

test('parseNpy rejects a dtype mismatch', () => {
  assert.throws(() => parseNpy(npy('<f4', [1, 4], new Uint8Array(16)), int8In), { message: '.npy has dtype <f4, the input is int8' });
  assert.throws(() => parseNpy(npy('>f4', [2, 3], new Uint8Array(24)), f32In), /dtype >f4, the input is float32/);
});

test('parseNpy rejects a shape mismatch', () => {
  assert.throws(() => parseNpy(npy('|i1', [5], new Uint8Array(5)), int8In), { message: '.npy has shape (5), the input needs [1×4]' });
  assert.throws(() => parseNpy(npy('<f4', [3, 3], new Uint8Array(36)), f32In), /shape \(3, 3\), the input needs \[2×3\]/);
});

test('parseNpy rejects truncated and foreign files', () => {
  const good = npy('|i1', [1, 4], Uint8Array.from([1, 2, 3, 4]));
  assert.throws(() => parseNpy(good.slice(0, good.length - 1), int8In), { message: '.npy data has 3 bytes, want 4' });
  assert.throws(() => parseNpy(good.slice(0, 40), int8In), { message: '.npy header is truncated' });
  assert.throws(() => parseNpy(good.slice(0, 5), int8In), { message: 'not a .npy file' });
  assert.throws(() => parseNpy(new TextEncoder().encode('hello world, not numpy'), int8In), { message: 'not a .npy file' });
  assert.throws(() => parseNpy(npy('|i1', [1, 4], new Uint8Array(4), { fortran: true }), int8In), /Fortran order/);
  // Extra bytes after the data are an error too, not silently dropped.
  assert.throws(() => parseNpy(npy('|i1', [1, 4], new Uint8Array(5)), int8In), /data has 5 bytes, want 4/);
});

test('makeInput: zeros, constant, and seeded random that is deterministic', () => {
  assert.deepEqual(Array.from(makeInput(int8In, { mode: 'zeros' })), [0, 0, 0, 0]);
  assert.deepEqual(Array.from(new Int8Array(makeInput(int8In, { mode: 'constant', value: -7 }).buffer)), [-7, -7, -7, -7]);
  const big = { type: 'int8', shape: [1000] };
  const a = makeInput(big, { mode: 'random', seed: 42 });
  const b = makeInput(big, { mode: 'random', seed: 42 });
  const c = makeInput(big, { mode: 'random', seed: 43 });
  assert.deepEqual(a, b, 'the same seed gives the same bytes');
  assert.notDeepEqual(a, c, 'another seed gives other bytes');
  const v = new Int8Array(a.buffer);
  assert.ok(Math.min(...v) < -100 && Math.max(...v) > 100, 'random int8 covers the range');
  // A share link stores only the seed: the generator must never change. Pin it.
  assert.deepEqual(Array.from(new Int8Array(makeInput({ type: 'int8', shape: [1, 8] }, { mode: 'random', seed: 1 }).buffer)),
    [32, -128, 7, 123, 119, -57, 28, 56]);
  assert.deepEqual(Array.from(new Float32Array(makeInput({ type: 'float32', shape: [3] }, { mode: 'random', seed: 1 }).buffer)),
    [0.25414788722991943, -0.9945285320281982, 0.05489407852292061]);
  const f = new Float32Array(makeInput({ type: 'float32', shape: [500] }, { mode: 'random', seed: 7 }).buffer);
  assert.ok(f.every((x) => x >= -1 && x < 1));
  assert.equal(makeInput({ type: 'int16', shape: [3] }, { mode: 'zeros' }).length, 6);
  assert.throws(() => makeInput({ type: 'int64', shape: [2] }, { mode: 'zeros' }), /int64 are not supported/);
});

test('isImageInput: one input of 784 float32/int8/uint8 elements', () => {
  const m = (shape, type = 'float32', inputs = [0]) => ({ inputs, tensors: [{ shape, type }, { shape, type }] });
  assert.ok(isImageInput(m([1, 28, 28, 1])));
  assert.ok(isImageInput(m([1, 784], 'int8')));
  assert.ok(isImageInput(m([28, 28], 'uint8')));
  assert.ok(!isImageInput(m([1, 28, 28, 1], 'int16')));
  assert.ok(!isImageInput(m([1, 1])));
  assert.ok(!isImageInput(m([1, 96, 96, 1], 'int8')));
  assert.ok(!isImageInput(m([1, 28, 28, 1], 'float32', [0, 1])));
});

test('picture inputs: [1,H,W,C] images other than the drawing; pixels map onto the representable range', async () => {
  const { isPictureInput, pixelRange, pictureReals } = await import('../static/inputs.js');
  const m = (shape, type = 'int8') => ({ inputs: [0], tensors: [{ shape, type, quant: { scale: [1 / 255], zero_point: [-128] } }] });
  assert.ok(isPictureInput(m([1, 8, 8, 3])));
  assert.ok(isPictureInput(m([1, 224, 224, 3], 'uint8')));
  assert.ok(!isPictureInput(m([1, 28, 28, 1])), 'the drawing pad takes 28×28×1');
  assert.ok(!isPictureInput(m([1, 16])));
  assert.ok(!isPictureInput(m([1, 8, 8, 5])));
  assert.deepEqual(pixelRange({ type: 'float32', shape: [1, 2, 2, 3] }), [0, 1]);
  const [lo, hi] = pixelRange({ type: 'int8', quant: { scale: [1 / 255], zero_point: [-128] } });
  assert.ok(lo === 0 && Math.abs(hi - 1) < 1e-12);
  // MobileNet-style uint8, scale 1/128, zero point 128: pixels → [−1, 0.992].
  assert.deepEqual(pixelRange({ type: 'uint8', quant: { scale: [1 / 128], zero_point: [128] } }), [-1, 127 / 128]);
  // RGBA → NHWC reals; one channel takes the grey level.
  const rgba = Uint8Array.from([255, 0, 51, 255, 0, 255, 102, 255]);
  assert.deepEqual(Array.from(pictureReals(rgba, { H: 1, W: 2, C: 3 }, [0, 1]), (x) => Number(x.toFixed(3))), [1, 0, 0.2, 0, 1, 0.4]);
  assert.deepEqual(Array.from(pictureReals(rgba, { H: 1, W: 2, C: 1 }, [0, 255]), (x) => Math.round(x)), [102, 119]);
});

test('parseShape reads typed dimensions; resizable follows shape_signature −1', () => {
  assert.deepEqual(parseShape('2,8'), [2, 8]);
  assert.deepEqual(parseShape(' [3 × 4] '), [3, 4]);
  assert.deepEqual(parseShape('1x224x224x3'), [1, 224, 224, 3]);
  assert.throws(() => parseShape(''), /dimensions separated by commas/);
  assert.throws(() => parseShape('2,-1'), /"-1" is not a positive integer/);
  assert.throws(() => parseShape('0,8'), /"0" is not a positive integer/);
  assert.throws(() => parseShape('2.5'), /"2\.5"/);
  assert.equal(resizable({ shape: [1, 8], shape_signature: [-1, 8] }), true);
  assert.equal(resizable({ shape: [1, 8], shape_signature: [1, 8] }), false);
  assert.equal(resizable({ shape: [1, 8] }), false);
});
