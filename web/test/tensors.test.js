// Unit tests of tensors.js: typed views and quantization arithmetic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { view, numbers, numElements, channelOf, real, reals, quantize, formatShape, formatMs, formatCount, modelSummary } from '../static/tensors.js';

const bytesOf = (typed) => new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);

test('view reads little-endian values of every dtype', () => {
  assert.deepEqual(Array.from(view('int8', Uint8Array.from([0, 127, 128, 255]))), [0, 127, -128, -1]);
  assert.deepEqual(Array.from(view('uint8', Uint8Array.from([0, 255]))), [0, 255]);
  assert.deepEqual(Array.from(view('int16', Uint8Array.from([0x01, 0x80, 0xff, 0x7f]))), [-32767, 32767]);
  assert.deepEqual(Array.from(view('int32', bytesOf(Int32Array.from([-5, 2 ** 31 - 1])))), [-5, 2 ** 31 - 1]);
  assert.deepEqual(Array.from(view('float32', bytesOf(Float32Array.from([0.5, -2])))), [0.5, -2]);
  assert.deepEqual(numbers('int64', bytesOf(BigInt64Array.from([-3n, 7n]))), [-3, 7]);
  assert.deepEqual(Array.from(view('bool', Uint8Array.from([0, 1]))), [0, 1]);
});

test('view copies unaligned bytes instead of throwing', () => {
  const buf = new Uint8Array(9);
  buf.set(bytesOf(Int32Array.from([123456, -7])), 1);
  assert.deepEqual(Array.from(view('int32', buf.subarray(1))), [123456, -7]);
  assert.deepEqual(Array.from(view('float32', bytesOf(Float32Array.from([1.5])).slice())), [1.5]);
});

test('view ignores a trailing partial element and rejects unknown dtypes', () => {
  assert.equal(view('int32', new Uint8Array(7)).length, 1);
  assert.throws(() => view('complex64', new Uint8Array(8)), /unsupported tensor type complex64/);
});

test('numElements and formatShape', () => {
  assert.equal(numElements([1, 28, 28, 1]), 784);
  assert.equal(numElements([]), 1);
  assert.equal(numElements([3, 0]), 0);
  assert.equal(formatShape([1, 28, 28, 1]), '[1×28×28×1]');
});

test('real dequantizes per tensor', () => {
  const t = { type: 'int8', shape: [4], quant: { scale: [0.5], zero_point: [-3], axis: 0 } };
  assert.equal(real(t, -3), 0);
  assert.equal(real(t, 1), 2);
  assert.equal(real(t, -128), -62.5);
  // No quantization or a float tensor: the value itself.
  assert.equal(real({ type: 'int32', shape: [1] }, 42), 42);
  assert.equal(real({ type: 'float32', shape: [1], quant: { scale: [2], zero_point: [1] } }, 0.25), 0.25);
  assert.equal(real({ type: 'int8', shape: [1], quant: { scale: [0.5], zero_point: [0] } }, 7n), 3.5);
});

test('channelOf finds the per-channel slot on any axis', () => {
  // Conv filter [out=3, h=2, w=2, in=1], quantized along axis 0.
  const f = { type: 'int8', shape: [3, 2, 2, 1], quant: { scale: [1, 2, 3], zero_point: [0, 0, 0], axis: 0 } };
  assert.deepEqual(Array.from({ length: 12 }, (_, i) => channelOf(f, i)), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  // Depthwise filter [1, 2, 2, out=3], quantized along axis 3 (the last).
  const d = { type: 'int8', shape: [1, 2, 2, 3], quant: { scale: [1, 2, 3], zero_point: [0, 0, 0], axis: 3 } };
  assert.deepEqual(Array.from({ length: 12 }, (_, i) => channelOf(d, i)), [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
  // Per-tensor or unquantized: slot 0.
  assert.equal(channelOf({ shape: [5], quant: { scale: [1], zero_point: [0], axis: 0 } }, 4), 0);
  assert.equal(channelOf({ shape: [5] }, 4), 0);
  // real uses the element's channel.
  const q = { type: 'int8', shape: [2, 2], quant: { scale: [0.5, 0.25], zero_point: [1, -1], axis: 1 } };
  assert.deepEqual([0, 1, 2, 3].map((i) => real(q, 5, i)), [2, 1.5, 2, 1.5]);
});

test('reals equals real element by element, per tensor, per channel and unquantized', () => {
  const cases = [
    [{ type: 'int8', shape: [5], quant: { scale: [0.5], zero_point: [-3], axis: 0 } }, new Int8Array([-128, -3, 0, 1, 127])],
    [{ type: 'int8', shape: [2, 3], quant: { scale: [0.5, 0.25, 2], zero_point: [1, -1, 0], axis: 1 } }, new Int8Array([5, 5, 5, -7, 9, 127])],
    [{ type: 'int8', shape: [3, 2], quant: { scale: [0.5, 0.25, 2], zero_point: [1, -1, 0], axis: 0 } }, new Int8Array([5, 5, 5, -7, 9, 127])],
    [{ type: 'int32', shape: [3] }, new Int32Array([-5, 0, 1 << 30])],
    [{ type: 'float32', shape: [2], quant: { scale: [2], zero_point: [1] } }, new Float32Array([0.25, -1.5])],
    [{ type: 'int64', shape: [2], quant: { scale: [0.5], zero_point: [0] } }, [7, -8]],
  ];
  for (const [t, vals] of cases) {
    const got = reals(t, vals);
    assert.ok(got instanceof Float64Array);
    assert.deepEqual(Array.from(got), Array.from(vals, (v, i) => real(t, v, i)), JSON.stringify(t));
  }
});

test('quantize rounds half away from zero, adds the zero point and clamps', () => {
  const t = { type: 'int8', shape: [8], quant: { scale: [0.5], zero_point: [0], axis: 0 } };
  // x/scale: 0.5 → 1, -0.5 → -1 (away from zero, not to even), 1.5 → 3 …
  const got = new Int8Array(quantize(t, [0.25, -0.25, 0.75, -0.75, 1.24, 100, -100, 0]).buffer);
  assert.deepEqual(Array.from(got), [1, -1, 2, -2, 2, 127, -128, 0]);

  const zp = { type: 'int8', shape: [4], quant: { scale: [1 / 255], zero_point: [-128], axis: 0 } };
  assert.deepEqual(Array.from(new Int8Array(quantize(zp, [0, 1, 0.5, 2]).buffer)), [-128, 127, 0, 127]);

  const u = { type: 'uint8', shape: [4], quant: { scale: [0.1], zero_point: [10], axis: 0 } };
  assert.deepEqual(Array.from(quantize(u, [-5, 0, 0.05, 50])), [0, 10, 11, 255]);

  const s16 = { type: 'int16', shape: [3], quant: { scale: [1], zero_point: [0], axis: 0 } };
  assert.deepEqual(Array.from(new Int16Array(quantize(s16, [2.5, -2.5, 1e9]).buffer)), [3, -3, 32767]);
});

test('quantize returns the raw bytes; float tensors pass through', () => {
  const f = { type: 'float32', shape: [2] };
  const b = quantize(f, [0.5, -1]);
  assert.ok(b instanceof Uint8Array);
  assert.equal(b.length, 8);
  assert.deepEqual(Array.from(new Float32Array(b.buffer)), [0.5, -1]);
});

test('formatMs says when a time is below the browser clock resolution', () => {
  assert.equal(formatMs(0), '< 0.1 ms');
  assert.equal(formatMs(99_999), '< 0.1 ms');
  assert.equal(formatMs(100_000), '0.1 ms');
  assert.equal(formatMs(1_850_000), '1.9 ms');
});

test('formatCount and modelSummary', () => {
  assert.equal(formatCount(850), '850');
  assert.equal(formatCount(12_345), '12.3 k');
  assert.equal(formatCount(7_157_888), '7.2 M');
  assert.equal(formatCount(1.3e9), '1.3 G');
  const model = { ops: new Array(10), tensors: new Array(17), macs: 1_244_544 };
  assert.equal(modelSummary(model, 168_256), '10 ops · 17 tensors · 1.2 M multiply-accumulates per inference · 164.3 KB');
  assert.equal(modelSummary({ ops: [1], tensors: [1, 2] }, 0), '1 op · 2 tensors');
});
