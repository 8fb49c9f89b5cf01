// The vendored layout library (web/static/vendor/dagre.js) is the npm
// package's ES module as `make vendor` copies it, at the version
// package-lock.json pins: a stale or hand-edited copy fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const pkg = new URL('node_modules/@dagrejs/dagre/', root);

test('web/static/vendor/dagre.js equals node_modules/@dagrejs/dagre (make vendor)', { skip: !existsSync(pkg) && process.env.CI !== 'true' && 'npm ci has not run' }, () => {
  const want = readFileSync(new URL('dist/dagre.esm.js', pkg), 'utf8').replace(/^\/\/# sourceMappingURL=.*\n?/m, '');
  const got = readFileSync(new URL('web/static/vendor/dagre.js', root), 'utf8');
  assert.ok(got === want, 'vendor/dagre.js differs from the npm package: run make vendor');
  const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8'));
  const version = JSON.parse(readFileSync(new URL('package.json', pkg), 'utf8')).version;
  assert.equal(lock.packages['node_modules/@dagrejs/dagre'].version, version);
  assert.equal(readFileSync(new URL('web/static/vendor/dagre.LICENSE', root), 'utf8'), readFileSync(new URL('LICENSE', pkg), 'utf8'));
});
