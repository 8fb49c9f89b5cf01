// inputs.js: inputs of models that are not a 28×28 image: zeros, seeded
// random, a constant, or a raw/.npy file per input.
import { h, clear } from './dom.js';
import { numElements, formatShape } from './tensors.js';

const sizes = { int8: 1, uint8: 1, int16: 2, int32: 4, float32: 4, int64: 8, bool: 1 };
const npyTypes = { '|i1': 'int8', '|u1': 'uint8', '<i2': 'int16', '<i4': 'int32', '<f4': 'float32', '<i8': 'int64', '|b1': 'bool' };

// isImageInput says whether the model's single input can come from the
// drawing: a 28×28 single-channel image ([28,28], [1,28,28], [1,28,28,1])
// or one flattened to 784 values ([1,784]), as MNIST models take it.
export function isImageInput(model) {
  if (model.inputs.length !== 1) return false;
  const t = model.tensors[model.inputs[0]];
  const dims = t.shape.filter((d) => d !== 1).join('x');
  return (dims === '28x28' || dims === '784') && ['float32', 'int8', 'uint8'].includes(t.type);
}

// pictureShape returns {H, W, C} when input tensor t is an image another
// than the drawing: [1,H,W,C] with 1, 3 or 4 channels, else null.
export function pictureShape(t) {
  if (t.shape.length !== 4 || t.shape[0] !== 1 || ![1, 3, 4].includes(t.shape[3]) || t.shape[1] < 2 || t.shape[2] < 2) return null;
  if (!['float32', 'int8', 'uint8'].includes(t.type)) return null;
  return { H: t.shape[1], W: t.shape[2], C: t.shape[3] };
}

// isPictureInput says whether the model's single input takes an image file.
export function isPictureInput(model) {
  return model.inputs.length === 1 && !isImageInput(model) && pictureShape(model.tensors[model.inputs[0]]) !== null;
}

// pixelRange is the real range pixel values 0…255 map onto: [0, 1] for a
// float input; for a quantized one, the range its scale and zero point can
// represent (scale·(qmin−zp) … scale·(qmax−zp)), so that a pixel lands on
// the integer the model's own preprocessing would give (e.g. q = p − 128
// for scale 1/255, zero point −128).
export function pixelRange(t) {
  const q = t.quant;
  if (t.type === 'float32' || !q) return [0, 1];
  const [qmin, qmax] = t.type === 'uint8' ? [0, 255] : [-128, 127];
  return [q.scale[0] * (qmin - q.zero_point[0]), q.scale[0] * (qmax - q.zero_point[0])];
}

// pictureReals turns RGBA pixels (already W×H) into the input's real values, NHWC.
export function pictureReals(rgba, { H, W, C }, [lo, hi]) {
  const out = new Float32Array(H * W * C);
  for (let i = 0; i < H * W; i++) {
    for (let c = 0; c < C; c++) {
      const p = C === 1 ? (rgba[4 * i] + rgba[4 * i + 1] + rgba[4 * i + 2]) / 3 : rgba[4 * i + Math.min(c, 3)];
      out[i * C + c] = lo + (p / 255) * (hi - lo);
    }
  }
  return out;
}

// renderPictureInput offers an image file for an image-shaped input: the
// picture is resized to the input's H×W, mapped to reals by pixelRange,
// quantized with the input's scale and zero point, and shown as the model
// sees it. onChange(bytes[], file name) fires once the picture is read.
export function renderPictureInput(div, model, onChange, onError, quantize) {
  clear(div);
  const t = model.tensors[model.inputs[0]];
  const shape = pictureShape(t);
  const [lo, hi] = pixelRange(t);
  const file = h('input', { type: 'file', accept: 'image/*', dataset: { testid: 'image-file' } });
  const cv = h('canvas', { width: shape.W, height: shape.H, dataset: { testid: 'image-preview' }, style: `width:${Math.min(256, shape.W * Math.max(1, Math.floor(128 / shape.W)))}px` });
  const cap = h('p', { class: 'muted' });
  file.addEventListener('change', async () => {
    const f = file.files[0];
    if (!f) return;
    try {
      const bmp = await createImageBitmap(f);
      const ctx = cv.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(bmp, 0, 0, shape.W, shape.H);
      const reals = pictureReals(ctx.getImageData(0, 0, shape.W, shape.H).data, shape, [lo, hi]);
      const bytes = t.type === 'float32' ? new Uint8Array(reals.buffer) : quantize(t, reals);
      cap.textContent = `${f.name}, resized to ${shape.W}×${shape.H}; pixels 0…255 → reals ${Number(lo.toPrecision(4))}…${Number(hi.toPrecision(4))}` +
        (t.type === 'float32' ? '' : `, quantized with scale ${t.quant.scale[0]} and zero point ${t.quant.zero_point[0]}`);
      onChange([bytes], f.name);
    } catch (e) {
      onError(new Error(`${f.name} could not be read as an image: ${e.message}`));
    }
  });
  div.append(h('p', { text: `This model takes a ${shape.H}×${shape.W}×${shape.C} image: ` }), h('label', {}, 'image file ', file), h('figure', {}, cv), cap);
}

// parseNpy reads a NumPy .npy file (version 1–3) and returns its raw data,
// checking that dtype and element count match the tensor.
export function parseNpy(buf, tensor) {
  const b = new Uint8Array(buf);
  if (b.length < 10 || b[0] !== 0x93 || String.fromCharCode(...b.slice(1, 6)) !== 'NUMPY') throw new Error('not a .npy file');
  const major = b[6];
  const hl = major === 1 ? b[8] | (b[9] << 8) : new DataView(b.buffer, b.byteOffset).getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + hl > b.length) throw new Error('.npy header is truncated');
  const header = new TextDecoder().decode(b.slice(start, start + hl));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (fortran) throw new Error('.npy in Fortran order is not supported; save with np.ascontiguousarray');
  if (npyTypes[descr] !== tensor.type) throw new Error(`.npy has dtype ${descr}, the input is ${tensor.type}`);
  const n = shape.reduce((a, c) => a * c, 1);
  if (n !== numElements(tensor.shape)) throw new Error(`.npy has shape (${shape.join(', ')}), the input needs ${formatShape(tensor.shape)}`);
  const data = b.slice(start + hl);
  if (data.length !== n * sizes[tensor.type]) throw new Error(`.npy data has ${data.length} bytes, want ${n * sizes[tensor.type]}`);
  return data;
}

// mulberry32 is a small seeded PRNG so random inputs are reproducible from links.
function mulberry32(a) {
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// makeInput builds raw bytes for a tensor from a setting.
export function makeInput(tensor, { mode, value = 0, seed = 1 }) {
  const n = numElements(tensor.shape);
  const C = { int8: Int8Array, uint8: Uint8Array, int16: Int16Array, int32: Int32Array, float32: Float32Array, bool: Uint8Array }[tensor.type];
  if (!C) throw new Error(`inputs of type ${tensor.type} are not supported in the page`);
  const a = new C(n);
  const rnd = mulberry32(seed);
  const [lo, hi] = { int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], int32: [-1000, 1000], bool: [0, 1] }[tensor.type] ?? [-1, 1];
  for (let i = 0; i < n; i++) {
    if (mode === 'random') a[i] = tensor.type === 'float32' ? rnd() * 2 - 1 : Math.floor(lo + rnd() * (hi - lo + 1));
    else if (mode === 'constant') a[i] = value;
  }
  return new Uint8Array(a.buffer);
}

// resizable says whether input tensor t may take another shape: its
// shape_signature has a −1 (a batch of any size), as Model.Resize allows.
export function resizable(t) {
  return (t.shape_signature ?? []).includes(-1);
}

// parseShape reads dimensions typed as "2,8", "2×8", "2x8" or "[2, 8]"; it
// throws on anything but positive integers. (Which dimensions may change
// is the engine's to say.)
export function parseShape(text) {
  const parts = text.replace(/[[\]\s]/g, '').split(/[,×x]/).filter((p) => p !== '');
  if (!parts.length) throw new Error('type the shape as dimensions separated by commas, e.g. 2,8');
  return parts.map((p) => {
    if (!/^\d+$/.test(p) || Number(p) < 1) throw new Error(`shape dimension "${p}" is not a positive integer`);
    return Number(p);
  });
}

// renderInputs shows one control row per model input; onChange(bytes[]) fires on every change.
// An input whose shape_signature has −1 also gets a shape field: onResize(input number, dims)
// fires when it changes.
export function renderInputs(div, model, setting, onChange, onError, onResize = null) {
  clear(div);
  const files = new Map();
  const modeSel = h('select', { dataset: { testid: 'input-mode' } }, ['zeros', 'random', 'constant'].map((m) => h('option', { value: m, text: m, selected: m === setting.mode })));
  const valueIn = h('input', { type: 'number', value: String(setting.value ?? 0), step: 'any', style: 'width:6em' });
  const seedIn = h('input', { type: 'number', value: String(setting.seed ?? 1), style: 'width:5em' });
  const build = () => model.inputs.map((ti) => files.get(ti) ?? makeInput(model.tensors[ti], setting));
  const update = () => {
    setting.mode = modeSel.value; setting.value = Number(valueIn.value); setting.seed = Math.max(0, Math.floor(Number(seedIn.value)) || 0);
    onChange(build());
  };
  for (const el of [modeSel, valueIn, seedIn]) el.addEventListener('change', update);
  div.append(h('p', { text: 'This model does not take a 28×28 image. Set its inputs:' }),
    h('label', {}, 'fill ', modeSel, ' value ', valueIn, ' seed ', seedIn));
  for (const ti of model.inputs) {
    const t = model.tensors[ti];
    const file = h('input', { type: 'file', accept: '.npy,.bin,.raw' });
    file.addEventListener('change', async () => {
      const f = file.files[0];
      if (!f) return;
      try {
        const buf = await f.arrayBuffer();
        let data;
        if (f.name.endsWith('.npy')) data = parseNpy(buf, t);
        else {
          data = new Uint8Array(buf);
          const want = numElements(t.shape) * sizes[t.type];
          if (data.length !== want) throw new Error(`${f.name} has ${data.length} bytes; input tensor ${ti} (${t.type} ${formatShape(t.shape)}) needs exactly ${want}`);
        }
        files.set(ti, data);
        onChange(build());
      } catch (e) { onError(e); }
    });
    div.append(h('label', {}, `input ${ti} `, h('span', { class: 'name', text: t.name }), ` ${t.type} ${formatShape(t.shape)} — raw or .npy file: `, file));
    if (onResize && resizable(t)) {
      const k = model.inputs.indexOf(ti);
      const shape = h('input', { type: 'text', value: t.shape.join(','), dataset: { testid: 'input-shape', input: String(k) }, style: 'width:8em', 'aria-label': `shape of input ${k}` });
      shape.addEventListener('change', () => {
        try { onResize(k, parseShape(shape.value)); } catch (e) { onError(e); }
      });
      div.append(h('label', { title: `shape_signature ${formatShape(t.shape_signature)}: each −1 dimension may change` }, ` shape `, shape));
    }
  }
  onChange(build());
}
