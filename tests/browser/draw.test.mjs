// Drawing digits with the mouse: the built-in MNIST CNN must read them.
import assert from 'node:assert/strict';
import { useSuite, browserTest, open, draw, clearDrawing, topClass, errorText, needMNIST, settle } from './helpers.mjs';
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

// drawWith replays strokes through Chromium's own input pipeline (CDP), as
// a finger on a touch screen or a pen: the pad must read them like the mouse.
async function drawWith(page, kind, strokes) {
  const cdp = await page.context().newCDPSession(page);
  const box = await page.getByTestId('draw-canvas').boundingBox();
  const at = ([x, y]) => ({ x: box.x + x * box.width / 280, y: box.y + y * box.height / 280 });
  for (const s of strokes) {
    if (kind === 'touch') {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(s[0])] });
      for (const p of s.slice(1)) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(p)] });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    } else {
      const ev = (type, p, extra = {}) => cdp.send('Input.dispatchMouseEvent', { type, ...at(p), pointerType: 'pen', button: 'left', buttons: type === 'mouseReleased' ? 0 : 1, clickCount: 1, force: 0.5, ...extra });
      await ev('mousePressed', s[0]);
      for (const p of s.slice(1)) await ev('mouseMoved', p);
      await ev('mouseReleased', s[s.length - 1]);
    }
  }
  await cdp.detach();
  await settle(page);
}

browserTest(s, 'touch and pen draw like the mouse; a second finger does not break the stroke', async (t, page) => {
  if (!needMNIST(t)) return;
  await open(s, page);
  for (const [kind, d] of [['touch', '7'], ['pen', '3'], ['touch', '0']]) {
    await clearDrawing(page);
    await drawWith(page, kind, digits[d]);
    const got = await topClass(page);
    t.diagnostic(`${kind} drew ${d}: predicted ${got}`);
    assert.equal(got, d, `${kind} drawing of ${d}`);
  }
  // Two fingers: the second touch point neither starts nor ends a stroke.
  await clearDrawing(page);
  const cdp = await page.context().newCDPSession(page);
  const box = await page.getByTestId('draw-canvas').boundingBox();
  const at = ([x, y], id) => ({ x: box.x + x * box.width / 280, y: box.y + y * box.height / 280, id });
  const one = digits['1'][0];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(one[0], 0)] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(one[0], 0), at([20, 260], 1)] });
  for (const p of one.slice(1)) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(p, 0), at([22, 258], 1)] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [at(one[one.length - 1], 0)] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
  await settle(page);
  // The second finger touched (20..22, 258..260): no ink there.
  const ink = await page.evaluate(() => {
    const cv = document.querySelector('[data-testid=draw-canvas]');
    const sx = cv.width / 280;
    return cv.getContext('2d').getImageData(Math.round(21 * sx), Math.round(259 * sx), 1, 1).data[0];
  });
  assert.equal(ink, 0, 'the second finger drew nothing');
  assert.equal(await topClass(page), '1');
});

// How long the strokes take with and without an op's heatmaps shown is
// printed, not asserted: it measures the machine's load as much as the page.
browserTest(s, 'drawing with an op selected redraws its heatmaps in place', async (t, page) => {
  if (!needMNIST(t)) return;
  await open(s, page);
  const timeDrawing = async () => { const t0 = Date.now(); await draw(page, digits['3']); return Date.now() - t0; };
  await timeDrawing();
  await clearDrawing(page);
  const bare = await timeDrawing();
  await clearDrawing(page);
  await page.locator('[data-testid=op][data-op="3"]').click();
  await settle(page);
  const canvas = await page.getByTestId('tensor-details').locator('.maps canvas').first().elementHandle();
  const pixels = () => canvas.evaluate((cv) => Array.from(cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data).join());
  const before = await pixels();
  const withOp = await timeDrawing();
  t.diagnostic(`measured, not asserted: the same strokes took ${bare} ms with no op selected, ${withOp} ms with op 3 (48 heatmaps) shown (${(withOp / bare).toFixed(2)}×)`);
  assert.ok(await canvas.evaluate((cv) => cv.isConnected), 'the heatmap canvas is reused, not replaced');
  assert.notEqual(await pixels(), before, 'and shows the new values');
});
