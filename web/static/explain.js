// explain.js: the engine's derivation of one output integer, rendered as the
// formula with the actual numbers.
import { h, clear } from './dom.js';

function fmt(v) { return Number.isInteger(v) ? String(v) : Number(v).toPrecision(9).replace(/\.?0+$/, ''); }

export function renderExplanation(el, model, e, other = null) {
  clear(el);
  const out = model.tensors[e.tensor];
  el.append(h('h3', { text: `op ${e.op} ${e.builtin} · output element ${e.index} [${e.coords.join(', ')}]` }));
  const side = other ? h('div', { class: 'side' }) : el;
  if (other) el.append(side);
  for (const x of other ? [e, other] : [e]) side.append(derivation(model, out, x));
}

function derivation(model, out, e) {
  const box = h('div', { class: 'derivation', dataset: { profile: e.profile } });
  box.append(h('p', {}, h('b', { text: e.profile }), ' — ', h('span', { class: 'muted', text: e.arithmetic })));
  if (e.terms && e.terms.length) {
    const rows = e.terms.map((t) => h('tr', {},
      h('td', { text: t.input_index < 0 ? 'pad' : `in[${t.input_index}]` }),
      h('td', { text: `(${t.input} + ${t.input_offset})` }),
      h('td', { text: '×' }),
      h('td', { text: `w[${t.filter_index}] (${t.filter} + ${t.filter_offset})` }),
      h('td', { text: `= ${t.product}` })));
    box.append(h('p', { text: `Σ over ${e.terms_total} products (input + input_offset)·(filter + filter_offset)` + (e.terms_total > e.terms.length ? `, first ${e.terms.length} shown:` : ':') }));
    box.append(h('div', { class: 'scroll' }, h('table', {}, h('tbody', {}, rows))));
  }
  box.append(h('ol', { class: 'steps' }, e.steps.map((s) =>
    h('li', {}, h('b', { text: `${s.name}: ` }), s.formula, ' = ', h('span', { class: 'v', text: fmt(s.value) })))));
  const q = out.quant;
  box.append(h('p', { class: 'final' }, 'output = ', h('b', { text: String(e.value) }),
    q ? ` → real value ${fmt(e.real)}` : ''));
  return box;
}
