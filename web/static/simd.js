// simd.js installs the engine's WebAssembly SIMD kernels (simd.wasm, built
// from wasm/simd/kernels.wat) into a running Go instance: the kernels'
// module imports the Go instance's exported memory, and the engine calls
// them with addresses of its own slices (wasm/simd.go). Where WebAssembly
// SIMD is missing, or anything fails, the engine keeps its pure-Go kernels
// and the reason is returned.
//
// A plain script, so that the engine's worker (importScripts), the bench
// page (<script>) and Node (import, for its side effect) can all load it:
// it defines globalThis.int8scopeSIMD.
/* global int8scope */
globalThis.int8scopeSIMD = {
  // install instantiates the kernels (the bytes of simd.wasm, or a promise
  // of them, or of a fetch Response) on goInstance's memory and hands them
  // to api (the int8scope global). It resolves to {simd: true} or
  // {simd: false, reason}; it never rejects.
  async install(goInstance, source, api = globalThis.int8scope) {
    try {
      let bytes = await source;
      if (bytes && typeof bytes.arrayBuffer === 'function' && !(bytes instanceof Uint8Array)) {
        if (bytes.ok === false) throw new Error(`simd.wasm: HTTP ${bytes.status}`);
        bytes = await bytes.arrayBuffer();
      }
      if (!WebAssembly.validate(bytes)) return { simd: false, reason: 'this WebAssembly engine has no SIMD' };
      const { instance } = await WebAssembly.instantiate(bytes, { go: { mem: goInstance.exports.mem } });
      const r = api.accelerate(instance.exports);
      if (r.error) throw new Error(r.error);
      return { simd: true };
    } catch (e) {
      return { simd: false, reason: `the SIMD kernels did not load: ${e && e.message ? e.message : e}` };
    }
  },
};
