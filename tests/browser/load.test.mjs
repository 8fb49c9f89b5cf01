// The page loads with the default built-in model, shows no error, lists the
// ops, and reports (prints, does not assert) how long it took to become
// interactive.
import assert from 'node:assert/strict';
import { useSuite, browserTest, ready, errorText, topClass, needMNIST, settle } from './helpers.mjs';

const s = useSuite();

browserTest(s, 'the page loads the default built-in model', async (t, page) => {
  if (!needMNIST(t)) return;
  const t0 = performance.now();
  await page.goto(s.url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { polling: 10 });
  const tti = performance.now() - t0;
  const inPage = await page.evaluate(() => performance.now());
  await ready(page);
  const wasm = Number(await page.evaluate(() => document.body.dataset.wasmBytes));
  const index = await (await fetch(new URL('models/index.json', s.url))).json();
  t.diagnostic(`time to interactive: ${tti.toFixed(0)} ms (page clock ${inPage.toFixed(0)} ms); WASM ${(wasm / 1048576).toFixed(2)} MiB`);
  console.log(`time to interactive: ${tti.toFixed(0)} ms; WASM ${wasm} bytes`);

  assert.equal(await errorText(page), null, 'no error is shown');
  assert.equal(await page.getByTestId('model-picker').inputValue(), index[0].id);
  assert.ok(await page.getByTestId('op').count() > 0, 'the op list is not empty');
  // Like Netron's model properties: the size and work of the model.
  assert.match(await page.getByTestId('model-summary').textContent(), /^10 ops · \d+ tensors · 2\.4 M multiply-accumulates per inference · 164\.3 KB$/);
  assert.ok(wasm > 100_000, `WASM size ${wasm}`);
  // An empty drawing is still classified (a blank input), and the picker
  // lists every built-in model.
  assert.match(await topClass(page), /^\d$/);
  assert.deepEqual(await page.getByTestId('model-picker').locator('option:not([disabled])').evaluateAll((os) => os.map((o) => o.value)), index.map((m) => m.id));
  assert.ok((await page.getByTestId('profile').locator('option').allTextContents()).includes('reference'));
});

browserTest(s, 'every built-in model loads and runs', async (t, page) => {
  if (!needMNIST(t)) return;
  await page.goto(s.url);
  await ready(page);
  const index = await (await fetch(new URL('models/index.json', s.url))).json();
  for (const m of index) {
    const resp = await fetch(new URL(`models/${m.file}`, s.url));
    if (!resp.ok) { t.diagnostic(`${m.file}: HTTP ${resp.status}, not built yet`); continue; }
    const before = await page.getByTestId('model-summary').textContent();
    await page.getByTestId('model-picker').selectOption(m.id);
    // Loading is asynchronous: wait until the page shows this model (its
    // summary changes, unless it is the one already shown), then for the run.
    await page.waitForFunction(([id, prev, same]) => document.querySelector('[data-testid=model-picker]').value === id
      && document.querySelectorAll('[data-testid=op]').length > 0
      && (same || document.querySelector('[data-testid=model-summary]').textContent !== prev), [m.id, before, m === index[0]]);
    await settle(page);
    await page.waitForFunction(() => document.querySelector('[data-testid=prediction]')?.dataset.class != null, null);
    assert.equal(await errorText(page), null, `${m.id}: no error`);
    assert.match(await topClass(page), /^\d$/, `${m.id}: a prediction`);
    t.diagnostic(`${m.id}: ${await page.getByTestId('op').count()} ops; ${await page.getByTestId('timing').textContent()}`);
  }
});
