// engine-worker.js owns the WebAssembly engine, so the page never freezes
// while a model loads or runs. Messages: {id, type, ...} → {id, ok, ...} | {id, error, dead}.
/* global Go, int8scope, int8scopeSIMD */
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
        const out = int8scope.exportFiles(e.data.kind, e.data.profile, e.data.name);
        if (out.error) throw new Error(out.error);
        self.postMessage({ id, ok: true, zip: out.zip }, [out.zip.buffer]);
        return;
      }
      case 'reset': {
        const out = int8scope.reset();
        if (out.error) throw new Error(out.error);
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
