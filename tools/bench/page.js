// page.js: the Chromium half of `make bench`. bench.mjs calls
// window.benchSetup(config) once, then select/exec per measurement and reads
// the main thread's CPU time around each exec through CDP. Everything runs
// on the page's main thread, where CDP's ThreadTime metric sees it.
import { createBench, simdKernels } from './runtimes.js';
import { attach } from '../../web/static/bridge.js';

// loadFactory runs one Emscripten script and returns the factory it defines
// (both TFLite builds define the same global name).
function loadFactory(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => {
      const f = window.tflite_web_api_ModuleFactory;
      window.tflite_web_api_ModuleFactory = undefined; // a var: cannot be deleted
      resolve(f);
    };
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(s);
  });
}

async function bytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

let bench = null;

window.benchSetup = async (config) => {
  const go = new window.Go();
  const simd = window.int8scopeSIMD.link(go); // the engine imports its SIMD kernels (simd.js)
  const { instance } = await WebAssembly.instantiate(await bytes('/static/int8scope.wasm'), go.importObject);
  go.run(instance);
  attach(instance, window.int8scope); // the fast run, as engine-worker.js uses it
  const kernels = await simdKernels(simd, instance, await bytes('/static/simd.wasm'));
  const tflite = {};
  for (const [build, base] of [['plain', 'tflite_web_api_cc'], ['simd', 'tflite_web_api_cc_simd']]) {
    const factory = await loadFactory(`/tflite/${base}.js`);
    tflite[build] = await factory({ wasmBinary: await bytes(`/tflite/${base}.wasm`), print: () => {}, printErr: () => {} });
  }
  const models = [];
  for (const [i, m] of config.models.entries()) {
    const given = m.given ? await Promise.all(m.given.map((_, j) => bytes(`/given/${i}/${j}`).catch(() => null))) : null;
    models.push({ name: m.name, bytes: await bytes(`/model/${i}`), given });
  }
  bench = createBench(window.int8scope, kernels, tflite, models);
  return { cases: bench.cases, agree: bench.agree };
};

window.benchSelect = (id) => bench.select(id);
window.benchExec = (id, k) => bench.exec(id, k);
