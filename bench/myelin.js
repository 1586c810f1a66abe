// myelin's side of the peer benchmarks (../shared/bench-peers): the same workloads, timing windows
// and "RESULT {json}" lines as bench_torch.py / bench_tfjs.js, through myelin's public API.
// Usage (after `npm run build`): node bench/myelin.js <sgemm|sgemmT|fma|mlp|perop|mlpgemm|lstm|cnn|gpt> [--backend wasm|cpu]
//        [--threads N] [--samples 3] [--window 1.2] [--warm 5] [--sizes 256,512,1024]

import { readFileSync } from "node:fs";
import { loadFashionMnist } from "../dist/src/node.js";
import { F, getBackend, manualSeed, nn, optim, randint, randn, setBackend, tensor } from "../dist/src/index.js";
import * as myelin from "../dist/src/index.js";
import { gptStep } from "./gpt-step.js";
import { emit, mulberry32, parseArgs, timeLoop } from "./lib.js";

const args = parseArgs(process.argv.slice(2));
const bench = args._[0];
const backendName = args.backend ?? "wasm";
const SAMPLES = Number(args.samples ?? 3);
const WINDOW = Number(args.window ?? 1.2);
const WARM = args.warm !== undefined ? Number(args.warm) : null;

setBackend(backendName);
const be = getBackend();
if (be.name !== backendName) throw new Error(`asked for backend ${backendName}, got ${be.name}`);
if (be.name === "wasm") {
  be.setNumThreads(Number(args.threads ?? 1));
  await be.ready();
}
const threads = be.name === "wasm" ? be.getNumThreads() : 1;
manualSeed(0);

const base = () => ({ peer: `myelin-${be.name}`, bench, threads, ...(be.variant ? { kernels: be.variant } : {}) });

/** C = A @ B for n×n float32 (no read-back, as torch's eager mm). */
async function sgemm() {
  for (const n of (args.sizes ?? "256,512,1024").split(",").map(Number)) {
    const a = randn([n, n]);
    const b = randn([n, n]);
    const t0 = performance.now();
    a.matmul(b);
    const w = (performance.now() - t0) / 1000;
    const flop = 2 * n ** 3;
    if (w > 3) {
      emit({ ...base(), n, value: flop / w / 1e9, unit: "GFLOP/s", iters: 1, sec: w, note: "single run" });
      continue;
    }
    for (let s = 0; s < SAMPLES; s++) {
      const r = await timeLoop(() => a.matmul(b), Math.min(WINDOW, 1.0), 1);
      emit({ ...base(), n, value: (flop * r.iters) / r.sec / 1e9, unit: "GFLOP/s", iters: r.iters, sec: r.sec, cpu: r.cpu });
    }
  }
}

/**
 * The Wasm roofline: a loop of independent f32x4 multiply-adds on registers only (relaxed-SIMD FMA
 * where the build has it), the most one core can compute in Wasm with no memory traffic. GEMM
 * efficiency is reported as a share of it (bench/summarize.js).
 */
async function fma() {
  if (typeof be.fmaRoofline !== "function") throw new Error("fma: the backend has no roofline loop (wasm only)");
  const iters = 1 << 20; // 96 flops each: ~100 Mflop per call
  be.fmaRoofline(iters);
  for (let s = 0; s < SAMPLES; s++) {
    const r = await timeLoop(() => be.fmaRoofline(iters, threads), Math.min(WINDOW, 1.0), 3);
    emit({ ...base(), value: (96 * iters * threads * r.iters) / r.sec / 1e9, unit: "GFLOP/s", iters: r.iters, sec: r.sec, cpu: r.cpu });
  }
}

/** n = 512 with transposed operands, as in every dense backward pass (TN = Aᵀ@B, NT = A@Bᵀ). */
async function sgemmT() {
  const n = 512;
  const a = randn([n, n]);
  const b = randn([n, n]);
  const cases = [["NN", () => a.matmul(b)], ["TN", () => a.t().matmul(b)], ["NT", () => a.matmul(b.t())]];
  for (const [variant, f] of cases) {
    f();
    for (let s = 0; s < Number(args.samples ?? 1); s++) {
      const r = await timeLoop(f, 0.5, 1);
      emit({ ...base(), n, variant, value: (2 * n ** 3 * r.iters) / r.sec / 1e9, unit: "GFLOP/s", iters: r.iters, sec: r.sec, cpu: r.cpu });
    }
  }
}

/** Fashion-MNIST training set shuffled once (mulberry32, seed as bench_tfjs.js), as [N,784] and [N]. */
function fashion(seed) {
  const { train } = loadFashionMnist({ flatten: true });
  const [x, y] = train.tensors;
  const n = y.shape[0];
  const xs = x.dataSync();
  const ys = y.dataSync();
  const r = mulberry32(seed);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const px = new Float32Array(n * 784);
  const py = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    px.set(xs.subarray(perm[i] * 784, perm[i] * 784 + 784), i * 784);
    py[i] = ys[perm[i]];
  }
  return { X: tensor(px, { shape: [n, 784] }), Y: tensor(py), n };
}

/** 784-256-128-10 ReLU, CrossEntropyLoss, Adam 1e-3, batch 128; contiguous slices of the shuffled data. */
async function mlp() {
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
  await classifier(model, 128, [784], 1);
}

/** bench_torch.py's LeNet-5 (conv 6@5x5 pad 2, maxpool 2, conv 16@5x5, maxpool 2, fc 120-84-10, ReLU), batch 64, Adam 1e-3. */
async function cnn() {
  const model = new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10),
  );
  await classifier(model, 64, [1, 28, 28], 2);
}

/** Training steps (CrossEntropyLoss, Adam 1e-3) on contiguous batches of the shuffled data, as bench_torch.py's classifier_run. */
async function classifier(model, B, sampleShape, seed) {
  const data = fashion(seed);
  const X = data.X.reshape([data.n, ...sampleShape]);
  const { Y, n } = data;
  const lossFn = new nn.CrossEntropyLoss();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const nb = Math.floor(n / B);
  let k = 0;
  let loss = NaN;
  const step = () => {
    const i = k++ % nb;
    const xb = X.narrow(0, i * B, B);
    const yb = Y.narrow(0, i * B, B);
    opt.zeroGrad();
    const l = lossFn.forward(model.forward(xb), yb);
    l.backward();
    opt.step();
    loss = l.item();
  };
  await emitTraining(step, WARM ?? 5, B, "samples/s", () => loss);
}

/**
 * Per-op fixed cost: x.mul(w).add(x).tanh().mul(w).sum() on [32, 64] with autograd, forward and
 * backward; µs per op = one iteration's time / 5 (the forward ops), as bench/perop_torch.py.
 */
async function perop() {
  const x = randn([32, 64]);
  const w = randn([32, 64]);
  x.requiresGrad = true;
  w.requiresGrad = true;
  const step = () => {
    x.grad = null;
    w.grad = null;
    x.mul(w).add(x).tanh().mul(w).sum().backward();
  };
  for (let i = 0; i < (WARM ?? 200); i++) step();
  for (let s = 0; s < SAMPLES; s++) {
    const r = await timeLoop(step, WINDOW, 10);
    emit({ ...base(), value: (r.sec * 1e6) / r.iters / 5, unit: "us/op", iters: r.iters, sec: r.sec, cpu: r.cpu });
  }
}

/**
 * The MLP step's GEMMs alone (same shapes and transposes as one `mlp` step at batch 128: forward
 * x·Wᵀ, backward gyᵀ·x and gy·W except the input layer's): their time bounds the step, so
 * B / (time per step's GEMMs) is the GEMM-bound ceiling in samples/s.
 */
async function mlpgemm() {
  const B = 128;
  const dims = [784, 256, 128, 10];
  const layers = dims.slice(1).map((out, l) => ({ x: randn([B, dims[l]]), w: randn([out, dims[l]]), gy: randn([B, out]), first: l === 0 }));
  const flop = layers.reduce((a, { x, w, first }) => a + 2 * B * x.shape[1] * w.shape[0] * (first ? 2 : 3), 0);
  const step = () => {
    for (const { x, w, gy, first } of layers) {
      x.matmul(w.t());
      gy.t().matmul(x);
      if (!first) gy.matmul(w);
    }
  };
  for (let i = 0; i < (WARM ?? 5); i++) step();
  for (let s = 0; s < SAMPLES; s++) {
    const r = await timeLoop(step, WINDOW, 2);
    emit({ ...base(), value: (r.iters * B) / r.sec, unit: "samples/s", iters: r.iters, sec: r.sec, cpu: r.cpu, gflops: (flop * r.iters) / r.sec / 1e9 });
  }
}


/** bench_torch.py's lstm: LSTM(32 → 128, batchFirst), seq 50, batch 32, last step → fc 10, CE, Adam 1e-3. */
async function lstm() {
  const rnn = new nn.LSTM(32, 128, { batchFirst: true });
  const fc = new nn.Linear(128, 10);
  const opt = new optim.Adam([...rnn.parameters(), ...fc.parameters()], { lr: 1e-3 });
  const x = randn([32, 50, 32]);
  const y = randint(0, 10, [32]);
  let loss = NaN;
  const step = () => {
    opt.zeroGrad();
    const [out] = rnn.forward(x);
    const l = F.crossEntropy(fc.forward(out.select(1, 49)), y);
    l.backward();
    opt.step();
    loss = l.item();
  };
  await emitTraining(step, WARM ?? 3, 1, "steps/s", () => loss);
}

/** bench_torch.py's gpt (bench/gpt-step.js), on the text the peers read. */
async function gpt() {
  const g = gptStep(myelin, readFileSync(process.env.TEXT_FILE ?? "/usr/share/common-licenses/GPL-3", "utf8"));
  await emitTraining(g.step, WARM ?? 3, g.tokens, "tokens/s", g.loss, { params: g.nparams });
}

/** Runs `step` `warm` times, then emits SAMPLES timed windows of it, each `perStep` units per step (training rows: loss read after each window). */
async function emitTraining(step, warm, perStep, unit, loss, extra = {}) {
  const tw = performance.now();
  for (let i = 0; i < warm; i++) step();
  const warmSec = (performance.now() - tw) / 1000;
  for (let s = 0; s < SAMPLES; s++) {
    const r = await timeLoop(step, WINDOW, 2);
    emit({ ...base(), value: (r.iters * perStep) / r.sec, unit, iters: r.iters, sec: r.sec, cpu: r.cpu, loss: loss(), warmSec, ...extra });
  }
}

const benches = { sgemm, sgemmT, fma, mlp, perop, mlpgemm, lstm, cnn, gpt };
if (!benches[bench]) {
  console.error(`usage: node bench/myelin.js <${Object.keys(benches).join("|")}> [--backend wasm|cpu] [--threads N] [--samples 3] [--window 1.2]`);
  process.exit(2);
}
await benches[bench]();
