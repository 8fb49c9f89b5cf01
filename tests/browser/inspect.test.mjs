// The inspector and the explanation against the CLI: the scale and zero
// point shown for each tensor, and the derivation of a clicked output element,
// must equal what `int8scope inspect|explain --json` says for the same model
// and input.
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { useSuite, browserTest, open, loadFile, errorText, settle, cliJSON, setNumber, draw, needMNIST } from './helpers.mjs';
import { digits } from './strokes.mjs';
import { makeInput } from '../../web/static/inputs.js';

const s = useSuite();
const run = promisify(execFile);
const fc = () => path.join(s.models, 'fc_int8.tflite');

async function selectOp(page, i) {
  await page.locator(`[data-testid=op][data-op="${i}"]`).click();
  await settle(page);
  await page.getByTestId('tensor-details').locator('h2', { hasText: `op ${i}:` }).waitFor();
}

// clickElement clicks flat element k of the selected op's output heatmap
// (one strip for 2-D tensors: element k is column k).
async function clickElement(page, k, width) {
  const cv = page.getByTestId('tensor-details').locator('.maps canvas').first();
  const box = await cv.boundingBox();
  await cv.click({ position: { x: (k + 0.5) * box.width / width, y: box.height / 2 } });
  await page.getByTestId('explain').locator('.derivation').first().waitFor();
}

browserTest(s, 'tensor details show the scale and zero point the CLI reports', async (t, page) => {
  const model = await cliJSON(s, 'inspect', fc());
  await open(s, page);
  await loadFile(page, fc());
  assert.equal(await errorText(page), null);
  for (const op of model.ops) {
    await selectOp(page, op.index);
    const rows = page.getByTestId('tensor-details').locator('tr[data-tensor]');
    const tensors = [...op.inputs, ...op.outputs].filter((i) => i >= 0);
    assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => Number(r.dataset.tensor))), tensors);
    for (const ti of tensors) {
      const row = rows.and(page.locator(`[data-tensor="${ti}"]`));
      const q = model.tensors[ti].quant;
      const scale = await row.locator('.scale').textContent();
      const zp = await row.locator('.zero-point').textContent();
      assert.ok(q, `tensor ${ti} is quantized`);
      assert.equal(Number(scale), q.scale[0], `tensor ${ti} scale: page ${scale}, CLI ${q.scale[0]}`);
      assert.equal(Number(zp), q.zero_point[0], `tensor ${ti} zero point: page ${zp}, CLI ${q.zero_point[0]}`);
      assert.equal(await row.locator('.name').textContent(), model.tensors[ti].name);
    }
    // The prepared parameters are shown verbatim.
    const params = await page.getByTestId('tensor-details').locator('.params').textContent();
    assert.ok(params.includes(String(op.params.output.requant[0].quantized_multiplier)), 'quantized multiplier shown');
    assert.ok(params.includes(`input_offset${op.params.input_offset}`), 'input offset shown');
  }
});

browserTest(s, 'the prepared parameters are the selected profile\'s, labelled with it', async (t, page) => {
  const model = await cliJSON(s, 'inspect', fc());
  await open(s, page);
  await loadFile(page, fc());
  await page.getByTestId('profile').selectOption('tflite-xnnpack');
  await settle(page);
  await selectOp(page, 0);
  const xnn = model.ops[0].profiles['tflite-xnnpack'];
  assert.equal(xnn.arithmetic, 'XNNPACK delegate');
  const details = page.getByTestId('tensor-details');
  assert.match(await details.getByTestId('params-profile').textContent(), /tflite-xnnpack/);
  const params = await details.locator('.params').first().textContent();
  assert.ok(params.includes(String(xnn.params.output.scales[0])), `XNNPACK's float32 scale ${xnn.params.output.scales[0]} shown`);
  assert.ok(!params.includes('quantized_multiplier') && !params.includes(String(model.ops[0].params.output.requant[0].quantized_multiplier)),
    'the reference multiplier is not shown under tflite-xnnpack');
  await page.getByTestId('profile').selectOption('reference');
  await settle(page);
  assert.match(await details.getByTestId('params-profile').textContent(), /reference/);
  assert.ok((await details.locator('.params').first().textContent()).includes(String(model.ops[0].params.output.requant[0].quantized_multiplier)));
});

browserTest(s, 'a tensor named with HTML is shown as text', async (t, page) => {
  await open(s, page);
  await loadFile(page, fc());
  await selectOp(page, 0);
  const name = await page.getByTestId('tensor-details').locator('tr[data-tensor="3"] .name').textContent();
  assert.equal(name, '<img src=x onerror="window.__pwned=1">hidden');
  assert.equal(await page.locator('img').count(), 0, 'no <img> element was created');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
});

// explainCase sets the page's tensor input, writes the same bytes for the
// CLI, then compares the explanations of every output element of op.
async function explainCase(t, page, setting, { op, width }) {
  const bytes = makeInput({ type: 'int8', shape: [1, 16] }, setting);
  const dir = await mkdtemp(path.join(s.dir, 'inputs-'));
  await writeFile(path.join(dir, 'input0.bin'), bytes);
  await page.getByTestId('input-mode').selectOption(setting.mode);
  await setNumber(page.locator('#tensor-inputs input[type=number]').nth(1), setting.seed ?? 1);
  await selectOp(page, op);
  const shown = (await page.getByTestId('tensor-details').locator('.out-values').textContent()).split(', ').map(Number);
  // The op's accumulators, fetched from the engine when the op is shown,
  // are the ones the CLI's trace records.
  await run(s.cli, ['run', fc(), '--inputs', dir, '--out', path.join(dir, 'out'), '--trace']);
  const acc = JSON.parse(await readFile(path.join(dir, 'out', 'trace.json'), 'utf8')).ops[op].acc;
  const accBox = page.getByTestId('accumulators');
  await accBox.locator('.acc-values').waitFor();
  assert.match(await accBox.locator('h3').textContent(), new RegExp(`\\(${acc.length}\\)$`));
  assert.deepEqual((await accBox.locator('.acc-values').textContent()).split(', ').map(Number), acc.slice(0, 32), `op ${op} accumulators`);
  for (let k = 0; k < width; k++) {
    const want = await cliJSON(s, 'explain', fc(), '--inputs', dir, '--op', String(op), '--index', String(k));
    await clickElement(page, k, width);
    const box = page.getByTestId('explain');
    await box.locator('h3', { hasText: `output element ${k} ` }).waitFor();
    const got = Number(await box.locator('.final b').textContent());
    assert.equal(got, want.value, `${setting.mode}: op ${op} element ${k}: page ${got}, CLI ${want.value}`);
    assert.equal(got, shown[k], `the explained value is the value in the output tensor`);
    // The heatmap outlines the element being explained, over the pixel that was clicked.
    const marks = page.getByTestId('tensor-details').locator('.maps .marker');
    assert.equal(await marks.count(), 1);
    assert.equal(await marks.getAttribute('data-index'), String(k));
    const [mb, cb] = [await marks.boundingBox(), await page.getByTestId('tensor-details').locator('.maps canvas').first().boundingBox()];
    const cx = cb.x + (k + 0.5) * cb.width / width;
    assert.ok(mb.x < cx && cx < mb.x + mb.width, `the mark (${mb.x}..${mb.x + mb.width}) covers the clicked pixel (${cx})`);
    const steps = await box.locator('.steps li .v').allTextContents();
    assert.equal(steps.length, want.steps.length);
    steps.forEach((v, i) => assert.ok(Math.abs(Number(v) - want.steps[i].value) <= 1e-6 * Math.max(1, Math.abs(want.steps[i].value)),
      `step ${want.steps[i].name}: page ${v}, CLI ${want.steps[i].value}`));
    if (want.terms) assert.equal(await box.locator('.derivation tbody tr').count(), want.terms.length);
  }
}

browserTest(s, 'the explanation of a clicked element equals the CLI explanation', async (t, page) => {
  await open(s, page);
  await loadFile(page, fc());
  await explainCase(t, page, { mode: 'zeros' }, { op: 0, width: 12 });
  await explainCase(t, page, { mode: 'random', seed: 7 }, { op: 1, width: 10 });
  await explainCase(t, page, { mode: 'random', seed: 7 }, { op: 0, width: 12 });
});

browserTest(s, 'compare mode explains an element under both profiles', async (t, page) => {
  await open(s, page);
  await loadFile(page, fc());
  const profiles = await page.getByTestId('profile').locator('option').allTextContents();
  assert.ok(profiles.length >= 2, `profiles: ${profiles}`);
  await page.getByTestId('compare').check();
  await settle(page);
  await selectOp(page, 1);
  await clickElement(page, 4, 10);
  const shown = await page.getByTestId('explain').locator('.derivation').evaluateAll((ds) => ds.map((d) => d.dataset.profile));
  assert.deepEqual(shown, [await page.getByTestId('profile').inputValue(), await page.getByTestId('profile-b').inputValue()]);
  assert.notEqual(shown[0], shown[1]);
  // Each side agrees with the CLI under its profile.
  const dir = await mkdtemp(path.join(s.dir, 'inputs-'));
  await writeFile(path.join(dir, 'input0.bin'), makeInput({ type: 'int8', shape: [1, 16] }, { mode: 'random', seed: 1 }));
  for (const [i, profile] of shown.entries()) {
    const want = await cliJSON(s, 'explain', fc(), '--inputs', dir, '--op', '1', '--index', '4', '--profile', profile);
    assert.equal(Number(await page.getByTestId('explain').locator('.derivation .final b').nth(i).textContent()), want.value, profile);
  }
});

browserTest(s, 'a click on an op is not lost when a run finishes during it', async (t, page) => {
  await open(s, page);
  await loadFile(page, fc());
  const li = page.locator('[data-testid=op][data-op="1"]');
  const box = await li.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  // A run (here: a new seed) finishes between the button going down and up.
  await page.locator('#tensor-inputs input[type=number]').nth(1).evaluate((e) => { e.value = '9'; e.dispatchEvent(new Event('change')); });
  await settle(page);
  await page.mouse.up();
  await page.getByTestId('tensor-details').locator('h2', { hasText: 'op 1:' }).waitFor();
  assert.equal(await page.locator('[data-testid=op].selected').getAttribute('data-op'), '1');
});

browserTest(s, 'compare mode lists the elements where the browser TFLite differs, and explains both', async (t, page) => {
  if (!needMNIST(t)) return;
  await open(s, page);
  await draw(page, digits['3']);
  await page.getByTestId('compare').check();
  await settle(page);
  assert.equal(await page.getByTestId('profile-b').inputValue(), 'tflite-xnnpack', 'the default comparison is the browser TFLite');
  // Some op of the CNN must differ between the reference kernels and XNNPACK
  // (±1 per requantization); the op list says how many elements.
  const marked = page.locator('[data-testid=op] .diff:not([hidden])');
  assert.ok(await marked.count() > 0, 'some op differs between reference and tflite-xnnpack');
  const li = marked.first().locator('xpath=ancestor::li[1]');
  const op = await li.getAttribute('data-op');
  const n = Number((await marked.first().textContent()).split(' ')[0]);
  await selectOp(page, Number(op));
  const list = page.getByTestId('diff-list');
  assert.match(await list.locator('.diff-summary').textContent(), new RegExp(`^${n} element`));
  const chips = list.locator('.diff-chip');
  assert.equal(await chips.count(), Math.min(n, 24));
  const [, a, b] = /\] (-?\d+) vs (-?\d+)$/.exec(await chips.first().textContent());
  assert.notEqual(a, b);
  await chips.first().click();
  await page.getByTestId('explain').locator('.derivation').nth(1).waitFor();
  const finals = await page.getByTestId('explain').locator('.derivation .final b').allTextContents();
  t.diagnostic(`op ${op}: ${n} elements differ; first: reference ${a}, tflite-xnnpack ${b}; explained ${finals}`);
  assert.deepEqual(finals.map(Number), [Number(a), Number(b)]);
  const summary = await page.getByTestId('explain-summary').textContent();
  t.diagnostic(summary);
  assert.match(summary, new RegExp(`^reference gives ${a}, tflite-xnnpack gives ${b}\\. They agree up to bias = -?\\d+ .*Without rounding the value is -?[\\d.]+`));
  // The details say which kernel's arithmetic the op ran with.
  await selectOp(page, 1);
  assert.match(await page.getByTestId('op-arithmetic').textContent(), /arithmetic: TFLite reference kernel/);
  await page.getByTestId('profile').selectOption('tflite-xnnpack');
  await settle(page);
  await page.getByTestId('op-arithmetic').filter({ hasText: 'XNNPACK delegate' }).waitFor();
});

browserTest(s, 'the keyboard selects ops; hovering a heatmap names the element and its value', async (t, page) => {
  await open(s, page);
  await loadFile(page, fc());
  await page.locator('[data-testid=op][data-op="1"]').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('tensor-details').locator('h2', { hasText: 'op 1:' }).waitFor();
  await settle(page);
  const shown = (await page.getByTestId('tensor-details').locator('.out-values').textContent()).split(', ');
  const cv = page.getByTestId('tensor-details').locator('.maps canvas').first();
  const box = await cv.boundingBox();
  await cv.hover({ position: { x: 3.5 * box.width / 10, y: box.height / 2 } });
  const title = await cv.getAttribute('title');
  t.diagnostic(`hover: ${title}`);
  assert.match(title, new RegExp(`^\\[0,3\\] = ${shown[3]} → -?[\\d.e-]+ \\(click to explain\\)$`));
});
