// A model with dynamic shapes (issue 9): op output shapes only a run works
// out (RESHAPE to a shape computed by SHAPE → MUL → FLOOR_DIV, PAD with
// computed paddings). The page shows each run's own shapes and values: the
// tensor table, the tensor view, the ops list, the inspector and the graph's
// edge labels all equal what `int8scope run` writes for the same input.
// An input whose shape_signature has −1 gets a shape field (Model.Resize).
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, writeFile, readFile, readdir } from 'node:fs/promises';
import { useSuite, browserTest, open, loadFile, errorText, settle, ready } from './helpers.mjs';

const s = useSuite();
const exec = promisify(execFile);

// cliRun returns, per tensor the command line writes, {shape, values}
// (values as the page lists them: stored integers).
async function cliRun(file, input, profile) {
  const dir = await mkdtemp(path.join(s.dir, 'dyn-'));
  await writeFile(path.join(dir, 'input0.bin'), input);
  await exec(s.cli, ['run', file, '--inputs', dir, '--out', path.join(dir, 'out'), '--profile', profile]);
  const index = JSON.parse(await readFile(path.join(dir, 'out', 'index.json'), 'utf8'));
  const out = new Map();
  for (const t of index.tensors) {
    const b = await readFile(path.join(dir, 'out', `tensor${t.index}.bin`));
    const v = t.type === 'int8' ? new Int8Array(b.buffer, b.byteOffset, b.length) : new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
    out.set(t.index, { type: t.type, shape: t.shape, values: Array.from(v) });
  }
  assert.ok((await readdir(path.join(dir, 'out'))).length > 8);
  return out;
}

const shapeText = (shape) => `[${shape.join('×')}]`;

// checkTensors asserts that the tensor table and tensor view show cli's
// shapes and values.
async function checkTensors(page, cli) {
  for (const [ti, want] of cli) {
    const row = page.locator(`[data-testid=tensor-row][data-tensor="${ti}"]`);
    assert.equal(await row.locator('td').nth(2).textContent(), shapeText(want.shape), `tensor ${ti}'s shape in the table`);
    await row.click();
    const view = page.getByTestId('tensor-view');
    assert.match(await view.locator('h3').textContent(), new RegExp(`^tensor ${ti}: ${shapeText(want.shape).replace(/[[\]]/g, '\\$&')} ${want.type}`));
    const shown = (await view.locator('.values-list tbody tr td:nth-child(2)').allTextContents()).map(Number);
    assert.deepEqual(shown, want.values, `tensor ${ti}'s values`);
  }
}

for (const profile of ['reference', 'tflite-xnnpack']) {
  browserTest(s, `dynamic shapes: every tensor the page shows is the run's, as the command line computes it (${profile})`, async (t, page) => {
    const file = path.join(s.models, 'dynamic_int8.tflite');
    await open(s, page);
    if (profile !== 'reference') {
      await page.getByTestId('profile').selectOption(profile);
      await settle(page);
    }
    await loadFile(page, file);
    // A known input, through the input's file control.
    const input = Buffer.from(Int8Array.from([5, -6, 7, 1, 0, 100, -56, 3]).buffer);
    await page.locator('#tensor-inputs input[type=file]').setInputFiles({ name: 'x.bin', mimeType: 'application/octet-stream', buffer: input });
    await settle(page);
    assert.equal(await errorText(page), null);
    const cli = await cliRun(file, input, profile);
    const padded = [...cli.entries()].find(([, v]) => v.shape.length === 2 && v.shape[1] === 6);
    assert.deepEqual(padded?.[1].shape, [2, 6], 'the command line works the padded shape out');
    // The tensor table and the tensor view: each tensor's shape and values.
    await checkTensors(page, cli);
    // The ops list and the graph label each op's output with the run's shape.
    const ops = await page.getByTestId('op').evaluateAll((lis) => lis.map((li) => li.querySelector('.shape')?.textContent));
    const edges = await page.getByTestId('graph-edge').evaluateAll((es) => es.map((e) => [Number(e.dataset.tensor), e.querySelector('.edge-label').textContent]));
    assert.ok(edges.length >= 6);
    for (const [ti, label] of edges) {
      const want = cli.get(ti);
      assert.equal(label, `${want.type} ${shapeText(want.shape)}`, `edge of tensor ${ti}`);
    }
    assert.ok(ops.includes(`int8 ${shapeText([2, 6])}`), `the PAD's output in the ops list: ${ops}`);
    // The inspector of the FULLY_CONNECTED: its tensors at the run's shapes.
    const fc = await page.getByTestId('op').evaluateAll((lis) => lis.findIndex((li) => li.textContent.includes('FULLY_CONNECTED')));
    await page.getByTestId('op').nth(fc).click();
    await settle(page);
    const rows = await page.locator('#tensor-details table').first().locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [Number(tr.dataset.tensor), tr.cells[3].textContent]));
    for (const [ti, shape] of rows) if (cli.has(ti)) assert.equal(shape, shapeText(cli.get(ti).shape), `inspector: tensor ${ti}`);
    assert.equal(await errorText(page), null);
  });
}

browserTest(s, 'dynamic shapes: a batch input resized in the inputs panel runs as the command line runs that batch', async (t, page) => {
  const file = path.join(s.models, 'dynamic_int8.tflite');
  await open(s, page);
  await loadFile(page, file);
  const field = page.getByTestId('input-shape');
  assert.equal(await field.inputValue(), '1,8');
  await field.fill('3,8');
  await field.blur();
  await settle(page);
  assert.equal(await errorText(page), null);
  assert.match(await page.locator('#tensor-inputs').textContent(), /int8 \[3×8\]/);
  const input = Buffer.from(Int8Array.from({ length: 24 }, (_, i) => (i * 37) % 256 - 128).buffer);
  await page.locator('#tensor-inputs input[type=file]').setInputFiles({ name: 'x.bin', mimeType: 'application/octet-stream', buffer: input });
  await settle(page);
  assert.equal(await errorText(page), null);
  const cli = await cliRun(file, input, 'reference');
  assert.deepEqual(cli.get(0).shape, [3, 8]);
  assert.ok([...cli.values()].some((v) => v.shape.join() === '6,6'), 'the command line pads a batch of 6 rows');
  await checkTensors(page, cli);
  // A fixed dimension cannot change: the engine's message, and the model stays.
  await field.fill('3,9');
  await field.blur();
  await settle(page);
  assert.match(await errorText(page), /Cannot resize the input: .*dimension 1 is fixed/);
  await checkTensors(page, cli);
});

browserTest(s, 'dynamic shapes: a share link keeps the resized input and the run shapes', async (t, page, context) => {
  await open(s, page);
  await loadFile(page, path.join(s.models, 'dynamic_int8.tflite'));
  const field = page.getByTestId('input-shape');
  await field.fill('2,8');
  await field.blur();
  await settle(page);
  await page.getByTestId('share').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=share-link]').value.includes('#s1.'));
  const url = await page.getByTestId('share-link').inputValue();
  const p2 = await context.newPage();
  await p2.goto(url);
  await ready(p2);
  assert.equal(await errorText(p2), null);
  assert.equal(await p2.getByTestId('input-shape').inputValue(), '2,8');
  const padded = await p2.evaluate(() => [...document.querySelectorAll('[data-testid=tensor-row]')].at(-1).cells[2].textContent);
  assert.equal(padded, '[4×6]', 'a batch of 2 pads 4 rows');
});
