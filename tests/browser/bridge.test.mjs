// The page API of the WASM engine (wasm/main.go, wasm/run.go), run in Node
// as engine-worker.js runs it: every tensor a run hands over, decoded with
// the layout (runview.js), equals what the command line writes for the same
// model and inputs; constants equal the numbers the engine's explanations
// cite; the fast path (bridge.js) returns exactly what the general path
// (syscall/js) returns, errors included.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile, writeFile, mkdir, readdir } from 'node:fs/promises';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { useSuite, STATIC, mnistModel, needMNIST } from './helpers.mjs';
import { attach } from '../../web/static/bridge.js';
import { decodeRun, accView } from '../../web/static/runview.js';

const run = promisify(execFile);
const s = useSuite();

// One engine instance, as the worker starts it; fast is the int8scope
// global with bridge.js attached, general the syscall/js run it replaced.
let api, general;
before(async () => {
  globalThis.require ??= createRequire(import.meta.url);
  globalThis.fs ??= fs;
  globalThis.path ??= path;
  await import(path.join(STATIC, 'wasm_exec.js'));
  await import(path.join(STATIC, 'simd.js'));
  const go = new globalThis.Go();
  globalThis.int8scopeSIMD.link(go); // the engine imports its SIMD kernels (none installed here)
  const { instance } = await WebAssembly.instantiate(await readFile(path.join(STATIC, 'int8scope.wasm')), go.importObject);
  go.run(instance);
  general = globalThis.int8scope.run;
  api = attach(instance, globalThis.int8scope);
  assert.notEqual(api.run, general, 'bridge.js found the exported run');
});

// load opens a model and fetches its constants, as engine-worker.js does.
function load(bytes) {
  const out = api.load(bytes);
  if (out.error) throw new Error(out.error);
  const c = api.constants();
  if (c.error) throw new Error(c.error);
  return { model: JSON.parse(out.model), layout: JSON.parse(out.layout), constants: c.values };
}

// randomInputs returns seeded random bytes for every model input.
function randomInputs(model, seed = 7) {
  const sizes = { int8: 1, uint8: 1, int16: 2, int32: 4, float32: 4, int64: 8, bool: 1 };
  let x = seed;
  return model.inputs.map((ti) => {
    const t = model.tensors[ti];
    const b = new Uint8Array(t.shape.reduce((a, c) => a * c, 1) * sizes[t.type]);
    if (t.type === 'float32') {
      const f = new Float32Array(b.buffer);
      for (let i = 0; i < f.length; i++) { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; f[i] = x / 2 ** 32 - 0.5; }
    } else {
      for (let i = 0; i < b.length; i++) { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; b[i] = x >>> 24; }
    }
    return b;
  });
}

// cliRun runs `int8scope run --trace` on the same inputs and returns
// {tensors: Map(index → bytes), trace}.
async function cliRun(name, file, inputs, profile) {
  const dir = path.join(s.dir, `bridge-${name}-${profile}`);
  await mkdir(path.join(dir, 'in'), { recursive: true });
  for (const [i, b] of inputs.entries()) await writeFile(path.join(dir, 'in', `input${i}.bin`), b);
  await run(s.cli, ['run', file, '--inputs', path.join(dir, 'in'), '--out', path.join(dir, 'out'), '--profile', profile, '--trace']);
  const tensors = new Map();
  for (const f of await readdir(path.join(dir, 'out'))) {
    const m = /^tensor(\d+)\.bin$/.exec(f);
    if (m) tensors.set(Number(m[1]), new Uint8Array(await readFile(path.join(dir, 'out', f))));
  }
  const index = JSON.parse(await readFile(path.join(dir, 'out', 'index.json'), 'utf8'));
  const shapes = new Map(index.tensors.map((t) => [t.index, t.shape]));
  return { tensors, shapes, trace: JSON.parse(await readFile(path.join(dir, 'out', 'trace.json'), 'utf8')) };
}

// withoutNanos drops the per-op times (which differ from run to run) from a raw trace.
function withoutNanos(raw) {
  if (!raw.trace) return raw;
  const t = new Float64Array(raw.trace.buffer.slice(0));
  for (let i = 0; i < t.length; i += 2) t[i] = 0;
  return { ...raw, trace: new Uint8Array(t.buffer) };
}

function plain(raw) {
  return Object.fromEntries(Object.entries(withoutNanos(raw)).map(([k, v]) => [k, v instanceof Uint8Array ? Array.from(v) : v]));
}

for (const [name, file] of [['mnist_cnn_int8', () => mnistModel], ['fc_int8', () => path.join(s.models, 'fc_int8.tflite')], ['branchy_int8', () => path.join(s.models, 'branchy_int8.tflite')]]) {
  for (const profile of ['reference', 'tflite-xnnpack']) {
    test(`${name}, ${profile}: every tensor and accumulator of a run equals the command line's`, async (t) => {
      if (name.startsWith('mnist') && !needMNIST(t)) return;
      const view = load(new Uint8Array(await readFile(file())));
      const inputs = randomInputs(view.model);
      const slow = general(inputs, profile, true);
      const raw = api.run(inputs, profile, true);
      assert.equal(raw.error, undefined, raw.error);
      assert.equal(raw.seq, slow.seq + 1, 'runs are numbered');
      assert.deepEqual(plain({ ...slow, seq: 0 }), plain({ ...raw, seq: 0 }), 'the fast path returns what the general path does');
      const r = decodeRun(raw, view, profile);
      const cli = await cliRun(name, file(), inputs, profile);
      assert.ok(cli.tensors.size > 0);
      for (const [ti, want] of cli.tensors) assert.deepEqual(Array.from(r.tensors[ti]), Array.from(want), `tensor ${ti}`);
      for (const [ti, tensor] of view.model.tensors.entries()) {
        if (!tensor.const) assert.ok(cli.tensors.has(ti) || r.tensors[ti] === null, `tensor ${ti} is a value the command line writes`);
      }
      assert.equal(r.trace.length, view.model.ops.length);
      let accs = 0;
      for (const [i, op] of cli.trace.ops.entries()) {
        assert.equal(r.trace[i].builtin, op.builtin);
        assert.equal(r.trace[i].arithmetic, op.arithmetic, `op ${i} arithmetic`);
        assert.equal(r.trace[i].note, op.note);
        const got = api.accumulators(i, profile, r.seq);
        if (op.acc) {
          accs++;
          assert.equal(r.trace[i].accumulators, op.acc.length);
          assert.deepEqual(Array.from(accView(got.acc), Number), op.acc, `op ${i} accumulators`);
        } else {
          assert.equal(r.trace[i].accumulators, -1);
          assert.equal(got.acc.length, 0);
        }
      }
      if (name !== 'branchy_int8') assert.ok(accs > 0, 'some op recorded accumulators');
      // Untraced: the same values, no trace; the traced run's accumulators are gone.
      const off = decodeRun(api.run(inputs, profile, false), view, profile);
      assert.equal(off.trace, null);
      assert.equal(off.seq, r.seq + 1);
      assert.match(api.accumulators(0, profile, r.seq).error, /no traced run with profile/);
      for (const [ti, want] of cli.tensors) assert.deepEqual(Array.from(off.tensors[ti]), Array.from(want), `tensor ${ti} untraced`);
    });
  }
}

test('runs under different profiles and inputs, interleaved, keep their own values (each profile writes its own buffer)', async () => {
  const file = path.join(s.models, 'fc_int8.tflite');
  load(new Uint8Array(await readFile(file)));
  const view = load(new Uint8Array(await readFile(file))); // a second load starts the buffers again
  const a = randomInputs(view.model, 7), b = randomInputs(view.model, 8);
  const values = (inputs, profile) => {
    const raw = api.run(inputs, profile, false);
    assert.equal(raw.error, undefined, raw.error);
    return Array.from(raw.values);
  };
  const refA = values(a, 'reference'), xnnA = values(a, 'tflite-xnnpack');
  const refB = values(b, 'reference'), xnnB = values(b, 'tflite-xnnpack');
  assert.notDeepEqual(refA, refB, 'the two inputs give different tensors');
  assert.deepEqual(values(a, 'reference'), refA);
  assert.deepEqual(values(a, 'tflite-xnnpack'), xnnA);
  assert.deepEqual(values(b, 'tflite-xnnpack'), xnnB);
  assert.deepEqual(values(b, 'reference'), refB);
  // A traced run's accumulators, computed when asked (after another
  // profile's run on other inputs), come from that run's own tensors.
  const traced = api.run(a, 'reference', true);
  values(b, 'tflite-xnnpack');
  const cli = await cliRun('interleaved', file, a, 'reference');
  let accs = 0;
  for (const [i, op] of cli.trace.ops.entries()) {
    if (!op.acc) continue;
    accs++;
    assert.deepEqual(Array.from(accView(api.accumulators(i, 'reference', traced.seq).acc), Number), op.acc, `op ${i} accumulators`);
  }
  assert.ok(accs > 0);
});

for (const profile of ['reference', 'tflite-xnnpack']) {
  test(`dynamic_int8, ${profile}: a run with its own shapes hands over its model and layout, and every tensor equals the command line's`, async () => {
    const file = path.join(s.models, 'dynamic_int8.tflite');
    const view = load(new Uint8Array(await readFile(file)));
    const ops = view.model.ops.map((o) => o.builtin);
    assert.ok(view.model.ops.some((o) => o.dynamic), `some op is prepared at run time: ${ops}`);
    const inputs = randomInputs(view.model, 11);
    const slow = general(inputs, profile, true);
    const raw = api.run(inputs, profile, true);
    assert.equal(raw.error, undefined, raw.error);
    assert.deepEqual(plain({ ...slow, seq: 0 }), plain({ ...raw, seq: 0 }), 'the fast path returns what the general path does');
    assert.equal(typeof raw.model, 'string', "the run's model comes with it");
    assert.equal(typeof raw.layout, 'string');
    const r = decodeRun(raw, view, profile);
    const cli = await cliRun('dynamic', file, inputs, profile);
    assert.ok(cli.tensors.size >= 8);
    for (const [ti, want] of cli.tensors) {
      assert.deepEqual(Array.from(r.tensors[ti]), Array.from(want), `tensor ${ti}`);
      assert.deepEqual(r.model.tensors[ti].shape, cli.shapes.get(ti), `tensor ${ti}'s shape`);
    }
    const padded = r.model.outputs[0];
    assert.deepEqual(r.model.tensors[padded].shape, [2, 6], 'the run worked out the padded shape');
    assert.notDeepEqual(view.model.tensors[padded].shape, [2, 6], 'the load did not know it');
    for (const [i, op] of cli.trace.ops.entries()) {
      assert.equal(r.trace[i].arithmetic, op.arithmetic, `op ${i} arithmetic`);
      assert.equal(r.model.ops[i].dynamic, undefined, `op ${i} has this run's parameters`);
      if (op.acc) assert.deepEqual(Array.from(accView(api.accumulators(i, profile, r.seq).acc), Number), op.acc, `op ${i} accumulators`);
    }
    // Explanations cite the run's tensors, at the run's coordinates.
    const fc = r.model.ops.findIndex((o) => o.builtin === 'FULLY_CONNECTED');
    const e = JSON.parse(api.explain(fc, 5, profile).explanation);
    const y = r.tensors[r.model.ops[fc].outputs[0]];
    assert.equal(e.value, new Int8Array(y.buffer, y.byteOffset, y.length)[5]);
    assert.deepEqual(e.coords, [1, 2]);
  });
}

test('resize: a batch input of another size, then runs on the fast path equal the command line', async () => {
  const file = path.join(s.models, 'dynamic_int8.tflite');
  const loaded = load(new Uint8Array(await readFile(file)));
  const out = api.resize(JSON.stringify([[3, 8]]));
  assert.equal(out.error, undefined, out.error);
  const c = api.constants();
  const view = { model: JSON.parse(out.model), layout: JSON.parse(out.layout), constants: c.values };
  assert.deepEqual(view.model.tensors[view.model.inputs[0]].shape, [3, 8]);
  assert.deepEqual(Array.from(c.values), Array.from(loaded.constants), 'the constants stay');
  const inputs = randomInputs(view.model, 5);
  assert.equal(inputs[0].length, 24);
  const raw = api.run(inputs, 'reference', true);
  assert.equal(raw.error, undefined, raw.error);
  assert.deepEqual(plain({ ...general(inputs, 'reference', true), seq: 0 }), plain({ ...raw, seq: 0 }), 'the fast path takes the resized input');
  const r = decodeRun(raw, view, 'reference');
  const cli = await cliRun('resized', file, inputs, 'reference');
  for (const [ti, want] of cli.tensors) {
    assert.deepEqual(Array.from(r.tensors[ti]), Array.from(want), `tensor ${ti}`);
    assert.deepEqual(r.model.tensors[ti].shape, cli.shapes.get(ti), `tensor ${ti}'s shape`);
  }
  assert.deepEqual(r.model.tensors[r.model.outputs[0]].shape, [6, 6]);
  // The old size is refused now; a fixed dimension cannot change.
  assert.match(api.run([inputs[0].subarray(0, 8)], 'reference', false).error, /needs 24 bytes, got 8/);
  assert.match(api.resize(JSON.stringify([[3, 9]])).error, /dimension 1 is fixed/);
  assert.match(api.resize('[[3').error, /^resize: shapes/);
  assert.match(api.resize(JSON.stringify([[3, 8], [1]])).error, /model has 1 inputs, got 2 shapes/);
});

test('constants arrive once per model and hold the numbers explanations cite', async (t) => {
  if (!needMNIST(t)) return;
  const view = load(new Uint8Array(await readFile(mnistModel)));
  const r = decodeRun(api.run(randomInputs(view.model), 'reference', true), view, 'reference');
  const fc = view.model.ops.findIndex((o) => o.builtin === 'FULLY_CONNECTED');
  const e = JSON.parse(api.explain(fc, 3, 'reference').explanation);
  assert.ok(e.terms.length > 10);
  const w = new Int8Array(r.tensors[e.term_filter].buffer, r.tensors[e.term_filter].byteOffset, r.tensors[e.term_filter].length);
  const x = new Int8Array(r.tensors[e.term_input].buffer, r.tensors[e.term_input].byteOffset, r.tensors[e.term_input].length);
  assert.ok(view.model.tensors[e.term_filter].const, 'the filter is a constant tensor');
  for (const term of e.terms) {
    assert.equal(w[term.filter_index], term.filter, `filter element ${term.filter_index}`);
    assert.equal(x[term.input_index], term.input, `input element ${term.input_index}`);
  }
  // A run's buffer holds no constant: its size is the non-constant tensors'.
  const nonConst = view.model.tensors.filter((x) => !x.const).length;
  assert.ok(view.layout.tensors.filter(([where]) => where === 2).length === nonConst);
  assert.ok(r.tensors[e.term_filter].buffer !== r.tensors[e.term_input].buffer);
});

test("an op's accumulators come from the run the page shows, or an error says they are gone", async (t) => {
  if (!needMNIST(t)) return;
  const view = load(new Uint8Array(await readFile(mnistModel)));
  const inputs = randomInputs(view.model);
  const a = decodeRun(api.run(inputs, 'reference', true), view, 'reference');
  const conv = a.trace.findIndex((x) => x.accumulators > 0);
  assert.ok(conv >= 0);
  const first = Array.from(accView(api.accumulators(conv, 'reference', a.seq).acc));
  assert.equal(first.length, a.trace[conv].accumulators);
  // A run under another profile leaves them; one under the same profile replaces them.
  decodeRun(api.run(inputs, 'tflite-xnnpack', true), view, 'tflite-xnnpack');
  assert.deepEqual(Array.from(accView(api.accumulators(conv, 'reference', a.seq).acc)), first);
  const b = decodeRun(api.run(randomInputs(view.model, 99), 'reference', true), view, 'reference');
  assert.match(api.accumulators(conv, 'reference', a.seq).error, new RegExp(`^run ${a.seq}'s accumulators are gone: run ${b.seq} under reference came after it$`));
  assert.notDeepEqual(Array.from(accView(api.accumulators(conv, 'reference', b.seq).acc)), first, 'other inputs, other sums');
  assert.match(api.accumulators(999, 'reference', b.seq).error, /^op 999 is out of range/);
});

test('a stateful model: the state after each run, through either path', async () => {
  const view = load(new Uint8Array(await readFile(path.join(s.models, 'stateful_float.tflite'))));
  const inputs = randomInputs(view.model);
  const a = decodeRun(api.run(inputs, 'reference', true), view, 'reference');
  const b = decodeRun(api.run(inputs, 'reference', false), view, 'reference');
  assert.ok(Array.isArray(a.state) && a.state.length > 0);
  assert.notDeepEqual(a.state, b.state, 'the second run starts from the first one’s state');
  api.reset();
  const c = decodeRun(general(inputs, 'reference', true), view, 'reference');
  const d = decodeRun(general(inputs, 'reference', false), view, 'reference');
  assert.deepEqual([c.state, d.state], [a.state, b.state]);
});

test('bad arguments get the same error through either path', async () => {
  const view = load(new Uint8Array(await readFile(path.join(s.models, 'fc_int8.tflite'))));
  const good = randomInputs(view.model);
  const cases = [
    [[good[0], good[0]], 'reference', false, /^model has 1 inputs, got 2$/],
    [[good[0].subarray(1)], 'reference', false, /^input 0 \(tensor \d+ ".*", int8 \[1 16\]\) needs 16 bytes, got 15$/],
    [good, 'nonsense', true, /^unknown profile "nonsense"/],
    [[new Float32Array(4)], 'reference', false, /^input 0: expected a Uint8Array/],
    [good, 'reference', 'yes', /./],
  ];
  for (const [inputs, profile, trace, want] of cases) {
    const fast = api.run(inputs, profile, trace), slow = general(inputs, profile, trace);
    assert.match(fast.error ?? '', want, `${profile} ${inputs.length}`);
    assert.equal(fast.error, slow.error);
  }
  // And a good run after them works.
  assert.equal(api.run(good, 'reference', false).error, undefined);
});
