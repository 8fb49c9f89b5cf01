// helpers.mjs: what every browser test file shares. It builds nothing of the
// page (make test runs `make wasm` first); it builds the dev server, the CLI
// and the test models, starts one dev server and one chromium, and gives each
// test a fresh browser context whose pages are screenshotted when it fails.
//
// Under run.mjs (the Makefile's browser-test target) the server, browser and
// built tools are started once for the whole suite and handed to the test
// files through INT8SCOPE_* environment variables; a test file run on its own
// (`node --test tests/browser/draw.test.mjs`) starts its own.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, mkdir, rm, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const run = promisify(execFile);

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// STATIC is the folder the dev server serves: web/static, or for trying the
// tests against other files (say, candidate MNIST models) a copy of it named
// by INT8SCOPE_STATIC_ROOT.
export const STATIC = path.resolve(ROOT, process.env.INT8SCOPE_STATIC_ROOT || 'web/static');
export const ARTIFACTS = path.join(ROOT, 'tests/browser/artifacts');
export const CI = process.env.CI === 'true';

export const LAUNCH = {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
};

// prepare builds the dev server, the int8scope CLI and the test models into dir.
export async function prepare(dir) {
  const opts = { cwd: ROOT, maxBuffer: 16 << 20 };
  await Promise.all([
    run('go', ['build', '-o', path.join(dir, 'devserver'), './cmd/devserver'], opts),
    run('go', ['build', '-o', path.join(dir, 'int8scope'), './cmd/int8scope'], opts),
    run('go', ['run', './tests/browser/testmodel', '-out', path.join(dir, 'models'), '-huge'], opts),
  ]);
}

// startServer runs the dev server on a free port; it resolves with its URL
// (from its first stdout line) and a stop function.
export function startServer(bin) {
  return new Promise((resolve, reject) => {
    const proc = spawn(bin, ['-addr', '127.0.0.1:0', '-build=false', '-watch=false', '-root', STATIC], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    const stop = () => { if (proc.exitCode === null && !proc.killed) proc.kill('SIGTERM'); };
    process.on('exit', stop);
    const timer = setTimeout(() => { stop(); reject(new Error(`dev server did not start in 60 s: ${err}`)); }, 60_000);
    proc.stderr.on('data', (d) => { err += d; });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /int8scope playground: (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ url: m[1], stop, proc }); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`dev server exited (${code}): ${err}`)); });
    proc.on('error', reject);
  });
}

// useSuite registers before/after hooks in the calling test file and returns
// the suite object they fill in: {url, browser, dir, cli, models}.
export function useSuite() {
  const s = {};
  let cleanup = async () => {};
  before(async () => {
    const env = process.env;
    if (env.INT8SCOPE_URL && env.INT8SCOPE_BROWSER_WS && env.INT8SCOPE_DIR) {
      s.url = env.INT8SCOPE_URL;
      s.dir = env.INT8SCOPE_DIR;
      s.browser = await chromium.connect(env.INT8SCOPE_BROWSER_WS);
      cleanup = () => s.browser.close();
    } else {
      s.dir = await mkdtemp(path.join(tmpdir(), 'int8scope-browser-'));
      await prepare(s.dir);
      const [server, browser] = await Promise.all([startServer(path.join(s.dir, 'devserver')), chromium.launch(LAUNCH)]);
      Object.assign(s, { url: server.url, browser });
      cleanup = async () => { await browser.close(); server.stop(); await rm(s.dir, { recursive: true, force: true }); };
    }
    s.cli = path.join(s.dir, 'int8scope');
    s.models = path.join(s.dir, 'models');
    await mkdir(ARTIFACTS, { recursive: true });
  }, { timeout: 600_000 });
  after(() => cleanup());
  return s;
}

// cli runs the int8scope CLI and parses its JSON output.
export async function cliJSON(s, ...args) {
  const { stdout } = await run(s.cli, [...args, '--json'], { cwd: ROOT, maxBuffer: 64 << 20 });
  return JSON.parse(stdout);
}

// browserTest is test() with a fresh browser context and page. On failure
// every page of the context is screenshotted into artifacts/; uncaught page
// errors fail the test.
//
// Its time limits only catch hangs: a loaded 2-core machine can make a page
// wait many seconds for the engine, and these tests check behaviour, never
// speed (make bench measures that).
export const HANG_MS = 60_000;
export function browserTest(s, name, opts, fn) {
  if (typeof opts === 'function') [opts, fn] = [{}, opts];
  test(name, { timeout: 10 * HANG_MS, ...opts }, async (t) => {
    const context = await s.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: false });
    const pageErrors = [];
    context.on('page', (p) => {
      p.on('pageerror', (e) => pageErrors.push(`${e.name}: ${e.message}`));
      p.on('console', (m) => { if (m.type() === 'error' && process.env.INT8SCOPE_VERBOSE) t.diagnostic(`console: ${m.text()}`); });
    });
    const page = await context.newPage();
    page.setDefaultTimeout(HANG_MS);
    try {
      await fn(t, page, context);
      assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
    } catch (e) {
      await screenshots(context, name, t);
      throw e;
    } finally {
      await context.close();
    }
  });
}

async function screenshots(context, name, t) {
  const base = `${path.basename(process.argv[1] ?? 'test', '.test.mjs')}-${name}`.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);
  const pages = context.pages();
  for (let i = 0; i < pages.length; i++) {
    const file = path.join(ARTIFACTS, `${base}${pages.length > 1 ? `-page${i}` : ''}.png`);
    try {
      await pages[i].screenshot({ path: file, fullPage: true, timeout: 5000 });
      t.diagnostic(`screenshot: ${path.relative(ROOT, file)}`);
    } catch (e) {
      t.diagnostic(`screenshot failed: ${e.message}`);
    }
  }
}

// open loads the page (optionally with a fragment) and waits until it is ready.
export async function open(s, page, hash = '') {
  await page.goto(s.url + hash);
  await ready(page);
}

export async function ready(page) {
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { polling: 50 });
  await settle(page);
}

// settle waits until the page has handled pending input (two animation
// frames) and no model run is in progress.
export async function settle(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.waitForFunction(() => document.body.dataset.busy !== 'true', null, { polling: 20 });
}

// loadFile uploads a model (a path, or {name, mimeType, buffer}) through the
// "Open .tflite" input and waits until the page has handled it.
export async function loadFile(page, file, { wait = true } = {}) {
  const n = await page.evaluate(() => Number(document.body.dataset.files ?? 0));
  await page.getByTestId('model-file').setInputFiles(file);
  await page.waitForFunction((n) => Number(document.body.dataset.files ?? 0) > n, n, { polling: 20 });
  if (wait) await settle(page);
}

// setNumber types a value into a number field and leaves it, as a person
// would: the field's change event fires on blur.
export async function setNumber(locator, value) {
  await locator.fill(String(value));
  await locator.blur();
  await settle(locator.page());
}

export async function errorText(page) {
  return page.evaluate(() => { const e = document.querySelector('[data-testid=error]'); return e.hidden ? null : e.textContent; });
}

export async function topClass(page) {
  return page.evaluate(() => document.querySelector('[data-testid=prediction]').dataset.class ?? null);
}

// draw replays strokes (polylines in the 280×280 canvas's pixel coordinates) with the mouse.
export async function draw(page, strokes) {
  const box = await page.getByTestId('draw-canvas').boundingBox();
  const at = ([x, y]) => [box.x + x * box.width / 280, box.y + y * box.height / 280];
  for (const s of strokes) {
    await page.mouse.move(...at(s[0]));
    await page.mouse.down();
    for (const p of s.slice(1)) await page.mouse.move(...at(p), { steps: 2 });
    await page.mouse.up();
  }
  await settle(page);
}

export async function clearDrawing(page) {
  await page.getByTestId('clear').click();
  await settle(page);
}

// canvasHash digests the drawing's pixels, to compare two pages' drawings.
export function canvasHash(page) {
  return page.evaluate(async () => {
    const c = document.querySelector('[data-testid=draw-canvas]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const h = new Uint8Array(await crypto.subtle.digest('SHA-256', d));
    return Array.from(h, (b) => b.toString(16).padStart(2, '0')).join('');
  });
}

export const mnistModel = path.join(STATIC, 'models/mnist_cnn_int8.tflite');

// needMNIST skips a test until the MNIST models exist (they are built by
// `make models`); under CI a missing model is a failure, not a skip.
export function needMNIST(t) {
  if (existsSync(mnistModel)) return true;
  if (CI) assert.fail(`${path.relative(ROOT, mnistModel)} is missing (run make models)`);
  t.skip(`${path.relative(ROOT, mnistModel)} does not exist yet (run make models)`);
  return false;
}

export async function readJSON(file) { return JSON.parse(await readFile(file, 'utf8')); }
