// Explanations where the eye is (issue 12, item 3): under the clicked
// heatmap and on screen, products by |contribution| with "show all", the
// multiplier and shift derived from the scales, the output's real value,
// long parameter lists collapsed.
// Each test runs at 1440×900 and 390×844.
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSuite, browserTest, open, settle, draw, needMNIST, cliJSON, ROOT } from './helpers.mjs';
import { digits } from './strokes.mjs';
import { VIEWPORTS, inView, clickOutputElement } from './viewports.mjs';

const s = useSuite();

for (const vp of VIEWPORTS) {
  const at = `${vp.width}×${vp.height}`;

  browserTest(s, `explanations: beside the heatmap, products by |contribution|, multiplier from the scales, real value (${at})`, async (t, page) => {
    if (!needMNIST(t)) return;
    await page.setViewportSize(vp);
    await open(s, page);
    await page.getByTestId('question-model').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=model-picker]').value === 'mnist_dense_int8');
    await settle(page);
    await page.getByTestId('draw-canvas').scrollIntoViewIfNeeded();
    await draw(page, digits['2']);
    const m = await cliJSON(s, 'inspect', path.join(ROOT, 'web/static/models/mnist_dense_int8.tflite'));
    const fc = m.ops.findIndex((o) => o.builtin === 'FULLY_CONNECTED');
    // The question's model opens on its FULLY_CONNECTED.
    assert.equal(await page.locator('[data-testid=op].selected').getAttribute('data-op'), String(fc));
    await clickOutputElement(page, 2, 10);
    const ex = page.getByTestId('explain');
    // Where the eye is: right under the heatmap, scrolled into view.
    assert.ok(await inView(page, ex.locator('h3').first()), 'the explanation is on screen');
    const [mapsBottom, exTop] = await page.evaluate(() => [document.querySelector('[data-testid=tensor-details] .maps').getBoundingClientRect().bottom, document.querySelector('[data-testid=explain]').getBoundingClientRect().top]);
    assert.ok(exTop >= mapsBottom - 1 && exTop - mapsBottom < 40, `explanation starts ${exTop - mapsBottom} px under the heatmap`);
    // Products: 64 shown, largest |product| first; "show all" lists all 784, whose sum is the engine's sum.
    const products = async () => (await ex.locator('.derivation tbody tr td:last-child').allTextContents()).map((x) => Number(x.replace('= ', '')));
    const first = await products();
    assert.equal(first.length, 64);
    assert.ok(first.every((p, i) => i === 0 || Math.abs(first[i - 1]) >= Math.abs(p)), 'sorted by |product|');
    assert.ok(Math.abs(first[0]) > 0, 'the largest product is not 0');
    await ex.getByTestId('show-all-terms').click();
    const all = await products();
    assert.equal(all.length, 784);
    const sum = Number((await ex.locator('.steps li').first().locator('.v').textContent()));
    assert.equal(all.reduce((a, b) => a + b, 0), sum, 'the products add up to the sum step');
    // Multiplier and shift from the three scales, equal to what Prepare derived.
    const r = m.ops[fc].params.output.requant[0];
    const md = ex.getByTestId('multiplier-derivation');
    assert.equal(await md.locator('.q-m').textContent(), String(r.quantized_multiplier));
    assert.equal(await md.locator('.q-shift').textContent(), String(r.shift));
    const inQ = m.tensors[m.ops[fc].inputs[0]].quant, wQ = m.tensors[m.ops[fc].inputs[1]].quant, oQ = m.tensors[m.ops[fc].outputs[0]].quant;
    assert.ok(Math.abs(inQ.scale[0] * wQ.scale[0] / oQ.scale[0] - r.real_multiplier) < 1e-6 * r.real_multiplier, 's_in·s_w/s_out is the real multiplier');
    assert.match(await md.textContent(), /s_in · s_w \/ s_out/);
    // The output's real value, scale × (q − zp), with its numbers.
    const q = Number(await ex.locator('.final b').textContent());
    const realText = await ex.locator('.final .real').textContent();
    const shown = Number(/= (-?[\d.e-]+)$/.exec(realText.trim())[1]);
    assert.ok(Math.abs(shown - oQ.scale[0] * (q - oQ.zero_point[0])) < 1e-6, `${realText}`);
    assert.ok(await page.getByTestId('how-link').getAttribute('href').then((h) => h.endsWith('docs/HOW-IT-COMPUTES.md')));
  });

  browserTest(s, `long per-channel parameter lists collapse (${at})`, async (t, page) => {
    if (!needMNIST(t)) return;
    await page.setViewportSize(vp);
    await open(s, page);
    await page.locator('[data-testid=op][data-op="1"]').click();
    await settle(page);
    const det = page.getByTestId('tensor-details');
    assert.equal(await det.locator('details.per-channel').count(), 1);
    assert.equal(await det.locator('details.per-channel').evaluate((d) => d.open), false, 'collapsed');
    assert.equal(await det.locator('table.requant').isVisible(), false);
    assert.match(await det.locator('details.per-channel summary').textContent(), /per channel \(24\)/);
    // The heatmaps are near the top: within two screens of the op's title.
    const [h2, maps] = [await det.locator('h2').boundingBox(), await det.locator('.maps').boundingBox()];
    assert.ok(maps.y - h2.y < 2 * vp.height, `heatmaps ${maps.y - h2.y} px below the title`);
  });
}

// A convolution's window: the engine lists its first 64 products, and "show
// all" asks the engine for every one (issue 12: products with "show all").
for (const vp of VIEWPORTS) browserTest(s, `show all lists every product of a convolution, from the engine (${vp.width}×${vp.height})`, async (t, page) => {
  if (!needMNIST(t)) return;
  await page.setViewportSize(vp);
  await open(s, page);
  await page.getByTestId('draw-canvas').scrollIntoViewIfNeeded();
  await draw(page, digits['2']);
  await settle(page);
  const m = await cliJSON(s, 'inspect', path.join(ROOT, 'web/static/models/mnist_cnn_int8.tflite'));
  const conv = m.ops.findLastIndex((o) => o.builtin === 'CONV_2D');
  const f = m.tensors[m.ops[conv].inputs[1]].shape; // [C_out, FH, FW, C_in]
  const total = f[1] * f[2] * f[3];
  assert.ok(total > 64, `the conv has ${total} products per output`);
  await page.locator(`[data-testid=op][data-op="${conv}"]`).click();
  await settle(page);
  await clickOutputElement(page, 0, 1);
  const ex = page.getByTestId('explain');
  const products = async () => (await ex.locator('.derivation').first().locator('tbody tr td:last-child').allTextContents()).map((x) => Number(x.replace('= ', '')));
  assert.equal((await products()).length, 64);
  await ex.getByTestId('show-all-terms').first().click();
  await page.waitForFunction((n) => document.querySelector('[data-testid=explain] .derivation tbody').children.length === n, total);
  const all = await products();
  assert.equal(all.length, total);
  assert.ok(all.every((p, i) => i === 0 || Math.abs(all[i - 1]) >= Math.abs(p)), 'sorted by |product|');
  // The int32 accumulator wraps like the reference's; these sums are small.
  const sum = Number(await ex.locator('.steps li').first().locator('.v').textContent());
  assert.equal(all.reduce((a, b) => a + b, 0), sum, 'the products add up to the sum step');
});
