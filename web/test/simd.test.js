// The WebAssembly SIMD kernels (wasm/simd/kernels.wat → web/static/simd.wasm)
// against the pure-Go ones they replace, in the Go instance itself
// (web/static/int8scope.wasm under Node, as the engine's worker runs it):
//   - simd.wasm is what wat2wasm (npm wabt, pinned) makes of kernels.wat;
//   - gemm_s8 equals the engine's pure-Go gemmS8 on every shape with
//     m, n ≤ 9 and k ≤ 40 and on larger and wrapping ones, values −128…127;
//   - gemm_rq_s8 and im2col_s8 equal the pure-Go product, output stage and
//     patches on random shapes (engine.CheckGEMMRequant, CheckIm2Col);
//   - dw_s8 and dw_s8o equal their formula on random depthwise geometries;
//   - random depthwise models (tools/dwmodels) run the same with the SIMD
//     kernels (dw_s8, dw_s8o, rq_fixed, rq_fp32, gemm_s8) on and off;
//   - whole models give byte-identical tensors and accumulators with the
//     SIMD kernels on and off, under every profile, and every kernel
//     broken by one in one element makes them differ.
// Needs `make wasm` (make test builds it first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STATIC = path.join(ROOT, 'web/static');
const CI = process.env.CI === 'true';
const built = fs.existsSync(path.join(STATIC, 'int8scope.wasm')) && fs.existsSync(path.join(STATIC, 'wasm_exec.js'));
const noEngine = !built && !CI && 'web/static/int8scope.wasm is not built (make wasm)';
const wabt = path.join(ROOT, 'node_modules/.bin/wat2wasm');
const noWabt = !fs.existsSync(wabt) && !CI && 'npm ci has not run';
const corpus = path.resolve(ROOT, '../shared/corpus/models');
const noCorpus = !fs.existsSync(corpus) && !CI && `the shared corpus is missing at ${corpus}`;

const simdBytes = fs.readFileSync(path.join(STATIC, 'simd.wasm'));

test('web/static/simd.wasm is a fresh wat2wasm build of wasm/simd/kernels.wat (make simd)', { skip: noWabt }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'int8scope-simd-'));
  try {
    execFileSync(wabt, [path.join(ROOT, 'wasm/simd/kernels.wat'), '-o', path.join(tmp, 'simd.wasm')]);
    assert.ok(fs.readFileSync(path.join(tmp, 'simd.wasm')).equals(simdBytes), 'simd.wasm differs from kernels.wat: run make simd');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

// The Go instance, started as engine-worker.js starts it.
let api = null, goInstance = null, kernels = null, link = null;
if (built) {
  const require = createRequire(import.meta.url);
  Object.assign(globalThis, { require, fs, path });
  await import(path.join(STATIC, 'wasm_exec.js'));
  await import(path.join(STATIC, 'simd.js'));
  const go = new globalThis.Go();
  link = globalThis.int8scopeSIMD.link(go);
  ({ instance: goInstance } = await WebAssembly.instantiate(fs.readFileSync(path.join(STATIC, 'int8scope.wasm')), go.importObject));
  go.run(goInstance);
  api = globalThis.int8scope;
  // Runs as the worker makes them: through bridge.js's fast path where it exists.
  const bridge = path.join(STATIC, 'bridge.js');
  if (fs.existsSync(bridge)) (await import(bridge)).attach(goInstance, api);
  link.attach(api);
  kernels = await link.instantiate(goInstance, simdBytes);
}

// rng is a seeded generator of int8 values, extremes included.
function rng(seed) {
  let x = seed >>> 0;
  const next = () => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x; };
  return (len) => {
    const b = new Uint8Array(len);
    const mode = next() % 4; // uniform, or mostly −128/127
    for (let i = 0; i < len; i++) {
      const r = next();
      b[i] = mode === 0 && r % 3 === 0 ? 0x80 : mode === 1 && r % 3 === 0 ? 0x7f : r >>> 24;
    }
    return b;
  };
}

function gemm(m, n, k, a, b, simd) {
  const r = api.gemm(m, n, k, a, b, simd);
  if (r.error) throw new Error(r.error);
  return new Int32Array(r.out.buffer, r.out.byteOffset, m * n);
}

// naive is Σ a·b in JS, wrapped to int32: a third opinion.
function naive(m, n, k, a, b) {
  const sa = new Int8Array(a.buffer, a.byteOffset, a.length), sb = new Int8Array(b.buffer, b.byteOffset, b.length);
  const out = new Int32Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let q = 0; q < k; q++) s = (s + sa[i * k + q] * sb[j * k + q]) | 0;
    out[i * n + j] = s;
  }
  return out;
}

function sameInts(got, want, what) {
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) assert.fail(`${what}: element ${i} is ${got[i]}, want ${want[i]}`);
  }
  assert.equal(got.length, want.length, what);
}

test('the SIMD kernels install on the Go instance memory', { skip: noEngine }, async () => {
  assert.deepEqual(await link.install(goInstance, simdBytes), { simd: true });
  assert.deepEqual(JSON.parse(api.info().info).simd, { on: true });
  const bad = await link.install(goInstance, new Uint8Array([0, 97, 115, 109, 9]));
  assert.equal(bad.simd, false);
  assert.match(bad.reason, /SIMD/);
  assert.deepEqual(JSON.parse(api.info().info).simd, { on: true }, 'a failed install leaves the kernels as they were');
});

test('gemm_s8 equals the pure-Go gemmS8 for m, n = 1…9, k = 1…40', { skip: noEngine }, () => {
  api.accelerate(kernels);
  const rand = rng(1);
  let shapes = 0;
  for (let m = 1; m <= 9; m++) for (let n = 1; n <= 9; n++) for (let k = 1; k <= 40; k++) {
    const a = rand(m * k), b = rand(n * k);
    const want = gemm(m, n, k, a, b, false);
    const what = `m=${m} n=${n} k=${k}`;
    sameInts(want, naive(m, n, k, a, b), `pure Go vs JS, ${what}`);
    sameInts(gemm(m, n, k, a, b, true), want, `SIMD vs pure Go, ${what}`);
    shapes++;
  }
  assert.equal(shapes, 9 * 9 * 40);
});

test('gemm_s8 equals gemmS8 on larger shapes, all-extreme values and sums that wrap int32', { skip: noEngine }, () => {
  api.accelerate(kernels);
  const rand = rng(2);
  const cases = [[1, 1000, 784], [1, 10, 1000], [196, 32, 9], [100, 64, 288], [49, 24, 72], [13, 17, 123], [64, 1, 27], [1, 1, 0], [3, 5, 0]];
  for (const [m, n, k] of cases) {
    const a = rand(m * k), b = rand(n * k);
    sameInts(gemm(m, n, k, a, b, true), gemm(m, n, k, a, b, false), `m=${m} n=${n} k=${k}`);
  }
  // −128·−128 summed 140,000 times is 2,293,760,000: past 2^31, so the
  // int32 sum wraps, in the reference's loops and in the kernels alike.
  for (const [m, n] of [[4, 2], [1, 4], [5, 3]]) {
    const k = 140_000;
    const a = new Uint8Array(m * k).fill(0x80), b = new Uint8Array(n * k).fill(0x80);
    const got = gemm(m, n, k, a, b, true);
    sameInts(got, gemm(m, n, k, a, b, false), `wrapping m=${m} n=${n}`);
    assert.equal(got[0], (128 * 128 * k) | 0);
    assert.ok(got[0] < 0, 'the sum wrapped');
  }
});

test('gemm_rq_s8, gemm_rq_c4_s8, im2col_s8, add_s8, rq_fixed, rq_fp32 and dw_rq_s8 equal the pure-Go product, output stages, patches, ADD and depthwise convolutions on 3,000 random shapes, stages of every profile and geometries', { skip: noEngine }, () => {
  // engine.CheckGEMMRequant: m ≤ 13, n ≤ 37, k < 70 (k tails, odd channel
  // counts), offsets, bias, double and single rounding and XNNPACK's fp32
  // requantization, per channel and per tensor, int8 and uint8 ranges;
  // engine.CheckIm2Col: strides, dilations, padding, groups, odd channels;
  // engine.CheckDepthwiseRequant: dw_rq_s8 on random geometries (3×3 ones
  // for $dw3x3, filter offsets) and stages of every profile.
  api.accelerate(kernels);
  for (const seed of [1, 2, 3]) assert.deepEqual(api.checkGemmRequant(seed, 1000), { ok: true }, `seed ${seed}`);
  // and the check can fail: a kernel one off in one output byte
  api.accelerate({ ...kernels, gemm_rq_s8: (...args) => { kernels.gemm_rq_s8(...args); new Int8Array(goInstance.exports.mem.buffer)[args[8]] += 1; } });
  assert.match(api.checkGemmRequant(1, 10).error ?? '', /output byte 0 is/);
  // or a patch gathering one off in one byte
  api.accelerate({ ...kernels, im2col_s8: (...args) => { kernels.im2col_s8(...args); new Int8Array(goInstance.exports.mem.buffer)[args[1]] ^= 1; } });
  assert.match(api.checkGemmRequant(1, 10).error ?? '', /patch byte 0 is/);
  // or an ADD one off in one byte (engine.CheckAdd, add_s8)
  api.accelerate({ ...kernels, add_s8: (...args) => { const r = kernels.add_s8(...args); new Int8Array(goInstance.exports.mem.buffer)[args[3]] += 1; return r; } });
  assert.match(api.checkGemmRequant(1, 10).error ?? '', /output byte 0 is/);
  // or a fused depthwise convolution one off in one byte (dw_rq_s8)
  api.accelerate({ ...kernels, dw_rq_s8: (...args) => { kernels.dw_rq_s8(...args); new Int8Array(goInstance.exports.mem.buffer)[args.at(-1)] += 1; } });
  assert.match(api.checkGemmRequant(1, 10).error ?? '', /output byte 0 is/);
  api.accelerate(kernels);
});

const sizes = { int8: 1, uint8: 1, bool: 1, int16: 2, float16: 2, int32: 4, float32: 4, int64: 8, float64: 8 };

// inputsOf returns seeded random bytes for every input of a loaded model.
function inputsOf(model, seed) {
  const rand = rng(seed);
  return model.inputs.map((ti) => {
    const t = model.tensors[ti];
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.type === 'float32') return new Uint8Array(new Float32Array(n).map((_, i) => Math.sin(i * 0.37 + seed)).buffer);
    return rand(n * (sizes[t.type] ?? 1));
  });
}

function equalBytes(a, b) {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// outputsOf is what a run under profile computed, without its times: its
// byte buffers (every tensor, every accumulator) and its trace. Either
// format of int8scope.run: {tensors: [], trace: JSON, acc: []}, or {values,
// seq, trace: float64s per op [nanos, accumulators or -1]} whose
// accumulators come from int8scope.accumulators (call it right after the run).
function outputsOf(r, profile) {
  if (r.values) {
    const trace = r.trace ? new Float64Array(r.trace.slice().buffer) : new Float64Array(0);
    const acc = [];
    for (let op = 0; 2 * op < trace.length; op++) {
      trace[2 * op] = 0;
      if (trace[2 * op + 1] < 0) continue;
      const a = api.accumulators(op, profile, r.seq);
      if (a.error) throw new Error(a.error);
      acc.push(a.acc);
    }
    return { bytes: [r.values, ...acc], trace: Array.from(trace) };
  }
  return { bytes: [...r.tensors, ...(r.acc ?? [])], trace: JSON.parse(r.trace).map(({ nanos, ...op }) => op) };
}

// compareModel runs bytes under every profile with the trace on, with the
// pure-Go kernels and with kernels (the SIMD exports, or a stand-in), and
// returns the number of calls of each kernel, the first difference and the
// profiles that refuse the model.
function compareModel(bytes, kernelsUnderTest) {
  const out = api.load(bytes);
  if (out.error) throw new Error(out.error);
  const model = JSON.parse(out.model);
  const { profiles } = JSON.parse(api.info().info);
  const calls = { gemm_s8: 0, dw_s8: 0, gemm_rq_s8: 0, im2col_s8: 0, dw_s8o: 0, rq_fixed: 0, rq_fp32: 0, im2col1_s8: 0, add_s8: 0, gemm_rq_c4_s8: 0, dw_rq_s8: 0 };
  const refused = new Set();
  const counted = Object.fromEntries(Object.keys(calls).filter((f) => kernelsUnderTest[f]).map((f) => [f, (...args) => { calls[f]++; return kernelsUnderTest[f](...args); }]));
  for (const seed of [1, 2]) {
    const inputs = inputsOf(model, seed);
    for (const profile of profiles) {
      api.accelerate(null);
      // Both runs start from a fresh state: a stateful model (SVDF's
      // variable tensors in keyword_scrambled) carries it from run to run.
      api.reset();
      const want = api.run(inputs, profile, true);
      const w = want.error ? null : outputsOf(want, profile);
      api.accelerate(counted);
      api.reset();
      const got = api.run(inputs, profile, true);
      const g = got.error ? null : outputsOf(got, profile);
      api.accelerate(null);
      if (want.error) { // a profile that refuses the model refuses it either way
        assert.equal(got.error, want.error, profile);
        refused.add(profile);
        continue;
      }
      if (got.error) throw new Error(`${profile}: ${got.error}`);
      assert.equal(g.bytes.length, w.bytes.length);
      for (let t = 0; t < w.bytes.length; t++) {
        if (!equalBytes(g.bytes[t], w.bytes[t])) return { calls, diff: `${profile}, seed ${seed}: buffer ${t} of the tensors and accumulators differs` };
      }
      assert.deepEqual(g.trace, w.trace, `${profile}: the trace`);
      // and with the trace off (dw_rq_s8: the depthwise output stage fused)
      api.reset();
      const wantOff = outputsOf(api.run(inputs, profile, false), profile);
      api.accelerate(counted);
      api.reset();
      const gotOff = outputsOf(api.run(inputs, profile, false), profile);
      api.accelerate(null);
      for (let t = 0; t < wantOff.bytes.length; t++) {
        if (!equalBytes(gotOff.bytes[t], wantOff.bytes[t])) return { calls, diff: `${profile}, seed ${seed}, trace off: buffer ${t} of the tensors differs` };
      }
    }
  }
  assert.ok(refused.size < profiles.length, 'some profile runs the model');
  return { calls, diff: null, refused: [...refused] };
}

const builtins = fs.readdirSync(path.join(STATIC, 'models')).filter((f) => f.endsWith('.tflite')).sort();

test('the built-in models give the same tensors and accumulators with the SIMD kernels on and off, every profile', { skip: noEngine }, () => {
  assert.ok(builtins.length >= 3, 'the built-in MNIST models are there');
  for (const f of builtins) {
    const { calls, diff } = compareModel(fs.readFileSync(path.join(STATIC, 'models', f)), kernels);
    assert.equal(diff, null, f);
    if (f.includes('_int8')) assert.ok(calls.gemm_rq_s8 > 0, `${f}: gemm_rq_s8 ran (${calls.gemm_rq_s8} calls)`);
    if (f.includes('dscnn')) {
      for (const k of ['dw_s8', 'rq_fixed', 'rq_fp32']) assert.ok(calls[k] > 0, `${f}: ${k} ran (${calls[k]} calls)`);
    }
  }
});

// person_detect (int8 MobileNet v1, 7.2 M MACs, its first layer a depthwise
// convolution of one input channel; the browser TFLite, hence
// tflite-xnnpack, refuses it), keyword_scrambled, and from corpus/wild a
// uint8 MobileNet v1 (its uint8 operands go through the int8 GEMM; its
// uint8 depthwise convolutions run dw_s8o), micro_speech (its depthwise
// convolution of one input channel, multiplier 8, runs as a CONV_2D on
// im2col1_s8 and gemm_s8), with the kernels each must use. keyword_scrambled's
// SVDF multiplies on gemm_s8.
for (const [file, refusedBy, used] of [['models/person_detect', ['tflite-xnnpack'], ['gemm_rq_s8', 'gemm_s8', 'im2col1_s8', 'dw_s8', 'rq_fixed']],
  ['models/keyword_scrambled', [], ['gemm_rq_s8', 'gemm_s8']],
  ['wild/mobilenet_v1_0.25_128_quant', [], ['gemm_rq_s8', 'im2col_s8', 'dw_s8o', 'rq_fixed', 'rq_fp32']],
  ['models/micro_speech_quantized', [], ['gemm_rq_c4_s8', 'gemm_s8', 'im2col1_s8', 'rq_fixed', 'rq_fp32']]]) {
  test(`a corpus model (${file}) gives the same tensors and accumulators with the SIMD kernels on and off, every profile`, { skip: noEngine || noCorpus }, () => {
    const { calls, diff, refused } = compareModel(fs.readFileSync(path.join(corpus, '..', `${file}.tflite`)), kernels);
    assert.equal(diff, null);
    assert.deepEqual(refused, refusedBy);
    for (const f of used) assert.ok(calls[f] > 0, `${f} ran (${JSON.stringify(calls)})`);
  });
}

// Each kernel broken by one in one output element, on a model that runs it:
// mnist_dscnn (built in) for CONV_2D/FULLY_CONNECTED and depthwise, and
// micro_speech (corpus) for gemm_s8 and im2col1_s8 (its depthwise
// convolution of one input channel).
for (const f of ['gemm_rq_s8', 'gemm_rq_c4_s8', 'im2col_s8', 'gemm_s8', 'dw_s8', 'rq_fixed', 'rq_fp32', 'im2col1_s8', 'dw_rq_s8']) {
  const one = f === 'im2col1_s8' || f === 'gemm_s8';
  test(`a ${f} off by one in one element is caught (the comparison can fail)`, { skip: noEngine || (one && noCorpus) }, () => {
    const i32 = () => new Int32Array(goInstance.exports.mem.buffer);
    const wrong = { ...kernels };
    // the depthwise output stages run fused in dw_rq_s8 where it can: without it, on rq_fixed and rq_fp32
    if (f.startsWith('rq_')) delete wrong.dw_rq_s8;
    wrong[f] = (...args) => {
      kernels[f](...args);
      const mem = goInstance.exports.mem.buffer;
      if (f.startsWith('gemm_rq_')) new Int8Array(mem)[args[8]] += 1; // its int8 outputs from its 9th argument on
      else if (f === 'im2col_s8') new Uint8Array(mem)[args[1]] ^= 1; // its patches from its 2nd
      else if (f.startsWith('rq_') || f === 'im2col1_s8' || f === 'dw_rq_s8') new Uint8Array(mem)[args.at(-1)] ^= 1; // int8s from the last
      else i32()[args.at(-1) >> 2] += 1; // gemm_s8, dw_s8: int32s from their last argument on
    };
    const dscnn = builtins.find((b) => b.startsWith('mnist_dscnn_int8')) ?? builtins[0];
    const file = one ? path.join(corpus, 'micro_speech_quantized.tflite') : path.join(STATIC, 'models', dscnn);
    const { calls, diff } = compareModel(fs.readFileSync(file), wrong);
    assert.ok(calls[f] > 0);
    assert.match(diff ?? '', /differ/);
  });
}

// Random one-op DEPTHWISE_CONV_2D models (tools/dwmodels: int8 and uint8,
// depth multipliers 1…8, 1…9 input channels, strides, dilations, padding,
// per-tensor and per-channel scales, wrapping sums) give the same tensors
// and accumulators with the SIMD kernels on and off, every profile: dw_s8,
// dw_s8o, rq_fixed, rq_fp32, and im2col1_s8 and gemm_s8 (one input
// channel) all run.
const noGo = (() => {
  try { execFileSync('go', ['version']); return false; } catch { return !CI && 'go is not installed'; }
})();
test('80 random depthwise convolutions give the same tensors and accumulators with the SIMD kernels on and off, every profile', { skip: noEngine || noGo }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'int8scope-dw-'));
  try {
    execFileSync('go', ['run', './tools/dwmodels', '-out', dir, '-n', '80'], { cwd: ROOT });
    const total = {};
    for (let i = 0; i < 80; i++) {
      const { calls, diff } = compareModel(fs.readFileSync(path.join(dir, `dw_${i}.tflite`)), kernels);
      assert.equal(diff, null, `dw_${i}.tflite`);
      for (const [k, v] of Object.entries(calls)) total[k] = (total[k] ?? 0) + v;
    }
    for (const k of ['gemm_s8', 'dw_s8', 'dw_s8o', 'rq_fixed', 'rq_fp32', 'im2col1_s8']) assert.ok(total[k] > 0, `${k} ran (${JSON.stringify(total)})`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// The generated MLPerf Tiny ResNet-8 (tools/mobilenet; its three residual
// int8 ADDs run add_s8 under the reference and single-rounding profiles)
// gives the same tensors with the SIMD kernels on and off, every profile;
// with add_s8 one off in one element it does not.
test('the generated ResNet-8 gives the same tensors with the SIMD kernels on and off (add_s8), every profile; add_s8 off by one is caught', { skip: noEngine || noGo }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'int8scope-resnet8-'));
  try {
    execFileSync('go', ['run', './tools/mobilenet', '-out', dir, '-models', 'tiny_resnet8_int8'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const bytes = fs.readFileSync(path.join(dir, 'tiny_resnet8_int8.tflite'));
    const { calls, diff } = compareModel(bytes, kernels);
    assert.equal(diff, null);
    assert.ok(calls.add_s8 > 0, `add_s8 ran (${JSON.stringify(calls)})`);
    const wrong = { ...kernels, add_s8: (...args) => { const r = kernels.add_s8(...args); new Uint8Array(goInstance.exports.mem.buffer)[args[2]] ^= 1; return r; } };
    assert.match(compareModel(bytes, wrong).diff ?? '', /differ/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// The generated MLPerf Tiny VWW model (MobileNet v1 0.25, 96×96×3): its
// 1×1 convolutions of 8…64 channels and short k and its 3×3×3 first layer run
// on gemm_rq_c4_s8 (packed c2 product, row-looped output stages), its
// 128…256-channel ones on the same export with gemm_s8's product.
test('the generated VWW model gives the same tensors with the SIMD kernels on and off (gemm_rq_c4_s8), every profile; gemm_rq_c4_s8 off by one is caught', { skip: noEngine || noGo }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'int8scope-vww-'));
  try {
    execFileSync('go', ['run', './tools/mobilenet', '-out', dir, '-models', 'tiny_vww_96_int8'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const bytes = fs.readFileSync(path.join(dir, 'tiny_vww_96_int8.tflite'));
    const { calls, diff } = compareModel(bytes, kernels);
    assert.equal(diff, null);
    for (const k of ['gemm_rq_c4_s8', 'im2col_s8', 'dw_s8', 'dw_rq_s8']) assert.ok(calls[k] > 0, `${k} ran (${JSON.stringify(calls)})`);
    const wrong = { ...kernels, gemm_rq_c4_s8: (...args) => { const r = kernels.gemm_rq_c4_s8(...args); new Uint8Array(goInstance.exports.mem.buffer)[args[8]] ^= 1; return r; } };
    assert.match(compareModel(bytes, wrong).diff ?? '', /differ/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// dwReference is dw_s8's formula in JS (dw_s8o's with woff), on the
// module's own memory.
function dwReference(i8, i32, g, inP, wP, bP) {
  const { B, H, W, C, OH, OW, FH, FW, sh, sw, ph, pw, dh, dw, off } = g;
  const woff = g.woff ?? 0;
  const out = new Int32Array(B * OH * OW * C);
  for (let b = 0; b < B; b++) for (let y = 0; y < OH; y++) for (let x = 0; x < OW; x++) for (let c = 0; c < C; c++) {
    let s = i32[bP / 4 + c];
    for (let fy = 0; fy < FH; fy++) for (let fx = 0; fx < FW; fx++) {
      const iy = y * sh - ph + fy * dh, ix = x * sw - pw + fx * dw;
      if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
      s = (s + (i8[wP + (fy * FW + fx) * C + c] + woff) * (i8[inP + ((b * H + iy) * W + ix) * C + c] + off)) | 0;
    }
    out[((b * OH + y) * OW + x) * C + c] = s;
  }
  return out;
}

for (const f of ['dw_s8', 'dw_s8o']) test(`${f} equals its formula on 2,000 random geometries (channels 1…27, strides, dilations, padding, both batches)`, async () => {
  const mem = new WebAssembly.Memory({ initial: 16 });
  const { instance: { exports: k } } = await WebAssembly.instantiate(simdBytes, { go: { mem } });
  const rand = rng(3);
  let x = 5;
  const next = () => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x >>> 8; };
  const inP = 64, wP = 200_000, bP = 300_000, aP = 400_000;
  for (let it = 0; it < 2000; it++) {
    const g = { B: 1 + next() % 2, H: 1 + next() % 7, W: 1 + next() % 7, C: 1 + next() % 27, FH: 1 + next() % 4, FW: 1 + next() % 4,
      sh: 1 + next() % 3, sw: 1 + next() % 3, dh: 1 + next() % 2, dw: 1 + next() % 2, ph: next() % 3, pw: next() % 3, off: next() % 256 - 127 };
    if (f === 'dw_s8o') g.woff = [-255, 255, 0][it % 4] ?? next() % 511 - 255;
    g.OH = Math.max(1, Math.floor((g.H + 2 * g.ph - (g.FH - 1) * g.dh - 1) / g.sh) + 1);
    g.OW = Math.max(1, Math.floor((g.W + 2 * g.pw - (g.FW - 1) * g.dw - 1) / g.sw) + 1);
    const u8 = new Uint8Array(mem.buffer), i32 = new Int32Array(mem.buffer);
    u8.set(rand(g.B * g.H * g.W * g.C), inP);
    u8.set(rand(g.FH * g.FW * g.C), wP);
    for (let c = 0; c < g.C; c++) i32[bP / 4 + c] = (next() << 8) | 0;
    if (f === 'dw_s8o') k.dw_s8o(g.B, g.H, g.W, g.C, g.OH, g.OW, g.FH, g.FW, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.off, g.woff, inP, wP, bP, aP);
    else k.dw_s8(g.B, g.H, g.W, g.C, g.OH, g.OW, g.FH, g.FW, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.off, inP, wP, bP, aP);
    const want = dwReference(new Int8Array(mem.buffer), i32, g, inP, wP, bP);
    sameInts(new Int32Array(mem.buffer, aP, want.length), want, `${f} ${JSON.stringify(g)}`);
  }
});

// dw_s8's 3×3 path ($dw3x3: pixels with every tap inside, 8 channels at a
// time, the rest one at a time) on geometries that have many such pixels,
// with the input offset at its extremes.
test('dw_s8 equals its formula on 600 random 3×3 geometries (channels 1…40, images up to 13×13, strides 1–2, padding 0–1)', async () => {
  const mem = new WebAssembly.Memory({ initial: 16 });
  const { instance: { exports: k } } = await WebAssembly.instantiate(simdBytes, { go: { mem } });
  const rand = rng(4);
  let x = 9;
  const next = () => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x >>> 8; };
  const inP = 64, wP = 200_000, bP = 300_000, aP = 400_000;
  for (let it = 0; it < 600; it++) {
    const g = { B: 1 + next() % 2, H: 3 + next() % 11, W: 3 + next() % 11, C: 1 + next() % 40, FH: 3, FW: 3,
      sh: 1 + next() % 2, sw: 1 + next() % 2, dh: 1, dw: 1, ph: next() % 2, pw: next() % 2, off: [-128, 127, 0][it % 4] ?? next() % 256 - 127 };
    g.OH = Math.floor((g.H + 2 * g.ph - 3) / g.sh) + 1;
    g.OW = Math.floor((g.W + 2 * g.pw - 3) / g.sw) + 1;
    const u8 = new Uint8Array(mem.buffer), i32 = new Int32Array(mem.buffer);
    u8.set(rand(g.B * g.H * g.W * g.C), inP);
    u8.set(rand(9 * g.C), wP);
    for (let c = 0; c < g.C; c++) i32[bP / 4 + c] = (next() << 8) | 0;
    k.dw_s8(g.B, g.H, g.W, g.C, g.OH, g.OW, 3, 3, g.sh, g.sw, g.ph, g.pw, 1, 1, g.off, inP, wP, bP, aP);
    const want = dwReference(new Int8Array(mem.buffer), i32, g, inP, wP, bP);
    sameInts(new Int32Array(mem.buffer, aP, want.length), want, `dw_s8 ${JSON.stringify(g)}`);
  }
});
