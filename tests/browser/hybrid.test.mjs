// A dynamic-range (hybrid) layer: the op panel shows how TFLite quantizes
// its float input on the fly, per batch row (scale, zero point, int8 values),
// exactly as the CLI's trace records it for the same input.
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { useSuite, browserTest, open, loadFile, errorText, settle, setNumber, ROOT } from './helpers.mjs';
import { makeInput } from '../../web/static/inputs.js';

const s = useSuite();

browserTest(s, 'a hybrid op shows its per-row input scale, zero point and int8 values, as the CLI traces them', async (t, page) => {
  const model = path.join(s.models, 'hybrid_fc.tflite');
  await open(s, page);
  await loadFile(page, model);
  assert.equal(await errorText(page), null);
  await page.getByTestId('input-mode').selectOption('random');
  await setNumber(page.locator('#tensor-inputs input[type=number]').nth(1), 3);
  await settle(page);
  await page.locator('[data-testid=op][data-op="0"]').click();
  await settle(page);
  const rows = page.getByTestId('hybrid').locator('tr[data-testid=hybrid-row]');
  await rows.first().waitFor();

  const dir = await mkdtemp(path.join(s.dir, 'inputs-'));
  await writeFile(path.join(dir, 'input0.bin'), makeInput({ type: 'float32', shape: [2, 8] }, { mode: 'random', seed: 3 }));
  const out = path.join(dir, 'out');
  await promisify(execFile)(s.cli, ['run', model, '--inputs', dir, '--out', out, '--trace'], { cwd: ROOT });
  const want = JSON.parse(await readFile(path.join(out, 'trace.json'), 'utf8')).ops[0].hybrid;
  assert.equal(want.row_scale.length, 2);
  assert.equal(await rows.count(), 2);
  for (let r = 0; r < 2; r++) {
    const row = rows.nth(r);
    assert.equal(Number(await row.locator('td.scale').textContent()), want.row_scale[r], `row ${r} scale`);
    assert.equal(Number(await row.locator('td.zero-point').textContent()), want.row_zero_point[r], `row ${r} zero point`);
    assert.equal(await row.locator('td.name').textContent(), want.quantized.slice(r * 8, r * 8 + 8).join(', '), `row ${r} values`);
  }
  assert.notEqual(want.row_zero_point.join(), '0,0', 'asymmetric quantization: the zero points are not all 0');
  assert.equal(await errorText(page), null);
});
