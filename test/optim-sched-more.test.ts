// LR schedulers against torch 1.13 (tools/fixtures/sched_more.py): step(epoch) jumping to an epoch
// (closed forms), and MultiplicativeLR, ConstantLR, PolynomialLR, SequentialLR, ChainedScheduler,
// CosineAnnealingWarmRestarts (fractional epochs), CyclicLR.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { optim, zeros, nn, tensor } from "../src/index.js";
import { assertClose } from "../src/testing/index.js";
import { LRSchedulerCallback, fit } from "../src/train/index.js";
import { fixture } from "./helpers.js";

interface Spec { sched: string; kw: Record<string, unknown> }
interface EpochCase extends Spec { calls: (number | null)[]; rows: number[][]; lastLr: number[] }
interface MoreCase extends Spec { rows: { lr: number[]; lastLr: number[]; momentum: number[] }[] }
const fx = fixture<{ epoch: EpochCase[]; more: MoreCase[] }>("optim/sched-more.json");

// The generator's lambdas, written out in TS (functions cannot travel in JSON).
const LAMBDAS: Record<string, (e: number) => number> = {
  "1 / (x + 1)": (x) => 1 / (x + 1),
  "0.95 ** e": (e) => 0.95 ** e,
  "0.9 ** (e // 3)": (e) => 0.9 ** Math.floor(e / 3),
  "1 / (e + 1)": (e) => 1 / (e + 1),
  "0.9 if e % 2 else 1.1": (e) => (e % 2 ? 0.9 : 1.1),
};

function makeOpt(): optim.Optimizer {
  const p1 = zeros([2], { requiresGrad: true }), p2 = zeros([2], { requiresGrad: true });
  return new optim.SGD([{ params: [p1] }, { params: [p2], lr: 0.05 }], { lr: 0.1, momentum: 0.9 });
}

type AnySched = { step(epoch?: number): void; getLastLr(): number[] };

/** torch's snake_case options to myelin's names. */
function camel(kw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const renamed: Record<string, string> = { T_max: "tMax", T_0: "t0", T_mult: "tMult" };
  for (const [k, v] of Object.entries(kw)) out[renamed[k] ?? k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())] = v;
  return out;
}

function build(opt: optim.Optimizer, spec: Spec): AnySched {
  const S = optim.lrScheduler;
  const o = camel(spec.kw);
  if (typeof o.lrLambda === "string") o.lrLambda = LAMBDAS[o.lrLambda]!;
  if (typeof o.scaleFn === "string") o.scaleFn = LAMBDAS[o.scaleFn]!;
  switch (spec.sched) {
    case "StepLR": return new S.StepLR(opt, o);
    case "MultiStepLR": return new S.MultiStepLR(opt, o);
    case "ExponentialLR": return new S.ExponentialLR(opt, o);
    case "CosineAnnealingLR": return new S.CosineAnnealingLR(opt, o);
    case "LinearLR": return new S.LinearLR(opt, o);
    case "LambdaLR": return new S.LambdaLR(opt, o);
    case "OneCycleLR": return new S.OneCycleLR(opt, o);
    case "MultiplicativeLR": return new S.MultiplicativeLR(opt, o);
    case "ConstantLR": return new S.ConstantLR(opt, o);
    case "PolynomialLR": return new S.PolynomialLR(opt, o);
    case "CosineAnnealingWarmRestarts": return new S.CosineAnnealingWarmRestarts(opt, o);
    case "CyclicLR": return new S.CyclicLR(opt, o);
    case "SequentialLR": {
      const subs = (o.schedulers as Spec[]).map((s) => build(opt, s) as optim.lrScheduler.LRScheduler);
      return new S.SequentialLR(opt, subs, o.milestones as number[]);
    }
    case "ChainedScheduler": return new S.ChainedScheduler((o.schedulers as Spec[]).map((s) => build(opt, s) as optim.lrScheduler.LRScheduler));
    default: throw new Error(`no scheduler ${spec.sched}`);
  }
}

const lrs = (opt: optim.Optimizer) => opt.paramGroups.map((g) => g.lr!);
const close = (got: number[], want: number[], what: string) => assertClose(got, want, { rtol: 1e-12, atol: 1e-15 }, what);

describe("optim.lrScheduler: step(epoch) jumps to that epoch as torch does", () => {
  for (const c of fx.epoch) {
    it(`${c.sched} ${JSON.stringify(c.kw)}: calls ${JSON.stringify(c.calls)}`, () => {
      const opt = makeOpt();
      const s = build(opt, c);
      close(lrs(opt), c.rows[0]!, "lr after construction");
      c.calls.forEach((e, i) => {
        if (e === null) s.step();
        else s.step(e);
        close(lrs(opt), c.rows[i + 1]!, `lr after call ${i + 1} (step(${e ?? ""}))`);
      });
      close(s.getLastLr(), c.lastLr, "getLastLr()");
    });
  }

  it("rejects an epoch that is not a finite number", () => {
    const s = new optim.lrScheduler.StepLR(makeOpt(), 3);
    assert.throws(() => s.step(Number.NaN), /StepLR.step: epoch must be a finite number, got NaN/);
  });

  it("LRSchedulerCallback with a monitor steps an epoch scheduler plainly (the metric is no epoch)", async () => {
    const model = new nn.Linear(1, 1);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const sched = new optim.lrScheduler.StepLR(opt, { stepSize: 1, gamma: 0.5 });
    const batch = [[tensor([[1]]), tensor([[2]])]] as [ReturnType<typeof tensor>, ReturnType<typeof tensor>][];
    await fit(model, { train: batch, loss: new nn.MSELoss(), optimizer: opt, epochs: 3, callbacks: [new LRSchedulerCallback(sched, { monitor: "loss" })] });
    close(lrs(opt), [0.1 * 0.5 ** 3], "lr after 3 epochs of StepLR(1, 0.5)");
  });
});

describe("optim.lrScheduler: MultiplicativeLR, ConstantLR, PolynomialLR, SequentialLR, ChainedScheduler, CosineAnnealingWarmRestarts, CyclicLR match torch (30 steps, two groups)", () => {
  for (const c of fx.more) {
    it(`${c.sched} ${JSON.stringify(c.kw)}`, () => {
      const opt = makeOpt();
      const s = build(opt, c);
      c.rows.forEach((row, i) => {
        if (i > 0) s.step();
        close(lrs(opt), row.lr, `lr after step ${i}`);
        close(s.getLastLr(), row.lastLr, `getLastLr() after step ${i}`);
        close(opt.paramGroups.map((g) => g.momentum as number), row.momentum, `momentum after step ${i}`);
      });
    });
  }

  it("SequentialLR and ChainedScheduler resume from their stateDict", () => {
    const c = fx.more.find((k) => k.sched === "SequentialLR")!;
    const optA = makeOpt();
    const a = build(optA, c) as optim.lrScheduler.SequentialLR;
    for (let i = 0; i < 8; i++) a.step();
    const optB = makeOpt();
    const b = build(optB, c) as optim.lrScheduler.SequentialLR;
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())) as Record<string, unknown>);
    optB.loadStateDict(optA.stateDict());
    for (let i = 8; i < 30; i++) b.step();
    close(lrs(optB), c.rows[30]!.lr, "SequentialLR lr after resuming at step 8");

    const d = fx.more.find((k) => k.sched === "ChainedScheduler")!;
    const optC = makeOpt();
    const e = build(optC, d) as optim.lrScheduler.ChainedScheduler;
    for (let i = 0; i < 5; i++) e.step();
    const optD = makeOpt();
    const f = build(optD, d) as optim.lrScheduler.ChainedScheduler;
    f.loadStateDict(e.stateDict());
    optD.loadStateDict(optC.stateDict());
    for (let i = 5; i < 30; i++) f.step();
    close(lrs(optD), d.rows[30]!.lr, "ChainedScheduler lr after resuming at step 5");
  });

  it("rejects bad options and mismatched schedulers", () => {
    const S = optim.lrScheduler;
    const opt = makeOpt();
    assert.throws(() => new S.ConstantLR(opt, { factor: 0 }), /ConstantLR: invalid factor 0; expected 0 < factor <= 1/);
    assert.throws(() => new S.PolynomialLR(opt, { totalIters: 0 }), /PolynomialLR: invalid totalIters 0/);
    assert.throws(() => new S.MultiplicativeLR(opt, { lrLambda: [() => 1] }), /MultiplicativeLR: expected 2 lrLambdas/);
    assert.throws(() => new S.ConstantLR(opt, { total_iters: 3 } as never), /total_iters/);
    const a = new S.StepLR(opt, 2), other = new S.StepLR(makeOpt(), 2);
    assert.throws(() => new S.SequentialLR(opt, [a, other], [3]), /SequentialLR: expects all schedulers to belong to the same optimizer, but scheduler 1/);
    assert.throws(() => new S.SequentialLR(opt, [a], [3]), /SequentialLR: expects one milestone fewer than schedulers, got 1 schedulers and 1 milestones/);
    assert.throws(() => new S.ChainedScheduler([a, other]), /ChainedScheduler: expects all schedulers to belong to the same optimizer/);
    assert.throws(() => new S.ChainedScheduler([new S.ReduceLROnPlateau(opt)] as never), /ChainedScheduler: scheduler 0 is not an epoch scheduler/);
    assert.throws(() => new S.CosineAnnealingWarmRestarts(opt, { t0: 2.5 }), /expected a positive integer t0, got 2.5/);
    assert.throws(() => new S.CosineAnnealingWarmRestarts(opt, 3).step(-1), /expected a non-negative epoch, got -1/);
    assert.throws(() => new S.CyclicLR(opt, 0.01, 0.1, { mode: "sine" as never }), /CyclicLR: mode 'sine' is invalid/);
    assert.throws(() => new S.CyclicLR(opt, [0.01], 0.1), /CyclicLR: expected 2 values for baseLr, got 1/);
    const adam = new optim.Adam([zeros([1], { requiresGrad: true })]);
    assert.throws(() => new S.CyclicLR(adam, 0.01, 0.1), /CyclicLR: the optimizer must have a momentum option/);
    new S.CyclicLR(adam, 0.01, 0.1, { cycleMomentum: false });
  });
});
