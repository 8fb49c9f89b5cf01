// drive.js: interleaved rounds over benchmark cases, the same for every
// runtime. The runtime's side gives three async functions:
//
//	select(id)       make case id ready (load its model), untimed
//	measure(id, k)   run case id k times; resolve with the CPU milliseconds
//	                 of the working thread
//	log(line)        progress
//
// Each case is first calibrated: k is chosen so one measurement takes about
// targetMs of CPU (k is not capped low: Node's clock, the thread's
// schedstat, advances only at scheduler ticks, 4 ms here, so a 4 ms
// measurement of a tiny model read 0 or 8 µs per inference). Then every round measures every case once, starting at a
// different case each round, so slow drift (another job starting, thermal
// state) spreads over all cases instead of landing on one. The result per
// case is the median over rounds of CPU ms per inference.
export async function drive(ids, { select, measure, log = () => {} }, { rounds = 5, targetMs = 40, maxK = 1000000 } = {}) {
  const k = {};
  for (const id of ids) {
    await select(id);
    await measure(id, 1); // warm-up: JIT tiers, caches, first allocations
    let n = 1, ms = await measure(id, 1);
    while (ms < targetMs / 4 && n < maxK) {
      n = Math.min(maxK, n * 4);
      ms = await measure(id, n);
    }
    k[id] = Math.max(1, Math.min(maxK, Math.round(n * targetMs / Math.max(ms, 1e-3))));
  }
  const samples = Object.fromEntries(ids.map((id) => [id, []]));
  for (let r = 0; r < rounds; r++) {
    const start = Math.floor(r * ids.length / rounds);
    for (let j = 0; j < ids.length; j++) {
      const id = ids[(start + j) % ids.length];
      await select(id);
      samples[id].push(await measure(id, k[id]) / k[id]);
    }
    log(`round ${r + 1} of ${rounds} done`);
  }
  const out = {};
  for (const id of ids) out[id] = { ms: median(samples[id]), k: k[id], samples: samples[id] };
  return out;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
