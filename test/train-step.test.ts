// fit with custom training steps (trainStep): logging of custom scalars in history and progress,
// object batches, manual optimization with two optimizers and without backward, callbacks
// (EarlyStopping on a custom value), and checkpoint/resume with an OptimizerGroup.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cat, full, Generator, manualSeed, nn, noGrad, ones, optim, randn, Tensor, zeros } from "../src/index.js";
import { ModelCheckpoint, resumeFromCheckpoint } from "../src/node.js";
import { EarlyStopping, fit, OptimizerGroup, Progress, type StepContext } from "../src/train/index.js";

const vals = (t: Tensor): number[] => Array.from(t.dataSync());
const weights = (m: nn.AnyModule): Record<string, number[]> => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, vals(t)]));

/** y = 2·a − b + 1 as object batches { a, b, y } of sizes 4, 4, 2 (two inputs, one target). */
function objectBatches(): { a: Tensor; b: Tensor; y: Tensor }[] {
  const g = new Generator(1);
  const a = randn([10, 1], { generator: g });
  const b = randn([10, 1], { generator: g });
  const y = a.mul(2).sub(b).add(1);
  return [0, 4, 8].map((s) => {
    const n = s === 8 ? 2 : 4;
    return { a: a.narrow(0, s, n), b: b.narrow(0, s, n), y: y.narrow(0, s, n) };
  });
}

test("trainStep: object batches with two inputs; custom scalars are averaged per sample into history and the progress lines", async () => {
  manualSeed(0);
  const model = new nn.Linear(2, 1);
  const lines: string[] = [];
  const h = await fit(model, {
    train: objectBatches(),
    optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
    epochs: 30,
    verbose: 0,
    callbacks: [new Progress({ log: (l) => lines.push(l), bar: false })],
    trainStep: ({ a, b, y }: { a: Tensor; b: Tensor; y: Tensor }, ctx: StepContext) => {
      const out = model.forward(cat([a, b], 1));
      const loss = out.sub(y).pow(2).mean();
      return { loss, mae: out.sub(y).abs().mean(), n: a.shape[0]!, epochSeen: ctx.epoch };
    },
  });
  assert.deepEqual(Object.keys(h.history).sort(), ["epochSeen", "loss", "mae", "n"]);
  // batches of 4, 4 and 2 samples: the per-sample mean of the batch size is (16 + 16 + 4) / 10
  for (const v of h.history["n"]!) assert.ok(Math.abs(v - 3.6) < 1e-12, `n ${v}`);
  assert.deepEqual(h.history["epochSeen"], h.epoch);
  const loss = h.history["loss"]!;
  assert.ok(loss[29]! < 0.01 * loss[0]!, `loss ${loss[0]} → ${loss[29]}`);
  assert.equal(lines.length, 31);
  assert.match(lines[0]!, /^epoch 1\/30 · [\d.]+s · loss [\d.]+ · mae [\d.]+ · n 3\.6000 · epochSeen 0\.0000$/);
});

test("trainStep's ctx.step counts the batches of each epoch with no callbacks and with two that have onBatchEnd", async () => {
  for (const callbacks of [[], [{ onBatchEnd: () => {} }, { onBatchEnd: () => {} }]]) {
    const model = new nn.Linear(2, 1);
    const seen: string[] = [];
    await fit(model, {
      train: objectBatches(),
      optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
      epochs: 2,
      verbose: 0,
      callbacks,
      trainStep: ({ a, b, y }: { a: Tensor; b: Tensor; y: Tensor }, ctx: StepContext) => (seen.push(`${ctx.epoch}.${ctx.step}`), model.forward(cat([a, b], 1)).sub(y).pow(2).mean()),
    });
    assert.deepEqual(seen, ["0.0", "0.1", "0.2", "1.0", "1.1", "1.2"], `${callbacks.length} callbacks`);
  }
});

test("fit keeps the gradients of parameters its optimizer does not update (a frozen first layer inside a Sequential)", async () => {
  manualSeed(0);
  const frozen = new nn.Linear(4, 4);
  const trained = new nn.Linear(4, 2);
  const x = randn([40, 4], { generator: new Generator(1) });
  const y = x.narrow(1, 0, 2).mul(2);
  const batches = [0, 10, 20, 30].map((s) => [x.narrow(0, s, 10), y.narrow(0, s, 10)] as [Tensor, Tensor]);
  // the step scope once freed frozen.weight.grad (reachable only through Sequential's private list), and the next backward read it
  await fit(new nn.Sequential(frozen, trained), { train: batches, optimizer: new optim.Adam(trained.parameters()), loss: (o: Tensor, t: Tensor) => o.sub(t).pow(2).mean(), epochs: 3, verbose: 0 });
  assert.deepEqual(frozen.weight.grad?.shape, [4, 4]);
  assert.ok(vals(frozen.weight.grad).every(Number.isFinite));
});

/** Two parameter vectors and a buffer, each moved by its own rule. */
class Players extends nn.Module<[], void> {
  p = nn.Parameter(randn([3], { generator: new Generator(2) }));
  q = nn.Parameter(randn([3], { generator: new Generator(3) }));
  running = nn.Buffer(randn([3], { generator: new Generator(4) }));
  forward(): void {}
}

/** Both players of a tiny GAN in one module, so that checkpoints hold them together. */
class Pair extends nn.Module<[], void> {
  g = new nn.Linear(2, 2);
  d = new nn.Sequential(new nn.Linear(2, 4), new nn.Tanh(), new nn.Linear(4, 1));
  forward(): void {}
}

test("trainStep with manualOptimization: two optimizers in an OptimizerGroup, and an update without backward", async () => {
  const model = new Players();
  const { p, q, running } = model;
  const group = new OptimizerGroup({ first: new optim.SGD([p], { lr: 0.25 }), second: new optim.SGD([q], { lr: 0.25 }) });
  const h = await fit(model, {
    train: [0, 1, 2, 3].map(() => ({ target: full([1, 3], 5) })),
    optimizer: group,
    manualOptimization: true,
    epochs: 20,
    verbose: 0,
    trainStep: (batch, ctx) => {
      const t = (batch as { target: Tensor }).target.reshape([3]);
      const { first, second } = ctx.optimizers;
      // first player: p towards t
      first!.zeroGrad();
      const lp = p.sub(t).pow(2).sum();
      lp.backward();
      first!.step();
      // second player: q towards −p (reads p after its update, as a GAN's generator reads D)
      second!.zeroGrad();
      const lq = q.add(p.detach()).pow(2).sum();
      lq.backward();
      second!.step();
      // an RBM-style update: no backward, the weights move under noGrad
      noGrad(() => running.assign(running.mul(0.5).add(p.mul(0.5))));
      return { lossFirst: lp, lossSecond: lq };
    },
  });
  assert.deepEqual(Object.keys(h.history).sort(), ["lossFirst", "lossSecond"]);
  for (const v of vals(p)) assert.ok(Math.abs(v - 5) < 1e-3, `p ${v}`);
  for (const v of vals(q)) assert.ok(Math.abs(v + 5) < 1e-2, `q ${v}`);
  for (const v of vals(running)) assert.ok(Math.abs(v - 5) < 1e-2, `running ${v}`);
  assert.ok(h.history["lossSecond"]!.at(-1)! < 1e-3);
});

test("EarlyStopping monitors a value logged by trainStep and one logged by validationStep", async () => {
  const scores = [5, 4, 4.5, 4.2, 3, 2, 1];
  const model = new nn.Linear(1, 1);
  const run = (monitor: string) =>
    fit(model, {
      train: [randn([2, 1])],
      validation: [randn([2, 1])],
      optimizer: new optim.SGD(model.parameters(), { lr: 0.01 }),
      epochs: 7,
      verbose: 0,
      callbacks: [new EarlyStopping({ monitor, patience: 1 })],
      trainStep: (x, ctx) => ({ loss: model.forward(x as Tensor).pow(2).mean(), score: scores[ctx.epoch]! }),
      validationStep: (x, ctx) => ({ custom: scores[ctx.epoch]! * 10, grad: (model.forward(x as Tensor).requiresGrad ? 1 : 0) }),
    });
  const a = await run("score");
  assert.deepEqual(a.epoch, [0, 1, 2]); // best at epoch 1, no improvement in epoch 2 → stop (Keras's patience)
  const b = await run("val_custom");
  assert.deepEqual(b.epoch, [0, 1, 2]);
  assert.deepEqual(b.history["val_custom"], [50, 40, 45]);
  assert.deepEqual(b.history["val_grad"], [0, 0, 0], "validationStep runs without gradients");
});

/** A two-player setup: model holds both players; one Adam each. */
function gan() {
  const rng = manualSeed(7); // the default generator, which draws z
  const model = new Pair();
  const { g, d } = model;
  const optimizer = new OptimizerGroup({ g: new optim.Adam(g.parameters(), { lr: 0.01 }), d: new optim.Adam(d.parameters(), { lr: 0.01 }) });
  const gen = new Generator(9);
  const data = [0, 1, 2].map(() => randn([8, 2], { generator: gen }).add(3));
  const bce = new nn.BCEWithLogitsLoss();
  const trainStep = (real: unknown, ctx: StepContext) => {
    const x = real as Tensor;
    const z = randn([x.shape[0]!, 2]);
    const od = ctx.optimizers;
    od["d"]!.zeroGrad();
    const fake = g.forward(z);
    const ld = bce.forward(d.forward(x), ones([x.shape[0]!, 1])).add(bce.forward(d.forward(fake.detach()), zeros([x.shape[0]!, 1])));
    ld.backward();
    od["d"]!.step();
    od["g"]!.zeroGrad();
    const lg = bce.forward(d.forward(g.forward(z)), ones([x.shape[0]!, 1]));
    lg.backward();
    od["g"]!.step();
    return { lossD: ld, lossG: lg };
  };
  return { model, optimizer, data, trainStep, rng };
}

test("trainStep with an OptimizerGroup checkpoints and resumes: 2 epochs + resume + 2 epochs = 4 straight epochs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "myelin-step-"));
  try {
    const s = gan();
    const h4 = await fit(s.model, { train: s.data, optimizer: s.optimizer, epochs: 4, verbose: 0, trainStep: s.trainStep, manualOptimization: true });
    const a = gan();
    await fit(a.model, { train: a.data, optimizer: a.optimizer, epochs: 2, verbose: 0, trainStep: a.trainStep, manualOptimization: true, callbacks: [new ModelCheckpoint(join(dir, "ck"), { generators: { default: a.rng } })] });
    const b = gan();
    const resume = resumeFromCheckpoint(join(dir, "ck"), { model: b.model, optimizer: b.optimizer, generators: { default: b.rng } });
    assert.equal(resume.epoch, 2);
    const h = await fit(b.model, { train: b.data, optimizer: b.optimizer, epochs: 4, verbose: 0, trainStep: b.trainStep, manualOptimization: true, resume });
    assert.deepEqual(h, h4);
    assert.deepEqual(weights(b.model), weights(s.model));
    assert.deepEqual(Object.keys(h.history).sort(), ["lossD", "lossG"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("trainStep errors name the problem", async () => {
  const model = new nn.Linear(1, 1);
  const base = { train: [randn([2, 1])], optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), verbose: 0 as const };
  await assert.rejects(fit(model, { ...base, trainStep: () => ({ loss: 1 }) }), /automatic optimization needs a loss Tensor that requires grad/);
  await assert.rejects(fit(model, { ...base, loss: new nn.MSELoss(), trainStep: (x) => model.forward(x as Tensor).mean() }), /'loss' does not apply with trainStep/);
  await assert.rejects(fit(model, { ...base, validation: base.train, trainStep: (x) => model.forward(x as Tensor).mean() }), /validation needs a validationStep/);
  await assert.rejects(fit(model, { ...base, trainStep: (x) => ({ loss: model.forward(x as Tensor).mean(), wide: model.forward(x as Tensor) }) }), /'wide' has shape \[2, 1\]/);
  assert.throws(() => new OptimizerGroup({ a: new optim.SGD(model.parameters(), { lr: 0.1 }) }).loadStateDict({ b: {} } as never), /holds optimizers \[b\], this group has \[a\]/);
});
