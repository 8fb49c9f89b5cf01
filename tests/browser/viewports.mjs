// viewports.mjs: the two screens the playground's v2 tests run at, and the
// phone check that the page is never wider than the window.
import assert from 'node:assert/strict';
import { decodeState } from '../../web/static/share.js';
import { settle } from './helpers.mjs';

export const VIEWPORTS = [{ width: 1440, height: 900 }, { width: 390, height: 844 }];

// noHorizontalScroll checks the page is not wider than the window.
export async function noHorizontalScroll(page, what) {
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
  assert.ok(sw <= iw, `${what}: page is ${sw} px wide in a ${iw} px window`);
}

// inView says whether a locator's box lies (mostly) inside the viewport.
export async function inView(page, locator) {
  const b = await locator.boundingBox();
  const [w, hgt] = await page.evaluate(() => [innerWidth, innerHeight]);
  return b && b.y < hgt && b.y + Math.min(b.height, 60) > 0 && b.x >= -1 && b.x < w;
}

export async function hashState(page) {
  await page.waitForFunction(() => location.hash.length > 1);
  return decodeState(await page.evaluate(() => location.hash), { builtins: ['mnist_cnn_int8', 'mnist_dense_int8', 'mnist_dscnn_int8', 'mnist_cnn_int8io'], profiles: ['reference', 'tflite-single-rounding', 'tflite-xnnpack'] });
}

// urlSettled waits until the address bar has caught up with the state.
export async function urlSettled(page) {
  await settle(page);
  await page.waitForFunction(() => document.body.dataset.urlPending !== 'true', null, { polling: 20 });
}

export async function clickOutputElement(page, k, width) {
  const cv = page.getByTestId('tensor-details').locator('.maps canvas').first();
  await cv.scrollIntoViewIfNeeded();
  const box = await cv.boundingBox();
  await cv.click({ position: { x: (k + 0.5) * box.width / width, y: box.height / 2 } });
  await page.getByTestId('explain').locator('.derivation').first().waitFor();
  await settle(page);
}

