// The export panel (issue 13): for the loaded model, the current drawing and
// the selected profile, "NumPy program" downloads the program and its .npz
// (the same bytes `int8scope export --numpy` writes) and "test vectors" the
// per-op vectors of the current run; run on the vectors' model input, the
// downloaded program reproduces every op output of the page's run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useSuite, open, settle, draw, errorText, loadFile, setNumber, CI, STATIC } from './helpers.mjs';
import { digits } from './strokes.mjs';

const run = promisify(execFile);
const s = useSuite();

// unzip reads an uncompressed (stored) zip, as the engine writes them,
// through its central directory (the local headers defer their sizes to
// data descriptors).
function unzip(buf) {
  const files = {};
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'a zip file');
  let o = buf.readUInt32LE(end + 16);
  for (let n = buf.readUInt16LE(end + 10); n > 0; n--) {
    assert.equal(buf.readUInt32LE(o), 0x02014b50);
    assert.equal(buf.readUInt16LE(o + 10), 0, 'stored entries only');
    const size = buf.readUInt32LE(o + 20), nameLen = buf.readUInt16LE(o + 28);
    const extraLen = buf.readUInt16LE(o + 30), commentLen = buf.readUInt16LE(o + 32), local = buf.readUInt32LE(o + 42);
    const name = buf.toString('utf8', o + 46, o + 46 + nameLen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    files[name] = buf.subarray(start, start + size);
    o += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

// npyData is the values of a .npy file (after its header).
function npyData(b) {
  const v = b[6], hlen = v === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  return b.subarray((v === 1 ? 10 : 12) + hlen);
}

async function pythonWithNumPy() {
  for (const p of ['python3', '/usr/bin/python3']) {
    try { await run(p, ['-c', 'import numpy']); return p; } catch { /* next */ }
  }
  return null;
}

test('export panel: the NumPy program and the test vectors of the current run', { timeout: 90_000 }, async (t) => {
  const context = await s.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    await open(s, page);
    await draw(page, digits['3']);
    const profile = 'tflite-xnnpack';
    await page.getByTestId('profile').selectOption(profile);
    await settle(page);
    const builtin = await page.locator('#model-picker').inputValue();
    const dir = await mkdtemp(path.join(tmpdir(), 'int8scope-export-'));
    const fetch = async (kind) => {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`download-${kind}`).click()]);
      assert.equal(dl.suggestedFilename(), `${builtin}-${kind}-${profile}.zip`);
      const file = path.join(dir, dl.suggestedFilename());
      await dl.saveAs(file);
      return unzip(await readFile(file));
    };
    const prog = await fetch('numpy');
    assert.deepEqual(Object.keys(prog).sort(), [`${builtin}.npz`, `${builtin}.py`]);
    // The same bytes as the command line's export of that model and profile.
    const cliOut = path.join(dir, 'cli', `${builtin}.py`);
    await mkdir(path.dirname(cliOut));
    await run(s.cli, ['export', path.join(STATIC, 'models', `${builtin}.tflite`), '--numpy', cliOut, '--profile', profile]);
    assert.ok(prog[`${builtin}.py`].equals(await readFile(cliOut)), 'the page\'s program equals the CLI\'s');
    assert.ok(prog[`${builtin}.npz`].equals(await readFile(cliOut.replace(/\.py$/, '.npz'))), 'the page\'s .npz equals the CLI\'s');

    const vec = await fetch('vectors');
    const index = JSON.parse(vec['index.json']);
    assert.equal(index.profile, profile);
    const nOps = await page.getByTestId('ops').locator('[data-testid=op]').count();
    assert.equal(index.ops.length, nOps);
    for (const op of index.ops) {
      assert.ok(vec[`${op.dir}/params.json`], `${op.dir}/params.json`);
      assert.ok(vec[`${op.dir}/output0.npy`], `${op.dir}/output0.npy`);
    }
    assert.ok(index.ops.some((op) => vec[`${op.dir}/acc.npy`]), 'accumulators of the convolutions');
    assert.equal(await errorText(page), null);

    // The program, run on the page's model input, reproduces every op output.
    const py = await pythonWithNumPy();
    if (!py) {
      if (CI) assert.fail('CI=true but there is no Python 3 with NumPy');
      t.diagnostic('no Python with NumPy: the downloaded program was not run');
      return;
    }
    for (const [name, data] of Object.entries(prog)) await writeFile(path.join(dir, name), data);
    const input = path.join(dir, 'input0.npy');
    await writeFile(input, vec[`${index.ops[0].dir}/input0.npy`]);
    await run(py, [path.join(dir, `${builtin}.py`), input, '--out', path.join(dir, 'out')]);
    let compared = 0;
    for (const op of index.ops) {
      for (const [file, what] of Object.entries(op.files)) {
        const m = /^output\d+\.npy$/.test(file) && /^tensor (\d+) /.exec(what);
        if (!m) continue;
        const got = npyData(await readFile(path.join(dir, 'out', `tensor${m[1]}.npy`)));
        assert.ok(got.equals(npyData(vec[`${op.dir}/${file}`])), `op ${op.op} ${file} (tensor ${m[1]})`);
        compared++;
      }
    }
    assert.equal(compared, nOps);
  } finally {
    assert.deepEqual(pageErrors, []);
    await context.close();
  }
});

// The exporter is a module of its own (export.wasm), which replays the
// engine's history of the model before exporting: a stateful model's test
// vectors are those of the page's last run, whose state comes from the runs
// before it (here 1 + 2 + 2 after a reset and two runs of x = 2; a replay of
// the last run alone would give 1 + 2).
test('export panel: a stateful model\'s test vectors are the last run\'s, its state carried over', { timeout: 90_000 }, async () => {
  const context = await s.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    await open(s, page);
    await loadFile(page, path.join(s.models, 'stateful_float.tflite'));
    await setNumber(page.locator('#tensor-inputs input[type=number]').first(), 2);
    await page.getByTestId('input-mode').selectOption('constant');
    await settle(page);
    await page.getByTestId('reset-state').click();
    await settle(page);
    await setNumber(page.locator('#tensor-inputs input[type=number]').nth(1), 5); // one more run
    await settle(page);
    const state = () => page.getByTestId('state').locator('tr td.values').first().textContent();
    assert.equal(await state(), '5');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-vectors').click()]);
    const dir = await mkdtemp(path.join(tmpdir(), 'int8scope-export-'));
    const file = path.join(dir, dl.suggestedFilename());
    await dl.saveAs(file);
    const vec = unzip(await readFile(file));
    const index = JSON.parse(vec['index.json']);
    const outputs = index.ops.flatMap((op) => Object.keys(op.files).filter((f) => /^output\d+\.npy$/.test(f)).map((f) => npyData(vec[`${op.dir}/${f}`])));
    const holds = (b, x) => b.length === 4 && b.readFloatLE(0) === x;
    assert.ok(outputs.some((b) => holds(b, 5)), 'an op output holds the state after the last run, 5');
    assert.ok(outputs.some((b) => holds(b, 3)), 'and one the state it read, left by the run before, 3');
    assert.equal(await errorText(page), null);
  } finally {
    assert.deepEqual(pageErrors, []);
    await context.close();
  }
});
