#!/usr/bin/env node
// tflite-oracle.js — a long-lived real-TFLite process for int8scope's differential tests.
//
// It loads the Emscripten build of TFLite's C++ interpreter (+ XNNPACK delegate) shipped in
// npm @tensorflow/tfjs-tflite@0.0.1-alpha.10 (wasm/tflite_web_api_cc*.js) and answers
// length-prefixed binary requests on stdin with responses on stdout. See README.md for the
// protocol; internal/oracle is the Go client.
//
// Which WASM variant: tfjs-tflite's own loader (EmscriptenModuleLoader.genFullLoaderUrl in
// dist/tf-tflite*.js) probes two features and loads
//   SIMD && threads -> tflite_web_api_cc_simd_threaded.js
//   SIMD only       -> tflite_web_api_cc_simd.js
//   threads only    -> tflite_web_api_cc_threaded.js
//   neither         -> tflite_web_api_cc.js
// where "threads" means a SharedArrayBuffer can be posted over a MessageChannel, which in a
// browser needs a cross-origin-isolated page (COOP+COEP headers). Every current browser has
// WASM SIMD, so an ordinary page gets tflite_web_api_cc_simd.js, and that is what we load by
// default. The threaded builds need Web Workers and do not start in Node ("Worker is not
// defined"). They are the same TFLite and XNNPACK built with pthreads; threads split the work
// but do not change how an element is computed. On every exposed tensor of the corpus models
// the plain and SIMD builds give identical bytes (TestVariantsAgree in internal/oracle), but
// the SIMD build is what browsers run.
// Override with TFLITE_ORACLE_WASM=plain (tflite_web_api_cc.js) or =simd.
//
// stdout carries only protocol frames: console.log and the module's own printing (TFLite's
// error reporter, "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.") go to stderr or
// into the error message of the request that produced them.

'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

// Keep stdout for frames only.
console.log = console.error;
console.info = console.error;
console.warn = console.error;

const TAG_REQ_RUN = 0x01;
const TAG_RESP_OK = 0x00;
const TAG_RESP_ERR = 0x01;
const TAG_RESP_READY = 0x02;
const FLAG_PROFILE = 0x1;
const FLAG_FRESH = 0x2; // drop any cached runner of this model: start from a fresh state

const MAX_FRAME = 1 << 30; // 1 GiB
const CACHE_SIZE = Math.max(1, parseInt(process.env.TFLITE_ORACLE_CACHE || '4', 10) || 4);
const VERBOSE = !!process.env.TFLITE_ORACLE_VERBOSE;
const MAX_LOG_LINES = 12;

function pkgDir() {
  return path.dirname(require.resolve('@tensorflow/tfjs-tflite/package.json', { paths: [__dirname] }));
}

function simdSupported() {
  // The probe module tfjs-tflite uses (WASM_SIMD_CHECK: i32.const 0; i8x16.splat; drop).
  const probe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1,
    7, 0, 65, 0, 253, 15, 26, 11]);
  try {
    return WebAssembly.validate(probe);
  } catch (e) {
    return false;
  }
}

// ---- the TFLite module -------------------------------------------------------------------

let logLines = []; // module output since the last request started
function onModuleLine(s) {
  if (VERBOSE) process.stderr.write('[tflite] ' + s + '\n');
  if (logLines.length < 1000) logLines.push(String(s));
}

let variant = null; // 'simd' | 'plain'
let tflite = null; // Emscripten module
let tfliteBroken = false;

async function loadModule() {
  const dir = pkgDir();
  const want = (process.env.TFLITE_ORACLE_WASM || 'simd').toLowerCase();
  if (want !== 'simd' && want !== 'plain') throw new Error('TFLITE_ORACLE_WASM must be simd or plain, not ' + want);
  variant = want === 'simd' && simdSupported() ? 'simd' : 'plain';
  const base = path.join(dir, 'wasm', variant === 'simd' ? 'tflite_web_api_cc_simd' : 'tflite_web_api_cc');
  const factory = require(base + '.js');
  // A locateFile path does not work in Node; hand over the bytes.
  tflite = await factory({
    wasmBinary: fs.readFileSync(base + '.wasm'),
    print: onModuleLine,
    printErr: onModuleLine,
    onAbort: (what) => {
      tfliteBroken = true;
      onModuleLine('abort: ' + what);
    },
  });
  tfliteBroken = false;
}

// ---- runner cache ------------------------------------------------------------------------

// key -> {runner, ptr}; Map keeps insertion order, used as LRU.
const cache = new Map();

function freeEntry(e) {
  try { e.runner.delete(); } catch (err) { /* module may be dead */ }
  try { tflite._free(e.ptr); } catch (err) { /* ditto */ }
}

function dropCache(free) {
  if (free) for (const e of cache.values()) freeEntry(e);
  cache.clear();
}

function recentLog() {
  const seen = new Set();
  const uniq = [];
  for (const l of logLines) {
    if (/^INFO: Created TensorFlow Lite XNNPACK delegate/.test(l)) continue;
    if (!seen.has(l)) { seen.add(l); uniq.push(l); }
  }
  if (uniq.length > MAX_LOG_LINES) {
    const n = uniq.length - MAX_LOG_LINES;
    uniq.length = MAX_LOG_LINES;
    uniq.push('... (' + n + ' more lines)');
  }
  return uniq;
}

function getRunner(model, numThreads, profile, fresh) {
  const hash = crypto.createHash('sha256').update(model).digest('hex');
  const key = hash + '/' + numThreads + '/' + (profile ? 'p' : '-');
  let e = cache.get(key);
  if (e && fresh) {
    freeEntry(e);
    cache.delete(key);
    e = undefined;
  }
  if (e) {
    cache.delete(key); // move to most recent
    cache.set(key, e);
    return e.runner;
  }
  while (cache.size >= CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    freeEntry(cache.get(oldest));
    cache.delete(oldest);
  }
  // TFLite keeps pointing into the model bytes, so they live as long as the runner.
  const ptr = tflite._malloc(Math.max(1, model.length));
  if (!ptr) throw new Error('malloc of ' + model.length + ' bytes failed');
  tflite.HEAPU8.set(model, ptr);
  let so = null;
  try {
    so = tflite.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, model.length, {
      numThreads,
      enableProfiling: profile,
      maxProfilingBufferEntries: 1024,
    });
    if (!so.ok()) {
      const lines = recentLog();
      let msg = so.errorMessage();
      if (lines.length) msg += '\n' + lines.join('\n');
      throw new Error(msg);
    }
    // value() moves the runner out of the StatusOr; JS owns it from here.
    const runner = so.value();
    cache.set(key, { runner, ptr });
    return runner;
  } catch (err) {
    tflite._free(ptr);
    throw err;
  } finally {
    if (so) so.delete();
  }
}

// A Uint8Array over the bytes of a TensorInfo's data() view, whatever its element type.
function bytesOf(info) {
  const v = info.data();
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function parseShape(s) {
  // shape arrives as a comma-separated string ("1,28,28"); "" for a scalar.
  if (Array.isArray(s)) return s.map(Number);
  const str = String(s);
  if (str === '') return [];
  return str.split(',').map(Number);
}

// Calls fn on each element of an embind vector of TensorInfo, deleting everything afterwards.
function eachInfo(vec, fn) {
  try {
    const n = vec.size();
    const out = [];
    for (let i = 0; i < n; i++) {
      const info = vec.get(i);
      try {
        out.push(fn(info, i, n));
      } finally {
        info.delete();
      }
    }
    return out;
  } finally {
    vec.delete();
  }
}

function run(model, inputs, numThreads, profile, fresh) {
  const runner = getRunner(model, numThreads, profile, fresh);
  const nIn = runner.GetInputs();
  // Check everything before writing anything.
  const problems = [];
  const want = eachInfo(nIn, (info, i) => {
    const b = bytesOf(info);
    const d = { id: info.id, name: info.name, type: info.dataType, shape: parseShape(info.shape), bytes: b.length };
    if (i < inputs.length && inputs[i].length !== b.length) {
      problems.push(`input ${i} (tensor ${d.id} "${d.name}", ${d.type} [${d.shape}]) needs ${b.length} bytes, got ${inputs[i].length}`);
    }
    return d;
  });
  if (inputs.length !== want.length) {
    const list = want.map((d, i) => `  ${i}: tensor ${d.id} "${d.name}" ${d.type} [${d.shape}] (${d.bytes} bytes)`).join('\n');
    throw new Error(`model has ${want.length} inputs, got ${inputs.length}:\n${list}`);
  }
  if (problems.length) throw new Error(problems.join('\n'));
  eachInfo(runner.GetInputs(), (info, i) => bytesOf(info).set(inputs[i]));
  if (!runner.Infer()) {
    const lines = recentLog();
    throw new Error('Infer() failed' + (lines.length ? '\n' + lines.join('\n') : ''));
  }
  const outputs = eachInfo(runner.GetOutputs(), (info) => ({
    id: info.id,
    name: String(info.name),
    type: String(info.dataType),
    shape: parseShape(info.shape),
    data: Buffer.from(bytesOf(info)), // copy out of WASM memory
  }));
  let summary = '';
  if (profile) summary = String(runner.GetProfilingSummary());
  return { outputs, summary };
}

// ---- framing -----------------------------------------------------------------------------

class Reader {
  constructor(buf) { this.buf = buf; this.off = 0; }
  need(n) {
    if (this.off + n > this.buf.length) throw new Error('malformed request: truncated');
  }
  u8() { this.need(1); return this.buf[this.off++]; }
  u32() { this.need(4); const v = this.buf.readUInt32LE(this.off); this.off += 4; return v; }
  i32() { this.need(4); const v = this.buf.readInt32LE(this.off); this.off += 4; return v; }
  bytes() { const n = this.u32(); this.need(n); const b = this.buf.subarray(this.off, this.off + n); this.off += n; return b; }
}

class Writer {
  constructor() { this.parts = []; this.len = 0; }
  push(b) { this.parts.push(b); this.len += b.length; }
  u8(v) { const b = Buffer.alloc(1); b[0] = v; this.push(b); }
  u32(v) { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); this.push(b); }
  i32(v) { const b = Buffer.alloc(4); b.writeInt32LE(v | 0); this.push(b); }
  bytes(b) { this.u32(b.length); this.push(b); }
  str(s) { this.bytes(Buffer.from(String(s), 'utf8')); }
  frame() {
    const head = Buffer.alloc(4);
    head.writeUInt32LE(this.len);
    return Buffer.concat([head, ...this.parts], 4 + this.len);
  }
}

function send(w) {
  const buf = w.frame();
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(1, buf, off, buf.length - off);
    } catch (err) {
      if (err.code === 'EAGAIN') continue;
      throw err;
    }
  }
}

function sendError(msg) {
  const w = new Writer();
  w.u8(TAG_RESP_ERR);
  w.str(msg);
  send(w);
}

async function handle(frame) {
  const r = new Reader(frame);
  const tag = r.u8();
  if (tag !== TAG_REQ_RUN) throw new Error('unknown request tag ' + tag);
  const flags = r.u32();
  let numThreads = r.i32();
  if (numThreads === 0) numThreads = 1;
  const model = r.bytes();
  const n = r.u32();
  const inputs = [];
  for (let i = 0; i < n; i++) inputs.push(r.bytes());
  if (r.off !== frame.length) throw new Error('malformed request: trailing bytes');

  if (tfliteBroken) {
    // The module aborted earlier (a WASM trap or abort()); its memory is garbage, start over.
    dropCache(false);
    await loadModule();
  }
  logLines = [];
  const { outputs, summary } = run(model, inputs, numThreads, (flags & FLAG_PROFILE) !== 0, (flags & FLAG_FRESH) !== 0);
  const w = new Writer();
  w.u8(TAG_RESP_OK);
  w.u32(outputs.length);
  for (const o of outputs) {
    w.i32(o.id);
    w.str(o.name);
    w.str(o.type);
    w.u32(o.shape.length);
    for (const d of o.shape) w.i32(d);
    w.bytes(o.data);
  }
  w.str(summary);
  send(w);
}

async function main() {
  await loadModule();
  let version = '?';
  try { version = require(path.join(pkgDir(), 'package.json')).version; } catch (e) { /* ignore */ }
  const ready = new Writer();
  ready.u8(TAG_RESP_READY);
  ready.str(JSON.stringify({
    package: '@tensorflow/tfjs-tflite@' + version,
    variant: variant === 'simd' ? 'tflite_web_api_cc_simd' : 'tflite_web_api_cc',
    node: process.version,
  }));
  send(ready);

  // Incoming bytes: a list of chunks, joined only when a whole frame is there.
  let chunks = [];
  let have = 0;
  let busy = false;
  let ended = false;
  function take(n) {
    const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, have);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    chunks = rest.length ? [rest] : [];
    have = rest.length;
    return out;
  }
  function peekLength() {
    if (chunks[0].length < 4) chunks = [Buffer.concat(chunks, have)];
    return chunks[0].readUInt32LE(0);
  }
  async function pump() {
    if (busy) return;
    busy = true;
    try {
      while (have >= 4) {
        const n = peekLength();
        if (n > MAX_FRAME) {
          sendError('request frame of ' + n + ' bytes exceeds the limit; closing');
          process.exit(2);
        }
        if (have < 4 + n) break;
        const frame = take(4 + n).subarray(4);
        try {
          await handle(frame);
        } catch (err) {
          let msg = err && err.message ? err.message : String(err);
          if (err instanceof WebAssembly.RuntimeError || /^Aborted\(/.test(msg)) {
            // e.g. malloc failing when WASM memory cannot grow: the module is unusable now.
            tfliteBroken = true;
            const lines = recentLog();
            msg = 'WASM module trapped (it is reloaded for the next request): ' + msg + (lines.length ? '\n' + lines.join('\n') : '');
          }
          sendError(msg);
        }
      }
    } finally {
      busy = false;
    }
    if (ended) process.exit(0);
  }
  process.stdin.on('data', (chunk) => {
    chunks.push(chunk);
    have += chunk.length;
    pump();
  });
  process.stdin.on('end', () => {
    ended = true;
    if (!busy) process.exit(0);
  });
}

process.on('uncaughtException', (err) => {
  // Emscripten sometimes throws from callbacks; never leave the client waiting silently.
  process.stderr.write('tflite-oracle: uncaught: ' + (err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});

main().catch((err) => {
  process.stderr.write('tflite-oracle: startup failed: ' + (err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});
