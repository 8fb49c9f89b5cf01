// The phone layout (issue 12, item 2): one column at ≤ 600 px, no horizontal
// scroll with everything open, readable explanations, touch drawing.
// Each test runs at 1440×900 and 390×844.
import assert from 'node:assert/strict';
import { useSuite, browserTest, open, settle, draw, needMNIST } from './helpers.mjs';
import { digits } from './strokes.mjs';
import { VIEWPORTS, noHorizontalScroll, clickOutputElement } from './viewports.mjs';

const s = useSuite();

for (const vp of VIEWPORTS) {
  const at = `${vp.width}×${vp.height}`;
  const phone = vp.width <= 600;

  browserTest(s, `layout: ${phone ? 'one column, ' : ''}no horizontal scroll with an op, an element and a tensor open (${at})`, async (t, page) => {
    if (!needMNIST(t)) return;
    await page.setViewportSize(vp);
    await open(s, page);
    await noHorizontalScroll(page, 'first screen');
    await draw(page, digits['3']);
    await page.locator('[data-testid=op][data-op="1"]').click();
    await settle(page);
    await clickOutputElement(page, 3, 28);
    await noHorizontalScroll(page, 'op and element open');
    await page.locator('[data-testid=tensor-row][data-tensor="9"]').click();
    await page.getByTestId('tensor-view').locator('canvas').first().waitFor();
    await noHorizontalScroll(page, 'tensor open');
    const xs = await page.evaluate(() => ['#input-panel', '#ops-panel', '#graph-panel', '#detail-panel', '#tensors-panel'].map((q) => { const r = document.querySelector(q).getBoundingClientRect(); return [r.left, r.right]; }));
    if (phone) {
      // One column: every panel spans the width, none beside another.
      for (const [l, r] of xs) assert.ok(l < 20 && r > vp.width - 20, `panel ${l}..${r} spans the ${vp.width} px screen`);
      // Explanations are readable: normal-sized text, lines wider than a word.
      const fs = await page.getByTestId('explain').locator('.steps li').first().evaluate((e) => [parseFloat(getComputedStyle(e).fontSize), e.getBoundingClientRect().width]);
      assert.ok(fs[0] >= 12 && fs[1] > 250, `explanation text ${fs[0]} px in a ${fs[1]} px line`);
      const nameCell = await page.getByTestId('tensor-details').locator('tr[data-tensor] .name').first().boundingBox();
      assert.ok(nameCell.width >= 80, `tensor names get ${nameCell.width} px, not one letter per line`);
    } else {
      // Input, graph and details side by side.
      assert.ok(xs[0][1] <= xs[2][0] && xs[2][1] <= xs[3][0], `columns ${JSON.stringify(xs)}`);
    }
  });

  browserTest(s, `touch drawing still classifies (${at})`, async (t, page) => {
    if (!needMNIST(t)) return;
    await page.setViewportSize(vp);
    await open(s, page);
    const pad = page.getByTestId('draw-canvas');
    await pad.scrollIntoViewIfNeeded();
    const cdp = await page.context().newCDPSession(page);
    const box = await pad.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= vp.width, 'the pad fits the screen');
    const pt = ([x, y]) => ({ x: box.x + x * box.width / 280, y: box.y + y * box.height / 280 });
    for (const st of digits['7']) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [pt(st[0])] });
      for (const p of st.slice(1)) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [pt(p)] });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    }
    await cdp.detach();
    await settle(page);
    assert.equal(await page.getByTestId('prediction').getAttribute('data-class'), '7');
    assert.equal(await page.getByTestId('prediction').locator('li.top').count(), 1);
  });
}
