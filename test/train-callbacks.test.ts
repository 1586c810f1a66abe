// Callbacks of fit(): EarlyStopping, LR scheduling, LambdaCallback, Progress, ModelCheckpoint,
// CSVLogger, and plotHistory. Monitored values are scripted through a metric function so that
// each test knows exactly which epoch is best.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Generator, nn, optim, tensor, type Tensor } from "../src/index.js";
import { CSVLogger, loadCheckpoint, ModelCheckpoint } from "../src/node.js";
import { EarlyStopping, fit, LambdaCallback, LRSchedulerCallback, Monitor, plotHistory, Progress, type Batch, type Callback, type FitOptions, type History } from "../src/train/index.js";

const vals = (t: Tensor): number[] => Array.from(t.dataSync());
const snapshot = (m: nn.Module<[Tensor], Tensor>): Record<string, number[]> => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, vals(t)]));

const x = tensor([[1, 2], [3, 4], [-1, 0.5], [0, -2]]);
const y = tensor([[1], [0], [2], [-1]]);
/** One batch per epoch, so a metric's per-batch value is its epoch value. */
const oneBatch: Batch[] = [[x, y]];

/** A metric named `name` that returns `seq[k]` on its k-th call. */
function scripted(name: string, seq: number[]): (out: Tensor, target: Tensor) => number {
  let k = 0;
  const f = () => seq[k++] ?? Number.NaN;
  Object.defineProperty(f, "name", { value: name });
  return f;
}

/** A Linear(2, 1) regression run whose epochs' weights are recorded. */
async function run(epochs: number, metric: (out: Tensor, target: Tensor) => number, callbacks: Callback[], extra: Partial<FitOptions> = {}) {
  const model = new nn.Linear(2, 1);
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
  const perEpoch: Record<string, number[]>[] = [];
  const record = new LambdaCallback({ onEpochEnd: () => void perEpoch.push(snapshot(model)) });
  const history = await fit(model, { train: oneBatch, loss: new nn.MSELoss(), optimizer, epochs, metrics: [metric], callbacks: [record, ...callbacks], ...extra });
  return { model, optimizer, history, perEpoch };
}

test("EarlyStopping stops after `patience` epochs without improvement and restores the best epoch's weights", async () => {
  const es = new EarlyStopping({ monitor: "score", patience: 2, restoreBestWeights: true });
  const { model, history, perEpoch } = await run(10, scripted("score", [5, 3, 4, 3.5, 1, 9]), [es]);
  // best 3 at epoch 1; epochs 2 and 3 do not improve → stop at epoch 3
  assert.deepEqual(history.epoch, [0, 1, 2, 3]);
  assert.equal(es.bestEpoch, 1);
  assert.equal(es.stoppedEpoch, 3);
  assert.notDeepEqual(perEpoch[3], perEpoch[1]);
  assert.deepEqual(snapshot(model), perEpoch[1]);
});

test("EarlyStopping: patience 0 stops at the first non-improvement; without restoreBestWeights the last weights stay", async () => {
  const es = new EarlyStopping({ monitor: "score", patience: 0 });
  const { model, history, perEpoch } = await run(10, scripted("score", [5, 4, 4.5, 1]), [es]);
  assert.deepEqual(history.epoch, [0, 1, 2]);
  assert.deepEqual(snapshot(model), perEpoch[2]);
});

test("EarlyStopping: minDelta decides what counts as an improvement; best weights restored also when epochs run out", async () => {
  const es = new EarlyStopping({ monitor: "score", patience: 2, minDelta: 0.5, restoreBestWeights: true });
  const { model, history, perEpoch } = await run(4, scripted("score", [5, 4.8, 3, 2.9]), [es]);
  assert.deepEqual(history.epoch, [0, 1, 2, 3], "4.8 is no improvement, 3 is, 2.9 is not: never 2 in a row");
  assert.equal(es.bestEpoch, 2);
  assert.equal(es.stoppedEpoch, -1);
  assert.deepEqual(snapshot(model), perEpoch[2]);
});

test("EarlyStopping: mode 'auto' maximizes accuracy-like names, minimizes the rest", async () => {
  assert.equal(new Monitor({ monitor: "val_accuracy" }).mode, "max");
  assert.equal(new Monitor({ monitor: "val_loss" }).mode, "min");
  assert.equal(new Monitor({ monitor: "val_accuracy", mode: "min" }).mode, "min");
  const es = new EarlyStopping({ monitor: "accuracy", patience: 1 });
  const { history } = await run(10, scripted("accuracy", [0.5, 0.7, 0.6, 0.9]), [es]);
  assert.deepEqual(history.epoch, [0, 1, 2], "0.7 is the best; 0.6 is worse, so stop at epoch 2");
  assert.equal(es.bestEpoch, 1);
});

test("EarlyStopping: a monitored value missing from the logs is an error naming the available keys", async () => {
  await assert.rejects(run(3, scripted("score", [1, 2, 3]), [new EarlyStopping()]), /EarlyStopping: monitored value 'val_loss' is not in the logs \(available: loss, score\)/);
});

test("EarlyStopping can be reused: each fit starts afresh", async () => {
  const es = new EarlyStopping({ monitor: "score", patience: 1 });
  await run(10, scripted("score", [1, 2]), [es]);
  assert.equal(es.stoppedEpoch, 1);
  const { history } = await run(10, scripted("score", [5, 4, 3, 2, 3]), [es]);
  assert.deepEqual(history.epoch, [0, 1, 2, 3, 4], "the best value 1 of the first fit must not carry over");
});

test("LRSchedulerCallback steps StepLR once per epoch", async () => {
  const model = new nn.Linear(2, 1);
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
  const lrs: number[] = [];
  await fit(model, {
    train: oneBatch,
    loss: new nn.MSELoss(),
    optimizer,
    epochs: 5,
    callbacks: [new LambdaCallback({ onEpochBegin: () => void lrs.push(optimizer.paramGroups[0]!.lr) }), new LRSchedulerCallback(new optim.lrScheduler.StepLR(optimizer, { stepSize: 2, gamma: 0.5 }))],
  });
  assert.deepEqual(lrs.map((v) => +v.toPrecision(12)), [0.1, 0.1, 0.05, 0.05, 0.025]);
  assert.ok(Math.abs(optimizer.paramGroups[0]!.lr - 0.025) < 1e-12, "5 steps: 0.1 · 0.5^⌊5/2⌋");
});

test("LRSchedulerCallback perBatch steps the scheduler after every batch", async () => {
  const model = new nn.Linear(2, 1);
  const optimizer = new optim.SGD(model.parameters(), { lr: 1 });
  const twoBatches: Batch[] = [[x.slice(0, 0, 2), y.slice(0, 0, 2)], [x.slice(0, 2, 4), y.slice(0, 2, 4)]];
  await fit(model, { train: twoBatches, loss: new nn.MSELoss(), optimizer, epochs: 3, callbacks: [new LRSchedulerCallback(new optim.lrScheduler.ExponentialLR(optimizer, { gamma: 0.5 }), { perBatch: true })] });
  assert.equal(optimizer.paramGroups[0]!.lr, 0.5 ** 6);
});

test("LRSchedulerCallback feeds ReduceLROnPlateau the monitored val_loss", async () => {
  const model = new nn.Linear(2, 1);
  const optimizer = new optim.SGD(model.parameters(), { lr: 1e-3 });
  // validation runs without gradients: there this loss returns the scripted val_loss
  const valLoss = [1, 0.5, 0.625, 0.75, 0.875, 0.25]; // exact in float32
  let k = 0;
  const mse = new nn.MSELoss();
  const loss = (out: Tensor, target: Tensor): Tensor => (out.requiresGrad ? mse.forward(out, target) : tensor(valLoss[k++]!));
  const lrs: number[] = [];
  const h = await fit(model, {
    train: oneBatch,
    validation: oneBatch,
    loss,
    optimizer,
    epochs: 6,
    callbacks: [
      new LRSchedulerCallback(new optim.lrScheduler.ReduceLROnPlateau(optimizer, { patience: 1, factor: 0.5 }), { monitor: "val_loss" }),
      new LambdaCallback({ onEpochEnd: () => void lrs.push(optimizer.paramGroups[0]!.lr) }),
    ],
  });
  assert.deepEqual(h.history.val_loss, valLoss);
  // 0.625 and 0.75 are two bad epochs (> patience 1) → halve after epoch 3; the count restarts
  assert.deepEqual(lrs, [1e-3, 1e-3, 1e-3, 5e-4, 5e-4, 5e-4]);
  await assert.rejects(
    fit(model, { train: oneBatch, loss: new nn.MSELoss(), optimizer, callbacks: [new LRSchedulerCallback(new optim.lrScheduler.ReduceLROnPlateau(optimizer), { monitor: "val_loss" })] }),
    /LRSchedulerCallback: monitored value 'val_loss' is not in the logs \(available: loss\)/,
  );
});

test("LambdaCallback: hooks are called in order with epochs, steps and running logs", async () => {
  const events: string[] = [];
  const model = new nn.Linear(2, 1);
  const twoBatches: Batch[] = [[x.slice(0, 0, 2), y.slice(0, 0, 2)], [x.slice(0, 2, 4), y.slice(0, 2, 4)]];
  let stopSeen = false;
  const h = await fit(model, {
    train: twoBatches,
    loss: new nn.MSELoss(),
    optimizer: new optim.SGD(model.parameters(), { lr: 0.01 }),
    epochs: 2,
    callbacks: [
      new LambdaCallback({
        onTrainBegin: (info) => void events.push(`trainBegin ${info.epochs} ${info.initialEpoch} ${info.steps}`),
        onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
        onBatchEnd: (s, logs) => void events.push(`batchEnd ${s} ${Object.keys(logs).join(",")}`),
        onEpochEnd: (e, logs) => void events.push(`epochEnd ${e} ${Object.keys(logs).join(",")}`),
        onTrainEnd: (hist, ctx) => {
          stopSeen = ctx.stopTraining;
          events.push(`trainEnd ${hist.epoch.length}`);
        },
      }),
    ],
  });
  assert.deepEqual(events, ["trainBegin 2 0 2", "epochBegin 0", "batchEnd 0 loss", "batchEnd 1 loss", "epochEnd 0 loss", "epochBegin 1", "batchEnd 0 loss", "batchEnd 1 loss", "epochEnd 1 loss", "trainEnd 2"]);
  assert.equal(stopSeen, false);
  assert.equal(h.epoch.length, 2);
});

test("a callback setting ctx.stopTraining ends fit after the current epoch", async () => {
  const { history } = await run(10, scripted("score", []), [new LambdaCallback({ onEpochEnd: (e, _l, ctx) => void (ctx.stopTraining = e === 1) })]);
  assert.deepEqual(history.epoch, [0, 1]);
});

test("Progress without a terminal prints one line per epoch with loss and metrics, then the total time", async () => {
  const lines: string[] = [];
  const model = new nn.Linear(2, 1);
  await fit(model, {
    train: oneBatch,
    validation: oneBatch,
    loss: new nn.MSELoss(),
    optimizer: new optim.SGD(model.parameters(), { lr: 0.01 }),
    epochs: 3,
    metrics: [scripted("score", [0.25, 0.5, 0.75, 1, 1, 1])],
    callbacks: [new Progress({ log: (l) => lines.push(l), bar: false })],
  });
  assert.equal(lines.length, 4, lines.join("\n"));
  lines.slice(0, 3).forEach((l, e) => assert.match(l, new RegExp(`^epoch ${e + 1}/3 · \\d+\\.\\ds · loss \\d+\\.\\d{4} · score \\d\\.\\d{4} · val_loss \\d+\\.\\d{4} · val_score \\d\\.\\d{4}$`)));
  // training calls the metric first, then validation: epoch 1 sees 0.25 / 0.5
  assert.match(lines[0]!, /score 0\.2500 · val_loss [\d.]+ · val_score 0\.5000/);
  assert.match(lines[3]!, /^trained in \d+\.\ds$/);
});

test("ModelCheckpoint writes a loadable checkpoint every epoch (model, optimizer, epoch, history, config)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "myelin-ckpt-"));
  try {
    const ck = new ModelCheckpoint(join(dir, "ck"), { config: { recipe: "toy" } });
    const seen: number[] = [];
    const probe = new LambdaCallback({ onEpochEnd: () => void seen.push(loadCheckpoint(join(dir, "ck")).epoch) });
    const { model, optimizer, history } = await run(3, scripted("score", [3, 2, 1]), [ck, probe]);
    assert.equal(ck.saved, 3);
    assert.deepEqual(seen, [1, 2, 3], "a new checkpoint after every epoch");
    const loaded = loadCheckpoint(join(dir, "ck"));
    assert.equal(loaded.epoch, 3);
    assert.deepEqual(Object.fromEntries(Object.entries(loaded.model).map(([k, t]) => [k, vals(t)])), snapshot(model));
    assert.deepEqual(loaded.history, JSON.parse(JSON.stringify(history)) as History);
    assert.deepEqual(loaded.config, { recipe: "toy", optimizerType: "SGD" }, "the user config and the optimizer class that resumeFromCheckpoint checks");
    assert.deepEqual((loaded.optimizer as { paramGroups: unknown[] }).paramGroups, (optimizer.stateDict() as { paramGroups: unknown[] }).paramGroups);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ModelCheckpoint saveBestOnly writes only on improvement, keeping the best epoch's weights", async () => {
  const dir = mkdtempSync(join(tmpdir(), "myelin-ckpt-"));
  try {
    const ck = new ModelCheckpoint(join(dir, "best"), { saveBestOnly: true, monitor: "score" });
    const { perEpoch } = await run(5, scripted("score", [3, 2, 4, 1, 5]), [ck]);
    assert.equal(ck.saved, 3);
    const loaded = loadCheckpoint(join(dir, "best"));
    assert.equal(loaded.epoch, 4);
    assert.deepEqual(Object.fromEntries(Object.entries(loaded.model).map(([k, t]) => [k, vals(t)])), perEpoch[3]);
    await assert.rejects(run(1, scripted("score", [1]), [new ModelCheckpoint(join(dir, "x"), { saveBestOnly: true })]), /ModelCheckpoint: monitored value 'val_loss' is not in the logs \(available: loss, score\)/);
    assert.equal(existsSync(join(dir, "x")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ModelCheckpoint.restoreGenerators names missing generator states", () => {
  assert.throws(() => ModelCheckpoint.restoreGenerators({ config: { generators: { a: [1, 2, 3, 4] } } }, { b: new Generator(0) }), /no state for generator 'b' \(saved: a\)/);
  assert.throws(() => ModelCheckpoint.restoreGenerators({ config: null }, { b: new Generator(0) }), /\(saved: none\)/);
});

test("CSVLogger writes a header and one row per epoch; append adds rows without a new header", async () => {
  const dir = mkdtempSync(join(tmpdir(), "myelin-csv-"));
  try {
    const path = join(dir, "h.csv");
    const { history } = await run(3, scripted("score", [0.5, 0.25, 0.125]), [new CSVLogger(path)]);
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    assert.equal(lines[0], "epoch,loss,score");
    assert.equal(lines.length, 4);
    lines.slice(1).forEach((l, e) => {
      const [ep, loss, score] = l.split(",").map(Number);
      assert.equal(ep, e + 1);
      assert.equal(loss, history.history.loss![e]);
      assert.equal(score, history.history.score![e]);
    });
    await run(2, scripted("score", [1, 2]), [new CSVLogger(path, { append: true })]);
    const after = readFileSync(path, "utf8").trimEnd().split("\n");
    assert.equal(after.length, 6);
    assert.equal(after.filter((l) => l.startsWith("epoch")).length, 1);
    assert.match(after[5]!, /^2,[\d.e-]+,2$/);
    const fresh = join(dir, "new.csv");
    await run(1, scripted("score", [3]), [new CSVLogger(fresh, { append: true })]);
    assert.match(readFileSync(fresh, "utf8"), /^epoch,loss,score\n1,[\d.e-]+,3\n$/, "appending to a new file writes the header");
    await run(1, scripted("score", [7]), [new CSVLogger(path)]);
    assert.equal(readFileSync(path, "utf8").trimEnd().split("\n").length, 2, "without append the file starts over");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("plotHistory renders an SVG with a panel per quantity and train/validation series; empty history throws", async () => {
  const h: History = { epoch: [0, 1, 2], history: { loss: [1, 0.5, 0.25], val_loss: [1.1, 0.7, 0.4], accuracy: [0.5, 0.7, 0.9], val_accuracy: [0.4, 0.6, 0.8] } };
  const svg = await plotHistory(h, "toy run");
  assert.match(svg, /^<svg[\s\S]*<\/svg>$/);
  for (const text of ["toy run", "loss", "accuracy", "train", "validation", "epoch"]) assert.ok(svg.includes(`>${text}<`), `the SVG has no text '${text}'`);
  const count = (s: string, what: string): number => s.split(`aria-roledescription="${what}"`).length - 1;
  assert.equal(count(svg, "line mark"), 4, "2 panels × 2 series");
  assert.equal(count(svg, "point"), 12, "3 epochs per series");
  // a non-finite value (a diverged epoch) is left out rather than breaking the plot
  const gap = await plotHistory({ epoch: [0, 1, 2], history: { loss: [1, Number.NaN, 0.25] } });
  assert.equal(count(gap, "point"), 2);
  await assert.rejects(plotHistory({ epoch: [], history: {} }), /plotHistory: the history is empty; train for at least one epoch first/);
});
