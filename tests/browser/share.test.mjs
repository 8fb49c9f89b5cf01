// Share links: a link restores the drawing (hence the prediction), the model,
// the selected op and element and the tensor-input settings; damaged or
// hostile links give a clear message and leave a working page.
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { useSuite, browserTest, open, ready, loadFile, errorText, settle, draw, topClass, canvasHash, needMNIST, mnistModel, setNumber } from './helpers.mjs';
import { encodeState, toBase64Url } from '../../web/static/share.js';
import { digits } from './strokes.mjs';

const s = useSuite();
const model = (name) => path.join(s.models, name);

async function share(page) {
  await page.getByTestId('share').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=share-link]').value.includes('#s1.'));
  return page.getByTestId('share-link').inputValue();
}

async function selectedOp(page) {
  return page.evaluate(() => document.querySelector('[data-testid=op].selected')?.dataset.op ?? null);
}

async function selectOp(page, i) {
  await page.locator(`[data-testid=op][data-op="${i}"]`).click();
  await settle(page);
}

async function clickFirstElement(page) {
  const cv = page.getByTestId('tensor-details').locator('.maps canvas').first();
  await cv.click({ position: { x: 1, y: 1 } });
  await page.getByTestId('explain').locator('.derivation').first().waitFor();
  return page.getByTestId('explain').locator('h3').textContent();
}

// state reads what a share link should restore (without waiting for anything).
function state(page) {
  return page.evaluate(() => {
    const q = (sel) => document.querySelector(sel);
    return {
      prediction: q('[data-testid=prediction]').dataset.class ?? null,
      bars: q('[data-testid=prediction]').textContent,
      op: q('[data-testid=op].selected')?.dataset.op ?? null,
      details: q('[data-testid=tensor-details] h2')?.textContent ?? null,
      explain: q('[data-testid=explain] h3')?.textContent ?? null,
      profile: q('[data-testid=profile]').value,
    };
  });
}

// openLink opens url in a new page of the same context and waits until it settles.
async function openLink(context, url) {
  const p = await context.newPage();
  await p.goto(url);
  await ready(p);
  return p;
}

browserTest(s, 'a link restores an embedded drawing model, the drawing, op and element', async (t, page, context) => {
  await open(s, page);
  await loadFile(page, model('image_int8.tflite'));
  assert.equal(await errorText(page), null);
  await draw(page, digits['3']);
  await selectOp(page, 0);
  await clickFirstElement(page);
  const want = await state(page);
  const pixels = await canvasHash(page);
  assert.match(want.prediction, /^\d$/);
  const url = await share(page);
  t.diagnostic(`share link: ${url.length} characters`);
  assert.ok(url.startsWith(s.url), url);

  const p2 = await openLink(context, url);
  assert.equal(await errorText(p2), null);
  assert.deepEqual(await state(p2), want);
  assert.equal(await canvasHash(p2), pixels, 'the drawing is replayed exactly');
  assert.equal(await p2.getByTestId('model-picker').inputValue(), '', 'the model came from the link, not a built-in');
});

browserTest(s, 'a link restores a built-in model, the drawing and the selected op', async (t, page, context) => {
  if (!needMNIST(t)) return;
  await open(s, page);
  await draw(page, digits['7']);
  const ops = await page.getByTestId('op').count();
  await selectOp(page, ops - 1);
  const want = await state(page);
  const pixels = await canvasHash(page);
  const url = await share(page);
  assert.ok(url.length < 4000, `a drawing on a built-in model makes a short link (${url.length})`);
  const p2 = await openLink(context, url);
  assert.equal(await errorText(p2), null);
  assert.deepEqual(await state(p2), want);
  assert.equal(await canvasHash(p2), pixels);
  assert.equal(await p2.getByTestId('model-picker').inputValue(), await page.getByTestId('model-picker').inputValue());
});

browserTest(s, 'a link restores the tensor-input settings of a non-image model', async (t, page, context) => {
  await open(s, page);
  await loadFile(page, model('fc_int8.tflite'));
  await page.getByTestId('input-mode').selectOption('random');
  await setNumber(page.locator('#tensor-inputs input[type=number]').nth(1), 5);
  await selectOp(page, 1);
  await clickFirstElement(page);
  const want = await state(page);
  const url = await share(page);
  const p2 = await openLink(context, url);
  assert.equal(await errorText(p2), null);
  assert.deepEqual(await state(p2), want);
  assert.equal(await p2.getByTestId('input-mode').inputValue(), 'random');
  assert.equal(await p2.locator('#tensor-inputs input[type=number]').nth(1).inputValue(), '5');

  // The same link pasted into an open tab (only the fragment changes) restores it too.
  const p3 = await context.newPage();
  await open(s, p3);
  await p3.goto(url);
  await p3.waitForFunction(() => document.querySelectorAll('[data-testid=op]').length === 2 && document.querySelector('[data-testid=op].selected'));
  await settle(p3);
  await p3.getByTestId('explain').locator('.derivation').first().waitFor();
  assert.deepEqual(await state(p3), want);
});

browserTest(s, 'a link to a local model over 64 KB asks for the file, then restores the state', async (t, page, context) => {
  await open(s, page);
  await loadFile(page, model('wide_int8.tflite'));
  await draw(page, digits['0']);
  await selectOp(page, 1);
  const want = await state(page);
  const pixels = await canvasHash(page);
  const url = await share(page);
  assert.ok(url.length < 2000, `the link carries a hash, not the model (${url.length} characters)`);

  const p2 = await openLink(context, url);
  const msg = await errorText(p2);
  assert.match(msg, /uses your local model "wide_int8\.tflite" \(SHA-256 [0-9a-f]{12}…\)/);
  assert.equal(await p2.getByTestId('op').count(), 0, 'nothing is loaded until the file is given');
  await loadFile(p2, model('wide_int8.tflite'));
  assert.equal(await errorText(p2), null);
  await p2.getByTestId('op').first().waitFor();
  assert.deepEqual(await state(p2), want);
  assert.equal(await canvasHash(p2), pixels);

  // Another file still opens, without the link's state, and says so.
  const p3 = await openLink(context, url);
  await loadFile(p3, model('image_int8.tflite'));
  assert.match(await errorText(p3), /^image_int8\.tflite is not the model the share link was made with .*opened without the link's drawing/);
  assert.equal(await p3.getByTestId('op').count(), 1);
  assert.equal(await selectedOp(p3), null);
});

// A damaged link shows why in the error panel and the page still works.
async function damaged(t, context, url, pattern) {
  const p = await context.newPage();
  await p.goto(url);
  await p.waitForFunction(() => document.body.dataset.ready === 'true', null, { polling: 50 });
  await settle(p);
  const msg = await errorText(p);
  t.diagnostic(`${url.slice(url.indexOf('#'), url.indexOf('#') + 24)}… → ${msg}`);
  assert.ok(msg, 'an error is shown');
  assert.match(msg, /^This share link cannot be opened: /);
  assert.match(msg, pattern);
  if (existsSync(mnistModel)) {
    assert.ok(await p.getByTestId('op').count() > 0, 'the default model loaded');
    assert.match(await topClass(p), /^\d$/);
  }
  // The page works: a model loads and runs.
  await loadFile(p, path.join(s.models, 'fc_int8.tflite'));
  assert.equal(await errorText(p), null);
  assert.equal(await p.getByTestId('op').count(), 2);
  assert.match(await topClass(p), /^\d$/);
  await p.close();
}

browserTest(s, 'damaged links show a clear message and the page still works', async (t, page, context) => {
  await open(s, page);
  await loadFile(page, model('fc_int8.tflite'));
  await selectOp(page, 1);
  const url = await share(page);
  const cut = url.indexOf('#') + Math.floor((url.length - url.indexOf('#')) * 0.6);
  await damaged(t, context, url.slice(0, cut), /damaged|truncated/);
  await damaged(t, context, url.slice(0, url.length - 3), /damaged|truncated/);
  await damaged(t, context, `${s.url}#s1.${toBase64Url(Uint8Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) & 0xff))}`, /damaged|truncated/);
  await damaged(t, context, `${s.url}#${'%F0%9F%92%A5'.repeat(20)}garbage!`, /not an int8scope share link/);
  await damaged(t, context, `${s.url}#s1.${'x'.repeat(200_010)}`, /too long/);
  await damaged(t, context, `${s.url}#s9.abc`, /version "s9"/);
  await damaged(t, context, `${s.url}#${await encodeState({ model: { builtin: 'nope' } })}`, /built-in model this page does not have/);
  await damaged(t, context, `${s.url}#${await encodeState({ model: { builtin: 'mnist_cnn_int8' }, profile: '<b>x</b>' })}`, /unknown arithmetic profile/);
  const bomb = new Uint8Array(await new Response(new Blob([new Uint8Array(8 << 20)]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
  await damaged(t, context, `${s.url}#s1.${toBase64Url(bomb)}`, /too much data/);
});

browserTest(s, 'HTML in a link stays text', async (t, page, context) => {
  const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  await open(s, page);
  // A link to a local model by hash: the page names the model in its message.
  const byHash = `${s.url}#${await encodeState({ model: { sha256: 'ab'.repeat(32), name: evil }, strokes: [[10, 10, 20, 20]] })}`;
  const p = await context.newPage();
  await p.goto(byHash);
  await ready(p);
  const msg = await errorText(p);
  assert.ok(msg.includes(`your local model "${evil}"`), msg);
  assert.equal(await p.locator('img, #error script').count(), 0, 'no element was created from the link');
  assert.equal(await p.evaluate(() => window.__pwned), undefined);

  // An embedded model with that name, whose tensors have HTML names too.
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(model('fc_int8.tflite'));
  const embedded = `${s.url}#${await encodeState({ model: { embed: toBase64Url(bytes), name: evil }, op: 0, elem: 1, input: { mode: 'zeros', value: 0, seed: 1 } })}`;
  const p2 = await openLink(context, embedded);
  assert.equal(await errorText(p2), null);
  assert.equal(await p2.getByTestId('op').count(), 2);
  assert.match(await p2.getByTestId('tensor-details').textContent(), /<img src=x onerror="window.__pwned=1">hidden/);
  assert.equal(await p2.locator('img').count(), 0);
  assert.equal(await p2.evaluate(() => window.__pwned), undefined);
});

browserTest(s, 'a link restores the selected signature of a multi-signature model', async (t, page, context) => {
  await open(s, page);
  await loadFile(page, model('signatures_int8.tflite'));
  await settle(page);
  await page.getByTestId('signature').selectOption('embed');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=op]').length === 1);
  await settle(page);
  await selectOp(page, 0);
  const want = await state(page);
  const url = await share(page);
  const p2 = await openLink(context, url);
  assert.equal(await errorText(p2), null);
  assert.equal(await p2.getByTestId('signature').inputValue(), 'embed');
  assert.equal(await p2.getByTestId('op').count(), 1, 'the embed signature has one op (subgraph 0 has 2)');
  assert.deepEqual(await state(p2), want);
  // Picking the other signature again is carried too.
  await p2.getByTestId('signature').selectOption('classify');
  await p2.waitForFunction(() => document.querySelectorAll('[data-testid=op]').length === 2);
  await settle(p2);
  const p3 = await openLink(context, await share(p2));
  assert.equal(await p3.getByTestId('signature').inputValue(), 'classify');
  assert.equal(await p3.getByTestId('op').count(), 2);
});
