// download.js: the "Export" row of the ops panel. It offers, for the loaded
// model and the selected arithmetic profile, the exact forward pass as a
// standalone NumPy program (NAME.py + NAME.npz, zipped) and the per-op test
// vectors of the current run (inputs, outputs, accumulators and params.json
// per op, zipped). The engine makes both (engine/export, exportFiles in the
// WASM bridge); this module only asks and saves.
import { h } from './dom.js';

// renderDownloads fills el with the two buttons. name() is the model's file
// name without .tflite, profile() the selected profile.
export function renderDownloads(el, { engine, name, profile }) {
  const status = h('span', { class: 'muted', dataset: { testid: 'download-status' } });
  const button = (kind, text, title) => h('button', { type: 'button', title, dataset: { testid: `download-${kind}` }, onclick: () => save(kind) }, text);
  async function save(kind) {
    const p = profile(), base = name();
    status.textContent = ' preparing…';
    try {
      const zip = await engine.exportFiles(kind, p, base);
      download(zip, `${base}-${kind === 'numpy' ? 'numpy' : 'vectors'}-${p}.zip`);
      status.textContent = '';
    } catch (e) {
      status.textContent = ` export failed: ${e.message}`;
    }
  }
  el.replaceChildren('Export the exact arithmetic: ',
    button('numpy', 'NumPy program', 'a standalone Python 3 + NumPy program (.py and .npz) that computes every tensor exactly as the engine does under the selected profile'),
    ' ',
    button('vectors', 'test vectors', 'for each op: its inputs, outputs and int32 accumulators (.npy) and prepared parameters (params.json), from the current input and profile'),
    status);
  el.hidden = false;
}

// download saves bytes as filename.
function download(bytes, filename) {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/zip' }));
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
