// Loading models from files: a corrupt file gives a readable error and the
// page recovers; a model whose input is not a 28×28 image gets the tensor
// inputs panel.
import assert from 'node:assert/strict';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { useSuite, browserTest, open, loadFile, errorText, settle, setNumber } from './helpers.mjs';
import { VIEWPORTS } from './viewports.mjs';

const s = useSuite();
const fc = () => path.join(s.models, 'fc_int8.tflite');

async function opNames(page) {
  return page.getByTestId('op').allTextContents();
}

browserTest(s, 'a corrupt file shows a readable error; a good model then loads and hides it', async (t, page) => {
  await open(s, page);
  await loadFile(page, { name: 'junk.tflite', mimeType: 'application/octet-stream', buffer: randomBytes(4096) });
  const msg = await errorText(page);
  t.diagnostic(`error shown: ${msg}`);
  assert.ok(msg, 'an error is shown');
  assert.match(msg, /^Could not load junk\.tflite: /);
  assert.doesNotMatch(msg, /internal error|undefined|\[object|panic|runtime error/i, 'the message is meant for people');
  assert.ok(msg.length < 400, 'the message is short');

  await loadFile(page, fc());
  assert.equal(await errorText(page), null, 'the error is hidden after a good load');
  assert.equal((await opNames(page)).length, 2);
  assert.equal(await page.getByTestId('model-picker').inputValue(), '', 'the picker shows the local file');
});

browserTest(s, 'empty and truncated files are refused with a message', async (t, page) => {
  await open(s, page);
  const good = await import('node:fs/promises').then((fs) => fs.readFile(fc()));
  const cases = [
    ['empty.tflite', Buffer.alloc(0)],
    ['tiny.tflite', Buffer.from('TFL3')],
    ['half.tflite', good.subarray(0, good.length >> 1)],
    ['text.tflite', Buffer.from('<html><body>not a model</body></html>')],
  ];
  for (const [name, buffer] of cases) {
    await loadFile(page, { name, mimeType: 'application/octet-stream', buffer });
    const msg = await errorText(page);
    t.diagnostic(`${name}: ${msg}`);
    assert.ok(msg?.startsWith(`Could not load ${name}: `), `${name}: ${msg}`);
    assert.doesNotMatch(msg, /internal error|undefined|panic/i);
  }
  assert.equal(await page.locator('img').count(), 0);
});

browserTest(s, 'a model whose input is not an image gets the tensor inputs panel and results', async (t, page) => {
  await open(s, page);
  await loadFile(page, fc());
  assert.equal(await errorText(page), null);
  await assert.doesNotReject(page.getByTestId('tensor-inputs').waitFor({ state: 'visible' }));
  assert.equal(await page.locator('#draw-area').isHidden(), true, 'the drawing pad is hidden');
  const panel = await page.getByTestId('tensor-inputs').textContent();
  assert.match(panel, /does not take a 28×28 image/);
  assert.match(panel, /int8 \[1×16\]/);
  // Results: 10 output bars, an op list with timings, the timing line.
  assert.equal(await page.getByTestId('prediction').locator('li').count(), 10);
  assert.match(await page.getByTestId('prediction').getAttribute('data-class'), /^\d$/);
  assert.deepEqual((await opNames(page)).map((x) => /FULLY_CONNECTED/.test(x)), [true, true]);
  assert.match(await page.getByTestId('timing').textContent(), /ms in the engine/);

  // Changing the fill changes the results.
  const before = await page.getByTestId('prediction').textContent();
  await page.getByTestId('input-mode').selectOption('zeros');
  await settle(page);
  const zeros = await page.getByTestId('prediction').textContent();
  await page.getByTestId('input-mode').selectOption('constant');
  await setNumber(page.locator('#tensor-inputs input[type=number]').first(), 100);
  const constant = await page.getByTestId('prediction').textContent();
  assert.ok(before !== zeros || zeros !== constant, 'the prediction follows the inputs');

  // A raw input file of the wrong size is refused with the sizes in the message.
  await page.locator('#tensor-inputs input[type=file]').setInputFiles({ name: 'x.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(15) });
  await page.getByTestId('error').waitFor({ state: 'visible' });
  assert.match(await errorText(page), /x\.bin has 15 bytes; input tensor 0 \(int8 \[1×16\]\) needs exactly 16/);
  // The right size is accepted.
  await page.locator('#tensor-inputs input[type=file]').setInputFiles({ name: 'y.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(16, 5) });
  await settle(page);
});

browserTest(s, 'a .tflite dropped anywhere on the page loads', async (t, page) => {
  await open(s, page);
  const bytes = [...await readFile(fc())];
  const n = await page.evaluate(() => Number(document.body.dataset.files ?? 0));
  const dt = await page.evaluateHandle((b) => {
    const d = new DataTransfer();
    d.items.add(new File([new Uint8Array(b)], 'dropped_fc.tflite', { type: 'application/octet-stream' }));
    return d;
  }, bytes);
  await page.dispatchEvent('main', 'dragover', { dataTransfer: dt });
  assert.ok(await page.evaluate(() => document.body.classList.contains('dragging')), 'the page shows it will take the drop');
  await page.dispatchEvent('main', 'drop', { dataTransfer: dt });
  await page.waitForFunction((n) => Number(document.body.dataset.files ?? 0) > n, n, { polling: 20 });
  await settle(page);
  assert.equal(await errorText(page), null);
  assert.equal((await opNames(page)).length, 2, 'the dropped model is loaded');
  assert.ok(!(await page.evaluate(() => document.body.classList.contains('dragging'))));
});

browserTest(s, 'a model with an op int8scope lacks opens for inspection and says why it cannot run', async (t, page) => {
  await open(s, page);
  await loadFile(page, path.join(s.models, 'custom_op_int8.tflite'));
  await settle(page);
  const msg = await errorText(page);
  assert.match(msg ?? '', /op 1 \(CUSTOM:VendorPostprocess, after op 0 \(FULLY_CONNECTED\)\) is not supported/, `run error: ${msg}`);
  assert.match(msg, /custom op/);
  const ops = page.getByTestId('op');
  assert.equal(await ops.count(), 2, 'both ops are listed');
  assert.equal(await page.getByTestId('op-unsupported').count(), 1, 'the unsupported op is marked');
  await ops.nth(1).click();
  await page.getByTestId('op-unsupported-reason').waitFor();
  await ops.nth(0).click();
  await page.getByTestId('tensor-details').locator('h2', { hasText: 'op 0:' }).waitFor();
  // The engine still works: a good model loads and runs after it.
  await loadFile(page, path.join(s.models, 'fc_int8.tflite'));
  await settle(page);
  assert.equal(await errorText(page), null);
});

for (const vp of VIEWPORTS) browserTest(s, `a model that packs a labels file names its classes (${vp.width}×${vp.height})`, async (t, page) => {
  await page.setViewportSize(vp);
  await open(s, page);
  await loadFile(page, path.join(s.models, 'labeled_int8.tflite'));
  await settle(page);
  assert.equal(await errorText(page), null);
  const names = await page.getByTestId('prediction').locator('li .label').allTextContents();
  assert.deepEqual(names, ['0 zero', '1 one', '2 two', '3 three', '4 four', '5 five', '6 six', '7 seven', '8 eight', '9 nine']);
});

for (const vp of VIEWPORTS) browserTest(s, `a model with several signatures lets the user pick one (${vp.width}×${vp.height})`, async (t, page) => {
  await page.setViewportSize(vp);
  await open(s, page);
  await loadFile(page, path.join(s.models, 'signatures_int8.tflite'));
  await settle(page);
  const sel = page.getByTestId('signature');
  assert.deepEqual(await sel.locator('option').evaluateAll((os) => os.map((o) => o.value)), ['classify', 'embed']);
  assert.equal(await page.getByTestId('op').count(), 2, 'subgraph 0 first, like TFLite');
  await sel.selectOption('embed');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=op]').length === 1);
  await settle(page);
  assert.equal(await errorText(page), null);
  assert.equal(await page.getByTestId('signature').inputValue(), 'embed');
  await page.getByTestId('signature').selectOption('classify');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=op]').length === 2);
  // A model with one signature, or none, shows no picker.
  await loadFile(page, path.join(s.models, 'fc_int8.tflite'));
  await settle(page);
  assert.equal(await page.getByTestId('signature-box').isHidden(), true);
});
