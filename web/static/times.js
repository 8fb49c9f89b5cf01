// times.js: per-op times that hold still. One run's per-op times jump with
// garbage collection, JIT warm-up and the browser's 0.1 ms timer; the page
// shows each op's median over the last runs of the same model and profile.
const KEEP = 7;

export class OpTimes {
  constructor() { this.reset(); }

  reset() { this.runs = new Map(); }

  // add records one run's trace ([{nanos, …}] per op) under profile.
  add(profile, trace) {
    if (!trace) return;
    const list = this.runs.get(profile) ?? [];
    list.push(trace.map((t) => t?.nanos ?? 0));
    if (list.length > KEEP) list.shift();
    this.runs.set(profile, list);
  }

  count(profile) { return this.runs.get(profile)?.length ?? 0; }

  // smoothed returns trace with each op's nanos replaced by the median of
  // the recorded runs (the trace itself when there are none).
  smoothed(profile, trace) {
    const list = this.runs.get(profile);
    if (!trace || !list?.length) return trace;
    return trace.map((t, i) => t && { ...t, nanos: median(list.map((r) => r[i] ?? 0)) });
  }
}

export function median(v) {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
