// bench.mjs is `make bench`: int8scope's WASM engine (each profile, trace off
// and on, pure-Go kernels and WASM SIMD ones, through the page API) against real TFLite's WASM builds (npm
// @tensorflow/tfjs-tflite, non-SIMD and SIMD, one thread), on the same
// models and inputs, in Node and in headless Chromium (one process per
// runtime, interleaved rounds, CPU time of the working thread, medians),
// plus the native Go engine (go test -bench). It prints markdown tables
// with ratio columns, the machine, and the load average while it ran.
//
//	node tools/bench/bench.mjs [-rounds N] [-target MS] [-only node,chromium,go] [-models a,b] [-extra DIR]
//
// Models: the built-in MNIST models (web/static/models), when
// ../shared/corpus exists the corpus models with their golden inputs, the
// generated MobileNet v2 1.0 224 and MLPerf Tiny models (go run
// ./tools/mobilenet -models NAMES: mobilenet_v2_1.0_224_int8,
// tiny_vww_96_int8, tiny_resnet8_int8, tiny_dscnn_kws_int8,
// tiny_fc_autoencoder_int8) with their calibration inputs, and with -extra
// DIR every .tflite in DIR (NAME.input0.bin beside it as the input, else
// seeded random bytes).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { drive, median } from './drive.js';
import { OURS, TFLITE } from './runtimes.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HERE = path.join(ROOT, 'tools/bench');
const require = createRequire(import.meta.url);
const run = promisify(execFile);

const args = Object.fromEntries(process.argv.slice(2).reduce((a, x, i, all) => (x.startsWith('-') ? [...a, [x.replace(/^-+/, ''), all[i + 1]]] : a), []));
const ROUNDS = Number(args.rounds ?? 5);
const TARGET_MS = Number(args.target ?? 40);
const ONLY = new Set((args.only ?? 'node,chromium,go').split(','));
const log = (s) => process.stderr.write(`${s}\n`);

// ---- models -------------------------------------------------------------

const SHARED = path.resolve(ROOT, '../shared/corpus');
function models() {
  const list = [];
  const builtin = path.join(ROOT, 'web/static/models');
  for (const f of fs.readdirSync(builtin).filter((f) => f.endsWith('.tflite')).sort()) {
    list.push({ name: f.replace(/\.tflite$/, ''), path: path.join(builtin, f), given: null, source: 'built-in' });
  }
  if (fs.existsSync(SHARED)) {
    for (const f of fs.readdirSync(path.join(SHARED, 'models')).filter((f) => f.endsWith('.tflite')).sort()) {
      const name = f.replace(/\.tflite$/, '');
      const dir = path.join(SHARED, 'goldens', name, 'random1', 'inputs');
      const given = fs.existsSync(dir) ? fs.readdirSync(dir).filter((x) => /^input\d+\.bin$/.test(x)).sort().map((x) => path.join(dir, x)) : null;
      list.push({ name, path: path.join(SHARED, 'models', f), given, source: 'corpus' });
    }
  } else if (process.env.CI === 'true') {
    throw new Error(`CI=true but the shared corpus is missing at ${SHARED}`);
  }
  const want = args.models?.split(',');
  // The generated int8 MobileNet v2 1.0 224 (300 M MACs; internal/mobilenet),
  // written by Go into build/bench-models, not committed.
  const mnv2 = 'mobilenet_v2_1.0_224_int8';
  if (!want || want.includes(mnv2)) {
    const dir = path.join(ROOT, 'build/bench-models');
    log(`[models] go run ./tools/mobilenet -out ${path.relative(ROOT, dir)}`);
    execFileSync('go', ['run', './tools/mobilenet', '-out', dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    list.push({ name: mnv2, path: path.join(dir, `${mnv2}.tflite`), given: [path.join(dir, `${mnv2}.input0.bin`)], source: 'generated' });
  }
  // The generated MLPerf Tiny architectures of issue 11 (internal/tinyml),
  // each with its calibration input, also written into build/bench-models.
  const tiny = TINYML.filter((n) => !want || want.includes(n));
  if (tiny.length) {
    const dir = path.join(ROOT, 'build/bench-models');
    log(`[models] go run ./tools/mobilenet -out ${path.relative(ROOT, dir)} -models ${tiny.join(',')}`);
    execFileSync('go', ['run', './tools/mobilenet', '-out', dir, '-models', tiny.join(',')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    for (const n of tiny) list.push({ name: n, path: path.join(dir, `${n}.tflite`), given: [path.join(dir, `${n}.input0.bin`)], source: 'generated' });
  }
  const picked = want ? list.filter((m) => want.includes(m.name)) : list;
  return [...picked, ...extraModels(new Set(picked.map((m) => m.name)))];
}

// The generated MLPerf Tiny models (go run ./tools/mobilenet -models tiny;
// the names internal/tinyml gives them).
const TINYML = ['tiny_vww_96_int8', 'tiny_resnet8_int8', 'tiny_dscnn_kws_int8', 'tiny_fc_autoencoder_int8'];

// extraModels are the .tflite files in -extra DIR (say, the real MLPerf
// Tiny models fetched to /tmp), every one benched whatever -models says:
// inputs NAME.input<i>.bin beside the model when present, else seeded
// random bytes. A name taken already gets the suffix _extra.
function extraModels(taken) {
  if (!args.extra) return [];
  const dir = path.resolve(args.extra);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.tflite')).sort().map((f) => {
    let name = f.replace(/\.tflite$/, '');
    const given = [];
    for (let i = 0; fs.existsSync(path.join(dir, `${name}.input${i}.bin`)); i++) given.push(path.join(dir, `${name}.input${i}.bin`));
    while (taken.has(name)) name += '_extra';
    taken.add(name);
    return { name, path: path.join(dir, f), given: given.length ? given : null, source: 'extra' };
  });
}

// ---- load average, sampled while the benchmark runs ----------------------

const loads = [];
const sampleLoad = () => loads.push(os.loadavg()[0]);
sampleLoad();
const loadTimer = setInterval(sampleLoad, 5000);

// ---- Node ---------------------------------------------------------------

async function benchNode(config) {
  const file = path.join(os.tmpdir(), `int8scope-bench-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(config));
  try {
    const child = spawn(process.execPath, [path.join(HERE, 'node-runner.mjs'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`node-runner exited with ${code}`);
    return JSON.parse(out);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

// ---- Chromium -------------------------------------------------------------

// serve answers the bench page's requests, on a loopback port.
function serve(config) {
  const tflite = path.join(path.dirname(require.resolve('@tensorflow/tfjs-tflite/package.json', { paths: [path.join(ROOT, 'oracle')] })), 'wasm');
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = http.createServer((req, res) => {
    const u = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = null;
    let m;
    if (u === '/') file = path.join(HERE, 'page.html');
    else if ((m = /^\/bench\/([\w.-]+\.js)$/.exec(u))) file = path.join(HERE, m[1]);
    else if ((m = /^\/static\/(wasm_exec\.js|int8scope\.wasm|simd\.wasm|simd\.js)$/.exec(u))) file = path.join(ROOT, 'web/static', m[1]);
    else if (u === '/web/static/runview.js' || u === '/web/static/bridge.js') file = path.join(ROOT, u);
    else if ((m = /^\/tflite\/(tflite_web_api_cc(?:_simd)?\.(?:js|wasm))$/.exec(u))) file = path.join(tflite, m[1]);
    else if ((m = /^\/model\/(\d+)$/.exec(u))) file = config.models[m[1]]?.path;
    else if ((m = /^\/given\/(\d+)\/(\d+)$/.exec(u))) file = config.models[m[1]]?.given?.[m[2]];
    if (!file || !fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function benchChromium(config) {
  const server = await serve(config);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(120_000);
    const errors = [];
    page.on('pageerror', (e) => { errors.push(e.message); log(`[chromium page error] ${e.message}`); });
    if (process.env.BENCH_VERBOSE) page.on('response', (r) => log(`[chromium] HTTP ${r.status()} ${r.url()}`));
    page.on('console', (m) => { if (m.type() === 'error' || process.env.BENCH_VERBOSE) log(`[chromium console] ${m.text()}`); });
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => typeof window.benchSetup === 'function');
    log('[chromium] loading the engines and models');
    const { cases, agree } = await page.evaluate((c) => window.benchSetup(c), { models: config.models.map((m) => ({ name: m.name, given: m.given })) });
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const threadMs = async () => 1000 * (await cdp.send('Performance.getMetrics')).metrics.find((x) => x.name === 'ThreadTime').value;
    // What one measurement costs with nothing to run (the evaluate round
    // trip on the page's thread) is subtracted from every measurement.
    const empty = [];
    for (let i = 0; i < 15; i++) {
      const t0 = await threadMs();
      await page.evaluate(() => 0);
      empty.push(await threadMs() - t0);
    }
    const overhead = median(empty);
    const ids = cases.filter((c) => !c.error).map((c) => c.id);
    log(`[chromium] ${ids.length} cases (${cases.length - ids.length} cannot run); evaluate overhead ${overhead.toFixed(3)} ms of thread CPU`);
    const results = await drive(ids, {
      select: (id) => page.evaluate((id) => window.benchSelect(id), id),
      measure: async (id, k) => {
        const t0 = await threadMs();
        await page.evaluate(([id, k]) => window.benchExec(id, k), [id, k]);
        return Math.max(0, await threadMs() - t0 - overhead);
      },
      log: (s) => log(`[chromium] ${s}`),
    }, { rounds: ROUNDS, targetMs: TARGET_MS });
    return { env: `Chromium ${browser.version()}`, clock: 'page main-thread CPU time (CDP Performance.getMetrics ThreadTime)', cases, agree, results };
  } finally {
    await browser.close();
    server.close();
  }
}

// ---- native Go --------------------------------------------------------------

async function benchGo(names) {
  // With -models, only those (and the -extra ones) run.
  const only = args.models ? `/^(${names.map((n) => n.replace(/[.+*?()|[\]{}^$\\]/g, '\\$&')).join('|')})$` : '/';
  log(`[go] go test ./engine -bench BenchmarkModels${only}`);
  let stdout;
  try {
    ({ stdout } = await run('go', ['test', './engine', '-run', '^$', '-bench', `BenchmarkModels${only}`, '-benchtime', args.gobenchtime ?? '0.2s', '-count', '1'],
      { cwd: ROOT, maxBuffer: 16 << 20, env: { ...process.env, GOMAXPROCS: '1', ...(args.extra ? { INT8SCOPE_BENCH_EXTRA: path.resolve(args.extra) } : {}) } }));
  } catch (e) {
    log(`[go] go test failed; using what it measured:\n${(e.stdout ?? '').split('\n').filter((l) => /FAIL|_test\.go/.test(l)).join('\n')}`);
    stdout = e.stdout ?? '';
  }
  const results = {};
  for (const line of stdout.split('\n')) {
    const m = /^BenchmarkModels\/([^/]+)\/([^/]+)\/trace=(true|false)(?:-\d+)?\s+\d+\s+([\d.]+) ns\/op(.*)$/.exec(line);
    if (!m) continue;
    const cpu = /([\d.]+) cpu-ns\/op/.exec(m[5]);
    results[`${m[1]}|ours/${m[2]}/${m[3] === 'true' ? 'trace' : 'notrace'}`] = { ms: (cpu ? Number(cpu[1]) : Number(m[4])) / 1e6, wallMs: Number(m[4]) / 1e6 };
  }
  const { stdout: ver } = await run('go', ['version']);
  return { env: ver.trim().replace(/^go version /, 'Go '), clock: 'process CPU time (getrusage), GOMAXPROCS=1', results };
}

// ---- tables -------------------------------------------------------------------

const fmtMs = (ms) => (ms === undefined ? '—' : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms >= 0.1 ? ms.toFixed(3) : ms.toFixed(4));
const fmtX = (a, b) => (a === undefined || b === undefined || !b ? '—' : `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}×`);
const fmtMACs = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));
const gmacs = (macs, ms) => (macs && ms ? macs / ms / 1e6 : undefined);

function macsOf(res) {
  const out = {};
  for (const c of res.cases) if (c.macs !== undefined) out[c.model] = c.macs;
  return out;
}

function engineTable(res, names) {
  const macs = macsOf(res);
  const ms = (m, v) => res.results[`${m}|${v}`]?.ms;
  const lines = [`**${res.env}** — ${res.clock}; median of ${ROUNDS} interleaved rounds, ms per inference`, '',
    '| model (MACs) | int8scope WASM, ref, trace off | int8scope WASM + SIMD, ref, trace off | TFLite WASM non-SIMD | TFLite WASM SIMD | ours ÷ non-SIMD | ours + SIMD ÷ TFLite SIMD | int8scope `tflite-xnnpack` = TFLite outputs; SIMD = pure Go |',
    '|---|---|---|---|---|---|---|---|'];
  for (const m of names) {
    const ours = ms(m, 'ours/reference/notrace'), simd = ms(m, 'ours+simd/reference/notrace'), plain = ms(m, 'tflite/plain'), tsimd = ms(m, 'tflite/simd');
    if (ours === undefined && plain === undefined) continue;
    const a = res.agree[m] ?? {};
    const tf = Object.entries(a).filter(([b]) => b !== 'kernels').map(([b, ok]) => `${b === 'plain' ? 'non-SIMD' : 'SIMD'} ${ok ? 'yes' : 'NO'}`).join(', ') || 'TFLite cannot run it';
    const same = a.kernels === undefined ? '' : `; SIMD = Go ${a.kernels ? 'yes' : 'NO'}`;
    lines.push(`| ${m} (${fmtMACs(macs[m] ?? 0)}) | ${fmtMs(ours)} | ${fmtMs(simd)} | ${fmtMs(plain)} | ${fmtMs(tsimd)} | ${fmtX(ours, plain)} | ${fmtX(simd, tsimd)} | ${tf}${same} |`);
  }
  const range = (v) => {
    const r = names.filter((m) => macs[m] >= 1e5).map((m) => gmacs(macs[m], ms(m, v))).filter((x) => x !== undefined);
    return r.length ? `${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}` : '—';
  };
  lines.push('', `GMAC/s on the models with ≥ 0.1 M MACs: int8scope ${range('ours/reference/notrace')}, int8scope + SIMD ${range('ours+simd/reference/notrace')}, TFLite non-SIMD ${range('tflite/plain')}, TFLite SIMD ${range('tflite/simd')}.`);
  return lines.join('\n');
}

function variantsTable(res, names) {
  const ms = (m, v) => res.results[`${m}|${v}`]?.ms;
  const pure = OURS.filter((v) => !v.simd);
  const head = pure.map((v) => `${v.profile.replace('tflite-', '')} ${v.trace ? 'on' : 'off'}`);
  const lines = [`**${res.env}**: int8scope through its page API (\`int8scope.run\` and decoding its result as the page does), ms per inference by profile and trace, pure-Go kernels and WASM SIMD ones`, '',
    `| model | kernels | ${head.join(' | ')} | trace on ÷ off (ref) | xnnpack ÷ ref (trace off) |`,
    `|---|---|${head.map(() => '---').join('|')}|---|---|`];
  for (const m of names) {
    for (const [kind, prefix] of [['Go', 'ours/'], ['SIMD', 'ours+simd/']]) {
      const row = pure.map((v) => ms(m, v.id.replace(/^ours\//, prefix)));
      if (row.every((x) => x === undefined)) continue;
      lines.push(`| ${m} | ${kind} | ${row.map(fmtMs).join(' | ')} | ${fmtX(row[1], row[0])} | ${fmtX(row[4], row[0])} |`);
    }
  }
  return lines.join('\n');
}

function goTable(res, names, macs) {
  const ms = (m, v) => res.results[`${m}|${v}`]?.ms;
  const lines = [`**native ${res.env}** (go test -bench BenchmarkModels) — ${res.clock}; ms per inference`, '',
    '| model | ref, trace off | GMAC/s | ref, trace on | single-rounding, off | xnnpack, off | xnnpack ÷ ref |', '|---|---|---|---|---|---|---|'];
  for (const m of names) {
    const r = ms(m, 'ours/reference/notrace');
    if (r === undefined) continue;
    const g = gmacs(macs[m], r);
    lines.push(`| ${m} | ${fmtMs(r)} | ${g === undefined || !macs[m] ? '—' : g.toFixed(2)} | ${fmtMs(ms(m, 'ours/reference/trace'))} | ${fmtMs(ms(m, 'ours/tflite-single-rounding/notrace'))} | ${fmtMs(ms(m, 'ours/tflite-xnnpack/notrace'))} | ${fmtX(ms(m, 'ours/tflite-xnnpack/notrace'), r)} |`);
  }
  return lines.join('\n');
}

async function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let chromiumVersion = '';
  try { chromiumVersion = (await run(process.env.CHROMIUM || '/usr/bin/chromium', ['--version'])).stdout.trim(); } catch { /* not installed */ }
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}; Node ${process.version}${chromiumVersion ? `; ${chromiumVersion}` : ''}`;
}

// ---- main -----------------------------------------------------------------------

const t0 = Date.now();
const list = models();
const config = { models: list.map(({ name, path: p, given }) => ({ name, path: p, given })), rounds: ROUNDS, targetMs: TARGET_MS };
log(`make bench: ${list.length} models (${list.filter((m) => m.source === 'corpus').length} from the shared corpus), ${ROUNDS} rounds`);
const node = ONLY.has('node') ? await benchNode(config) : null;
const chrome = ONLY.has('chromium') ? await benchChromium(config) : null;
const gores = ONLY.has('go') ? await benchGo(list.map((m) => m.name)) : null;
clearInterval(loadTimer);
sampleLoad();

const names = list.map((m) => m.name);
const out = [`## Speed: int8scope vs TFLite (make bench, ${new Date().toISOString().slice(0, 10)})`, '',
  `Machine: ${await machine()}. Load average (1 min) while it ran: mean ${(loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(1)}, max ${Math.max(...loads).toFixed(1)}; took ${((Date.now() - t0) / 1000).toFixed(0)} s.`, ''];
const cannot = new Map();
for (const res of [node, chrome].filter(Boolean)) {
  out.push(engineTable(res, names), '', variantsTable(res, names), '');
  for (const c of res.cases) if (c.error) cannot.set(`${c.model}: ${c.error.split('\n')[0]}`, true);
}
if (gores) out.push(goTable(gores, names, node ? macsOf(node) : chrome ? macsOf(chrome) : {}), '');
if (cannot.size) out.push('Cases that cannot run (not timed):', '', ...[...cannot.keys()].map((s) => `- ${s}`), '');
console.log(out.join('\n'));
