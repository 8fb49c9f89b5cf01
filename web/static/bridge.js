// bridge.js: the fast path of the engine's run. attach(instance) replaces
// int8scope.run, which the Go program defines through syscall/js (about
// 15 µs of overhead a call, more than a small model's inference), with a run
// through two functions the WebAssembly module exports (wasm/run.go): the
// inputs and the profile's name are written straight into the instance's
// memory, int8scope_run runs, and its results are copied out of that memory,
// one slice per buffer. It returns exactly what the general path returns:
//
//	{values, seq, trace?, notes?, state?, note?, model?, layout?} | {error}
//
// (runview.js decodes it). Arguments the fast path does not expect go to
// the general path, which says what is wrong with them.

// Indexes of the result header (uint32s; wasm/run.go's hdr* constants).
const STATUS = 0, VALUES = 1, TRACED = 3, TRACE = 4, SEQ = 6, NOTES = 8, STATE = 10, NOTE = 12, MODEL = 14, LAYOUT = 16;

// attach installs the fast run on api (the int8scope global) and returns
// api; an instance without the exports keeps the general path.
export function attach(instance, api = globalThis.int8scope) {
  const ex = instance.exports;
  if (typeof ex.int8scope_run !== 'function' || typeof ex.int8scope_io !== 'function') return api;
  const general = api.run;
  const enc = new TextEncoder(), dec = new TextDecoder();
  // Views of the instance's memory, made again only when it grew (a new
  // buffer): two views of the whole memory per run cost more than a
  // small model's run.
  let buffer = null, bytes = null, words = null;
  const views = () => {
    if (ex.mem.buffer !== buffer) {
      buffer = ex.mem.buffer;
      bytes = new Uint8Array(buffer);
      words = new Uint32Array(buffer);
    }
  };
  let lastProfile = null, lastArgs = -1, lastLen = 0;
  api.run = (inputs, profile, trace) => {
    if (!Array.isArray(inputs) || !inputs.every((x) => x instanceof Uint8Array) || typeof profile !== 'string' || typeof trace !== 'boolean') {
      return general(inputs, profile, trace);
    }
    views();
    // The io block: [inputs, args address, args capacity, given lengths address, (address, length) per input].
    const io = (ex.int8scope_io() >>> 0) / 4;
    const n = words[io], args = words[io + 1], cap = words[io + 2], given = words[io + 3] / 4;
    // The profile's name, written again only when it changed (only JS
    // writes the args area; encodeInto costs a small model's run a tenth).
    if (profile !== lastProfile || args !== lastArgs) {
      const { read, written } = enc.encodeInto(profile, bytes.subarray(args, args + cap));
      lastProfile = profile;
      lastArgs = args;
      lastLen = read < profile.length ? cap + 1 : written;
    }
    const profileLen = lastLen;
    for (let i = 0; i < Math.min(n, inputs.length); i++) {
      const at = words[io + 4 + 2 * i], len = words[io + 5 + 2 * i];
      words[given + i] = inputs[i].byteLength;
      if (inputs[i].byteLength === len) bytes.set(inputs[i], at);
    }
    const h = (ex.int8scope_run(profileLen, inputs.length, trace ? 1 : 0) >>> 0) / 4;
    views(); // the run may have grown the memory
    const at = (k) => bytes.subarray(words[h + k], words[h + k] + words[h + k + 1]);
    // A copy of a buffer the header spans: bytes.slice, one typed array,
    // where at(k).slice() makes two (a tenth of a 3-op model's trace).
    const copy = (k) => bytes.slice(words[h + k], words[h + k] + words[h + k + 1]);
    if (words[h + STATUS] !== 0) return { error: dec.decode(at(VALUES)) };
    const out = { values: copy(VALUES), seq: words[h + SEQ] };
    if (words[h + TRACED]) out.trace = copy(TRACE);
    if (words[h + NOTES + 1]) out.notes = dec.decode(at(NOTES));
    if (words[h + STATE + 1]) out.state = dec.decode(at(STATE));
    if (words[h + NOTE + 1]) out.note = dec.decode(at(NOTE));
    if (words[h + MODEL + 1]) out.model = dec.decode(at(MODEL));
    if (words[h + LAYOUT + 1]) out.layout = dec.decode(at(LAYOUT));
    return out;
  };
  return api;
}
