// explain.js: the engine's derivation of one output integer, rendered as the
// formula with the actual numbers.
import { h, clear } from './dom.js';
import { coords } from './inspector.js';

function fmt(v) { return Number.isInteger(v) ? String(v) : Number(v).toPrecision(9).replace(/\.?0+$/, ''); }

export function renderExplanation(el, model, e, other = null) {
  clear(el);
  const out = model.tensors[e.tensor];
  el.append(h('h3', { text: `op ${e.op} ${e.builtin} · output element ${e.index} [${e.coords.join(', ')}]` }));
  if (other) el.append(compareSummary(e, other, out.type === 'float32'));
  const side = other ? h('div', { class: 'side' }) : el;
  if (other) el.append(side);
  side.append(derivation(model, out, e));
  if (other) {
    const same = JSON.stringify(other.terms ?? null) === JSON.stringify(e.terms ?? null) && other.terms_total === e.terms_total;
    side.append(derivation(model, out, other, same ? e.profile : null));
  }
}

// derivation renders one explanation; sameTermsAs names the profile whose
// identical product table is already on screen.
function derivation(model, out, e, sameTermsAs = null) {
  const box = h('div', { class: 'derivation', dataset: { profile: e.profile } });
  box.append(h('p', {}, h('b', { text: e.profile }), ' — ', h('span', { class: 'muted', text: e.arithmetic })));
  if (sameTermsAs && e.terms && e.terms.length) {
    box.append(h('p', { class: 'muted', text: `the same ${e.terms_total} products as ${sameTermsAs}` }));
  } else if (e.terms && e.terms.length) {
    const { inAt, wAt } = termCoords(model, e);
    const rows = e.terms.map((t) => h('tr', {},
      h('td', { text: t.input_index < 0 ? 'pad' : `in${inAt(t.input_index)}`, title: `flat index ${t.input_index}` }),
      h('td', { text: `(${t.input} + ${t.input_offset})` }),
      h('td', { text: '×' }),
      h('td', { text: `w${wAt(t.filter_index)} (${t.filter} + ${t.filter_offset})`, title: `flat index ${t.filter_index}` }),
      h('td', { text: `= ${t.product}` })));
    box.append(h('p', { text: `Σ over ${e.terms_total} products (input + input_offset)·(filter + filter_offset)` + (e.terms_total > e.terms.length ? `, first ${e.terms.length} shown:` : ':') }));
    box.append(h('div', { class: 'scroll' }, h('table', {}, h('tbody', {}, rows))));
  }
  box.append(h('ol', { class: 'steps' }, e.steps.map((s) =>
    h('li', {}, h('b', { text: `${s.name}: ` }), s.formula, ' = ', h('span', { class: 'v', text: fmt(s.value) })))));
  const q = out.quant;
  box.append(h('p', { class: 'final' }, 'output = ', h('b', { text: result(e, out.type === 'float32') }),
    q ? ` → real value ${fmt(e.real)}` : ''));
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
