// The graph view (issue 12, item 1): on a generated model with a skip
// connection every drawn edge joins the op that makes its tensor to the op
// that reads it, both in its data attributes and on screen; a click on a
// node opens that op; overlays colour the nodes; a 250-op model stays
// readable. Each test runs at 1440×900 and at a phone's 390×844.
import assert from 'node:assert/strict';
import path from 'node:path';
import { useSuite, browserTest, open, loadFile, errorText, settle } from './helpers.mjs';
import { VIEWPORTS, noHorizontalScroll } from './viewports.mjs';

const s = useSuite();
const model = (f) => path.join(s.models, f);

for (const vp of VIEWPORTS) {
  const at = `${vp.width}×${vp.height}`;

  browserTest(s, `graph edges join producer and consumer on a skip connection (${at})`, async (t, page) => {
    await page.setViewportSize(vp);
    await open(s, page);
    await loadFile(page, model('skip_int8.tflite'));
    assert.equal(await errorText(page), null);
    const graph = page.getByTestId('graph');
    await graph.scrollIntoViewIfNeeded();
    assert.equal(await graph.locator('[data-testid=graph-node]').count(), 4, 'one node per op');
    assert.deepEqual(await graph.locator('[data-testid=graph-node]').evaluateAll((ns) => ns.map((n) => n.dataset.op)), ['0', '1', '2', '3']);
    // The model: input → op0 (FC) → op1 (FC) → op2 ADD(op0, op1) → op3 (FC) → output.
    const edges = await graph.locator('[data-testid=graph-edge]').evaluateAll((es) => es.map((e) => `${e.dataset.from}>${e.dataset.to}:${e.dataset.tensor}`).sort());
    assert.deepEqual(edges, ['0>1:3', '0>2:3', '1>2:6', '2>3:7', '3>output:10', 'input>0:0'].sort());
    // On screen: each edge starts at its producer's box and ends at its consumer's.
    const geo = await page.evaluate(() => {
      const box = (el) => el.getBoundingClientRect();
      const node = (op) => document.querySelector(op === 'input' ? '[data-testid=graph-input]' : op === 'output' ? '[data-testid=graph-output]' : `[data-testid=graph-node][data-op="${op}"]`);
      return [...document.querySelectorAll('[data-testid=graph-edge]')].map((e) => {
        const p = e.querySelector('path');
        const len = p.getTotalLength();
        const m = p.getScreenCTM();
        const pt = (d) => { const q = p.getPointAtLength(d); return { x: m.a * q.x + m.c * q.y + m.e, y: m.b * q.x + m.d * q.y + m.f }; };
        const r = (b) => ({ l: b.left, r: b.right, t: b.top, b: b.bottom });
        return { from: e.dataset.from, to: e.dataset.to, start: pt(0), end: pt(len), fromBox: r(box(node(e.dataset.from))), toBox: r(box(node(e.dataset.to))), label: e.querySelector('text').textContent };
      });
    });
    const near = (p, b, slack = 4) => p.x >= b.l - slack && p.x <= b.r + slack && p.y >= b.t - slack && p.y <= b.b + slack;
    for (const e of geo) {
      assert.ok(near(e.start, e.fromBox), `edge ${e.from}→${e.to} starts at its producer (${JSON.stringify(e.start)} vs ${JSON.stringify(e.fromBox)})`);
      assert.ok(near(e.end, e.toBox), `edge ${e.from}→${e.to} ends at its consumer (${JSON.stringify(e.end)} vs ${JSON.stringify(e.toBox)})`);
    }
    // Edges are labelled with the tensor's type and shape.
    assert.ok(geo.every((e) => /^int8 \[1×(8|10)\]$/.test(e.label)), geo.map((e) => e.label).join(', '));
    // Constant inputs are folded into their node.
    assert.match(await graph.locator('[data-testid=graph-node][data-op="0"]').textContent(), /int8 \[8×8\].*int32 \[8\]/);
    await noHorizontalScroll(page, at);
  });

  browserTest(s, `clicking a graph node opens the op inspector (${at})`, async (t, page) => {
    await page.setViewportSize(vp);
    await open(s, page);
    await loadFile(page, model('skip_int8.tflite'));
    const node = page.locator('[data-testid=graph-node][data-op="2"]');
    await node.scrollIntoViewIfNeeded();
    await node.click();
    await page.getByTestId('tensor-details').locator('h2', { hasText: 'op 2: ADD' }).waitFor();
    assert.equal(await page.locator('[data-testid=op].selected').getAttribute('data-op'), '2', 'the op list follows');
    assert.match(await node.getAttribute('class'), /selected/);
    // The list selects in the graph too.
    await page.locator('[data-testid=op][data-op="3"]').click();
    await settle(page);
    assert.match(await page.locator('[data-testid=graph-node][data-op="3"]').getAttribute('class'), /selected/);
    assert.doesNotMatch(await node.getAttribute('class'), /selected/);
    await noHorizontalScroll(page, at);
  });

  browserTest(s, `graph overlays: time per op and differing elements (${at})`, async (t, page) => {
    await page.setViewportSize(vp);
    await open(s, page);
    await loadFile(page, model('skip_int8.tflite'));
    await page.getByTestId('graph-overlay').selectOption('time');
    await settle(page);
    const times = await page.locator('[data-testid=graph-node]').evaluateAll((ns) => ns.map((n) => n.dataset.overlay));
    assert.ok(times.every((x) => x !== undefined && Number(x) >= 0), `every node has a time: ${times}`);
    assert.ok((await page.locator('[data-testid=graph-node] .node-badge').allTextContents()).every((x) => /ms/.test(x)));
    // Differences need a second profile.
    await page.getByTestId('graph-overlay').selectOption('diff');
    assert.match(await page.locator('.graph-legend').textContent(), /compare with/);
    await page.getByTestId('compare').check();
    await settle(page);
    const diffs = await page.locator('[data-testid=graph-node]').evaluateAll((ns) => ns.map((n) => Number(n.dataset.overlay)));
    // The op list counts the same differing elements.
    const listed = await page.locator('[data-testid=op]').evaluateAll((ls) => ls.map((l) => Number(/(\d+) elements? differ/.exec(l.textContent)?.[1] ?? 0)));
    assert.deepEqual(diffs, listed);
    // The overlay is part of the address.
    await page.waitForFunction(() => Number(document.body.dataset.url ?? 0) > 0);
  });

  browserTest(s, `a 250-op model lays out readable, pans and zooms (${at})`, async (t, page) => {
    await page.setViewportSize(vp);
    await open(s, page);
    await loadFile(page, model('residual250_int8.tflite'));
    assert.equal(await errorText(page), null);
    const graph = page.getByTestId('graph');
    assert.equal(await graph.locator('[data-testid=graph-node]').count(), 250);
    assert.equal(await graph.locator('[data-testid=graph-edge]').count(), 125 * 3 + 1, '3 per block (x→fc, x→add, fc→add), then the output');
    // Readable: the first node's title is drawn at 8 px or more, inside the view.
    await graph.scrollIntoViewIfNeeded();
    const first = graph.locator('[data-testid=graph-node][data-op="0"] .node-title');
    const fb = await first.boundingBox();
    const vb = await graph.boundingBox();
    assert.ok(fb.height >= 8, `title ${fb.height.toFixed(1)} px high`);
    assert.ok(fb.x >= vb.x - 1 && fb.x + fb.width <= vb.x + vb.width + 1 && fb.y >= vb.y && fb.y + fb.height <= vb.y + vb.height, 'the first op is in view');
    // Zoom in with the button, out with the wheel; drag pans.
    const k0 = Number(await graph.getAttribute('data-scale'));
    await page.locator('.graph-toolbar button', { hasText: '+' }).click();
    const k1 = Number(await graph.getAttribute('data-scale'));
    assert.ok(k1 > k0, `zoom in: ${k0} → ${k1}`);
    await page.mouse.move(vb.x + vb.width / 2, vb.y + vb.height / 2);
    await page.mouse.wheel(0, 400);
    assert.ok(Number(await graph.getAttribute('data-scale')) < k1, 'the wheel zooms out');
    const before = await first.boundingBox();
    await page.mouse.move(vb.x + 20, vb.y + 60);
    await page.mouse.down();
    await page.mouse.move(vb.x + 60, vb.y + 20, { steps: 4 });
    await page.mouse.up();
    const after = await first.boundingBox();
    assert.ok(Math.abs(after.x - before.x - 40) < 2 && Math.abs(after.y - before.y + 40) < 2, `dragging pans by (40, −40): ${before.x},${before.y} → ${after.x},${after.y}`);
    // "fit" shows all 250 ops at once.
    await page.locator('.graph-toolbar button', { hasText: 'fit' }).click();
    const last = await graph.locator('[data-testid=graph-node][data-op="249"]').boundingBox();
    assert.ok(last.y + last.height <= vb.y + vb.height + 1, 'after fit the last op is in view');
    await noHorizontalScroll(page, at);
  });
}
