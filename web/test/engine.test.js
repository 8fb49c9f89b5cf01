// Unit tests of engine.js's recovery: when the WASM instance dies inside a
// call, the page gets an error for that call, and the next call runs on a
// fresh worker with the last model loaded again. (The browser tests can no
// longer kill the engine: oversized runs are refused before they start.)
import { test } from 'node:test';
import assert from 'node:assert/strict';

// FakeWorker answers like engine-worker.js. Each {worker, type} in crashOn
// makes that worker die on its first request of that type.
const workers = [];
let crashOn = [];
class FakeWorker {
  constructor(url) { this.url = url; this.n = workers.length; this.loads = []; this.terminated = false; workers.push(this); }
  postMessage(msg) {
    queueMicrotask(() => {
      if (this.terminated) return;
      const reply = (data) => this.onmessage({ data: { id: msg.id, ...data } });
      const k = crashOn.findIndex((c) => c.worker === this.n && c.type === msg.type);
      if (k >= 0) {
        crashOn.splice(k, 1);
        reply({ error: 'the engine crashed (fatal error: out of memory) and is restarted', dead: true });
        return;
      }
      switch (msg.type) {
        case 'init': return reply({ profiles: ['reference'] });
        case 'load': this.loads.push(new Uint8Array(msg.bytes)); return reply({ model: { n: this.n, ops: [] }, layout: { constants: 0, values: 4, tensors: [[2, 0, 4]] }, constants: new Uint8Array(0) });
        case 'run': return reply({ values: new Uint8Array([this.n, 0, 0, 0]), worker: this.n });
        case 'explain': return reply({ explanation: { worker: this.n } });
      }
    });
  }
  terminate() { this.terminated = true; }
}
globalThis.Worker = FakeWorker;
const { Engine } = await import('../static/engine.js');

test('a crash fails that call only; the next call runs on a fresh worker with the model reloaded', async () => {
  workers.length = 0;
  const e = new Engine('engine-worker.js');
  await e.info;
  await e.load(new Uint8Array([1, 2, 3]));
  crashOn = [{ worker: 0, type: 'run' }];
  await assert.rejects(e.run([new Uint8Array(4)]), /the engine crashed \(fatal error: out of memory\)/);
  const r = await e.run([new Uint8Array(4)]);
  assert.equal(r.worker, 1, 'the run after the crash uses a new worker');
  assert.deepEqual(Array.from(r.tensors[0]), [1, 0, 0, 0], "the run is decoded with the model's layout");
  assert.ok(workers[0].terminated, 'the dead worker is terminated');
  assert.deepEqual(Array.from(workers[1].loads[0]), [1, 2, 3], 'the last model is loaded into the new worker');
  assert.equal((await e.explain(0, 0)).worker, 1);
});

test('a model that kills the fresh worker too is dropped, and the engine keeps working', async () => {
  workers.length = 0;
  const e = new Engine('engine-worker.js');
  await e.info;
  await e.load(new Uint8Array([9]));
  // The run kills worker 0; reloading the model kills worker 1 as well.
  crashOn = [{ worker: 0, type: 'run' }, { worker: 1, type: 'load' }];
  await assert.rejects(e.run([new Uint8Array(1)]));
  await e.run([new Uint8Array(1)]).catch(() => {});
  // Worker 2 starts without the model; new models load and run there.
  assert.equal(e.lastModel, null, 'the poisonous model is forgotten');
  await e.load(new Uint8Array([7]));
  const r = await e.run([new Uint8Array(1)]);
  assert.equal(r.worker, workers.length - 1);
  assert.deepEqual(Array.from(workers[workers.length - 1].loads.at(-1)), [7]);
});
