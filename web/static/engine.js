// engine.js: the page's handle on engine-worker.js. Every call returns a
// promise; if the worker or the WASM instance dies, the next call starts a
// fresh one and reloads the last model, so one bad model never breaks the page.
import { decodeRun, accView } from './runview.js';

export class Engine {
  constructor(url = 'engine-worker.js') {
    this.url = url;
    this.seq = 0;
    this.pending = new Map();
    this.lastModel = null;
    this.start();
  }

  start() {
    const worker = new Worker(this.url);
    this.worker = worker;
    worker.onmessage = (e) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      if (e.data.dead) this.restartSoon = true;
      if (e.data.error) p.reject(new Error(e.data.error));
      else p.resolve(e.data);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      if (worker !== this.worker) return;
      this.failAll(new Error(`engine worker failed: ${e.message || 'unknown error'}`));
      this.restartSoon = true;
    };
    this.info = this.call('init');
    this.info.catch(() => {}); // the page awaits it at start; later restarts need not
  }

  // failAll rejects every call still waiting for the worker.
  failAll(err) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  // restart replaces the worker and reloads the last model that loaded. If
  // that model kills the fresh worker too, it is dropped.
  async restart() {
    this.worker.terminate();
    this.failAll(new Error('the engine was restarted'));
    this.restartSoon = false;
    this.start();
    if (!this.lastModel) return;
    try {
      await this.call('load', { bytes: this.lastModel.slice().buffer, signature: this.lastSignature });
      if (this.lastShapes) await this.call('resize', { shapes: this.lastShapes });
    } catch {
      this.lastModel = null;
      if (this.restartSoon) await this.restart();
    }
  }

  call(type, msg = {}, transfer = []) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, ...msg }, transfer);
    });
  }

  // request is call() as the page uses it: a worker that died in an
  // earlier call is replaced first, one that dies in this call right after
  // (then runs on the result before that).
  async request(type, msg = {}, transfer = [], then = (r) => r) {
    if (this.restartSoon) await this.restart();
    try {
      return then(await this.call(type, msg, transfer));
    } finally {
      if (this.restartSoon) this.restart().catch(() => {});
    }
  }

  // load opens a model: subgraph 0, or the subgraph of the named signature.
  load(bytes, signature = '') {
    const copy = bytes.slice();
    return this.request('load', { bytes: copy.buffer, signature }, [copy.buffer], (r) => {
      this.lastModel = bytes.slice();
      this.lastSignature = signature;
      this.lastShapes = null;
      // What decodes this model's runs: where each tensor is, and its
      // constant tensors (sent once, here).
      this.view = { model: r.model, layout: r.layout, constants: r.constants ?? null };
      return r.model;
    });
  }

  // resize replaces the loaded model by one whose inputs have the given
  // shapes ([dims] or null per input; only shape_signature −1 dimensions
  // may change) and returns it, as load does.
  resize(shapes) {
    return this.request('resize', { shapes }, [], (r) => {
      this.lastShapes = shapes;
      this.view = { model: r.model, layout: r.layout, constants: r.constants ?? null };
      return r.model;
    });
  }

  // run returns {tensors, trace, acc, state, note, profile, seq, ms} (runview.js).
  run(inputs, profile = 'reference', trace = true) {
    const copies = inputs.map((b) => b.slice());
    return this.request('run', { inputs: copies, profile, trace }, copies.map((c) => c.buffer), (r) => decodeRun(r, this.view, profile));
  }

  // accumulators returns op's accumulators in run (a result of run) as a
  // BigInt64Array, null if the op records none, fetching them the first
  // time (they stay in the engine until the next run under run.profile).
  async accumulators(run, op) {
    if (run.acc[op] !== undefined) return run.acc[op];
    if (!run.trace || !(run.trace[op]?.accumulators >= 0)) return null;
    const r = await this.request('accumulators', { op, profile: run.profile, seq: run.seq });
    run.acc[op] = accView(r.acc);
    return run.acc[op];
  }

  // reset brings a stateful model's state back to a fresh interpreter's.
  reset() {
    return this.request('reset');
  }

  // exportFiles makes a zip of the model's NumPy program ('numpy') or of
  // the per-op test vectors of the last traced run ('vectors') under profile.
  exportFiles(kind, profile, name) {
    return this.request('export', { kind, profile, name }, [], (r) => r.zip);
  }

  // explain derives one output element; all lists every term of its sum
  // (by default the engine lists the first 64).
  explain(op, index, profile = 'reference', all = false) {
    return this.request('explain', { op, index, profile, all }, [], (r) => r.explanation);
  }
}
