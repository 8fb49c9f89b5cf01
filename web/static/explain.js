// explain.js: the engine's derivation of one output integer, rendered as the
// formula with the actual numbers.
import { h, clear } from './dom.js';
import { coords } from './inspector.js';
import { numbers } from './tensors.js';

function fmt(v) { return Number.isInteger(v) ? String(v) : Number(v).toPrecision(9).replace(/\.?0+$/, ''); }

// loadAll(profile), when given, fetches the same explanation with every term
// of the sum (the engine lists the first 64), for "show all".
export function renderExplanation(el, model, e, other = null, { run = null, loadAll = null } = {}) {
  clear(el);
  const out = model.tensors[e.tensor];
  el.append(h('h3', { text: `op ${e.op} ${e.builtin} · output element ${e.index} [${e.coords.join(', ')}]` }));
  if (other) el.append(compareSummary(e, other, out.type === 'float32'));
  const side = other ? h('div', { class: 'side' }) : el;
  if (other) el.append(side);
  side.append(derivation(model, out, e, null, run, loadAll));
  if (other) {
    const same = JSON.stringify(other.terms ?? null) === JSON.stringify(e.terms ?? null) && other.terms_total === e.terms_total;
    side.append(derivation(model, out, other, same ? e.profile : null, run, loadAll));
  }
  const m = multiplierDerivation(model, e, [e, other].some((x) => x?.profile === 'tflite-xnnpack'));
  if (m) el.append(m);
}

// allTerms returns every product of the dot product, or null. The engine
// lists at most its first 64 (engine.MaxTerms); when those run over
// consecutive input and filter elements (FULLY_CONNECTED: one input row
// against one weight row), the rest follow the same pattern, and are read
// from the run's tensors. The result is used only if its sum equals the
// engine's "sum" step and its first products equal the engine's.
export function allTerms(e, tensors, model) {
  const t = e.terms;
  if (!t?.length || !tensors || e.terms_total <= t.length) return t?.length === e.terms_total ? t : null;
  const i0 = t[0].input_index, f0 = t[0].filter_index;
  if (t.some((x, k) => x.input_index !== i0 + k || x.filter_index !== f0 + k || x.input_offset !== t[0].input_offset || x.filter_offset !== t[0].filter_offset)) return null;
  const tin = model.tensors[e.term_input], tf = model.tensors[e.term_filter];
  const bin = tensors[e.term_input], bf = tensors[e.term_filter];
  if (!tin || !tf || !bin || !bf) return null;
  let vin, vf;
  try { vin = numbers(tin.type, bin); vf = numbers(tf.type, bf); } catch { return null; }
  if (i0 + e.terms_total > vin.length || f0 + e.terms_total > vf.length) return null;
  const all = [];
  let sum = 0;
  for (let k = 0; k < e.terms_total; k++) {
    const input = Number(vin[i0 + k]), filter = Number(vf[f0 + k]);
    const product = (input + t[0].input_offset) * (filter + t[0].filter_offset);
    sum += product;
    all.push({ input_index: i0 + k, input, input_offset: t[0].input_offset, filter_index: f0 + k, filter, filter_offset: t[0].filter_offset, product });
  }
  const engineSum = e.steps.find((x) => x.name === 'sum')?.value;
  if (engineSum === undefined || engineSum !== sum) return null;
  if (t.some((x, k) => x.product !== all[k].product)) return null;
  return all;
}

// byContribution orders products by |product|, largest first (ties by index).
export function byContribution(terms) {
  return terms.map((t, k) => [t, k]).sort((a, b) => Math.abs(b[0].product) - Math.abs(a[0].product) || a[1] - b[1]).map((x) => x[0]);
}

// frexp splits x > 0 into m·2^exp with m in [0.5, 1), as C's frexp.
export function frexp(x) {
  let exp = Math.floor(Math.log2(x)) + 1;
  let m = x / 2 ** exp;
  if (m >= 1) { m /= 2; exp++; } else if (m < 0.5) { m *= 2; exp--; }
  return { m, exp };
}

// quantizeMultiplier is TFLite's QuantizeMultiplier: real = q·2^(shift−31)
// with q a Q31 integer in [2^30, 2^31).
export function quantizeMultiplier(real) {
  if (real === 0) return { m: 0, exp: 0, q: 0, shift: 0 };
  let { m, exp } = frexp(real);
  let q = Math.round(m * 2 ** 31);
  if (q === 2 ** 31) { q /= 2; exp++; }
  return { m, exp, q, shift: exp };
}

// requantOf finds the prepared requantization (real and quantized
// multiplier, shift) that produced output element e, and the scales it
// comes from.
function requantOf(model, e) {
  const op = model.ops[e.op];
  if (!op?.params || typeof op.params !== 'object') return null;
  // The reference's fixed-point multipliers: the op's own, or its output
  // stage's (op.params.output.requant for the multiply-accumulate ops).
  const isList = (v) => Array.isArray(v) && v.length && typeof v[0] === 'object' && v[0] && 'quantized_multiplier' in v[0];
  const list = Object.values(op.params).find(isList) ?? Object.values(op.params.output ?? {}).find(isList);
  if (!list) return null;
  const c = list.length > 1 ? e.coords[e.coords.length - 1] : 0;
  const r = list[c];
  const sc = (ti, ch = 0) => { const q = model.tensors[ti]?.quant; return q ? q.scale[q.scale.length > 1 ? ch : 0] : null; };
  const sIn = sc(e.term_input ?? op.inputs[0]), sW = sc(e.term_filter ?? op.inputs[1], c), sOut = sc(e.tensor);
  if (!r || sIn === null || sW === null || sOut === null) return null;
  return { r, c, perChannel: list.length > 1, sIn, sW, sOut };
}

// multiplierDerivation shows, step by step, how Prepare turned the three
// scales into the integer multiplier and shift the steps above use.
function multiplierDerivation(model, e, xnnpack = false) {
  if (!e.terms?.length) return null;
  const x = requantOf(model, e);
  if (!x) return null;
  const { r, c, perChannel, sIn, sW, sOut } = x;
  const d = quantizeMultiplier(r.real_multiplier);
  const ok = d.q === r.quantized_multiplier && d.shift === r.shift;
  return h('details', { class: 'derive', open: true, dataset: { testid: 'multiplier-derivation' } },
    h('summary', { text: `where the multiplier ${r.quantized_multiplier} and shift ${r.shift} come from${perChannel ? ` (channel ${c})` : ''}` }),
    h('ol', {},
      h('li', {}, 'real multiplier = s_in · s_w / s_out = ', h('code', { text: `${fmt(sIn)} · ${fmt(sW)} / ${fmt(sOut)}` }), ' = ', h('code', { class: 'real-m', text: fmt(r.real_multiplier) })),
      h('li', {}, 'normalise: real = mantissa · 2^exp with mantissa in [0.5, 1): ', h('code', { text: `${fmt(d.m)} · 2^${d.exp}` })),
      h('li', {}, 'Q31 multiplier = round(mantissa · 2^31) = ', h('code', { class: 'q-m', text: String(d.q) }), `, shift = exp = `, h('code', { class: 'q-shift', text: String(d.shift) })),
      h('li', {}, 'so acc · real ≈ acc · ', h('code', { text: `${d.q} · 2^(${d.shift} − 31)` }), ok ? ' — the values Prepare derived (above).' : ` — Prepare derived ${r.quantized_multiplier}, shift ${r.shift}.`)),
    xnnpack ? h('p', { class: 'muted', text: 'tflite-xnnpack uses neither: it multiplies the accumulator by the float32 scale float32(s_in·s_w)/s_out (its "scale" step) and rounds half to even.' }) : null);
}

// derivation renders one explanation; sameTermsAs names the profile whose
// identical product table is already on screen.
function derivation(model, out, e, sameTermsAs = null, run = null, loadAll = null) {
  const box = h('div', { class: 'derivation', dataset: { profile: e.profile } });
  box.append(h('p', {}, h('b', { text: e.profile }), ' — ', h('span', { class: 'muted', text: e.arithmetic })));
  if (sameTermsAs && e.terms && e.terms.length) {
    box.append(h('p', { class: 'muted', text: `the same ${e.terms_total} products as ${sameTermsAs}` }));
  } else if (e.terms && e.terms.length) {
    const { inAt, wAt } = termCoords(model, e);
    const all = allTerms(e, run?.tensors, model);
    const pool = byContribution(all ?? e.terms);
    const row = (t) => h('tr', {},
      h('td', { text: t.input_index < 0 ? 'pad' : `in${inAt(t.input_index)}`, title: `flat index ${t.input_index}` }),
      h('td', { text: `(${t.input} + ${t.input_offset})` }),
      h('td', { text: '×' }),
      h('td', { text: `w${wAt(t.filter_index)} (${t.filter} + ${t.filter_offset})`, title: `flat index ${t.filter_index}` }),
      h('td', { text: `= ${t.product}` }));
    const tbody = h('tbody', {}, pool.slice(0, e.terms.length).map(row));
    const zeros = pool.filter((t) => t.product === 0).length;
    const head = h('div', { class: 'terms-head' }, h('span', { text: `Σ over ${e.terms_total} products (input + input_offset)·(filter + filter_offset), largest |product| first` +
      (all ? '' : e.terms_total > e.terms.length ? ` (sorted among the first ${e.terms.length} the engine lists)` : '') + (zeros ? `; ${zeros} are 0` : '') + ':' }));
    if (pool.length > e.terms.length) {
      head.append(h('button', { type: 'button', dataset: { testid: 'show-all-terms' }, text: `show all ${pool.length}`, onclick: (ev) => { tbody.replaceChildren(...pool.map(row)); ev.target.remove(); } }));
    } else if (e.terms_total > e.terms.length && loadAll) {
      // The engine lists every term on request (a conv window can hold thousands).
      head.append(h('button', { type: 'button', dataset: { testid: 'show-all-terms' }, text: `show all ${e.terms_total}`, onclick: async (ev) => {
        ev.target.disabled = true;
        try {
          const full = await loadAll(e.profile);
          tbody.replaceChildren(...byContribution(full.terms).map(row));
          head.firstChild.textContent = `Σ over ${full.terms_total} products (input + input_offset)·(filter + filter_offset), largest |product| first:`;
          ev.target.remove();
        } catch (err) {
          ev.target.replaceWith(h('span', { class: 'error', text: ` could not list them: ${err.message ?? err}` }));
        }
      } }));
    }
    box.append(head, h('div', { class: 'scroll' }, h('table', {}, tbody)));
  }
  box.append(h('ol', { class: 'steps' }, e.steps.map((s) =>
    h('li', {}, h('b', { text: `${s.name}: ` }), s.formula, ' = ', h('span', { class: 'v', text: fmt(s.value) })))));
  const q = out.quant;
  const zp = q?.zero_point?.[0], sc = q?.scale?.[0];
  box.append(h('p', { class: 'final' }, 'output = ', h('b', { text: result(e, out.type === 'float32') }),
    q ? h('span', { class: 'real' }, ' → real value = scale × (q − zero point) = ', h('code', { text: `${fmt(sc)} × (${e.value} − ${zp < 0 ? `(${zp})` : zp}) = ${fmt(e.real)}` })) : ''));
  if (e.exact !== undefined && e.exact !== null) {
    box.append(h('p', { class: 'muted exact' }, `without rounding: acc × real multiplier + zero point = ${e.exact.toFixed(4)} (nearest integer ${nearest(e.exact)})`));
  }
  return box;
}

// termCoords names the terms' input and filter elements by coordinates
// (in[0,8,8,0] rather than in[203]) in the tensors the engine says they index.
export function termCoords(model, e) {
  const at = (ti) => {
    const shape = model.tensors[ti]?.shape;
    return shape && shape.length > 1 ? (i) => `[${coords(i, shape).join(',')}]` : (i) => `[${i}]`;
  };
  return { inAt: at(e.term_input), wAt: at(e.term_filter) };
}

// nearest rounds half away from zero, the tie rule of the reference kernels.
function nearest(x) { return Math.sign(x) * Math.round(Math.abs(x)); }

// result is an explanation's output: the integer, or for a float output
// (whose value the engine gives in real) the float, untruncated.
function result(e, float) { return float ? fmt(e.real) : String(e.value); }

// compareSummary says in one sentence where two derivations of the same
// element part: the steps they share, and which result is nearer the
// exact value. float marks a float output.
export function compareSummary(a, b, float = false) {
  const ra = result(a, float), rb = result(b, float);
  if (ra === rb) return h('p', { class: 'summary', dataset: { testid: 'explain-summary' }, text: `Both profiles give ${ra}.` });
  const shared = [];
  for (let i = 0; i < Math.min(a.steps.length, b.steps.length); i++) {
    if (a.steps[i].name !== b.steps[i].name || a.steps[i].value !== b.steps[i].value) break;
    shared.push(a.steps[i]);
  }
  let text = `${a.profile} gives ${ra}, ${b.profile} gives ${rb}.`;
  if (shared.length) {
    const last = shared[shared.length - 1];
    text += ` They agree up to ${last.name} = ${fmt(last.value)} and part in the rounding after it.`;
  }
  const x = a.exact;
  if (x !== undefined && x !== null && a.exact !== b.exact) {
    text += ' Their accumulators differ: the op\'s inputs already differ between the profiles.';
  } else if (x !== undefined && x !== null) {
    const da = Math.abs(a.value - x), db = Math.abs(b.value - x);
    const closer = da < db ? a.profile : db < da ? b.profile : null;
    text += ` Without rounding the value is ${x.toFixed(4)}` + (closer ? `: ${closer} is nearer.` : '.');
  }
  return h('p', { class: 'summary', dataset: { testid: 'explain-summary' }, text });
}
