// Where the MLP step's time beyond its GEMMs goes (bench/mlp-steps.js): the step, the step without
// opt.step(), opt.step() alone, the GEMMs alone (the ceiling, in bench/myelin.js's mlpgemm order:
// each layer's forward then its backward, on one x) and the same GEMMs in a step's order on the
// step's batches of X, in alternating windows of 50 steps in one process, process CPU time.
// Usage (after `npm run build`): node bench/mlp-parts.js [rounds]

import * as L from "../dist/src/index.js";
import { mlpSteps } from "./mlp-steps.js";

const rounds = Number(process.argv[2] ?? 40);
const s = await mlpSteps(L);
const run = { step: s.mlp, noStep: s.noStep, adam: s.adam, gemm: s.gemm, gemmInOrder: s.gemmInOrder };
const names = Object.keys(run);
const res = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < rounds; r++)
  for (const name of r % 2 ? names : [...names].reverse()) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < 50; i++) run[name]();
    const c = process.cpuUsage(c0);
    if (r > 1) res[name].push((c.user + c.system) / 1000 / 50); // the first two rounds warm up
  }
const q = (xs, p) => [...xs].sort((x, y) => x - y)[Math.floor(p * (xs.length - 1))];
for (const n of names) console.log(`${n.padEnd(12)} min ${q(res[n], 0).toFixed(3)}, p25 ${q(res[n], 0.25).toFixed(3)}, median ${q(res[n], 0.5).toFixed(3)} ms`);
const share = (a, b, p) => ((100 * q(res[a], p)) / q(res[b], p)).toFixed(1);
console.log(`GEMM share (min; p25): step ${share("gemm", "step", 0)}%; ${share("gemm", "step", 0.25)}%, step without opt.step() ${share("gemm", "noStep", 0)}%; ${share("gemm", "noStep", 0.25)}%`);
