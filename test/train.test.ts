// fit / evaluate / predict: history shape, learning on a toy problem, equivalence with a
// hand-written SGD loop for batch, stochastic and mini-batch gradient descent, and resuming from a
// checkpoint to the same weights and history as an uninterrupted run.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { data, Generator, manualSeed, nn, noGrad, optim, randn, tensor, Tensor } from "../src/index.js";
import { loadCheckpoint, ModelCheckpoint } from "../src/node.js";
import { evaluate, fit, predict, type History } from "../src/train/index.js";

const vals = (t: Tensor): number[] => Array.from(t.dataSync());
const weights = (m: nn.Module<[Tensor], Tensor>): Record<string, number[]> => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, vals(t)]));

/** A nested state with every tensor replaced by its shape and values, for deepEqual. */
const plain = (v: unknown): unknown =>
  v instanceof Tensor ? { shape: v.shape, values: vals(v) } : Array.isArray(v) ? v.map(plain) : typeof v === "object" && v !== null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;

/** A regression toy: y = x·[1, −2, 0.5]ᵀ + 0.3 + noise, 8 samples. */
function linearData(n = 8): { x: Tensor; y: Tensor } {
  const g = new Generator(7);
  const x = randn([n, 3], { generator: g });
  const y = noGrad(() => x.matmul(tensor([[1], [-2], [0.5]])).add(0.3).add(randn([n, 1], { generator: g }).mul(0.1)));
  return { x, y };
}

/** Two small classes (moons), a 2-8-2 MLP. */
function moonsSetup(seed = 0): { train: data.TensorDataset<[Tensor, Tensor]>; model: nn.Sequential } {
  manualSeed(seed);
  const ds = data.moons({ n: 64, noise: 0.1, generator: new Generator(seed) });
  const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
  return { train: ds, model };
}

test("fit: history has loss, accuracy, val_loss, val_accuracy, one value per epoch, and epoch indices", async () => {
  const { train, model } = moonsSetup();
  const h = await fit(model, {
    train: new data.DataLoader(train, { batchSize: 16 }),
    validation: new data.DataLoader(train, { batchSize: 32 }),
    loss: new nn.CrossEntropyLoss(),
    optimizer: new optim.Adam(model.parameters(), { lr: 0.01 }),
    epochs: 3,
    metrics: ["accuracy"],
  });
  assert.deepEqual(Object.keys(h.history).sort(), ["accuracy", "loss", "val_accuracy", "val_loss"]);
  assert.deepEqual(h.epoch, [0, 1, 2]);
  for (const [k, v] of Object.entries(h.history)) {
    assert.equal(v.length, 3, k);
    for (const x of v) assert.ok(Number.isFinite(x), `${k}: ${x}`);
  }
  for (const a of [...h.history.accuracy!, ...h.history.val_accuracy!]) assert.ok(a >= 0 && a <= 1);
  // val_loss after epoch e is evaluate() with the weights at the end of that epoch: check the last one
  const ev = await evaluate(model, new data.DataLoader(train, { batchSize: 64 }), { loss: new nn.CrossEntropyLoss(), metrics: ["accuracy"] });
  assert.ok(Math.abs(ev.loss! - h.history.val_loss![2]!) < 1e-5, `${ev.loss} vs ${h.history.val_loss![2]}`);
  assert.equal(ev.accuracy, h.history.val_accuracy![2]);
});

test("fit: the loss decreases on a learnable problem (moons) and accuracy rises", async () => {
  const { train, model } = moonsSetup(1);
  const h = await fit(model, {
    train: new data.DataLoader(train, { batchSize: 16, shuffle: true, generator: new Generator(1) }),
    loss: new nn.CrossEntropyLoss(),
    optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }),
    epochs: 25,
    metrics: ["accuracy"],
  });
  const loss = h.history.loss!;
  assert.ok(loss[24]! < 0.5 * loss[0]!, `loss went from ${loss[0]} to ${loss[24]}`);
  assert.ok(h.history.accuracy![24]! > 0.8, `accuracy ${h.history.accuracy![24]}`);
});

/** The textbook loop: for each batch zeroGrad, forward, loss, backward, step. */
function handLoop(model: nn.Linear, x: Tensor, y: Tensor, batchSize: number, lr: number, epochs: number): number[] {
  const opt = new optim.SGD(model.parameters(), { lr });
  const lossFn = new nn.MSELoss();
  const n = x.shape[0]!;
  const epochLosses: number[] = [];
  for (let e = 0; e < epochs; e++) {
    let sum = 0;
    for (let at = 0; at < n; at += batchSize) {
      const xb = x.slice(0, at, Math.min(n, at + batchSize));
      const yb = y.slice(0, at, Math.min(n, at + batchSize));
      opt.zeroGrad();
      const l = lossFn.forward(model.forward(xb), yb);
      l.backward();
      opt.step();
      sum += l.item() * xb.shape[0]!;
    }
    epochLosses.push(sum / n);
  }
  return epochLosses;
}

for (const [what, b] of [
  ["batch gradient descent (batch size N)", 8],
  ["stochastic gradient descent (batch size 1)", 1],
  ["mini-batch gradient descent (batch size 3, last batch 2)", 3],
] as const) {
  test(`fit with SGD = a hand-written zeroGrad/forward/backward/step loop: ${what}`, async () => {
    const { x, y } = linearData();
    manualSeed(3);
    const a = new nn.Linear(3, 1);
    const b2 = new nn.Linear(3, 1);
    b2.loadStateDict(a.stateDict());
    const start = weights(a);
    const h = await fit(a, {
      train: new data.DataLoader(new data.TensorDataset(x, y), { batchSize: b }),
      loss: new nn.MSELoss(),
      optimizer: new optim.SGD(a.parameters(), { lr: 0.05 }),
      epochs: 3,
    });
    const losses = handLoop(b2, x, y, b, 0.05, 3);
    assert.notDeepEqual(weights(a), start, "training changed nothing");
    assert.deepEqual(weights(a), weights(b2));
    for (let e = 0; e < 3; e++) assert.ok(Math.abs(h.history.loss![e]! - losses[e]!) < 1e-6, `epoch ${e}: ${h.history.loss![e]} vs ${losses[e]}`);
    // the number of updates differs: N/b steps per epoch
    assert.equal(h.epoch.length, 3);
  });
}

/** Records the training flag seen by each forward call. */
class Probe extends nn.Module {
  seen: boolean[] = [];
  lin = new nn.Linear(2, 2);
  fail = false;
  forward(x: Tensor): Tensor {
    this.seen.push(this.training);
    if (this.fail) throw new Error("probe failure");
    return this.lin.forward(x);
  }
}

test("evaluate runs in eval mode without gradients and restores the training mode, even on error", async () => {
  const { train } = moonsSetup();
  const loader = new data.DataLoader(train, { batchSize: 32 });
  const m = new Probe();
  const logs = await evaluate(m, loader, { loss: new nn.CrossEntropyLoss(), metrics: ["accuracy"], prefix: "test_" });
  assert.deepEqual(Object.keys(logs).sort(), ["test_accuracy", "test_loss"]);
  assert.deepEqual(m.seen, [false, false]);
  assert.equal(m.training, true);
  assert.equal(m.lin.training, true);
  m.eval();
  await evaluate(m, loader);
  assert.equal(m.training, false, "a model in eval mode stays in eval mode");
  m.train();
  m.fail = true;
  await assert.rejects(evaluate(m, loader), /probe failure/);
  assert.equal(m.training, true);
  for (const p of m.parameters()) assert.equal(p.grad, null);
});

test("predict returns the model's outputs per batch, for [x, y] batches and bare inputs", async () => {
  const { train, model } = moonsSetup();
  const loader = new data.DataLoader(train, { batchSize: 20 });
  const outs = await predict(model, loader);
  assert.deepEqual(outs.map((o) => o.shape), [[20, 2], [20, 2], [20, 2], [4, 2]]);
  const [x] = train.tensors;
  const direct = noGrad(() => model.forward(x));
  assert.deepEqual(outs.flatMap(vals), vals(direct));
  assert.equal(outs[0]!.requiresGrad, false);
  const bare = await predict(model, [x.slice(0, 0, 5)]);
  assert.deepEqual(vals(bare[0]!), vals(direct).slice(0, 10));
  assert.equal(model.training, true);
});

test("fit: a non-finite loss stops training with an error naming the epoch and batch", async () => {
  const x = tensor([[1, 2], [3, 4], [5, 6], [7, 8]]);
  const y = tensor([[1], [2], [3], [Number.NaN]]);
  const model = new nn.Linear(2, 1);
  const train = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 2 });
  await assert.rejects(
    fit(model, { train, loss: new nn.MSELoss(), optimizer: new optim.SGD(model.parameters(), { lr: 0.01 }), epochs: 2 }),
    /fit: the loss became NaN at epoch 1, batch 2/,
  );
  // diverging: a huge learning rate overflows to Infinity
  const m2 = new nn.Linear(2, 1);
  const y2 = tensor([[1], [2], [3], [4]]);
  await assert.rejects(
    fit(m2, { train: new data.DataLoader(new data.TensorDataset(x, y2), { batchSize: 4 }), loss: new nn.MSELoss(), optimizer: new optim.SGD(m2.parameters(), { lr: 1e6 }), epochs: 50 }),
    /fit: the loss became (Infinity|NaN) at epoch \d+, batch 1; lower the learning rate/,
  );
});

test("fit: an unknown metric name is an error listing the known ones", async () => {
  const model = new nn.Linear(2, 2);
  await assert.rejects(
    fit(model, { train: [], loss: new nn.CrossEntropyLoss(), optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), metrics: ["acc"] }),
    /unknown metric 'acc' \(known: accuracy\)/,
  );
});

// ---- resume ----------------------------------------------------------------------------------

async function resumeRun(dir: string, { shuffle }: { shuffle: boolean }): Promise<void> {
  const { train } = moonsSetup(2);
  const make = () => {
    manualSeed(5);
    const model = new nn.Sequential(new nn.Linear(2, 6), new nn.Tanh(), new nn.Linear(6, 2));
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.02 });
    const generator = new Generator(11);
    const loader = new data.DataLoader(train, { batchSize: 10, shuffle, generator });
    return { model, optimizer, loader, generator };
  };
  const common = { validation: new data.DataLoader(train, { batchSize: 64 }), loss: new nn.CrossEntropyLoss(), metrics: ["accuracy"] };

  const straight = make();
  const h4 = await fit(straight.model, { ...common, train: straight.loader, optimizer: straight.optimizer, epochs: 4 });

  const first = make();
  const ckpt = new ModelCheckpoint(join(dir, "ck"), { generators: { shuffle: first.generator } });
  const h2 = await fit(first.model, { ...common, train: first.loader, optimizer: first.optimizer, epochs: 2, callbacks: [ckpt] });
  assert.equal(h2.epoch.length, 2);
  assert.equal(ckpt.saved, 2);

  const ck = loadCheckpoint(join(dir, "ck"));
  assert.equal(ck.epoch, 2);
  const second = make(); // fresh model (different from the trained one until the state dict is loaded)
  second.model.loadStateDict(ck.model);
  ModelCheckpoint.restoreGenerators(ck, { shuffle: second.generator });
  const h = await fit(second.model, {
    ...common,
    train: second.loader,
    optimizer: second.optimizer,
    epochs: 4,
    resume: { epoch: ck.epoch, history: ck.history as unknown as History, optimizer: ck.optimizer, model: ck.model },
  });
  assert.deepEqual(weights(second.model), weights(straight.model));
  assert.deepEqual(h, h4);
  assert.deepEqual(plain(second.optimizer.stateDict()), plain(straight.optimizer.stateDict()));
}

test("resume: 2 epochs + checkpoint + 2 resumed epochs = 4 straight epochs (weights, history, Adam state), no shuffling", async () => {
  const dir = mkdtempSync(join(tmpdir(), "myelin-resume-"));
  try {
    await resumeRun(dir, { shuffle: false });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("resume: the same with a shuffling DataLoader whose Generator state the checkpoint stores", async () => {
  const dir = mkdtempSync(join(tmpdir(), "myelin-resume-"));
  try {
    await resumeRun(dir, { shuffle: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
