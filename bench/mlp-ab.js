// Two builds' MLP steps in one process, for A/B under load: bench/myelin.js's `mlp` step
// (bench/mlp-steps.js) from build A and from build B, and the step's GEMMs alone (build A: the
// ceiling), in alternating windows of 50 steps timed by process CPU time, so the machine's load
// disturbs all three alike. Usage: node bench/mlp-ab.js <dir of build A> <dir of build B> [rounds]
// (each dir holds a built dist/, e.g. a copy of main's and this checkout).

import path from "node:path";
import { pathToFileURL } from "node:url";
import { alternate, quantile } from "./lib.js";
import { mlpSteps } from "./mlp-steps.js";

const [dirA, dirB] = process.argv.slice(2, 4);
const rounds = Number(process.argv[4] ?? 30);

const setup = async (dir) => mlpSteps(await import(pathToFileURL(path.resolve(dir, "dist/src/index.js")).href));

const a = await setup(dirA);
const b = await setup(dirB);
const run = { A: a.mlp, B: b.mlp, gemm: a.gemm };
const res = alternate(run, rounds, 50);
const q = quantile;
for (const n of ["A", "B", "gemm"]) console.log(`${n.padEnd(5)} min ${q(res[n], 0).toFixed(3)}, p25 ${q(res[n], 0.25).toFixed(3)}, median ${q(res[n], 0.5).toFixed(3)} ms/step`);
const share = (n, p) => ((100 * q(res.gemm, p)) / q(res[n], p)).toFixed(1);
console.log(`GEMM share of the step (min): A ${share("A", 0)}%, B ${share("B", 0)}%; (p25): A ${share("A", 0.25)}%, B ${share("B", 0.25)}%`);
