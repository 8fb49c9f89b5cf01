// runtimes.js: what `make bench` runs, the same code in Node and in the
// browser page: int8scope's WASM engine through its page API (the global
// int8scope object of wasm/main.go) and real TFLite's WASM builds (npm
// @tensorflow/tfjs-tflite, its Emscripten module with the XNNPACK delegate),
// on the same models and inputs. Timing is the caller's: a case's exec(k)
// runs k inferences and nothing else. An int8scope inference is what the
// page pays for one: int8scope.run and decoding its result into the
// per-tensor and per-op views the panels read (web/static/runview.js).
import { decodeRun } from '../../web/static/runview.js';

// Variants of int8scope run, each a profile with the trace off or on, with
// the pure-Go kernels ('ours/…') or the WebAssembly SIMD ones ('ours+simd/…',
// web/static/simd.wasm, when the runtime has WebAssembly SIMD).
const PROFILES = [
  ['reference', false], ['reference', true],
  ['tflite-single-rounding', false], ['tflite-single-rounding', true],
  ['tflite-xnnpack', false], ['tflite-xnnpack', true],
];
export const OURS = [false, true].flatMap((simd) => PROFILES.map(([profile, trace]) =>
  ({ id: `ours${simd ? '+simd' : ''}/${profile}/${trace ? 'trace' : 'notrace'}`, profile, trace, simd })));

// simdKernels instantiates the SIMD kernels (the bytes of simd.wasm) on the
// Go instance's memory with link, what web/static/simd.js's link(go)
// returned before the Go instance started, and attaches link to the
// int8scope global so that accelerate binds them; null where WebAssembly
// SIMD is missing.
export async function simdKernels(link, goInstance, bytes) {
  link.attach(globalThis.int8scope);
  return link.instantiate(goInstance, bytes);
}

// TFLite builds: 'plain' is tflite_web_api_cc (no SIMD), 'simd' is
// tflite_web_api_cc_simd, what browsers get.
export const TFLITE = ['plain', 'simd'].map((build) => ({ id: `tflite/${build}`, build }));

const sizes = { int8: 1, uint8: 1, bool: 1, int16: 2, float16: 2, int32: 4, float32: 4, int64: 8, float64: 8 };

// inputsFor returns the bytes of every model input: the given ones (the
// corpus' golden inputs) when their sizes fit, else seeded random bytes
// (floats uniform in [-1, 1)), the same in Node and in the browser.
export function inputsFor(model, given = null) {
  let x = 1;
  const next = () => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x; };
  return model.inputs.map((ti, i) => {
    const t = model.tensors[ti];
    const n = t.shape.reduce((a, b) => a * b, 1);
    const bytes = n * (sizes[t.type] ?? 1);
    if (given?.[i] && given[i].length === bytes) return given[i];
    const b = new Uint8Array(bytes);
    if (t.type === 'float32') {
      const f = new Float32Array(b.buffer);
      for (let j = 0; j < n; j++) f[j] = (next() >>> 8) / (1 << 23) - 1;
    } else {
      for (let j = 0; j < bytes; j++) b[j] = next() >>> 24;
    }
    return b;
  });
}

// bytesOf is a Uint8Array over a TFLite TensorInfo's data() view.
function bytesOf(info) {
  const v = info.data();
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

// eachInfo calls fn on every element of an embind vector of TensorInfo and
// deletes them.
function eachInfo(vec, fn) {
  try {
    const out = [];
    for (let i = 0; i < vec.size(); i++) {
      const info = vec.get(i);
      try { out.push(fn(info, i)); } finally { info.delete(); }
    }
    return out;
  } finally {
    vec.delete();
  }
}

// TFLiteRunner is one model in one TFLite module, one thread, XNNPACK on
// (the module's default, as in the browser).
class TFLiteRunner {
  constructor(mod, bytes) {
    this.mod = mod;
    this.ptr = mod._malloc(bytes.length);
    mod.HEAPU8.set(bytes, this.ptr);
    const so = mod.TFLiteWebModelRunner.CreateFromBufferAndOptions(this.ptr, bytes.length,
      { numThreads: 1, enableProfiling: false, maxProfilingBufferEntries: 1024 });
    try {
      if (!so.ok()) throw new Error(so.errorMessage());
      this.runner = so.value();
    } finally {
      so.delete();
    }
  }

  // infer writes the inputs, runs, and copies the outputs out, as an app would.
  infer(inputs) {
    eachInfo(this.runner.GetInputs(), (info, i) => bytesOf(info).set(inputs[i]));
    if (!this.runner.Infer()) throw new Error('Infer() failed');
    return eachInfo(this.runner.GetOutputs(), (info) => bytesOf(info).slice());
  }
}

// createBench prepares every (model, runtime) case. ours is the int8scope
// global; kernels the SIMD kernels' exports (simdKernels) or null; tflite
// maps a build name to its loaded Emscripten module; models are {name,
// bytes, given} with given the golden inputs or null. It returns
//
//	{cases: [{id, model, runtime, macs, error}], agree, select(id), exec(id, k)}
//
// where select loads the case's model into int8scope if needed and turns
// the SIMD kernels on or off (untimed), and exec runs k inferences of it;
// agree[model][build] says whether int8scope's tflite-xnnpack outputs equal
// that TFLite build's ('plain', 'simd') in the first two runs from a fresh
// state (agree[model].kernels: int8scope's own outputs, every variant, with the SIMD
// kernels equal those without, each run from a fresh state).
export function createBench(ours, kernels, tflite, models) {
  const cases = [];
  const agree = {};
  const prepared = new Map(); // model name → {bytes, inputs, runners}
  for (const m of models) {
    const out = ours.load(m.bytes);
    if (out.error) {
      for (const v of [...OURS, ...TFLITE]) cases.push({ id: `${m.name}|${v.id}`, model: m.name, runtime: v.id, error: `int8scope: ${out.error}` });
      continue;
    }
    const info = JSON.parse(out.model);
    const inputs = inputsFor(info, m.given);
    const p = { bytes: m.bytes, inputs, runners: {}, macs: out.macs, info };
    const view = viewOf(ours, out);
    prepared.set(m.name, p);
    agree[m.name] = {};
    const plain = {};
    for (const v of OURS) {
      if (v.simd && !kernels) {
        cases.push({ id: `${m.name}|${v.id}`, model: m.name, runtime: v.id, macs: out.macs, error: 'no WebAssembly SIMD' });
        continue;
      }
      ours.accelerate(v.simd ? kernels : null);
      // Each checked run starts from a fresh state (resource and variable
      // tensors, e.g. an LSTM's): a stateful model's runs differ from run
      // to run, so outputs compare only between runs after as many others.
      ours.reset();
      const r = ours.run(inputs, v.profile, v.trace);
      const key = `${v.profile}/${v.trace}`;
      // the tensors: one array each, or one buffer of all (r.values)
      const got = r.error ? null : (r.tensors ?? [r.values]);
      if (!v.simd) plain[key] = got;
      else if (got && plain[key]) agree[m.name].kernels = (agree[m.name].kernels ?? true) && got.every((t, i) => (t === null ? plain[key][i] === null : equalBytes(t, plain[key][i])));
      cases.push({ id: `${m.name}|${v.id}`, model: m.name, runtime: v.id, macs: out.macs, error: r.error ?? null });
    }
    ours.accelerate(null);
    // The first two runs after a reset against a new TFLite interpreter's
    // first two Invokes: for a stateful model the second starts from the
    // state the first left (TFLite keeps variable tensors across Invoke).
    ours.reset();
    const mine = [0, 1].map(() => {
      const raw = ours.run(inputs, 'tflite-xnnpack', false);
      return raw.error ? raw : decodeRun(raw, view, 'tflite-xnnpack');
    });
    for (const v of TFLITE) {
      let error = null;
      try {
        const r = new TFLiteRunner(tflite[v.build], m.bytes);
        p.runners[v.build] = r;
        agree[m.name][v.build] = mine.every((mi) => {
          const theirs = r.infer(inputs);
          return !mi.error && info.outputs.every((ti, i) => equalBytes(mi.tensors[ti], theirs[i]));
        });
      } catch (e) {
        error = `TFLite: ${e.message ?? e}`;
      }
      cases.push({ id: `${m.name}|${v.id}`, model: m.name, runtime: v.id, macs: out.macs, error });
    }
  }
  let loaded = null, view = null;
  const byId = new Map(cases.map((c) => [c.id, c]));
  return {
    cases,
    agree,
    select(id) {
      const c = byId.get(id);
      if (!c.runtime.startsWith('ours')) return;
      if (loaded !== c.model) {
        const out = ours.load(prepared.get(c.model).bytes);
        if (out.error) throw new Error(out.error);
        loaded = c.model;
        view = viewOf(ours, out, prepared.get(c.model).info);
      }
      ours.accelerate(OURS.find((o) => o.id === c.runtime).simd ? kernels : null);
    },
    exec(id, k) {
      const c = byId.get(id);
      const p = prepared.get(c.model);
      if (c.runtime.startsWith('ours')) {
        const v = OURS.find((o) => o.id === c.runtime);
        for (let i = 0; i < k; i++) {
          const r = ours.run(p.inputs, v.profile, v.trace);
          if (r.error) throw new Error(r.error);
          decodeRun(r, view, v.profile);
        }
      } else {
        const r = p.runners[c.runtime.slice('tflite/'.length)];
        for (let i = 0; i < k; i++) r.infer(p.inputs);
      }
    },
  };
}

// viewOf is what decodes the loaded model's runs, as the page keeps it
// (engine.js): the model, its layout and its constants, fetched once.
function viewOf(ours, loaded, model = JSON.parse(loaded.model)) {
  const c = ours.constants();
  if (c.error) throw new Error(c.error);
  return { model, layout: JSON.parse(loaded.layout), constants: c.values };
}

function equalBytes(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
