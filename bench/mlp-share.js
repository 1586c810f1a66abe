// The MLP step's GEMM share under load: bench/myelin.js's `mlp` step (784-256-128-10 ReLU, cross
// entropy, Adam, batch 128, random data of the same shapes) and its `mlpgemm` step (the same GEMMs
// alone: the ceiling) in alternating windows of 100 steps in one process, timed by process CPU time,
// so other processes on a busy machine disturb both alike. Prints the minimum (and median) CPU ms per
// step and the share gemm / mlp. Usage (after `npm run build`): node bench/mlp-share.js [--rounds 16]

import * as L from "../dist/src/index.js";
import { parseArgs } from "./lib.js";
import { mlpSteps } from "./mlp-steps.js";

const args = parseArgs(process.argv.slice(2));
const { mlp, gemm } = await mlpSteps(L);
const res = { mlp: [], gemm: [] };
for (let r = 0; r < Number(args.rounds ?? 16); r++)
  for (const [name, f] of [["mlp", mlp], ["gemm", gemm]]) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < 100; i++) f();
    const c = process.cpuUsage(c0);
    if (r > 0) res[name].push((c.user + c.system) / 1000 / 100); // the first round warms up
  }
const min = (a) => Math.min(...a);
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(
  `mlp ${min(res.mlp).toFixed(3)} ms/step (median ${med(res.mlp).toFixed(3)}), its GEMMs ${min(res.gemm).toFixed(3)} (median ${med(res.gemm).toFixed(3)}): ` +
    `GEMM share ${((100 * min(res.gemm)) / min(res.mlp)).toFixed(1)}% (of medians ${((100 * med(res.gemm)) / med(res.mlp)).toFixed(1)}%)`,
);
