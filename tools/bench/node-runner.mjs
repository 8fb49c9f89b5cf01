// node-runner.mjs: the Node half of `make bench`, one process for every
// runtime: int8scope's WASM (web/static/int8scope.wasm through wasm_exec.js,
// with and without the SIMD kernels of web/static/simd.wasm) and both
// TFLite WASM builds, measured in interleaved rounds (drive.js).
//
//	node tools/bench/node-runner.mjs CONFIG.json   → JSON on stdout
//
// CONFIG is {models: [{name, path, given: [input paths] | null}], rounds,
// targetMs}. CPU time is the main thread's, from
// /proc/self/task/<pid>/schedstat (Node 20 has no per-thread CPU clock);
// where that file is missing, the process's (process.cpuUsage), which also
// counts V8's helper threads.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createBench, simdKernels } from './runtimes.js';
import { drive } from './drive.js';
import { attach } from '../../web/static/bridge.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const log = (s) => process.stderr.write(`[node] ${s}\n`);

// threadCpuMs returns the CPU milliseconds of this (the main) thread.
const schedstat = `/proc/self/task/${process.pid}/schedstat`;
let clock = 'main-thread CPU time (/proc schedstat)';
let threadCpuMs = () => Number(fs.readFileSync(schedstat, 'utf8').split(' ')[0]) / 1e6;
try {
  if (!(threadCpuMs() > 0)) throw new Error('zero');
} catch {
  clock = 'process CPU time (process.cpuUsage)';
  threadCpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
}

// int8scope: the Go WASM module, as web/static/engine-worker.js starts it.
globalThis.require = require;
globalThis.fs = fs;
globalThis.path = path;
await import(path.join(ROOT, 'web/static/wasm_exec.js'));
await import(path.join(ROOT, 'web/static/simd.js'));
const go = new globalThis.Go();
const simd = globalThis.int8scopeSIMD.link(go); // the engine imports its SIMD kernels
const { instance } = await WebAssembly.instantiate(fs.readFileSync(path.join(ROOT, 'web/static/int8scope.wasm')), go.importObject);
go.run(instance);
const ours = attach(instance, globalThis.int8scope); // the fast run, as engine-worker.js uses it
const kernels = await simdKernels(simd, instance, fs.readFileSync(path.join(ROOT, 'web/static/simd.wasm')));

// TFLite: the two single-threaded builds of the oracle's npm package.
const pkg = path.dirname(require.resolve('@tensorflow/tfjs-tflite/package.json', { paths: [path.join(ROOT, 'oracle')] }));
const tflite = {};
for (const [build, base] of [['plain', 'tflite_web_api_cc'], ['simd', 'tflite_web_api_cc_simd']]) {
  const file = path.join(pkg, 'wasm', base);
  tflite[build] = await require(`${file}.js`)({ wasmBinary: fs.readFileSync(`${file}.wasm`), print: () => {}, printErr: () => {} });
}

const models = config.models.map((m) => ({
  name: m.name,
  bytes: new Uint8Array(fs.readFileSync(m.path)),
  given: m.given ? m.given.map((f) => (fs.existsSync(f) ? new Uint8Array(fs.readFileSync(f)) : null)) : null,
}));
const bench = createBench(ours, kernels, tflite, models);
const ids = bench.cases.filter((c) => !c.error).map((c) => c.id);
log(`${ids.length} cases (${bench.cases.length - ids.length} cannot run); clock: ${clock}`);
const results = await drive(ids, {
  select: async (id) => bench.select(id),
  measure: async (id, k) => {
    const t0 = threadCpuMs();
    bench.exec(id, k);
    return threadCpuMs() - t0;
  },
  log,
}, { rounds: config.rounds, targetMs: config.targetMs });
process.stdout.write(JSON.stringify({ env: `Node ${process.version}`, clock, cases: bench.cases, agree: bench.agree, results }));
process.exit(0);
