// Two builds' char-GPT steps in one process, for A/B under load: bench/myelin.js's `gpt` step (same
// model, data, mask and Adam) from build A and from build B, in alternating windows of 10 steps timed
// by process CPU time, so the machine's load disturbs both alike (bench/mlp-ab.js's pattern).
// Usage: node bench/gpt-ab.js <dir of build A> <dir of build B> [rounds] (each dir holds a built dist/)

import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { mulberry32 } from "./lib.js";

const [dirA, dirB] = process.argv.slice(2, 4);
const rounds = Number(process.argv[4] ?? 20);
const text = readFileSync(process.env.TEXT_FILE ?? "/usr/share/common-licenses/GPL-3", "utf8");

/** bench/myelin.js's gpt step on build `dir`: returns { step, loss }. */
async function gptStep(dir) {
  const L = await import(pathToFileURL(path.resolve(dir, "dist/src/index.js")).href);
  const { F, nn, optim, randn, tensor } = L;
  L.setBackend("wasm");
  L.getBackend().setNumThreads(1);
  await L.getBackend().ready();
  L.manualSeed(0);
  const B = 16, T = 64, D = 128, V = 65;
  const freq = new Map();
  for (const ch of text) freq.set(ch, (freq.get(ch) ?? 0) + 1);
  const chars = [...freq.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 64).map((e) => e[0]);
  const idx = new Map(chars.map((c, i) => [c, i]));
  const ids = Int32Array.from([...text], (c) => idx.get(c) ?? 64);
  const wte = new nn.Embedding(V, D);
  const wpe = nn.Parameter(randn([T, D]).mul(0.02));
  const blocks = [0, 1].map(() => new nn.TransformerEncoderLayer(D, 4, 512, 0, "relu", { batchFirst: true, normFirst: true }));
  const lnf = new nn.LayerNorm(D);
  const head = new nn.Linear(D, V);
  const mask = nn.Transformer.generateSquareSubsequentMask(T);
  const params = [...wte.parameters(), wpe, ...blocks.flatMap((b) => [...b.parameters()]), ...lnf.parameters(), ...head.parameters()];
  const opt = new optim.Adam(params, { lr: 1e-3 });
  const r = mulberry32(5);
  const out = { loss: NaN, step: null };
  out.step = () => {
    const xb = new Int32Array(B * T), yb = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const s = Math.floor(r() * (ids.length - T - 1));
      xb.set(ids.subarray(s, s + T), b * T);
      yb.set(ids.subarray(s + 1, s + T + 1), b * T);
    }
    opt.zeroGrad();
    let x = wte.forward(tensor(xb, { shape: [B, T] })).add(wpe);
    for (const blk of blocks) x = blk.forward(x, mask);
    const l = F.crossEntropy(head.forward(lnf.forward(x)).reshape([-1, V]), tensor(yb));
    l.backward();
    opt.step();
    out.loss = l.item();
  };
  return out;
}

const run = { A: await gptStep(dirA), B: await gptStep(dirB) };
const res = { A: [], B: [] };
for (let r = 0; r < rounds; r++)
  for (const name of r % 2 ? ["A", "B"] : ["B", "A"]) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < 10; i++) run[name].step();
    const c = process.cpuUsage(c0);
    if (r > 1) res[name].push((c.user + c.system) / 1000 / 10); // the first two rounds warm up
  }
const q = (xs, p) => [...xs].sort((x, y) => x - y)[Math.floor(p * (xs.length - 1))];
for (const n of ["A", "B"]) console.log(`${n} min ${q(res[n], 0).toFixed(2)}, p25 ${q(res[n], 0.25).toFixed(2)}, median ${q(res[n], 0.5).toFixed(2)} CPU ms/step (${Math.round(1024000 / q(res[n], 0.5))} tokens per CPU s), loss after ${rounds * 10} steps ${run[n].loss}`);
console.log(`B/A CPU time: min ${(q(res.B, 0) / q(res.A, 0)).toFixed(3)}, median ${(q(res.B, 0.5) / q(res.A, 0.5)).toFixed(3)}`);
