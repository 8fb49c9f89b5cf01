// run.mjs runs the browser suite (tests/browser/*.test.mjs, one file at a
// time) with one dev server and one chromium for all files, then prints
//
//	int8scope browser tests ran: N passed
//
// which .ci/run looks for. It exits non-zero when any test fails.
//
//	node tests/browser/run.mjs [FILE.test.mjs …]
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdirSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, LAUNCH, prepare, startServer } from './helpers.mjs';

const here = path.join(ROOT, 'tests/browser');
const files = (process.argv.length > 2 ? process.argv.slice(2).map((f) => path.resolve(f))
  : readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join(here, f)));

const t0 = performance.now();
const dir = await mkdtemp(path.join(tmpdir(), 'int8scope-browser-'));
let server, browser;
try {
  const [, b] = await Promise.all([prepare(dir), chromium.launchServer(LAUNCH)]);
  browser = b;
  server = await startServer(path.join(dir, 'devserver'));
  console.log(`browser tests: dev server ${server.url}, chromium ${LAUNCH.executablePath}, setup ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  Object.assign(process.env, { INT8SCOPE_URL: server.url, INT8SCOPE_BROWSER_WS: browser.wsEndpoint(), INT8SCOPE_DIR: dir });

  const counts = { passed: 0, failed: 0, skipped: 0 };
  const stream = run({ files, concurrency: 1, timeout: 1_200_000 }); // a hang guard per test; browserTest sets its own
  stream.on('test:pass', (d) => {
    if (d.details?.type === 'suite') return;
    if (d.skip !== undefined || d.todo !== undefined) counts.skipped++;
    else counts.passed++;
  });
  stream.on('test:fail', (d) => { if (d.details?.type !== 'suite') counts.failed++; });
  const report = stream.compose(spec);
  report.on('data', (chunk) => process.stdout.write(chunk));
  await finished(report);
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (counts.failed || counts.skipped) console.log(`browser tests: ${counts.failed} failed, ${counts.skipped} skipped (${secs} s)`);
  else console.log(`browser tests: all passed in ${secs} s`);
  console.log(`int8scope browser tests ran: ${counts.passed} passed`);
  process.exitCode = counts.failed || counts.passed === 0 ? 1 : 0;
} finally {
  await browser?.close();
  server?.stop();
  await rm(dir, { recursive: true, force: true });
}
