// Helpers shared by the bench scripts: the peers' timing loop and RESULT line format
// (../shared/bench-peers/common.js), their PRNG, argument parsing and machine load from /proc/stat.

import { readFileSync } from "node:fs";

/** Runs `step` until >= minSec and >= minIters; returns { iters, sec, cpu } (cpu = process CPU s / wall s). */
export async function timeLoop(step, minSec, minIters = 1) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let iters = 0;
  for (;;) {
    const r = step();
    if (r && typeof r.then === "function") await r;
    iters++;
    const sec = (performance.now() - t0) / 1000;
    if (iters >= minIters && sec >= minSec) {
      const c = process.cpuUsage(c0);
      return { iters, sec, cpu: (c.user + c.system) / 1e6 / sec };
    }
  }
}

/** Calls `f` until >= ms milliseconds have passed (one sample of a median); returns milliseconds per call. */
export function msPerCall(f, ms) {
  let calls = 0;
  const t0 = performance.now();
  let t1 = t0;
  while (t1 - t0 < ms) {
    f();
    calls++;
    t1 = performance.now();
  }
  return (t1 - t0) / calls;
}

export function emit(obj) {
  process.stdout.write("RESULT " + JSON.stringify(obj) + "\n");
}

/** The peers' deterministic PRNG (mulberry32), so that myelin shuffles exactly as bench_tfjs.js. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `a --k v --flag` → { _: ["a"], k: "v", flag: "true" }. */
export function parseArgs(argv) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const k = a.slice(2);
      const next = argv[i + 1];
      out[k] = next !== undefined && !next.startsWith("--") ? argv[++i] : "true";
    } else out._.push(a);
  }
  return out;
}

/** Busy seconds of all cores since boot (/proc/stat, idle and iowait excluded); NaN where unreadable. */
export function machineBusySec() {
  try {
    const v = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    return (v.reduce((a, b) => a + b, 0) - v[3] - v[4]) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/**
 * The A/B scripts' method (bench/*-ab.js): each named step runs in windows of `window` calls, every
 * name once per round in an order rotated each round, timed by process CPU time, so the machine's
 * load disturbs every build alike. The first two rounds warm up. Returns CPU ms per call, by name.
 */
export function alternate(steps, rounds, window) {
  const names = Object.keys(steps);
  const res = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    const k = (r + 1) % 2;
    for (const name of [...names.slice(k), ...names.slice(0, k)]) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < window; i++) steps[name]();
      const c = process.cpuUsage(c0);
      if (r > 1) res[name].push((c.user + c.system) / 1000 / window);
    }
  }
  return res;
}

/** The p-quantile of xs (0: the minimum; between two samples, the lower). */
export const quantile = (xs, p) => [...xs].sort((x, y) => x - y)[Math.floor(p * (xs.length - 1))];
