// Drawing digits with the mouse: the built-in MNIST CNN must read them.
import assert from 'node:assert/strict';
import { useSuite, browserTest, open, draw, clearDrawing, topClass, errorText, needMNIST } from './helpers.mjs';
import { digits } from './strokes.mjs';

const s = useSuite();

browserTest(s, 'drawn digits are classified by the MNIST CNN', async (t, page) => {
  if (!needMNIST(t)) return;
  await open(s, page);
  assert.equal(await page.getByTestId('model-picker').inputValue(), 'mnist_cnn_int8');
  const wrong = [];
  for (const d of ['0', '1', '3', '7', '2', '4']) {
    await clearDrawing(page);
    await draw(page, digits[d]);
    const got = await topClass(page);
    const bars = await page.getByTestId('prediction').locator('li.top').textContent();
    t.diagnostic(`drew ${d}: predicted ${got} (${bars.replace(/^\d/, '')})`);
    if (got !== d) wrong.push(`${d} → ${got}`);
  }
  assert.equal(await errorText(page), null);
  assert.deepEqual(wrong, [], 'every drawn digit is read correctly');
});

browserTest(s, 'the preview shows the 28×28 input and Clear empties it', async (t, page) => {
  if (!needMNIST(t)) return;
  await open(s, page);
  const ink = () => page.evaluate(() => {
    const d = document.querySelector('[data-testid=preview]').getContext('2d').getImageData(0, 0, 28, 28).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
  await draw(page, digits['7']);
  const n = await ink();
  assert.ok(n > 40 && n < 400, `the preview has ink (${n} pixels)`);
  await clearDrawing(page);
  assert.equal(await ink(), 0);
});
