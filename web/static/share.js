// share.js: playground state ⇄ URL fragment. Format: "#s1.<base64url of
// deflate-raw(JSON)>". Decoding trusts nothing: sizes are capped before and
// after decompression, and every field is checked, so a bad, truncated or
// hostile link gives a clear error and never reaches the DOM as markup.
export const VERSION = 's1';
export const MAX_EMBED = 64 * 1024;      // models up to 64 KB ride inside the link
const MAX_FRAGMENT = 200_000;            // characters
const MAX_JSON = 512 * 1024;             // bytes after decompression
const MAX_STROKES = 400, MAX_POINTS = 20_000;

export function toBase64Url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(s) {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new ShareError('the link contains characters that are not base64url');
  // 4n+1 characters cannot be base64 (atob would throw a DOMException).
  if (s.length % 4 === 1) throw new ShareError('the link is damaged or truncated (its base64 is cut short)');
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - s.length % 4) % 4));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}

export class ShareError extends Error {}

async function pipe(bytes, stream, limit) {
  const reader = new Blob([bytes]).stream().pipeThrough(stream).getReader();
  const parts = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > limit) { reader.cancel(); throw new ShareError('the link expands to too much data'); }
    parts.push(value);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

// encodeState returns the fragment (without '#') for a state object.
export async function encodeState(state) {
  const json = new TextEncoder().encode(JSON.stringify(state));
  const z = await pipe(json, new CompressionStream('deflate-raw'), Infinity);
  return `${VERSION}.${toBase64Url(z)}`;
}

// decodeState parses a fragment; throws ShareError with a readable message.
export async function decodeState(fragment, { builtins = [], profiles = [] } = {}) {
  fragment = fragment.replace(/^#/, '');
  if (fragment.length > MAX_FRAGMENT) throw new ShareError('the link is too long');
  const dot = fragment.indexOf('.');
  if (dot < 0) throw new ShareError('this is not an int8scope share link');
  const ver = fragment.slice(0, dot);
  if (ver !== VERSION) throw new ShareError(`the link has version "${ver.slice(0, 10)}", this page reads ${VERSION}`);
  let json;
  try {
    json = await pipe(fromBase64Url(fragment.slice(dot + 1)), new DecompressionStream('deflate-raw'), MAX_JSON);
  } catch (e) {
    if (e instanceof ShareError) throw e;
    throw new ShareError('the link is damaged or truncated (it does not decompress)');
  }
  let raw;
  try { raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json)); } catch {
    throw new ShareError('the link is damaged (its contents are not valid JSON)');
  }
  return validate(raw, builtins, profiles);
}

const isInt = (v, lo, hi) => Number.isInteger(v) && v >= lo && v <= hi;

function validate(raw, builtins, profiles) {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ShareError('the link holds no playground state');
  const s = {};
  const m = raw.model;
  if (typeof m !== 'object' || m === null) throw new ShareError('the link does not say which model to use');
  if (typeof m.builtin === 'string') {
    if (!builtins.includes(m.builtin)) throw new ShareError('the link names a built-in model this page does not have');
    s.model = { builtin: m.builtin };
  } else if (typeof m.embed === 'string') {
    if (m.embed.length > Math.ceil(MAX_EMBED * 4 / 3) + 4) throw new ShareError('the embedded model is larger than 64 KB');
    s.model = { embed: fromBase64Url(m.embed), name: safeName(m.name) };
  } else if (typeof m.sha256 === 'string') {
    if (!/^[0-9a-f]{64}$/.test(m.sha256)) throw new ShareError('the link has a malformed model hash');
    s.model = { sha256: m.sha256, name: safeName(m.name) };
  } else {
    throw new ShareError('the link does not say which model to use');
  }
  if (raw.strokes !== undefined) {
    if (!Array.isArray(raw.strokes) || raw.strokes.length > MAX_STROKES) throw new ShareError('the drawing in the link is malformed');
    let n = 0;
    s.strokes = raw.strokes.map((st) => {
      if (!Array.isArray(st) || st.length % 2 !== 0 || st.length === 0) throw new ShareError('the drawing in the link is malformed');
      n += st.length / 2;
      if (n > MAX_POINTS) throw new ShareError('the drawing in the link is too large');
      const pts = [];
      for (let i = 0; i < st.length; i += 2) {
        if (!isInt(st[i], 0, 280) || !isInt(st[i + 1], 0, 280)) throw new ShareError('the drawing in the link is malformed');
        pts.push([st[i], st[i + 1]]);
      }
      return pts;
    });
  }
  if (raw.signature !== undefined) {
    if (typeof raw.signature !== 'string' || raw.signature.length > 200) throw new ShareError('the signature in the link is invalid');
    s.signature = raw.signature;
  }
  if (raw.shapes !== undefined) {
    const ok = Array.isArray(raw.shapes) && raw.shapes.length <= 64 &&
      raw.shapes.every((d) => Array.isArray(d) && d.length <= 8 && d.every((n) => isInt(n, 0, 1e6)));
    if (!ok) throw new ShareError('the input shapes in the link are invalid');
    s.shapes = raw.shapes;
  }
  if (raw.op !== undefined) { if (!isInt(raw.op, 0, 1e6)) throw new ShareError('the selected op in the link is invalid'); s.op = raw.op; }
  if (raw.elem !== undefined) { if (!isInt(raw.elem, 0, 1e9)) throw new ShareError('the selected element in the link is invalid'); s.elem = raw.elem; }
  for (const k of ['profile', 'profileB']) {
    if (raw[k] !== undefined) {
      if (!profiles.includes(raw[k])) throw new ShareError(`the link asks for an unknown arithmetic profile`);
      s[k] = raw[k];
    }
  }
  if (raw.tensor !== undefined) { if (!isInt(raw.tensor, 0, 1e7)) throw new ShareError('the opened tensor in the link is invalid'); s.tensor = raw.tensor; }
  if (raw.overlay !== undefined) { if (!['none', 'time', 'diff'].includes(raw.overlay)) throw new ShareError('the graph overlay in the link is invalid'); s.overlay = raw.overlay; }
  if (raw.compare !== undefined) s.compare = raw.compare === true;
  if (raw.input !== undefined) {
    const i = raw.input;
    if (typeof i !== 'object' || i === null || !['zeros', 'random', 'constant'].includes(i.mode)) throw new ShareError('the input settings in the link are invalid');
    s.input = { mode: i.mode, value: Number.isFinite(i.value) ? i.value : 0, seed: isInt(i.seed, 0, 2 ** 31) ? i.seed : 1 };
  }
  return s;
}

function safeName(n) {
  return typeof n === 'string' ? n.slice(0, 200) : 'model.tflite';
}

// stateToJSON flattens strokes for the link: [[x,y],…] → [x,y,x,y,…].
export function packStrokes(strokes) { return strokes.map((s) => s.flat()); }

export async function sha256Hex(bytes) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}
