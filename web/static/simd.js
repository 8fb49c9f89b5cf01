// simd.js installs the engine's WebAssembly SIMD kernels (simd.wasm, built
// from wasm/simd/kernels.wat) into a running Go instance: the kernels'
// module imports the Go instance's exported memory, and the engine calls
// them with addresses of its own slices (wasm/simd.go). Where WebAssembly
// SIMD is missing, or anything fails, the engine keeps its pure-Go kernels
// and the reason is returned.
//
// The engine calls a kernel as a //go:wasmimport function of the import
// module "int8scope_simd" (plain numbers in, no syscall/js, no allocation),
// so the Go instance needs that module at instantiation, before the kernels
// exist: link(go) adds it to go.importObject, each of its functions
// forwarding to the function of the same name of the kernels that
// int8scope.accelerate was last given. Start the engine as
//
//	const go = new Go();
//	const simd = int8scopeSIMD.link(go);
//	const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
//	go.run(instance);
//	await simd.install(instance, fetch('simd.wasm'));  // → {simd: true} | {simd: false, reason}
//
// A plain script, so that the engine's worker (importScripts), the bench
// page (<script>) and Node (import, for its side effect) can all load it:
// it defines globalThis.int8scopeSIMD.
/* global int8scope */
globalThis.int8scopeSIMD = {
  // link adds the import module "int8scope_simd" to go.importObject (go is
  // wasm_exec.js's Go) and returns the instance's linker:
  //   - attach(api) makes api.accelerate(kernels) (the int8scope global's)
  //     also bind the forwarders to kernels (install calls it);
  //   - instantiate(goInstance, bytes) instantiates simd.wasm on the Go
  //     instance's memory and returns its exports, or null without SIMD;
  //   - install(goInstance, source, api) does both and turns the kernels on.
  // Until kernels are bound a forwarder throws; the engine calls none while
  // accelerate has not turned them on.
  link(go) {
    const bound = { kernels: null };
    // One forwarder per name the Go module imports, made on demand (the
    // engine declares the kernels; this file lists none of them).
    const forwarders = new Map();
    go.importObject.int8scope_simd = new Proxy({}, {
      get(_, name) {
        if (typeof name !== 'string') return undefined;
        if (!forwarders.has(name)) forwarders.set(name, (...args) => bound.kernels[name](...args));
        return forwarders.get(name);
      },
    });
    const linker = {
      attached: null,
      attach(api = globalThis.int8scope) {
        if (linker.attached === api) return api;
        const accelerate = api.accelerate;
        api.accelerate = (kernels) => {
          const r = accelerate(kernels);
          if (!r.error) bound.kernels = kernels ?? null;
          return r;
        };
        linker.attached = api;
        return api;
      },
      async instantiate(goInstance, bytes) {
        if (!WebAssembly.validate(bytes)) return null;
        const { instance } = await WebAssembly.instantiate(bytes, { go: { mem: goInstance.exports.mem } });
        return instance.exports;
      },
      // install instantiates the kernels (the bytes of simd.wasm, or a
      // promise of them, or of a fetch Response) on goInstance's memory and
      // hands them to api (the int8scope global). It resolves to {simd:
      // true} or {simd: false, reason}; it never rejects.
      async install(goInstance, source, api = globalThis.int8scope) {
        try {
          let bytes = await source;
          if (bytes && typeof bytes.arrayBuffer === 'function' && !(bytes instanceof Uint8Array)) {
            if (bytes.ok === false) throw new Error(`simd.wasm: HTTP ${bytes.status}`);
            bytes = await bytes.arrayBuffer();
          }
          const kernels = await linker.instantiate(goInstance, bytes);
          if (!kernels) return { simd: false, reason: 'this WebAssembly engine has no SIMD' };
          const r = linker.attach(api).accelerate(kernels);
          if (r.error) throw new Error(r.error);
          return { simd: true };
        } catch (e) {
          return { simd: false, reason: `the SIMD kernels did not load: ${e && e.message ? e.message : e}` };
        }
      },
    };
    return linker;
  },
};
