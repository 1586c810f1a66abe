// Where two threads start to pay off in the wasm backend: time per call of an f32 add (map), a
// row sum (reduce) and a square GEMM at 1 and 2 threads, with the pool forced on for every size.
// Run: npm run build:wasm && npx tsc -p tsconfig.json && node bench/threshold.js
// The crossovers set MAP_THREAD_MIN and GEMM_THREAD_MIN in src/backend/wasm/wasm-backend.ts.

import { createWasmBackend } from "../dist/src/backend/wasm/wasm-backend.js";
import { msPerCall } from "./lib.js";

const be = await createWasmBackend({ numThreads: 2, parallelMin: { map: 1, gemm: 1 } });
const cv = (storage, shape) => ({ storage, shape, strides: shape.length === 2 ? [shape[1], 1] : [1], offset: 0 });

/** Median µs per call over 9 samples of >= 20 ms each. */
function time(f) {
  for (let i = 0; i < 20; i++) f();
  const s = [];
  for (let r = 0; r < 9; r++) s.push(msPerCall(f, 20) * 1000);
  return s.sort((a, b) => a - b)[4];
}

async function both(label, f) {
  const r = [];
  for (const t of [1, 2]) {
    be.setNumThreads(t);
    await be.ready();
    r.push(time(f));
  }
  console.log(`${label.padEnd(22)} 1 thread ${r[0].toFixed(1).padStart(8)} µs   2 threads ${r[1].toFixed(1).padStart(8)} µs   speed-up ${(r[0] / r[1]).toFixed(2)}`);
}

for (const n of [4096, 16384, 32768, 65536, 131072, 262144, 1048576]) {
  const a = cv(be.full(n, "float32", 1.5), [n]);
  await both(`add n=${n}`, () => be.free(be.binary("add", a, a, "float32")));
  const m = cv(a.storage, [n / 256, 256]);
  await both(`row sum ${n / 256}x256`, () => be.free(be.reduce("sum", m, [1])));
}
for (const n of [32, 48, 64, 96, 128, 192]) {
  const a = cv(be.full(n * n, "float32", 0.5), [n, n]);
  await both(`gemm ${n}^3`, () => be.free(be.matmul(a, a, "float32")));
}
be.close();
