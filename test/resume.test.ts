// resumeFromCheckpoint: one call restores model, optimizer, LR scheduler, generators and epoch so
// that 2 + 2 epochs equal 4 straight ones, and it refuses checkpoints that do not fit, naming why.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { data, Generator, manualSeed, nn, optim, Tensor } from "../src/index.js";
import type { JsonValue } from "../src/io/index.js";
import { loadCheckpoint, ModelCheckpoint, resumeFromCheckpoint, saveCheckpoint } from "../src/node.js";
import { fit, LRSchedulerCallback } from "../src/train/index.js";

const vals = (t: Tensor): number[] => Array.from(t.dataSync());
const weights = (m: nn.AnyModule): Record<string, number[]> => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, vals(t)]));
const plain = (v: unknown): unknown =>
  v instanceof Tensor ? vals(v) : Array.isArray(v) ? v.map(plain) : typeof v === "object" && v !== null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;

const train = data.moons({ n: 64, noise: 0.1, generator: new Generator(3) });
const common = { validation: new data.DataLoader(train, { batchSize: 64 }), loss: new nn.CrossEntropyLoss(), metrics: ["accuracy"] };

/** A fresh setup: dropout draws from the default generator, the loader shuffles from its own. */
function make(hidden = 8, Opt: typeof optim.Adam | typeof optim.SGD = optim.Adam) {
  const dropout = manualSeed(5);
  const model = new nn.Sequential(new nn.Linear(2, hidden), new nn.Tanh(), new nn.Dropout(0.2), new nn.Linear(hidden, 2));
  const optimizer = new Opt(model.parameters(), { lr: 0.05 });
  const scheduler = new optim.lrScheduler.StepLR(optimizer, { stepSize: 1, gamma: 0.7 });
  const shuffle = new Generator(11);
  const loader = new data.DataLoader(train, { batchSize: 10, shuffle: true, generator: shuffle });
  return { model, optimizer, scheduler, loader, generators: { shuffle, default: dropout } };
}

const dir = mkdtempSync(join(tmpdir(), "myelin-resume-api-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const ckDir = join(dir, "ck");

test("resumeFromCheckpoint: 2 epochs + resume + 2 epochs = 4 straight epochs (weights, history, Adam and StepLR state, RNG)", async () => {
  const s = make();
  const h4 = await fit(s.model, { ...common, train: s.loader, optimizer: s.optimizer, epochs: 4, callbacks: [new LRSchedulerCallback(s.scheduler)] });

  const a = make();
  const ck = new ModelCheckpoint(ckDir, { generators: a.generators, scheduler: a.scheduler });
  await fit(a.model, { ...common, train: a.loader, optimizer: a.optimizer, epochs: 2, callbacks: [new LRSchedulerCallback(a.scheduler), ck] });

  const b = make();
  const before = weights(b.model);
  const resume = resumeFromCheckpoint(ckDir, { model: b.model, optimizer: b.optimizer, scheduler: b.scheduler, generators: b.generators });
  assert.equal(resume.epoch, 2);
  assert.notDeepEqual(weights(b.model), before, "the weights are loaded by the call itself");
  assert.deepEqual(weights(b.model), weights(a.model));
  assert.deepEqual(b.scheduler.getLastLr(), a.scheduler.getLastLr());
  const h = await fit(b.model, { ...common, train: b.loader, optimizer: b.optimizer, epochs: 4, callbacks: [new LRSchedulerCallback(b.scheduler)], resume });
  assert.deepEqual(weights(b.model), weights(s.model));
  assert.deepEqual(h, h4);
  assert.deepEqual(plain(b.optimizer.stateDict()), plain(s.optimizer.stateDict()));
  assert.deepEqual(b.scheduler.getLastLr(), s.scheduler.getLastLr());
});

test("resumeFromCheckpoint refuses what does not fit, naming the difference, and changes nothing", () => {
  const cases: [string, () => Parameters<typeof resumeFromCheckpoint>[1], RegExp][] = [
    ["other layer sizes", () => make(6), /weights do not fit this model:\n {2}0\.weight is \[8, 2\] in the checkpoint and \[6, 2\] in the model\n {2}0\.bias is \[8\]/],
    [
      "another architecture",
      () => ({ ...make(), model: new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 8), new nn.Linear(8, 2)) }),
      /the model has 2\.weight, 2\.bias, which the checkpoint lacks/,
    ],
    ["another optimizer", () => make(8, optim.SGD), /the run was trained with Adam, this optimizer is SGD/],
    ["no scheduler", () => ({ ...make(), scheduler: undefined }), /the run used a StepLR LR scheduler; pass it as \{ scheduler \}/],
    [
      "another scheduler",
      () => {
        const m = make();
        return { ...m, scheduler: new optim.lrScheduler.ExponentialLR(m.optimizer, { gamma: 0.9 }) };
      },
      /the run used a StepLR LR scheduler, this one is ExponentialLR/,
    ],
    ["a generator left out", () => ({ ...make(), generators: { shuffle: new Generator(0) } }), /saved the state of generator\(s\) default; pass them as \{ generators \}/],
    ["an unknown generator", () => ({ ...make(), generators: { ...make().generators, extra: new Generator(0) } }), /no state for generator\(s\) extra \(saved: shuffle, default\)/],
  ];
  for (const [what, targets, re] of cases) {
    const t = targets();
    const before = weights(t.model);
    const lr = t.optimizer.stateDict();
    assert.throws(() => resumeFromCheckpoint(ckDir, t), (e: Error) => e.message.startsWith(`resumeFromCheckpoint: ${ckDir}: `) && re.test(e.message), what);
    assert.deepEqual(weights(t.model), before, `${what}: the model is untouched`);
    assert.deepEqual(plain(t.optimizer.stateDict()), plain(lr), `${what}: the optimizer is untouched`);
  }
  // a run saved without a scheduler refuses one that is passed
  const plainDir = join(dir, "plain");
  const m = make();
  new ModelCheckpoint(plainDir).onEpochEnd(0, {}, { model: m.model, stopTraining: false, epochSamples: 0, history: { epoch: [], history: {} }, optimizer: m.optimizer, optimizerState: () => m.optimizer.stateDict() });
  assert.throws(() => resumeFromCheckpoint(plainDir, make()), /holds no LR scheduler state, but a StepLR was passed/);
  assert.equal(resumeFromCheckpoint(plainDir, { ...make(), scheduler: undefined, generators: {} }).epoch, 1);

  // CLI runs from before ModelCheckpoint's scheduler option saved the bare scheduler state: still resumable
  const legacyDir = join(dir, "legacy");
  const old = make();
  for (let i = 0; i < 3; i++) old.scheduler.step();
  const saved = loadCheckpoint(ckDir);
  const config = { ...(saved.config as Record<string, unknown>), scheduler: old.scheduler.stateDict() } as JsonValue;
  saveCheckpoint(legacyDir, { ...saved, config });
  const fresh = make();
  resumeFromCheckpoint(legacyDir, fresh);
  assert.deepEqual(fresh.scheduler.getLastLr(), old.scheduler.getLastLr());
  // a scheduler state with a field this scheduler lacks: refused, and the optimizer is put back
  const bad = make();
  const lrBefore = plain(bad.optimizer.stateDict());
  saveCheckpoint(legacyDir, { ...saved, config: { ...(saved.config as Record<string, JsonValue>), scheduler: { type: "StepLR", state: { nonsense: 1 } } } });
  assert.throws(() => resumeFromCheckpoint(legacyDir, bad), /the LR scheduler state does not fit: StepLR\.loadStateDict: unexpected key 'nonsense'/);
  assert.deepEqual(plain(bad.optimizer.stateDict()), lrBefore);
});

test("fit's resume without the weights is an error, not training on from fresh weights", async () => {
  const m = make();
  const resume = { epoch: 2, history: { epoch: [0, 1], history: {} } } as Parameters<typeof fit>[1]["resume"];
  await assert.rejects(fit(m.model, { ...common, train: m.loader, optimizer: m.optimizer, epochs: 3, resume }), /fit: resume has no model weights; pass the whole checkpoint/);
});
