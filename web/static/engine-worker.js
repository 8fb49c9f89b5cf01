// engine-worker.js owns the WebAssembly engine, so the page never freezes
// while a model loads or runs. Messages: {id, type, ...} → {id, ok, ...} | {id, error, dead}.
/* global Go, int8scope, int8scopeSIMD, int8scopeExport */
importScripts('wasm_exec.js', 'simd.js');

// The Go runtime writes its crash report ("fatal error: out of memory", then
// goroutine stacks) through fs.writeSync; keep its first line to tell the
// page why the engine died.
let fatal = null, partial = '';
const writeSync = globalThis.fs.writeSync;
globalThis.fs.writeSync = function (fd, buf) {
  const lines = (partial + new TextDecoder().decode(buf)).split('\n');
  partial = lines.pop().slice(-1000);
  for (const line of lines) if (!fatal && /^(fatal error|panic): /.test(line)) fatal = line.trim();
  return writeSync.call(this, fd, buf);
};

const go = new Go();
const simdLink = int8scopeSIMD.link(go); // the engine imports its SIMD kernels (simd.js)
let dead = null; // set when the Go program has exited: the page restarts this worker
const ready = (async () => {
  const simdBytes = fetch('simd.wasm'); // the SIMD kernels (simd.js), fetched beside the engine
  simdBytes.catch(() => {}); // install reports a failed fetch
  const resp = await fetch('int8scope.wasm');
  if (!resp.ok) throw new Error(`int8scope.wasm: HTTP ${resp.status}`);
  const bytes = await resp.arrayBuffer();
  const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
  go.run(instance).then(() => { dead ??= crashReason(); }, (e) => { dead ??= String(e); });
  if (typeof int8scope === 'undefined') throw new Error('the engine did not start');
  // Runs take the fast path: inputs and results through the instance's memory.
  (await import('./bridge.js')).attach(instance, int8scope);
  const simd = await simdLink.install(instance, simdBytes);
  return { wasmBytes: bytes.byteLength, simd };
})();

// The exporter (NumPy program, test vectors) is a second module,
// export.wasm (wasm/export), fetched and started the first time the page
// asks for a download, so the engine the page waits for stays small. It
// cannot see the engine's memory: history records what the engine did with
// the loaded model, and an export replays it there first (the engine is
// deterministic, so the exporter's model and runs are the engine's, byte
// for byte). Runs of a stateless model are kept only the last per profile
// (what exports read); a stateful model's runs are all kept, since each
// one's state comes from the runs before it.
let history = null; // {bytes, signature, steps: [{type: 'resize' | 'run' | 'reset', …}]}
let exporterModule = null; // a promise of export.wasm, compiled

// startExporter starts a fresh instance of the exporter, which each export
// uses once and drops, so that its memory (a replayed model and its traces)
// is not kept beside the engine's.
async function startExporter() {
  exporterModule ??= (async () => {
    const resp = await fetch('export.wasm');
    if (!resp.ok) throw new Error(`export.wasm: HTTP ${resp.status}`);
    return WebAssembly.compile(await resp.arrayBuffer());
  })();
  exporterModule.catch(() => { exporterModule = null; }); // try again on the next export
  const g = new Go();
  const instance = await WebAssembly.instantiate(await exporterModule, g.importObject);
  g.run(instance).catch(() => {});
  const api = globalThis.int8scopeExport;
  delete globalThis.int8scopeExport;
  if (!api) throw new Error('the exporter did not start');
  return { go: g, api };
}

// exportFiles replays history into a fresh exporter and exports from it.
async function exportFiles(kind, profile, name) {
  const ex = await startExporter();
  const call = (fn, ...args) => {
    const out = ex.api[fn](...args);
    if (ex.go.exited) {
      const why = fatal ?? 'it exited';
      fatal = null; // the exporter's, not the engine's
      throw new Error(`the exporter crashed (${why})`);
    }
    if (out.error) throw new Error(out.error);
    return out;
  };
  if (history) {
    call('load', history.bytes, history.signature);
    for (const s of history.steps) {
      if (s.type === 'resize') call('resize', s.shapes);
      else if (s.type === 'reset') call('reset');
      else if (s.profile === profile) call('run', s.inputs, s.profile, s.trace);
    }
  }
  return call('exportFiles', kind, profile, name).zip;
}

// crashReason tells why the Go program exited.
function crashReason() {
  return fatal ?? 'the engine exited';
}

self.onmessage = async (e) => {
  const { id, type } = e.data;
  try {
    const info = await ready;
    if (dead) throw new Error(`the engine crashed earlier (${dead})`);
    let r;
    switch (type) {
      case 'init':
        r = { ...JSON.parse(int8scope.info().info), wasmBytes: info.wasmBytes, simdReason: info.simd.reason ?? null };
        break;
      case 'load':
      case 'resize': {
        // resize replaces the loaded model by one with other input shapes.
        const out = type === 'load' ? int8scope.load(new Uint8Array(e.data.bytes), e.data.signature ?? '') : int8scope.resize(JSON.stringify(e.data.shapes));
        if (out.error) throw new Error(out.error);
        if (type === 'load') history = { bytes: new Uint8Array(e.data.bytes), signature: e.data.signature ?? '', steps: [] };
        else history.steps.push({ type, shapes: e.data.shapes });
        // The constant tensors go to the page once per model, never with a run.
        const c = int8scope.constants();
        if (c.error) throw new Error(c.error);
        r = { model: { ...JSON.parse(out.model), macs: out.macs }, layout: JSON.parse(out.layout), constants: c.values };
        self.postMessage({ id, ok: true, ...r }, [c.values.buffer]);
        return;
      }
      case 'run': {
        const t0 = performance.now();
        const out = int8scope.run(e.data.inputs, e.data.profile, !!e.data.trace);
        const ms = performance.now() - t0;
        if (go.exited) throw new Error('the engine exited'); // dies inside the call: see the catch
        if (out.error) throw new Error(out.error);
        const step = { type, inputs: e.data.inputs, profile: e.data.profile, trace: !!out.trace };
        // out.state: the model keeps state, and every run counts.
        if (out.state === undefined) history.steps = history.steps.filter((s) => s.type !== 'run' || s.profile !== step.profile);
        history.steps.push(step);
        // As the bridge returns it (one buffer of values, one of trace
        // numbers); engine.js decodes it (runview.js).
        self.postMessage({ id, ok: true, ...out, ms }, [out.values, out.trace].filter(Boolean).map((b) => b.buffer));
        return;
      }
      case 'accumulators': {
        const out = int8scope.accumulators(e.data.op, e.data.profile, e.data.seq);
        if (out.error) throw new Error(out.error);
        self.postMessage({ id, ok: true, acc: out.acc }, [out.acc.buffer]);
        return;
      }
      case 'explain': {
        const out = int8scope.explain(e.data.op, e.data.index, e.data.profile, !!e.data.all);
        if (out.error) throw new Error(out.error);
        r = { explanation: JSON.parse(out.explanation) };
        break;
      }
      case 'export': {
        const zip = await exportFiles(e.data.kind, e.data.profile, e.data.name);
        self.postMessage({ id, ok: true, zip }, [zip.buffer]);
        return;
      }
      case 'reset': {
        const out = int8scope.reset();
        if (out.error) throw new Error(out.error);
        history.steps.push({ type });
        r = {};
        break;
      }
      default:
        throw new Error(`unknown request ${type}`);
    }
    self.postMessage({ id, ok: true, ...r });
  } catch (err) {
    // go.exited turns true synchronously when the Go runtime dies inside a
    // call (out of memory, a fatal error); the run() promise only settles later.
    if (go.exited && !dead) dead = crashReason();
    const msg = dead ? `the engine crashed (${dead}) and is restarted` : (err && err.message ? err.message : String(err));
    self.postMessage({ id, error: msg, dead: !!dead });
  }
};
