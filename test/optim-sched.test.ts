// LR schedulers against torch.optim.lr_scheduler's lr (and momentum) sequences over 30 steps, and
// gradient clipping against torch.nn.utils.clip_grad_norm_/clip_grad_value_ (tools/fixtures/optim.py).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { optim, zeros, tensor } from "../src/index.js";
import { assertClose } from "../src/testing/index.js";
import { decode, fixture, values, type FixtureTensor } from "./helpers.js";

interface Row { lr: number[]; momentum: number[]; lastLr?: number[] | null }
interface SchedCase { sched: string; options: Record<string, unknown>; opt: "SGD" | "Adam"; rows: Row[] }
const schedFx = fixture<{ metrics: number[]; cases: SchedCase[] }>("optim/sched.json");

// The generator's lambdas, written out in TS (functions cannot travel in JSON).
const LAMBDAS: Record<string, (e: number) => number> = {
  "0.95 ** e": (e) => 0.95 ** e,
  "1 / (e + 1)": (e) => 1 / (e + 1),
  "0.9 ** (e // 3)": (e) => 0.9 ** Math.floor(e / 3),
};

function makeOpt(kind: "SGD" | "Adam"): optim.Optimizer {
  const p1 = zeros([2], { requiresGrad: true }), p2 = zeros([2], { requiresGrad: true });
  const groups = [{ params: [p1] }, { params: [p2], lr: 0.05 }];
  return kind === "SGD" ? new optim.SGD(groups, { lr: 0.1, momentum: 0.9 }) : new optim.Adam(groups, { lr: 0.1 });
}

function makeSched(c: SchedCase, opt: optim.Optimizer) {
  const o = { ...c.options };
  const S = optim.lrScheduler;
  switch (c.sched) {
    case "StepLR": return new S.StepLR(opt, o);
    case "MultiStepLR": return new S.MultiStepLR(opt, o);
    case "ExponentialLR": return new S.ExponentialLR(opt, o);
    case "CosineAnnealingLR": return new S.CosineAnnealingLR(opt, { tMax: o.TMax as number, etaMin: o.etaMin as number | undefined });
    case "LinearLR": return new S.LinearLR(opt, o);
    case "OneCycleLR": return new S.OneCycleLR(opt, o);
    case "LambdaLR": {
      const l = o.lrLambda as string | string[];
      return new S.LambdaLR(opt, { lrLambda: Array.isArray(l) ? l.map((s) => LAMBDAS[s]!) : LAMBDAS[l]! });
    }
    case "ReduceLROnPlateau": return new S.ReduceLROnPlateau(opt, o);
    default: throw new Error(`no scheduler ${c.sched}`);
  }
}

const momentumOf = (opt: optim.Optimizer) => opt.paramGroups.map((g) => ("betas" in g ? (g.betas as number[])[0]! : (g.momentum as number)));

function closeList(got: number[], want: number[], what: string): void {
  assertClose(got, want, { rtol: 1e-12, atol: 1e-15 }, what);
}

describe("optim.lrScheduler: lr sequences match torch (30 steps, two groups)", () => {
  for (const c of schedFx.cases) {
    it(`${c.sched} ${JSON.stringify(c.options)}${c.opt === "Adam" ? " on Adam (betas[0] cycled)" : ""}`, () => {
      const opt = makeOpt(c.opt);
      const sched = makeSched(c, opt);
      closeList(opt.paramGroups.map((g) => g.lr!), c.rows[0]!.lr, "lr after construction");
      c.rows.slice(1).forEach((row, i) => {
        opt.step();
        if (sched instanceof optim.lrScheduler.ReduceLROnPlateau) sched.step(schedFx.metrics[i]!);
        else sched.step();
        closeList(opt.paramGroups.map((g) => g.lr!), row.lr, `lr after step ${i + 1}`);
        closeList(sched.getLastLr(), row.lastLr ?? row.lr, `getLastLr() after step ${i + 1}`);
        closeList(momentumOf(opt), row.momentum, `momentum after step ${i + 1}`);
      });
    });
  }

  it("OneCycleLR refuses to step past totalSteps", () => {
    const opt = makeOpt("SGD");
    const s = new optim.lrScheduler.OneCycleLR(opt, { maxLr: 1, totalSteps: 3 });
    s.step(); s.step(); s.step();
    assert.throws(() => s.step(), /OneCycleLR: tried to step 5 times; the specified number of total steps is 3/);
  });

  it("stateDict/loadStateDict resume a schedule where it stopped", () => {
    const c = schedFx.cases.find((k) => k.sched === "CosineAnnealingLR")!;
    const opt = makeOpt("SGD");
    const a = new optim.lrScheduler.CosineAnnealingLR(opt, { tMax: 10, etaMin: 0.001 });
    for (let i = 0; i < 12; i++) a.step();
    const sd = a.stateDict();
    assert.equal(sd.lastEpoch, 12);
    const optSd = opt.stateDict();
    const opt2 = makeOpt("SGD");
    opt2.loadStateDict(optSd);
    const b = new optim.lrScheduler.CosineAnnealingLR(opt2, { tMax: 10 });
    b.loadStateDict(sd);
    opt2.loadStateDict(optSd); // constructing b stepped once; restore the lrs it overwrote
    for (let i = 12; i < 30; i++) b.step();
    closeList(opt2.paramGroups.map((g) => g.lr!), c.rows[30]!.lr, "lr after resuming at step 12");

    const p = new optim.lrScheduler.ReduceLROnPlateau(makeOpt("SGD"), { patience: 2 });
    p.step(1); p.step(2);
    const p2 = new optim.lrScheduler.ReduceLROnPlateau(makeOpt("SGD"));
    p2.loadStateDict(p.stateDict());
    assert.equal(p2.patience, 2);
    assert.equal(p2.numBadEpochs, 1);
    assert.equal(p2.best, 1);
  });

  it("schedules a Lookahead through the inner optimizer's groups", () => {
    const inner = makeOpt("SGD");
    const la = new optim.Lookahead(inner);
    const s = new optim.lrScheduler.StepLR(la, { stepSize: 1, gamma: 0.5 });
    s.step();
    assert.deepEqual(inner.paramGroups.map((g) => g.lr), [0.05, 0.025]);
  });

  it("rejects bad scheduler options", () => {
    const S = optim.lrScheduler;
    assert.throws(() => new S.StepLR(makeOpt("SGD"), { stepSize: 0 }), /StepLR: invalid stepSize 0/);
    assert.throws(() => new S.LinearLR(makeOpt("SGD"), { startFactor: 0 }), /LinearLR: invalid startFactor 0; expected 0 < startFactor <= 1/);
    assert.throws(() => new S.LambdaLR(makeOpt("SGD"), { lrLambda: [(e) => e] }), /LambdaLR: expected 2 lrLambdas \(one per group\), got 1/);
    assert.throws(() => new S.OneCycleLR(makeOpt("SGD"), { maxLr: 1 }), /OneCycleLR: give either totalSteps or \(epochs and stepsPerEpoch\)/);
    assert.throws(() => new S.OneCycleLR(makeOpt("SGD"), { maxLr: [1, 2, 3], totalSteps: 10 }), /OneCycleLR: expected 2 values for maxLr/);
    assert.throws(() => new S.OneCycleLR(new optim.Adagrad([zeros([1], { requiresGrad: true })]), { maxLr: 1, totalSteps: 10 }), /OneCycleLR: the optimizer has neither momentum nor betas/);
    assert.throws(() => new S.ReduceLROnPlateau(makeOpt("SGD"), { factor: 1 }), /ReduceLROnPlateau: invalid factor 1; expected factor < 1/);
    assert.throws(() => new S.ReduceLROnPlateau(makeOpt("SGD"), { mode: "low" as never }), /ReduceLROnPlateau: mode must be 'min' or 'max', got 'low'/);
    assert.throws(() => new S.StepLR(new optim.COCOB([zeros([1], { requiresGrad: true })]), { stepSize: 2 }), /StepLR: parameter group 0 has no learning rate to schedule/);
    assert.throws(() => new S.ExponentialLR(makeOpt("SGD"), { gamma: 0.9, lastEpoch: 4 }), /ExponentialLR: parameter group 0 has no initialLr/);
  });
});

interface ClipFx {
  grads: FixtureTensor[];
  norm: { maxNorm: number; normType: number | "inf"; total: FixtureTensor; grads: FixtureTensor[] }[];
  value: { clipValue: number; grads: FixtureTensor[] };
}
const clipFx = fixture<ClipFx>("optim/clip.json");

function withGrads() {
  return clipFx.grads.map((g) => {
    const p = zeros([...g.shape], { requiresGrad: true });
    p.grad = decode(g);
    return p;
  });
}

describe("optim.clipGradNorm / clipGradValue match torch.nn.utils", () => {
  for (const c of clipFx.norm)
    it(`clipGradNorm(maxNorm ${c.maxNorm}, normType ${c.normType})`, () => {
      const ps = withGrads();
      const g0 = ps[0]!.grad!;
      const total = optim.clipGradNorm(ps, c.maxNorm, c.normType === "inf" ? Infinity : c.normType);
      assertClose(total, decode(c.total), { rtol: 1e-5, atol: 1e-6 }, "total norm");
      ps.forEach((p, i) => assertClose(p.grad!, decode(c.grads[i]!), { rtol: 1e-5, atol: 1e-6 }, `grad ${i}`));
      assert.equal(ps[0]!.grad, g0, "gradients are changed in place, not replaced");
    });

  it("clipGradValue", () => {
    const ps = withGrads();
    optim.clipGradValue(ps, clipFx.value.clipValue);
    ps.forEach((p, i) => assert.deepEqual([...p.grad!.dataSync()], values(clipFx.value.grads[i]!).map(Math.fround)));
  });

  it("clipGradNorm: no grads gives 0; errorIfNonfinite throws on NaN", () => {
    assert.equal(optim.clipGradNorm([zeros([2], { requiresGrad: true })], 1).item(), 0);
    const p = zeros([2], { requiresGrad: true });
    p.grad = tensor([NaN, 1]);
    assert.throws(() => optim.clipGradNorm(p, 1, 2, { errorIfNonfinite: true }), /clipGradNorm: the total norm of order 2 of the gradients is NaN/);
    // torch's positional error_if_nonfinite (was silently ignored, clipping to NaN)
    p.grad = tensor([Infinity, 1]);
    assert.throws(() => optim.clipGradNorm(p, 1, 2, true), /clipGradNorm: the total norm of order 2 of the gradients is Infinity/);
    assert.throws(() => optim.clipGradNorm(p, 1, { normType: Infinity, errorIfNonfinite: true }), /order Infinity/);
    assert.throws(() => optim.clipGradNorm(p, 1, { error_if_nonfinite: true } as never), /errorIfNonfinite/);
  });
});
