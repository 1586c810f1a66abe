// Two builds' char-GPT steps in one process, for A/B under load: bench/myelin.js's `gpt` step (same
// model, data, mask and Adam) from build A and from build B, in alternating windows of 10 steps timed
// by process CPU time, so the machine's load disturbs both alike (bench/mlp-ab.js's pattern).
// Usage: node bench/gpt-ab.js <dir of build A> <dir of build B> [rounds] (each dir holds a built dist/)

import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gptStep } from "./gpt-step.js";
import { alternate, quantile } from "./lib.js";

const [dirA, dirB] = process.argv.slice(2, 4);
const rounds = Number(process.argv[4] ?? 20);
const text = readFileSync(process.env.TEXT_FILE ?? "/usr/share/common-licenses/GPL-3", "utf8");

/** bench/myelin.js's gpt step (bench/gpt-step.js) on build `dir`, wasm, one thread. */
async function gptOn(dir) {
  const L = await import(pathToFileURL(path.resolve(dir, "dist/src/index.js")).href);
  L.setBackend("wasm");
  L.getBackend().setNumThreads(1);
  await L.getBackend().ready();
  L.manualSeed(0);
  return gptStep(L, text);
}

const run = { A: await gptOn(dirA), B: await gptOn(dirB) };
const res = alternate({ A: run.A.step, B: run.B.step }, rounds, 10);
const q = quantile;
for (const n of ["A", "B"]) console.log(`${n} min ${q(res[n], 0).toFixed(2)}, p25 ${q(res[n], 0.25).toFixed(2)}, median ${q(res[n], 0.5).toFixed(2)} CPU ms/step (${Math.round(1024000 / q(res[n], 0.5))} tokens per CPU s), loss after ${rounds * 10} steps ${run[n].loss()}`);
console.log(`B/A CPU time: min ${(q(res.B, 0) / q(res.A, 0)).toFixed(3)}, median ${(q(res.B, 0.5) / q(res.A, 0.5)).toFixed(3)}`);
