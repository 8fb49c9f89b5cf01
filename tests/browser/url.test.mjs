// The URL is the state (issue 12, item 6): every change updates the address
// bar; a link to a missing op or element says so; a link to a big local
// model asks for it by name and hash.
// Each test runs at 1440×900 and 390×844.
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { useSuite, browserTest, open, ready, loadFile, errorText, draw, needMNIST } from './helpers.mjs';
import { encodeState } from '../../web/static/share.js';
import { VIEWPORTS, noHorizontalScroll, inView, hashState, urlSettled, clickOutputElement } from './viewports.mjs';

const s = useSuite();
const model = (f) => path.join(s.models, f);

for (const vp of VIEWPORTS) {
  const at = `${vp.width}×${vp.height}`;

  browserTest(s, `the address bar is the state: every change updates it (${at})`, async (t, page, context) => {
    await page.setViewportSize(vp);
    await open(s, page);
    await loadFile(page, model('fc_int8.tflite'));
    await urlSettled(page);
    let st = await hashState(page);
    assert.equal(st.model.name, 'fc_int8.tflite');
    await page.locator('[data-testid=op][data-op="1"]').click();
    await urlSettled(page);
    assert.equal((await hashState(page)).op, 1);
    await clickOutputElement(page, 4, 10);
    await urlSettled(page);
    assert.equal((await hashState(page)).elem, 4);
    await page.getByTestId('profile').selectOption('tflite-single-rounding');
    await urlSettled(page);
    assert.equal((await hashState(page)).profile, 'tflite-single-rounding');
    await page.getByTestId('input-mode').selectOption('zeros');
    await urlSettled(page);
    assert.equal((await hashState(page)).input.mode, 'zeros');
    await page.locator('[data-testid=tensor-row][data-tensor="3"]').click();
    await urlSettled(page);
    st = await hashState(page);
    assert.equal(st.tensor, 3);
    // The address, opened elsewhere, restores all of it.
    const p2 = await context.newPage();
    await p2.setViewportSize(vp);
    await p2.goto(page.url());
    await ready(p2);
    await p2.getByTestId('explain').locator('.derivation').first().waitFor();
    assert.equal(await p2.locator('[data-testid=op].selected').getAttribute('data-op'), '1');
    assert.equal(await p2.getByTestId('profile').inputValue(), 'tflite-single-rounding');
    assert.match(await p2.getByTestId('explain').locator('h3').first().textContent(), /output element 4 /);
    assert.equal(await p2.getByTestId('tensor-view').isVisible(), true);
    assert.match(await p2.getByTestId('tensor-view').textContent(), /tensor 3:/);
  });

  browserTest(s, `a link to a missing op or element says so (${at})`, async (t, page) => {
    if (!needMNIST(t)) return;
    await page.setViewportSize(vp);
    await page.goto(`${s.url}#${await encodeState({ model: { builtin: 'mnist_cnn_int8' }, op: 99 })}`);
    await ready(page);
    assert.match(await page.getByTestId('notice').textContent(), /The link selects op 99, but this model has \d+ ops/);
    assert.equal(await page.locator('[data-testid=op].selected').count(), 0);
    await page.goto(`${s.url}#${await encodeState({ model: { builtin: 'mnist_cnn_int8' }, op: 9, elem: 1000 })}`);
    await page.waitForFunction(() => /element 1000/.test(document.querySelector('[data-testid=notice]').textContent));
    assert.match(await page.getByTestId('notice').textContent(), /The link selects element 1000 of op 9, whose output has 10 elements/);
  });

  browserTest(s, `a big-model link asks for the file by name and hash, with no dead pad (${at})`, async (t, page) => {
    const bytes = await readFile(model('wide_int8.tflite'));
    const sha = (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex');
    await page.setViewportSize(vp);
    await page.goto(`${s.url}#${await encodeState({ model: { sha256: sha, name: 'wide_int8.tflite' }, op: 1, strokes: [[100, 100, 150, 150]] })}`);
    await ready(page);
    const panel = page.getByTestId('error');
    assert.match(await panel.locator('b').textContent(), new RegExp(`^Drop wide_int8\\.tflite \\(SHA-256 ${sha.slice(0, 12)}…\\) here to continue\\.$`));
    assert.match(await panel.getAttribute('class'), /wait/);
    assert.ok(await inView(page, panel), 'the request is on screen');
    assert.equal(await page.locator('#draw-area').isHidden(), true, 'no pad that cannot draw');
    await loadFile(page, model('wide_int8.tflite'));
    assert.equal(await errorText(page), null);
    await page.waitForFunction(() => document.querySelector('[data-testid=op].selected')?.dataset.op === '1');
    assert.equal(await page.locator('.pad-wrap.empty').count(), 0, 'the drawing is restored');
    await noHorizontalScroll(page, at);
  });
}
