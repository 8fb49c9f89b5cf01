// A stateful model (sum += x in a resource variable, set to 1 by CALL_ONCE):
// the page shows the state after each run, carries it to the next run, and
// "Reset state" starts again from the initial value.
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSuite, browserTest, open, loadFile, errorText, settle, setNumber } from './helpers.mjs';

const s = useSuite();

browserTest(s, 'the state of a stateful model is shown, carried from run to run, and reset', async (t, page) => {
  await open(s, page);
  await loadFile(page, path.join(s.models, 'stateful_float.tflite'));
  assert.equal(await errorText(page), null);
  const values = () => page.getByTestId('state').locator('tr td.values').first().textContent();
  assert.match(await page.getByTestId('state').textContent(), /sum.*float32 \[1\]/);
  await setNumber(page.locator('#tensor-inputs input[type=number]').first(), 2);
  await page.getByTestId('input-mode').selectOption('constant');
  await settle(page);
  await page.getByTestId('reset-state').click();
  await settle(page);
  assert.equal(await values(), '3', 'after a reset, one run of x = 2 from the initial 1');
  await setNumber(page.locator('#tensor-inputs input[type=number]').nth(1), 5); // a new seed: one more run
  assert.equal(await values(), '5', 'the state carried over: 1 + 2 + 2');
  // Every op opens in the inspector, those without outputs (CALL_ONCE,
  // ASSIGN_VARIABLE) and the resource handle included, in both profiles.
  await page.getByTestId('compare').check();
  await settle(page);
  for (let i = 0; i < 5; i++) {
    await page.locator(`[data-testid=op][data-op="${i}"]`).click();
    await settle(page);
    await page.getByTestId('tensor-details').locator('h2', { hasText: `op ${i}:` }).waitFor();
  }
  assert.equal(await errorText(page), null);
  await page.getByTestId('compare').uncheck();
  await settle(page);
  assert.equal(await values(), '9', 'turning compare on and off ran the reference twice more');
  await page.getByTestId('reset-state').click();
  await settle(page);
  assert.equal(await values(), '3', 'after the reset, one run from the initial state');
  assert.equal(await errorText(page), null);
});
