// The whole-model tensor table (issue 12, item 4) and image files for
// image-shaped inputs (item 5).
// Each test runs at 1440×900 and 390×844.
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { useSuite, browserTest, open, loadFile, errorText, settle, cliJSON } from './helpers.mjs';
import { VIEWPORTS, noHorizontalScroll } from './viewports.mjs';

const s = useSuite();
const model = (f) => path.join(s.models, f);

for (const vp of VIEWPORTS) {
  const at = `${vp.width}×${vp.height}`;

  browserTest(s, `tensor table: every tensor as the CLI reports it, searchable, openable, copy as Python (${at})`, async (t, page) => {
    await page.setViewportSize(vp);
    await open(s, page);
    await loadFile(page, model('skip_int8.tflite'));
    const m = await cliJSON(s, 'inspect', model('skip_int8.tflite'));
    const table = page.getByTestId('tensor-table');
    const rows = table.locator('[data-testid=tensor-row]');
    assert.equal(await rows.count(), m.tensors.length);
    const cells = await rows.evaluateAll((rs) => rs.map((r) => [r.dataset.tensor, ...[...r.cells].map((c) => c.textContent)]));
    for (const [idx, i, name, shape, type, scale, zp, qdim, producer, consumers, konst] of cells) {
      const want = m.tensors[Number(idx)];
      assert.equal(i, idx);
      assert.equal(name, want.name);
      assert.equal(shape, `[${want.shape.join('×')}]`);
      assert.equal(type, want.type);
      assert.equal(scale, String(want.quant.scale[0]));
      assert.equal(zp, String(want.quant.zero_point[0]));
      assert.equal(qdim, String(want.quant.axis ?? 0));
      const prod = m.ops.find((o) => o.outputs.includes(want.index));
      assert.equal(producer, prod ? `${prod.index} ${prod.builtin}` : m.inputs.includes(want.index) ? 'model input' : '—');
      const cons = m.ops.filter((o) => o.inputs.includes(want.index)).map((o) => `${o.index} ${o.builtin}`);
      if (m.outputs.includes(want.index)) cons.push('model output');
      assert.equal(consumers, cons.join(', '));
      assert.equal(konst, want.const ? 'const' : '');
    }
    // The skip connection is visible here too: tensor 3 feeds ops 1 and 2.
    assert.equal(cells[3][9], '1 FULLY_CONNECTED, 2 ADD');
    // Search.
    await page.getByTestId('tensor-search').fill('bias');
    assert.deepEqual(await rows.evaluateAll((rs) => rs.filter((r) => !r.hidden).map((r) => r.dataset.tensor)), ['2', '5', '9']);
    await page.getByTestId('tensor-search').fill('ADD');
    assert.deepEqual(await rows.evaluateAll((rs) => rs.filter((r) => !r.hidden).map((r) => r.dataset.tensor)), ['3', '6', '7']);
    await page.getByTestId('tensor-search').fill('');
    // A constant opens as heatmaps and values, per row of the weights, equal to the file's.
    await rows.nth(4).click();
    const view = page.getByTestId('tensor-view');
    await view.locator('canvas').first().waitFor();
    assert.equal(await view.locator('[data-testid=tensor-values] canvas').count(), 8, 'one map per output row');
    // The file's weights, as the CLI's explanation of op 1 lists them (all 8 products of a row).
    const inDir = await mkdtemp(path.join(s.dir, 'in-'));
    await writeFile(path.join(inDir, 'input0.bin'), Buffer.alloc(8));
    const row = async (c) => (await cliJSON(s, 'explain', model('skip_int8.tflite'), '--inputs', inDir, '--op', '1', '--index', String(c))).terms.map((x) => x.filter);
    const stored = (await view.locator('.values-list tbody tr td:nth-child(2)').allTextContents()).map(Number);
    assert.deepEqual(stored, await row(0), 'row 0 of block/b/weights');
    await view.locator('select').selectOption('3');
    assert.deepEqual((await view.locator('.values-list tbody tr td:nth-child(2)').allTextContents()).map(Number), await row(3));
    // Copy as Python: the list interpreter.get_tensor_details() returns.
    await page.getByTestId('copy-python').click();
    const py = await page.getByTestId('python').inputValue();
    assert.equal((py.match(/\{'name': /g) ?? []).length, m.tensors.length);
    assert.match(py, /^\[\{'name': "input", 'index': 0, 'shape': array\(\[1, 8\], dtype=int32\), 'shape_signature': array\(\[1, 8\], dtype=int32\), 'dtype': <class 'numpy\.int8'>, 'quantization': \(0\.1, 0\), 'quantization_parameters': \{'scales': array\(\[0\.1\], dtype=float32\), 'zero_points': array\(\[0\], dtype=int32\), 'quantized_dimension': 0\}, 'sparsity_parameters': \{\}\},/);
    assert.match(py, /'index': 2, 'shape': array\(\[8\], dtype=int32\).*'dtype': <class 'numpy\.int32'>, 'quantization': \(0\.002, 0\)/);
    await noHorizontalScroll(page, at);
  });

  browserTest(s, `an image-shaped input takes an image file, resized and quantized (${at})`, async (t, page) => {
    await page.setViewportSize(vp);
    await open(s, page);
    await loadFile(page, model('rgb_int8.tflite'));
    assert.equal(await page.locator('#draw-area').isHidden(), true, 'the pad is only for 28×28×1');
    await page.getByTestId('image-input').waitFor({ state: 'visible' });
    // A 40×30 picture of one colour (R 255, G 0, B 128): resized to 8×8 it stays that colour.
    const png = await page.evaluate(() => { const c = document.createElement('canvas'); c.width = 40; c.height = 30; const x = c.getContext('2d'); x.fillStyle = 'rgb(255,0,128)'; x.fillRect(0, 0, 40, 30); return c.toDataURL('image/png').split(',')[1]; });
    await page.getByTestId('image-file').setInputFiles({ name: 'swatch.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
    await page.waitForFunction(() => /swatch\.png, resized to 8×8/.test(document.querySelector('[data-testid=image-input]').textContent));
    await settle(page);
    assert.match(await page.getByTestId('image-input').textContent(), /quantized with scale 0\.003921\d* and zero point -128/);
    // The input tensor now holds q = p − 128 per channel: 127, −128, 0.
    await page.locator('[data-testid=tensor-row][data-tensor="0"]').click();
    const stored = (await page.getByTestId('tensor-view').locator('.values-list tbody tr td:nth-child(2)').allTextContents()).map(Number);
    assert.deepEqual(stored.slice(0, 6), [127, -128, 0, 127, -128, 0]);
    const px = await page.getByTestId('image-preview').evaluate((c) => Array.from(c.getContext('2d').getImageData(3, 3, 1, 1).data));
    assert.deepEqual(px, [255, 0, 128, 255], 'the picture is shown as the model sees it');
    assert.equal(await errorText(page), null);
  });
}

browserTest(s, 'a tensor named with HTML stays text in the tensor table, the graph and the Python copy', async (t, page) => {
  await open(s, page);
  await loadFile(page, path.join(s.models, 'fc_int8.tflite'));
  const name = '<img src=x onerror="window.__pwned=1">hidden';
  assert.equal(await page.locator('[data-testid=tensor-row][data-tensor="3"] td.name').textContent(), name);
  await page.locator('[data-testid=tensor-row][data-tensor="3"]').click();
  assert.match(await page.getByTestId('tensor-view').textContent(), /<img src=x onerror/);
  await page.getByTestId('copy-python').click();
  assert.ok((await page.getByTestId('python').inputValue()).includes(JSON.stringify(name)));
  assert.equal(await page.locator('img').count(), 0, 'no <img> element was created');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
});
