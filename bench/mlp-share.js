// The MLP step's GEMM share under load: bench/myelin.js's `mlp` step (784-256-128-10 ReLU, cross
// entropy, Adam, batch 128, random data of the same shapes) and its `mlpgemm` step (the same GEMMs
// alone: the ceiling) in alternating windows of 100 steps in one process, timed by process CPU time,
// so other processes on a busy machine disturb both alike. Prints the minimum (and median) CPU ms per
// step and the share gemm / mlp. Usage (after `npm run build`): node bench/mlp-share.js [--rounds 16]

import { getBackend, manualSeed, nn, optim, randint, randn, setBackend } from "../dist/src/index.js";
import { parseArgs } from "./lib.js";

const args = parseArgs(process.argv.slice(2));
setBackend("wasm");
const be = getBackend();
be.setNumThreads(1);
await be.ready();
manualSeed(0);
const B = 128;
const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
const X = randn([47 * B, 784]);
const Y = randint(0, 10, [47 * B]);
const lossFn = new nn.CrossEntropyLoss();
const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
let k = 0;
const mlp = () => {
  const i = k++ % 47;
  opt.zeroGrad();
  const l = lossFn.forward(model.forward(X.narrow(0, i * B, B)), Y.narrow(0, i * B, B));
  l.backward();
  opt.step();
  return l.item();
};
const dims = [784, 256, 128, 10];
const layers = dims.slice(1).map((out, l) => ({ x: randn([B, dims[l]]), w: randn([out, dims[l]]), gy: randn([B, out]), first: l === 0 }));
const gemm = () => {
  for (const { x, w, gy, first } of layers) {
    x.matmul(w.t());
    gy.t().matmul(x);
    if (!first) gy.matmul(w);
  }
};
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
