// state.js: a stateful model's state — its resource variables (what
// VAR_HANDLE names and ASSIGN_VARIABLE writes), carried from one run to the
// next as in TFLite — after the last run, and a button that resets it.
import { h } from './dom.js';
import { real } from './tensors.js';

// stateRows formats each variable for display: its name, type and shape,
// and its first max values (stored value, and the real value it stands
// for when the variable is quantized).
export function stateRows(vars, max = 12) {
  return vars.map((v) => {
    const name = v.container ? `${v.container}/${v.shared_name}` : v.shared_name;
    const t = { type: v.type, shape: v.shape, quant: v.quant };
    const shown = v.values.slice(0, max).map((x, i) => {
      if (v.type === 'float32' || !v.quant) return String(x);
      return `${x} (${+real(t, x, i).toPrecision(6)})`;
    });
    const more = v.values.length > max ? ` … (${v.values.length} values)` : '';
    return { id: v.id, name: name || `resource ${v.id}`, kind: `${v.type} [${v.shape.join(', ')}]`, values: shown.join(', ') + more };
  });
}

// renderState shows state (the run's resource variables; null for a model
// without state) in a box at the end of panel, with a reset button.
export function renderState(panel, state, { profile, onReset }) {
  let box = panel.querySelector('#state');
  if (!state) {
    box?.remove();
    return;
  }
  if (!box) {
    box = h('div', { id: 'state', dataset: { testid: 'state' } });
    panel.append(box);
  }
  const rows = stateRows(state).map((r) => h('tr', { dataset: { variable: r.id } },
    h('td', { text: r.name }), h('td', { class: 'muted', text: r.kind }), h('td', { class: 'values', text: r.values })));
  box.replaceChildren(
    h('h3', { text: `State after this run (${profile})` }),
    h('p', { class: 'muted', text: 'Resource variables persist from run to run, as in TFLite; the next run starts from these values.' }),
    rows.length ? h('table', {}, h('tbody', {}, rows)) : h('p', { class: 'muted', text: 'No variable assigned yet.' }),
    h('button', { dataset: { testid: 'reset-state' }, text: 'Reset state', onclick: onReset }),
  );
}
