// GEMM speed at the shapes the training benchmarks' steps run (bench/gemm-shapes.json, logged from
// bench/myelin.js mlp, lstm, cnn and gpt): GFLOP/s per shape and transpose, 1 thread, through the
// backend's matmul (packing, edges and dispatch included). bench/gemm_shapes_torch.py is torch's twin.
// Usage (after `npm run build`): node bench/gemm-shapes.js [--samples 3] [--window 0.3] [--only gpt,lstm]
//   [--cpu] (GFLOP/s per CPU second, for a loaded machine) [--dist DIR] (another build's dist/, a base)

import { readFileSync } from "node:fs";
import { emit, parseArgs, timeLoop } from "./lib.js";

const args = parseArgs(process.argv.slice(2));
const dist = args.dist ?? new URL("../dist", import.meta.url).pathname;
const { createWasmBackend } = await import(`${dist}/src/backend/wasm/wasm-backend.js`);
const SAMPLES = Number(args.samples ?? 3);
const WINDOW = Number(args.window ?? 0.3);
const only = args.only ? new Set(args.only.split(",")) : null;
const SHAPES = JSON.parse(readFileSync(new URL("./gemm-shapes.json", import.meta.url), "utf8"));

const be = await createWasmBackend({ numThreads: 1 });
await be.ready();
// a transposed operand is stored [k, m] (or [n, k]) and read through strides, as the backward passes do
const operand = (rows, cols, transposed) => {
  const s = be.upload(Float32Array.from({ length: rows * cols }, () => Math.random() - 0.5), "float32");
  return { storage: s, shape: [rows, cols], strides: transposed ? [1, rows] : [cols, 1], offset: 0 };
};
for (const { bench, what, m, n, k, ta, tb } of SHAPES) {
  if (only && !only.has(bench)) continue;
  const a = operand(m, k, ta), b = operand(k, n, tb);
  const call = () => be.free(be.matmul(a, b, "float32"));
  for (let i = 0; i < 10; i++) call();
  const variant = `${bench} ${what}: ${m}x${n}x${k} ${ta ? "T" : "N"}${tb ? "T" : "N"}`;
  for (let s = 0; s < SAMPLES; s++) {
    const r = await timeLoop(call, WINDOW, 4);
    const sec = args.cpu ? r.sec * r.cpu : r.sec;
    emit({ peer: "myelin-wasm", bench: "gemmShapes", threads: 1, variant, value: (2 * m * n * k * r.iters) / sec / 1e9, unit: "GFLOP/s", iters: r.iters, sec: r.sec, cpu: r.cpu });
  }
  be.free(a.storage);
  be.free(b.storage);
}
be.close();
