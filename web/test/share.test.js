// Unit tests of share.js: state ⇄ URL fragment, and hostile fragments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeState, decodeState, packStrokes, toBase64Url, fromBase64Url, sha256Hex, ShareError, VERSION, MAX_EMBED } from '../static/share.js';

const opts = { builtins: ['mnist_cnn_int8', 'mnist_dense_int8'], profiles: ['reference', 'xnnpack'] };

async function deflate(bytes) {
  const out = await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer();
  return new Uint8Array(out);
}
// link builds a fragment from any JSON text (or raw bytes), bypassing encodeState's type.
async function link(json) {
  const bytes = typeof json === 'string' ? new TextEncoder().encode(json) : json;
  return `${VERSION}.${toBase64Url(await deflate(bytes))}`;
}
async function rejects(fragment, message) {
  await assert.rejects(decodeState(fragment, opts), (e) => {
    assert.ok(e instanceof ShareError, `want a ShareError, got ${e?.constructor?.name}: ${e?.message}`);
    if (message instanceof RegExp) assert.match(e.message, message);
    else assert.equal(e.message, message);
    return true;
  });
}

test('a state with strokes, op, elem and profile round-trips', async () => {
  const strokes = [[[10, 20], [30, 40], [280, 0]], [[5, 5]]];
  const state = { model: { builtin: 'mnist_cnn_int8' }, profile: 'xnnpack', compare: true, profileB: 'reference', strokes: packStrokes(strokes), op: 3, elem: 117 };
  const frag = await encodeState(state);
  assert.match(frag, /^s1\.[A-Za-z0-9_-]+$/, 'fragment is URL-safe');
  const got = await decodeState(`#${frag}`, opts);
  assert.deepEqual(got, { model: { builtin: 'mnist_cnn_int8' }, profile: 'xnnpack', compare: true, profileB: 'reference', strokes, op: 3, elem: 117 });
});

test('tensor-input settings round-trip', async () => {
  const frag = await encodeState({ model: { builtin: 'mnist_dense_int8' }, input: { mode: 'random', value: 0, seed: 99 } });
  assert.deepEqual((await decodeState(frag, opts)).input, { mode: 'random', value: 0, seed: 99 });
  const bad = await link('{"model":{"builtin":"mnist_dense_int8"},"input":{"mode":"random","value":"x","seed":-4}}');
  assert.deepEqual((await decodeState(bad, opts)).input, { mode: 'random', value: 0, seed: 1 }, 'junk value/seed fall back to defaults');
});

test('embedded model bytes round-trip', async () => {
  const bytes = new Uint8Array(5000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  const frag = await encodeState({ model: { embed: toBase64Url(bytes), name: 'tiny.tflite' } });
  const got = await decodeState(frag, opts);
  assert.deepEqual(got.model.embed, bytes);
  assert.equal(got.model.name, 'tiny.tflite');
  for (const n of [0, 1, 2, 3, 4, 255, 256, 257]) {
    const b = Uint8Array.from({ length: n }, (_, i) => 255 - i);
    assert.deepEqual(fromBase64Url(toBase64Url(b)), b, `length ${n}`);
  }
});

test('a model larger than 64 KB cannot be embedded', async () => {
  const big = toBase64Url(new Uint8Array(MAX_EMBED + 100));
  await rejects(await link(JSON.stringify({ model: { embed: big, name: 'big' } })), 'the embedded model is larger than 64 KB');
});

test('a model hash round-trips; a hash that is not hex is rejected', async () => {
  const hash = await sha256Hex(new TextEncoder().encode('abc'));
  assert.equal(hash, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  const got = await decodeState(await encodeState({ model: { sha256: hash, name: 'local.tflite' } }), opts);
  assert.deepEqual(got.model, { sha256: hash, name: 'local.tflite' });
  await rejects(await link(JSON.stringify({ model: { sha256: 'zz'.repeat(32), name: 'x' } })), 'the link has a malformed model hash');
  await rejects(await link(JSON.stringify({ model: { sha256: hash.slice(1), name: 'x' } })), 'the link has a malformed model hash');
  await rejects(await link(JSON.stringify({ model: { sha256: hash.toUpperCase(), name: 'x' } })), 'the link has a malformed model hash');
});

test('a wrong version is named in the message', async () => {
  await rejects('s2.abc', 'the link has version "s2", this page reads s1');
  await rejects('#hello', 'this is not an int8scope share link');
  await rejects(`${'v'.repeat(500)}.x`, /^the link has version "v{10}", this page reads s1$/);
});

test('characters that are not base64url are rejected', async () => {
  await rejects('s1.abc$def', 'the link contains characters that are not base64url');
  await rejects('s1.ab+/cd', 'the link contains characters that are not base64url');
  await rejects('s1.<img src=x>', 'the link contains characters that are not base64url');
});

test('a truncated link is rejected as damaged', async () => {
  const frag = await encodeState({ model: { builtin: 'mnist_cnn_int8' }, strokes: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]], op: 1 });
  for (const cut of [1, 2, 3, 5, 8, Math.floor((frag.length - 3) / 2)]) {
    await rejects(frag.slice(0, frag.length - cut), /^the link is damaged/);
  }
  await rejects('s1.', /^the link is damaged/);
});

test('bytes that are not deflate are rejected', async () => {
  await rejects(`s1.${toBase64Url(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3]))}`, 'the link is damaged or truncated (it does not decompress)');
  await rejects(`s1.${toBase64Url(new TextEncoder().encode('{"model":{"builtin":"mnist_cnn_int8"}}'))}`, /^the link is damaged/);
});

test('a deflate bomb stops at the size limit', async () => {
  const zeros = new Uint8Array(64 * 1024 * 1024); // 64 MB of zeros
  const z = await deflate(zeros);
  const frag = `${VERSION}.${toBase64Url(z)}`;
  assert.ok(frag.length < 200_000, `the bomb (${frag.length} chars) fits in a link`);
  // Count what the decompressor hands on: the decoder must stop reading it
  // soon after the 512 KB limit, not inflate all 64 MB first.
  const Real = globalThis.DecompressionStream;
  let inflated = 0;
  globalThis.DecompressionStream = class {
    constructor(format) {
      const ds = new Real(format);
      this.writable = ds.writable;
      this.readable = ds.readable.pipeThrough(new TransformStream({ transform(chunk, c) { inflated += chunk.length; c.enqueue(chunk); } }));
    }
  };
  try {
    await rejects(frag, 'the link expands to too much data');
  } finally {
    globalThis.DecompressionStream = Real;
  }
  assert.ok(inflated > 512 * 1024 && inflated < 4 * 1024 * 1024, `the decoder stops early (it inflated ${inflated} bytes of 64 MiB)`);
});

test('a link that is too long is rejected before decoding', async () => {
  await rejects(`s1.${'A'.repeat(200_001)}`, 'the link is too long');
});

test('contents that are not JSON, or not an object, are rejected', async () => {
  await rejects(await link('{"model": '), 'the link is damaged (its contents are not valid JSON)');
  await rejects(await link(Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d])), 'the link is damaged (its contents are not valid JSON)');
  for (const j of ['[1,2]', '"str"', 'null', '42', 'true']) await rejects(await link(j), 'the link holds no playground state');
  await rejects(await link('{}'), 'the link does not say which model to use');
  await rejects(await link('{"model":"mnist_cnn_int8"}'), 'the link does not say which model to use');
  await rejects(await link('{"model":{"url":"http://evil/"}}'), 'the link does not say which model to use');
});

test('strokes out of range or malformed are rejected', async () => {
  const base = { model: { builtin: 'mnist_cnn_int8' } };
  for (const strokes of [[[281, 0]], [[0, -1]], [[1.5, 2]], [[1, 2, 3]], [[]], [['1', 2]], [[1e9, 1]], 'x', [[null, 1]], [{ x: 1 }]]) {
    await rejects(await link(JSON.stringify({ ...base, strokes })), 'the drawing in the link is malformed');
  }
  await rejects(await link(JSON.stringify({ ...base, strokes: Array.from({ length: 401 }, () => [1, 1]) })), 'the drawing in the link is malformed');
  await rejects(await link(JSON.stringify({ ...base, strokes: Array.from({ length: 300 }, () => Array(200).fill(5)) })), 'the drawing in the link is too large');
  // The edges 0 and 280 are valid.
  assert.deepEqual((await decodeState(await link(JSON.stringify({ ...base, strokes: [[0, 280, 280, 0]] })), opts)).strokes, [[[0, 280], [280, 0]]]);
});

test('unknown built-in models and profiles are rejected', async () => {
  await rejects(await link('{"model":{"builtin":"resnet50"}}'), 'the link names a built-in model this page does not have');
  await rejects(await link('{"model":{"builtin":"__proto__"}}'), 'the link names a built-in model this page does not have');
  await rejects(await link('{"model":{"builtin":"mnist_cnn_int8"},"profile":"fast"}'), 'the link asks for an unknown arithmetic profile');
  await rejects(await link('{"model":{"builtin":"mnist_cnn_int8"},"profileB":"toString"}'), 'the link asks for an unknown arithmetic profile');
});

test('invalid op, element and input settings are rejected', async () => {
  await rejects(await link('{"model":{"builtin":"mnist_cnn_int8"},"op":-1}'), 'the selected op in the link is invalid');
  await rejects(await link('{"model":{"builtin":"mnist_cnn_int8"},"op":"2"}'), 'the selected op in the link is invalid');
  await rejects(await link('{"model":{"builtin":"mnist_cnn_int8"},"elem":0.5}'), 'the selected element in the link is invalid');
  await rejects(await link('{"model":{"builtin":"mnist_cnn_int8"},"input":{"mode":"eval"}}'), 'the input settings in the link are invalid');
});

test('an embedded model that is not base64url is a ShareError', async () => {
  await rejects(await link('{"model":{"embed":"ab$c","name":"x"}}'), 'the link contains characters that are not base64url');
  // 4n+1 characters cannot be base64: atob would throw a DOMException.
  await rejects(await link('{"model":{"embed":"abcde","name":"x"}}'), 'the link is damaged or truncated (its base64 is cut short)');
});

test('strings with HTML stay plain data', async () => {
  const name = '<img src=x onerror="alert(1)"><script>alert(2)</script>&amp;';
  const hash = 'a'.repeat(64);
  const got = await decodeState(await encodeState({ model: { sha256: hash, name } }), opts);
  assert.equal(got.model.name, name, 'the name is kept verbatim (the page sets it as text), not escaped or parsed');
  // Over-long names are cut, non-strings replaced.
  assert.equal((await decodeState(await link(JSON.stringify({ model: { sha256: hash, name: 'n'.repeat(1000) } })), opts)).model.name.length, 200);
  assert.equal((await decodeState(await link(JSON.stringify({ model: { sha256: hash, name: { toString: 1 } } })), opts)).model.name, 'model.tflite');
  // Unknown keys are dropped, not copied.
  const extra = await decodeState(await link(JSON.stringify({ model: { builtin: 'mnist_cnn_int8', html: '<b>' }, html: '<b>x</b>', __proto__x: 1 })), opts);
  assert.deepEqual(extra, { model: { builtin: 'mnist_cnn_int8' } });
});

test('links carry the opened tensor and the graph overlay, checked', async () => {
  const { encodeState: enc, decodeState: dec, ShareError: SE } = await import('../static/share.js');
  const opts = { builtins: ['m'], profiles: ['reference'] };
  const s = await dec(await enc({ model: { builtin: 'm' }, tensor: 7, overlay: 'time' }), opts);
  assert.equal(s.tensor, 7);
  assert.equal(s.overlay, 'time');
  await assert.rejects(dec(await enc({ model: { builtin: 'm' }, tensor: -1 }), opts), SE);
  await assert.rejects(dec(await enc({ model: { builtin: 'm' }, overlay: '<b>' }), opts), SE);
});

test('links carry the selected signature of a multi-signature model, checked', async () => {
  const frag = await encodeState({ model: { builtin: 'mnist_dense_int8' }, signature: 'embed' });
  assert.equal((await decodeState(frag, opts)).signature, 'embed');
  assert.equal((await decodeState(await encodeState({ model: { builtin: 'mnist_dense_int8' } }), opts)).signature, undefined);
  await rejects(await link('{"model":{"builtin":"mnist_dense_int8"},"signature":7}'), 'the signature in the link is invalid');
  await rejects(await link(JSON.stringify({ model: { builtin: 'mnist_dense_int8' }, signature: 'x'.repeat(201) })), 'the signature in the link is invalid');
});

test('resized input shapes round-trip; malformed ones are refused', async () => {
  const frag = await encodeState({ model: { builtin: 'mnist_dense_int8' }, shapes: [[3, 8], [1, 10]] });
  assert.deepEqual((await decodeState(frag, opts)).shapes, [[3, 8], [1, 10]]);
  for (const shapes of ['3,8', [[3, -1]], [[1.5]], [3], [[1, 1, 1, 1, 1, 1, 1, 1, 1]], [[2e6]]]) {
    await rejects(await link(JSON.stringify({ model: { builtin: 'mnist_dense_int8' }, shapes })), 'the input shapes in the link are invalid');
  }
});
