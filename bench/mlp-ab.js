// Two builds' MLP steps in one process, for A/B under load: bench/myelin.js's `mlp` step (as in
// bench/mlp-share.js) from build A and from build B, and the step's GEMMs alone (build A: the
// ceiling), in alternating windows of 50 steps timed by process CPU time, so the machine's load
// disturbs all three alike. Usage: node bench/mlp-ab.js <dir of build A> <dir of build B> [rounds]
// (each dir holds a built dist/, e.g. a copy of main's and this checkout).

import path from "node:path";
import { pathToFileURL } from "node:url";

const [dirA, dirB] = process.argv.slice(2, 4);
const rounds = Number(process.argv[4] ?? 30);

async function setup(dir) {
  const L = await import(pathToFileURL(path.resolve(dir, "dist/src/index.js")).href);
  L.setBackend("wasm");
  const be = L.getBackend();
  be.setNumThreads(1);
  await be.ready();
  L.manualSeed(0);
  const B = 128;
  const { nn, optim } = L;
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const X = L.randn([47 * B, 784]);
  const Y = L.randint(0, 10, [47 * B]);
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
  const layers = dims.slice(1).map((out, l) => ({ x: L.randn([B, dims[l]]), w: L.randn([out, dims[l]]), gy: L.randn([B, out]), first: l === 0 }));
  const gemm = () => {
    for (const { x, w, gy, first } of layers) {
      x.matmul(w.t());
      gy.t().matmul(x);
      if (!first) gy.matmul(w);
    }
  };
  return { mlp, gemm };
}

const a = await setup(dirA);
const b = await setup(dirB);
const run = { A: a.mlp, B: b.mlp, gemm: a.gemm };
const res = { A: [], B: [], gemm: [] };
for (let r = 0; r < rounds; r++)
  for (const name of r % 2 ? ["A", "B", "gemm"] : ["B", "gemm", "A"]) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < 50; i++) run[name]();
    const c = process.cpuUsage(c0);
    if (r > 1) res[name].push((c.user + c.system) / 1000 / 50); // the first two rounds warm up
  }
const q = (xs, p) => [...xs].sort((x, y) => x - y)[Math.floor(p * (xs.length - 1))];
for (const n of ["A", "B", "gemm"]) console.log(`${n.padEnd(5)} min ${q(res[n], 0).toFixed(3)}, p25 ${q(res[n], 0.25).toFixed(3)}, median ${q(res[n], 0.5).toFixed(3)} ms/step`);
const share = (n, p) => ((100 * q(res.gemm, p)) / q(res[n], p)).toFixed(1);
console.log(`GEMM share of the step (min): A ${share("A", 0)}%, B ${share("B", 0)}%; (p25): A ${share("A", 0.25)}%, B ${share("B", 0.25)}%`);
