// SGEMM benchmark of the wasm backend: GFLOP/s (2n^3/t, median of timed runs after warm-up) for
// n = 256, 512, 1024 and the NN / NT (A@Bᵀ) / TN (Aᵀ@B) variants at 1 and 2 threads.
// Run: npm run build:wasm && npx tsc -p tsconfig.json && node bench/sgemm.js [--simd128] [--runs 7]

import { readFileSync } from "node:fs";
import { createWasmBackend } from "../dist/src/backend/wasm/wasm-backend.js";
import { msPerCall } from "./lib.js";

/** Busy jiffies and total jiffies of the machine (Linux /proc/stat), for the "other load" column. */
function cpuStat() {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + f[4];
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1] || 7) || 7;
const be = await createWasmBackend({ numThreads: 2, simd128Only: args.includes("--simd128") });
console.log(`wasm backend, kernels: ${be.variant}, node ${process.version}`);
console.log("n     variant threads  median GFLOP/s  (min..max)      our cores  other load (cores)");

const view = (storage, n, transposed) => ({
  storage, shape: [n, n], strides: transposed ? [1, n] : [n, 1], offset: 0,
});

for (const n of [256, 512, 1024]) {
  const a = be.upload(Float32Array.from({ length: n * n }, () => Math.random() - 0.5), "float32");
  const b = be.upload(Float32Array.from({ length: n * n }, () => Math.random() - 0.5), "float32");
  for (const threads of [1, 2]) {
    be.setNumThreads(threads);
    await be.ready();
    for (const [name, ta, tb] of [["NN", false, false], ["NT", false, true], ["TN", true, false]]) {
      const x = view(a, n, ta);
      const y = view(b, n, tb);
      // Each sample repeats the call until >= 50 ms have passed, after 3 warm-up calls.
      for (let i = 0; i < 3; i++) be.free(be.matmul(x, y, "float32"));
      const rates = [];
      const s0 = cpuStat();
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      for (let r = 0; r < runs; r++) rates.push((2 * n ** 3) / (msPerCall(() => be.free(be.matmul(x, y, "float32")), 50) * 1e6));
      const wall = performance.now() - w0;
      const c1 = process.cpuUsage(c0);
      const s1 = cpuStat();
      const ours = (c1.user + c1.system) / 1000 / wall;
      // other load = busy cores on the machine minus the cores this process kept busy
      const cores = s0 && s1 ? (s1.busy - s0.busy) / (s1.total - s0.total) * (globalThis.navigator?.hardwareConcurrency ?? 2) : NaN;
      rates.sort((p, q) => p - q);
      const med = rates[Math.floor(rates.length / 2)];
      console.log(
        `${String(n).padEnd(5)} ${name.padEnd(7)} ${String(threads).padEnd(8)} ${med.toFixed(1).padStart(8)}        (${rates[0].toFixed(1)}..${rates[rates.length - 1].toFixed(1)})`.padEnd(52) +
          `${ours.toFixed(2).padStart(6)}     ${Math.max(0, cores - ours).toFixed(2).padStart(6)}`,
      );
    }
  }
}
be.close();
