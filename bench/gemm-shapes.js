// GEMM speed at the shapes the training benchmarks run (logged from bench/myelin.js mlp, lstm, cnn
// and gpt steps): GFLOP/s per shape and transpose, 1 thread, by process CPU time (the machine may be
// shared). Usage (after `npm run build`): node bench/gemm-shapes.js [--dist DIR] [--rounds 5] [--ms 150]
// --dist points at another build's dist/ (a base to compare against); rows print in one table.

import { parseArgs } from "./lib.js";

const args = parseArgs(process.argv.slice(2));
const dist = args.dist ?? new URL("../dist", import.meta.url).pathname;
const { createWasmBackend } = await import(`${dist}/src/backend/wasm/wasm-backend.js`);
const ROUNDS = Number(args.rounds ?? 5);
const MS = Number(args.ms ?? 150);

import { SHAPES } from "./gemm-shapes-list.mjs";

const be = await createWasmBackend({ numThreads: 1 });
await be.ready();
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const operand = (rows, cols, transposed) => {
  const s = be.upload(Float32Array.from({ length: rows * cols }, () => Math.random() - 0.5), "float32");
  return { storage: s, shape: [rows, cols], strides: transposed ? [1, rows] : [cols, 1], offset: 0 };
};
const sel = args.only ? new Set(args.only.split(",")) : null;
for (const [bench, what, m, n, k, ta, tb] of SHAPES) {
  if (sel && !sel.has(bench)) continue;
  const a = operand(m, k, ta), b = operand(k, n, tb);
  const call = () => be.free(be.matmul(a, b, "float32"));
  for (let i = 0; i < 20; i++) call();
  const rates = [];
  for (let r = 0; r < ROUNDS; r++) {
    let calls = 0;
    const c0 = cpuMs();
    let c1 = c0;
    while (c1 - c0 < MS) {
      for (let i = 0; i < 4; i++) call();
      calls += 4;
      c1 = cpuMs();
    }
    rates.push((2 * m * n * k * calls) / ((c1 - c0) * 1e6));
  }
  rates.sort((x, y) => x - y);
  const t = `${ta ? "T" : "N"}${tb ? "T" : "N"}`;
  console.log(`RESULT ${JSON.stringify({ bench, what, m, n, k, t, gflops: +rates[rates.length - 1].toFixed(1), median: +rates[rates.length >> 1].toFixed(1), us: +((2 * m * n * k) / rates[rates.length - 1] / 1e3).toFixed(1) })}`);
  be.free(a.storage);
  be.free(b.storage);
}
be.close();
