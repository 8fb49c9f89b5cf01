// tensors.js: typed views of raw little-endian tensor bytes, and quantization
// arithmetic for display. Pure functions, also used by the Node unit tests.

const ctors = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, int32: Int32Array,
  float32: Float32Array, int64: BigInt64Array, bool: Uint8Array, resource: Int32Array,
};

// view returns the values of a tensor's bytes as a typed array (no copy when aligned).
export function view(dtype, bytes) {
  const C = ctors[dtype];
  if (!C) throw new Error(`unsupported tensor type ${dtype}`);
  if (bytes.byteOffset % C.BYTES_PER_ELEMENT !== 0) bytes = bytes.slice();
  return new C(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / C.BYTES_PER_ELEMENT));
}

// numbers converts a tensor's bytes to plain numbers.
export function numbers(dtype, bytes) {
  const v = view(dtype, bytes);
  return v instanceof BigInt64Array ? Array.from(v, Number) : v;
}

export function numElements(shape) { return shape.reduce((a, b) => a * b, 1); }

// channelOf returns the per-channel quantization slot of flat element i.
export function channelOf(tensor, i) {
  const q = tensor.quant;
  if (!q || q.scale.length <= 1) return 0;
  const inner = tensor.shape.slice(q.axis + 1).reduce((a, b) => a * b, 1);
  return Math.floor(i / inner) % tensor.shape[q.axis];
}

// real returns the real value that stored value v of element i represents.
export function real(tensor, v, i = 0) {
  const q = tensor.quant;
  if (!q || tensor.type === 'float32') return Number(v);
  const c = channelOf(tensor, i);
  return q.scale[c] * (Number(v) - q.zero_point[c]);
}

// reals returns real(tensor, vals[i], i) for every element, as a
// Float64Array, in one pass: a page showing a 40 Mi-element tensor must not
// call real (and channelOf) 40 Mi times.
export function reals(tensor, vals) {
  const n = vals.length;
  const out = new Float64Array(n);
  const q = tensor.quant;
  if (!q || tensor.type === 'float32') {
    for (let i = 0; i < n; i++) out[i] = Number(vals[i]);
    return out;
  }
  if (q.scale.length <= 1) {
    const s = q.scale[0], z = q.zero_point[0];
    for (let i = 0; i < n; i++) out[i] = s * (Number(vals[i]) - z);
    return out;
  }
  const inner = tensor.shape.slice(q.axis + 1).reduce((a, b) => a * b, 1);
  const dim = tensor.shape[q.axis];
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / inner) % dim;
    out[i] = q.scale[c] * (Number(vals[i]) - q.zero_point[c]);
  }
  return out;
}

// quantize maps real numbers to a quantized tensor's integers the way the
// TFLite reference QUANTIZE does: round half away from zero, add zp, clamp.
export function quantize(tensor, reals) {
  const [lo, hi] = { int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767] }[tensor.type] ?? [-Infinity, Infinity];
  const q = tensor.quant;
  const out = new (ctors[tensor.type])(reals.length);
  for (let i = 0; i < reals.length; i++) {
    let v = reals[i];
    if (q && tensor.type !== 'float32') {
      const x = v / q.scale[0];
      v = Math.sign(x) * Math.round(Math.abs(x)) + q.zero_point[0];
      v = Math.min(hi, Math.max(lo, v));
    }
    out[i] = v;
  }
  return new Uint8Array(out.buffer);
}

export function formatShape(shape) { return `[${shape.join('×')}]`; }

// formatMs shows an op's time. Browsers round performance.now() to 0.1 ms
// (100 µs) unless the page is cross-origin isolated, so shorter times read
// "< 0.1 ms" rather than a misleading 0.000.
export function formatMs(nanos) {
  if (nanos < 1e5) return '< 0.1 ms';
  return `${(nanos / 1e6).toFixed(1)} ms`;
}

// formatCount writes a large count the way model summaries do: 850, 7.2 M, 1.3 G.
export function formatCount(n) {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

// modelSummary is the one line under the op list: size and work of a model.
export function modelSummary(model, fileBytes) {
  const plural = (n, w) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const parts = [plural(model.ops.length, 'op'), plural(model.tensors.length, 'tensor')];
  if (model.macs) parts.push(`${formatCount(model.macs)} multiply-accumulates per inference`);
  if (fileBytes) parts.push(fileBytes >= 1048576 ? `${(fileBytes / 1048576).toFixed(1)} MB` : `${(fileBytes / 1024).toFixed(1)} KB`);
  return parts.join(' · ');
}
