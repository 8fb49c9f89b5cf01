// hybrid.js: how a dynamic-range (hybrid) op quantized its float input on the
// fly, from its trace (engine OpTrace.hybrid): per batch row the scale and
// zero point TFLite derived, and the int8 values the integer dot products
// (the accumulators above) multiply with the int8 weights.
import { h } from './dom.js';

const shownValues = 16;

// hybridView returns the panel section for trace.hybrid, or null.
export function hybridView(hybrid) {
  if (!hybrid?.row_scale?.length) return null;
  const rows = hybrid.row_scale.length;
  const q = hybrid.quantized ?? [];
  const per = rows ? Math.floor(q.length / rows) : 0;
  const body = hybrid.row_scale.map((s, r) => {
    const vals = q.slice(r * per, (r + 1) * per);
    return h('tr', { dataset: { testid: 'hybrid-row' } },
      h('td', { text: String(r) }),
      h('td', { class: 'scale', text: String(s) }),
      h('td', { class: 'zero-point', text: String(hybrid.row_zero_point?.[r] ?? 0) }),
      h('td', { class: 'name', text: vals.slice(0, shownValues).join(', ') + (vals.length > shownValues ? ', …' : '') }));
  });
  return h('section', { dataset: { testid: 'hybrid' } },
    h('h3', { text: `float input quantized on the fly, per batch row (${rows} ${rows === 1 ? 'row' : 'rows'} of ${per})` }),
    h('p', { class: 'muted', text: 'q = round(x / scale) + zero point, clamped; the accumulators are Σ (q − zero point)·w, scaled back by scale · weight scale' }),
    h('table', {},
      h('thead', {}, h('tr', {}, h('th', { text: 'row' }), h('th', { text: 'scale' }), h('th', { text: 'zero point' }), h('th', { text: 'int8 values' }))),
      h('tbody', {}, body)));
}
