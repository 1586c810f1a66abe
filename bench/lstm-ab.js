// Two builds' LSTM steps in one process, for A/B under load: bench/myelin.js's `lstm` step (LSTM 32 → 128,
// batchFirst, seq 50, batch 32, last step → Linear(128, 10), cross entropy, Adam 1e-3) from build A and
// from build B, in alternating windows of 20 steps timed by process CPU time, so the machine's load
// disturbs both alike. Usage: node bench/lstm-ab.js <dir of build A> <dir of build B> [rounds]
// (each dir holds a built dist/, e.g. a copy of main's and this checkout).

import path from "node:path";
import { pathToFileURL } from "node:url";
import { alternate, quantile } from "./lib.js";

const [dirA, dirB] = process.argv.slice(2, 4);
const rounds = Number(process.argv[4] ?? 30);

/** bench/myelin.js's lstm step on the build in dir (wasm, one thread). */
async function setup(dir) {
  const L = await import(pathToFileURL(path.resolve(dir, "dist/src/index.js")).href);
  L.setBackend("wasm");
  const be = L.getBackend();
  be.setNumThreads(1);
  await be.ready();
  L.manualSeed(0);
  const rnn = new L.nn.LSTM(32, 128, { batchFirst: true });
  const fc = new L.nn.Linear(128, 10);
  const opt = new L.optim.Adam([...rnn.parameters(), ...fc.parameters()], { lr: 1e-3 });
  const x = L.randn([32, 50, 32]);
  const y = L.randint(0, 10, [32]);
  return () => {
    opt.zeroGrad();
    const [out] = rnn.forward(x);
    const l = L.F.crossEntropy(fc.forward(out.select(1, 49)), y);
    l.backward();
    opt.step();
    return l.item();
  };
}

const run = { A: await setup(dirA), B: await setup(dirB) };
const res = alternate(run, rounds, 20); // CPU ms per step
const q = quantile;
for (const n of ["A", "B"]) console.log(`${n} steps per CPU second: best ${(1000 / q(res[n], 0)).toFixed(1)}, p25 ${(1000 / q(res[n], 0.25)).toFixed(1)}, median ${(1000 / q(res[n], 0.5)).toFixed(1)}`);
console.log(`B/A (median): ${(q(res.A, 0.5) / q(res.B, 0.5)).toFixed(3)}, (best): ${(q(res.A, 0) / q(res.B, 0)).toFixed(3)}`);
