// Resident memory over 50 epochs of MLP training with no dispose() anywhere and no yield to the
// event loop: Fashion-MNIST 784-256-128-10 ReLU, Adam 1e-3, batch 128, `--steps` batches per epoch
// (a slice of the training set, for time) plus an evaluation on 2,000 test images each epoch.
// Prints RSS, the wasm heap's live bytes and the JS heap per epoch, then the growth from epoch 5 to
// the last. Usage: npm run bench:memory   (or node bench/memory.js [--epochs 50] [--steps 100])

import { loadFashionMnist } from "../dist/src/node.js";
import { getBackend, manualSeed, nn, noGrad, optim } from "../dist/src/index.js";
import { emit, parseArgs } from "./lib.js";

const args = parseArgs(process.argv.slice(2));
const EPOCHS = Number(args.epochs ?? 50);
const STEPS = Number(args.steps ?? 100);
const B = 128;
const be = getBackend();
const threads = be.name === "wasm" ? be.getNumThreads() : 1;
manualSeed(0);

const { train, test } = loadFashionMnist({ flatten: true });
const [X, Y] = train.tensors;
const [Xt, Yt] = test.tensors;
const nb = Math.floor(X.shape[0] / B);
const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
const lossFn = new nn.CrossEntropyLoss();
const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
const xTest = Xt.narrow(0, 0, 2000);
const yTest = Yt.narrow(0, 0, 2000);

const MiB = (b) => (b / 2 ** 20).toFixed(1);
const series = [];
let k = 0;
const t0 = performance.now();
console.log(`backend ${be.name}${be.variant ? ` (${be.variant})` : ""}, ${threads} thread(s); ${EPOCHS} epochs x ${STEPS} steps of batch ${B}`);
console.log("epoch  loss    test acc  RSS MiB  wasm live MiB  JS heap MiB");
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  let loss = 0;
  for (let s = 0; s < STEPS; s++) {
    const i = k++ % nb;
    opt.zeroGrad();
    const l = lossFn.forward(model.forward(X.narrow(0, i * B, B)), Y.narrow(0, i * B, B));
    l.backward();
    opt.step();
    loss = l.item();
  }
  const acc = noGrad(() => model.forward(xTest).argmax(1).eq(yTest).float().mean().item());
  const m = process.memoryUsage();
  const r = { epoch, rss: m.rss, heapUsed: m.heapUsed, liveBytes: be.liveBytes ?? NaN, loss, acc };
  series.push(r);
  emit({ peer: `myelin-${be.name}`, bench: "memory", threads, ...r });
  console.log(`${String(epoch).padStart(5)}  ${loss.toFixed(4)}  ${acc.toFixed(4)}    ${MiB(m.rss).padStart(7)}  ${MiB(r.liveBytes).padStart(13)}  ${MiB(m.heapUsed).padStart(11)}`);
}
const sec = (performance.now() - t0) / 1000;
const from = series[Math.min(4, series.length - 1)];
const last = series[series.length - 1];
const peak = Math.max(...series.map((r) => r.rss));
const summary =
  `RSS epoch ${from.epoch} → ${last.epoch}: ${MiB(from.rss)} → ${MiB(last.rss)} MiB (${last.rss >= from.rss ? "+" : ""}${MiB(last.rss - from.rss)} MiB, ` +
  `${(((last.rss - from.rss) / from.rss) * 100).toFixed(1)}%), peak ${MiB(peak)} MiB; wasm live ${MiB(from.liveBytes)} → ${MiB(last.liveBytes)} MiB; ` +
  `${EPOCHS * STEPS} steps (${(EPOCHS * STEPS * B).toLocaleString("en-US")} samples) in ${sec.toFixed(0)} s on ${be.name}, ${threads} thread(s), no dispose() calls; test acc ${last.acc.toFixed(4)}.`;
emit({ peer: `myelin-${be.name}`, bench: "memory", threads, summary, rssFrom: from.rss, rssLast: last.rss, rssPeak: peak, sec });
console.log(summary);
