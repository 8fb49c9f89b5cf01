// The first screen (issue 12, item 5): no bold answer for a blank pad, a
// loaded file keeps its name, a model that is not a classifier shows its
// outputs as "Output".
// Each test runs at 1440×900 and 390×844.
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSuite, browserTest, open, loadFile, draw } from './helpers.mjs';
import { digits } from './strokes.mjs';
import { VIEWPORTS } from './viewports.mjs';

const s = useSuite();
const model = (f) => path.join(s.models, f);

for (const vp of VIEWPORTS) {
  const at = `${vp.width}×${vp.height}`;

  browserTest(s, `first screen: blank pad has no winner, the file keeps its name, non-classifiers are "Output" (${at})`, async (t, page) => {
    await page.setViewportSize(vp);
    await open(s, page);
    if (await page.evaluate(() => !document.querySelector('[data-testid=draw-area], #draw-area').hidden)) {
      assert.equal(await page.getByTestId('prediction').locator('li.top').count(), 0, 'no bold prediction for a blank pad');
      assert.equal(await page.getByTestId('prediction').getAttribute('data-blank'), 'true');
    }
    await loadFile(page, model('image_int8.tflite'));
    assert.equal(await page.locator('#model-picker option:checked').textContent(), 'image_int8.tflite (local file)');
    assert.equal(await page.getByTestId('prediction').locator('li.top').count(), 0, 'blank pad of a loaded drawing model');
    await draw(page, digits['1']);
    assert.equal(await page.getByTestId('prediction').locator('li.top').count(), 1, 'a drawing gets its winner');
    // A model that is not a classifier: its output is "Output", raw values, no winner.
    await loadFile(page, model('skip_int8.tflite'));
    assert.equal(await page.locator('#prediction-title').textContent(), 'Output');
    assert.equal(await page.getByTestId('prediction').locator('li.top').count(), 0);
    assert.match(await page.getByTestId('outputs').textContent(), /output 0 logits int8 \[1×10\]: /);
    assert.equal(await page.locator('#draw-area').isHidden(), true, 'no pad for an [1,8] input');
  });
}
