// The engine's worker installs the WebAssembly SIMD kernels (simd.js,
// simd.wasm) in Chromium, and the built-in CNN, whose convolutions and
// dense layers then run on them, still classifies drawings. That the SIMD
// kernels compute exactly what the pure-Go ones do is web/test/simd.test.js.
import assert from 'node:assert/strict';
import { useSuite, browserTest, open, draw, topClass, errorText, needMNIST } from './helpers.mjs';
import { digits } from './strokes.mjs';

const s = useSuite();

browserTest(s, 'the engine runs on the WebAssembly SIMD kernels in Chromium', async (t, page) => {
  if (!needMNIST(t)) return;
  await open(s, page);
  assert.equal(await page.evaluate(() => document.body.dataset.simd), 'on');
  await draw(page, digits['1']);
  assert.equal(await errorText(page), null);
  assert.equal(await topClass(page), '1');
});
