// screenshot.mjs writes the README's pictures: docs/screenshot.png, the
// playground with the built-in MNIST CNN, a drawn 3 and the first CONV_2D
// selected; and docs/compare.png, one element of that CONV_2D where the
// reference kernels and the browser TFLite (XNNPACK) give different
// integers, both derivations side by side.
//
//	node tests/browser/screenshot.mjs   (make screenshot)
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, LAUNCH, prepare, startServer, ready, settle, draw } from './helpers.mjs';
import { digits } from './strokes.mjs';

const out = path.join(ROOT, 'docs/screenshot.png');
const dir = await mkdtemp(path.join(tmpdir(), 'int8scope-shot-'));
let server, browser;
try {
  await prepare(dir);
  [server, browser] = await Promise.all([startServer(path.join(dir, 'devserver')), chromium.launch(LAUNCH)]);
  const page = await browser.newPage({ viewport: { width: 1360, height: 1250 }, deviceScaleFactor: 1 });
  await page.goto(server.url);
  await ready(page);
  await draw(page, digits['3']);
  await page.locator('[data-testid=op][data-op="1"]').click();
  await settle(page);
  const cv = page.getByTestId('tensor-details').locator('.maps canvas').first();
  const box = await cv.boundingBox();
  await cv.click({ position: { x: box.width * 0.45, y: box.height * 0.5 } });
  await page.getByTestId('explain').locator('.derivation').first().waitFor();
  await settle(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await mkdir(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: false });
  console.log(`wrote ${path.relative(ROOT, out)}`);
  await page.getByTestId('compare').check();
  await settle(page);
  const chip = page.getByTestId('diff-list').locator('.diff-chip').first();
  await chip.click();
  await page.getByTestId('explain').locator('.derivation').nth(1).waitFor();
  await settle(page);
  const compare = path.join(ROOT, 'docs/compare.png');
  await page.getByTestId('explain').screenshot({ path: compare });
  console.log(`wrote ${path.relative(ROOT, compare)}`);
} finally {
  await browser?.close();
  server?.stop();
  await rm(dir, { recursive: true, force: true });
}
