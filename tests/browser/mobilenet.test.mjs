// A big real-architecture model in the playground: the generated int8
// MobileNet v2 1.0 224 (internal/mobilenet, 66 ops, 300.8 M
// multiply-accumulates, 6.9 M activation elements) loads, runs with the trace
// on (the page's runs always record it), shows its layers, and shows an op's
// int32 accumulators on demand; a second run and a profile change keep the
// page and its engine alive. Behaviour only: make bench times it. The
// diagnostics print the page's own timing line and the engine worker's
// WebAssembly memory.
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { useSuite, browserTest, open, loadFile, errorText, settle, ROOT } from './helpers.mjs';

const s = useSuite();
const NAME = 'mobilenet_v2_1.0_224_int8';

// wasmMiB is the engine worker's WebAssembly memory, in MiB.
async function wasmMiB(page) {
  const w = page.workers().find((x) => /engine-worker/.test(x.url()));
  if (!w) return null;
  return w.evaluate(() => go._inst.exports.mem.buffer.byteLength / 2 ** 20); // eslint-disable-line no-undef
}

browserTest(s, 'MobileNet v2 1.0 224 loads, runs traced, shows its layers and accumulators', async (t, page) => {
  const dir = path.join(s.dir, 'generated');
  await promisify(execFile)('go', ['run', './tools/mobilenet', '-out', dir], { cwd: ROOT });
  await open(s, page);
  const t0 = performance.now();
  await loadFile(page, path.join(dir, `${NAME}.tflite`));
  t.diagnostic(`loaded and run in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${await page.getByTestId('timing').textContent()}; engine memory ${await wasmMiB(page)} MiB`);
  assert.equal(await errorText(page), null);
  assert.ok(await page.getByTestId('notice').isHidden(), 'the trace fits: no "trace off" notice');
  assert.match(await page.getByTestId('model-summary').textContent(), /^66 ops · \d+ tensors · 300\.8 M multiply-accumulates per inference · /);
  assert.match(await page.getByTestId('timing').textContent(), /trace on/);
  // Every layer is listed, and the run's output (1001 class scores) is shown.
  const ops = page.getByTestId('op');
  assert.equal(await ops.count(), 66);
  const builtins = await ops.evaluateAll((els) => els.map((e) => e.children[1].textContent));
  const count = (b) => builtins.filter((x) => x === b).length;
  assert.deepEqual([count('CONV_2D'), count('DEPTHWISE_CONV_2D'), count('ADD'), count('AVERAGE_POOL_2D'), count('RESHAPE'), count('SOFTMAX')], [36, 17, 10, 1, 1, 1]);
  // Each layer shows its time from the trace.
  assert.equal(await page.locator('[data-testid=op] .time:not([hidden])').count(), 66);
  assert.match(await page.getByTestId('outputs').textContent(), /MobilenetV2\/Predictions\/Reshape_1/);

  // An op in the middle (block 8's depthwise conv, 14×14×384): its values
  // and, fetched on demand, its int32 accumulators.
  await page.locator('[data-testid=op][data-op="29"]').click();
  await settle(page);
  const details = page.getByTestId('tensor-details');
  await page.waitForFunction(() => /int32 accumulators/.test(document.querySelector('[data-testid=tensor-details]').textContent));
  assert.match(await details.textContent(), /DEPTHWISE_CONV_2D/);

  // Another profile runs the model again, traced; the engine lives on.
  await page.getByTestId('profile').selectOption('tflite-xnnpack');
  await settle(page);
  assert.equal(await errorText(page), null);
  assert.match(await page.getByTestId('timing').textContent(), /profile tflite-xnnpack/);
  await page.waitForFunction(() => /int32 accumulators/.test(document.querySelector('[data-testid=tensor-details]').textContent));
  t.diagnostic(`second profile: ${await page.getByTestId('timing').textContent()}; engine memory ${await wasmMiB(page)} MiB`);

  // More runs (other inputs, both profiles) do not pile up memory: the
  // engine keeps the last traced run per profile, and the Go heap reuses
  // what the runs before it freed.
  const seed = page.getByTestId('tensor-inputs').locator('input[type=number]').nth(1);
  for (let i = 2; i <= 5; i++) {
    if (i === 4) { await page.getByTestId('profile').selectOption('reference'); await settle(page); }
    await seed.fill(String(i));
    await seed.blur();
    await settle(page);
    assert.equal(await errorText(page), null);
  }
  const mib = await wasmMiB(page);
  const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize / 2 ** 20);
  t.diagnostic(`after 7 runs: ${await page.getByTestId('timing').textContent()}; engine memory ${mib} MiB; page JS heap ${heap?.toFixed(0)} MiB`);
  assert.ok(mib < 1024, `engine memory ${mib} MiB after 7 traced runs`);
});
