// Optimizer trajectories: torch.optim.* in float32 and the paper transcriptions in float64
// (tools/fixtures/optim.py), on loss = sum((x@W + b − y)²) + sum(sin W); plus state-dict round trips.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nn, ones, optim, type Tensor, type DType } from "../src/index.js";
import { assertClose } from "../src/testing/index.js";
import { decode, fixture, type FixtureTensor } from "./helpers.js";

type Ctor = new (params: never, opts?: never) => optim.Optimizer;
const CLASSES: Record<string, Ctor> = {
  SGD: optim.SGD, Adagrad: optim.Adagrad, Adadelta: optim.Adadelta, RMSprop: optim.RMSprop, Adam: optim.Adam,
  AdamW: optim.AdamW, Adamax: optim.Adamax, NAdam: optim.NAdam, RAdam: optim.RAdam, LAMB: optim.LAMB, Yogi: optim.Yogi,
  AdaBelief: optim.AdaBelief, NovoGrad: optim.NovoGrad, COCOB: optim.COCOB,
};

interface Problem { W: FixtureTensor; b: FixtureTensor; x: FixtureTensor; y: FixtureTensor }
interface Case {
  opt: string; label: string; options: Record<string, unknown>; groups?: Record<string, unknown>[] | null;
  inner?: string; innerOptions?: Record<string, unknown>; b0?: FixtureTensor | null; traj: [FixtureTensor, FixtureTensor][];
}

const torchFx = fixture<{ problem: Problem; cases: Case[] }>("optim/torch.json");
const paperFx = fixture<{ problem: Problem; cases: Case[] }>("optim/paper.json");

/** The fixture problem in `dtype`: fresh leaf parameters and the loss closure. */
function problem(pr: Problem, dtype: DType, b0?: FixtureTensor | null) {
  const W = decode(pr.W, { dtype, requiresGrad: true });
  const b = decode(b0 ?? pr.b, { dtype, requiresGrad: true });
  const x = decode(pr.x, { dtype }), y = decode(pr.y, { dtype });
  const loss = () => x.matmul(W).add(b).sub(y).square().sum().add(W.sin().sum());
  return { W, b, loss };
}

function build(c: Case, W: Tensor, b: Tensor): optim.Optimizer {
  const params = c.groups ? [{ params: [W], ...c.groups[0] }, { params: [b], ...c.groups[1] }] : [W, b];
  if (c.opt === "Lookahead") {
    const inner = new CLASSES[c.inner!]!(params as never, c.innerOptions as never);
    return new optim.Lookahead(inner, c.options);
  }
  return new CLASSES[c.opt]!(params as never, c.options as never);
}

function runSteps(opt: optim.Optimizer, loss: () => Tensor, n: number, each?: (i: number) => void): void {
  for (let i = 0; i < n; i++) {
    opt.zeroGrad();
    loss().backward();
    opt.step();
    each?.(i);
  }
}

function checkTrajectory(fx: { problem: Problem }, c: Case, dtype: DType, tol: { rtol: number; atol: number }): void {
  const { W, b, loss } = problem(fx.problem, dtype, c.b0);
  const opt = build(c, W, b);
  runSteps(opt, loss, c.traj.length, (i) => {
    assertClose(W, decode(c.traj[i]![0], { dtype }), tol, `${c.opt} (${c.label}) W after step ${i + 1}`);
    assertClose(b, decode(c.traj[i]![1], { dtype }), tol, `${c.opt} (${c.label}) b after step ${i + 1}`);
  });
}

describe("optim: trajectories match torch.optim (float32, 8 steps)", () => {
  for (const c of torchFx.cases)
    it(`${c.opt} ${c.label}`, () => checkTrajectory(torchFx, c, "float32", { rtol: 1e-5, atol: 1e-6 }));
});

describe("optim: trajectories match the papers' algorithms (float64 transcriptions)", () => {
  for (const c of paperFx.cases)
    it(`${c.opt} ${c.label}`, () => checkTrajectory(paperFx, c, "float64", { rtol: 1e-10, atol: 1e-12 }));
});

describe("optim: stateDict round trip (3 steps, save, load into a fresh optimizer, continue)", () => {
  const all = [...torchFx.cases.map((c) => [c, "float32"] as const), ...paperFx.cases.map((c) => [c, "float64"] as const)];
  const seen = new Set<string>();
  for (const [c, dtype] of all) {
    const key = c.opt + (c.inner ?? "");
    if (seen.has(key) && !c.groups) continue; // one case per optimizer, plus the two-group cases
    seen.add(key);
    it(`${c.opt}${c.inner ? `(${c.inner})` : ""} ${c.label}`, () => {
      const full = problem(c.b0 ? paperFx.problem : dtype === "float32" ? torchFx.problem : paperFx.problem, dtype, c.b0);
      const uninterrupted = build(c, full.W, full.b);
      runSteps(uninterrupted, full.loss, 6);

      const first = problem(dtype === "float32" ? torchFx.problem : paperFx.problem, dtype, c.b0);
      const before = build(c, first.W, first.b);
      runSteps(before, first.loss, 3);
      const sd = before.stateDict();
      assert.equal(sd.paramGroups.length, c.groups ? 2 : 1);
      assert.deepEqual(sd.paramGroups.flatMap((g) => g.params), [0, 1]);

      // A fresh optimizer (default options) over fresh tensors holding the 3-step values.
      const second = problem(dtype === "float32" ? torchFx.problem : paperFx.problem, dtype, c.b0);
      second.W.requiresGrad = false; second.W.assign(first.W); second.W.requiresGrad = true;
      second.b.requiresGrad = false; second.b.assign(first.b); second.b.requiresGrad = true;
      const after = build({ ...c, options: c.opt === "SGD" ? { lr: 123 } : {}, innerOptions: c.inner === "SGD" ? { lr: 123 } : {}, groups: c.groups ? [{}, {}] : null }, second.W, second.b);
      after.loadStateDict(sd);
      runSteps(after, second.loss, 3);
      assertClose(second.W, full.W, { rtol: 0, atol: 0 }, "W after 3 + 3 steps");
      assertClose(second.b, full.b, { rtol: 0, atol: 0 }, "b after 3 + 3 steps");
    });
  }
});

describe("optim: Optimizer base behaviour", () => {
  const { W, b, loss } = problem(torchFx.problem, "float32");

  it("stateDict mirrors torch's layout: state by index with torch's keys, groups with every option", () => {
    const opt = new optim.Adam([{ params: [W] }, { params: [b], lr: 0.5 }], { amsgrad: true });
    runSteps(opt, loss, 1);
    const sd = opt.stateDict();
    assert.deepEqual(Object.keys(sd.state[0]!).sort(), ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"]);
    assert.equal(sd.state[1]!.step, 1);
    assert.deepEqual(sd.paramGroups[1], { lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, decoupledWeightDecay: false, maximize: false, params: [1] });
  });

  it("skips parameters without a gradient and creates no state for them (Adagrad's is eager, as in torch)", () => {
    const c = decode(torchFx.problem.b, { requiresGrad: true });
    const before = c.toArray();
    const opt = new optim.SGD([W, c], { lr: 0.1, momentum: 0.9 });
    runSteps(opt, loss, 2);
    assert.deepEqual(c.toArray(), before);
    assert.equal(opt.state.has(c), false);
    assert.equal(new optim.Adagrad([W, c]).state.has(c), true);
  });

  it("zeroGrad sets grads to null by default, or to zeros", () => {
    const opt = new optim.SGD([W, b], { lr: 0.1 });
    loss().backward();
    opt.zeroGrad({ setToNone: false });
    assert.deepEqual([...W.grad!.dataSync()], new Array(12).fill(0));
    opt.zeroGrad();
    assert.equal(W.grad, null);
  });

  it("zeroGrad(false) and Module.zeroGrad(false) take torch's positional setToNone (was silently ignored)", () => {
    const opt = new optim.SGD([W, b], { lr: 0.1 });
    loss().backward();
    opt.zeroGrad(false);
    assert.deepEqual([...W.grad!.dataSync()], new Array(12).fill(0));
    assert.throws(() => opt.zeroGrad({ set_to_none: false } as never), /setToNone/);
    const m = new nn.Linear(3, 2);
    m.forward(ones([1, 3])).sum().backward();
    m.zeroGrad(false);
    assert.deepEqual([...m.weight.grad!.dataSync(), ...m.bias!.grad!.dataSync()], new Array(8).fill(0));
    m.zeroGrad({ setToNone: true });
    assert.equal(m.weight.grad, null);
  });

  it("step(closure) evaluates the closure with grad on and returns its loss", () => {
    const { W: W2, b: b2, loss: l2 } = problem(torchFx.problem, "float32");
    const opt = new optim.SGD([W2, b2], { lr: 0.01 });
    const ref = torchFx.cases.find((c) => c.opt === "SGD" && c.label === "lr")!;
    const out = opt.step(() => { opt.zeroGrad(); const l = l2(); l.backward(); return l; });
    assert.ok(out && out.numel === 1);
    assertClose(W2, decode(ref.traj[0]![0]), { rtol: 1e-5, atol: 1e-6 });
  });

  it("addParamGroup fills the defaults and rejects a parameter already in a group", () => {
    const opt = new optim.SGD([W], { lr: 0.1, momentum: 0.9 });
    opt.addParamGroup({ params: [b], lr: 0.01 });
    assert.equal(opt.paramGroups[1]!.momentum, 0.9);
    assert.equal(opt.paramGroups[1]!.lr, 0.01);
    assert.throws(() => opt.addParamGroup({ params: [W] }), /SGD: some parameters appear in more than one parameter group/);
  });
});

describe("optim: clear errors", () => {
  const { W, b } = problem(torchFx.problem, "float32");
  it("rejects bad options with the option's name and value", () => {
    assert.throws(() => new optim.Adam([W], { lr: -1 }), /^RangeError: Adam: invalid lr -1; expected lr >= 0$/);
    assert.throws(() => new optim.Adam([W], { betas: [0.9, 1] }), /Adam: invalid betas\[1\] 1; expected 0 <= betas\[1\] < 1/);
    assert.throws(() => new optim.AdamW([W], { betas: [-0.1, 0.9] }), /AdamW: invalid betas\[0\] -0.1/);
    assert.throws(() => new optim.SGD([W], { lr: 0.1, nesterov: true }), /SGD: Nesterov momentum requires a momentum and zero dampening/);
    assert.throws(() => new optim.SGD([W], {}), /SGD: lr is required/);
    assert.throws(() => new optim.Adadelta([W], { rho: 1.5 }), /Adadelta: invalid rho 1.5; expected 0 <= rho <= 1/);
    assert.throws(() => new optim.RMSprop([W], { weightDecay: -0.1 }), /RMSprop: invalid weightDecay -0.1/);
    assert.throws(() => new optim.Adam([W], { weight_decay: 0.1 } as never), /optim.Adam: unknown option 'weight_decay' \(did you mean 'weightDecay'\?\); options are lr, betas/);
    assert.throws(() => new optim.Adam([{ params: [W], lr: -0.5 }]), /Adam: invalid lr -0.5/);
    assert.throws(() => new optim.COCOB([W], { alpha: 0 }), /COCOB: invalid alpha 0; expected alpha > 0/);
    assert.throws(() => new optim.Lookahead(new optim.SGD([W], { lr: 0.1 }), { k: 0 }), /Lookahead: invalid k 0/);
    assert.throws(() => new optim.SGD([], { lr: 0.1 }), /SGD: got an empty parameter list/);
    assert.throws(() => new optim.SGD([W.mul(2)], { lr: 0.1 }), /SGD: cannot optimize a non-leaf tensor/);
  });

  it("loadStateDict names what does not match", () => {
    const opt = new optim.Adam([W, b]);
    opt.zeroGrad();
    const sd = new optim.Adam([{ params: [W] }, { params: [b] }]).stateDict();
    assert.throws(() => opt.loadStateDict(sd), /Adam.loadStateDict: the state dict has 2 parameter groups, this optimizer has 1/);
    assert.throws(() => opt.loadStateDict(new optim.Adam([W]).stateDict()), /Adam.loadStateDict: parameter group 0 has 1 parameters in the state dict and 2 here/);
    const swapped = new optim.Adam([b, W]);
    swapped.zeroGrad();
    const { loss: l3, W: W3, b: b3 } = problem(torchFx.problem, "float32");
    const o3 = new optim.Adam([b3, W3]);
    runSteps(o3, l3, 1);
    assert.throws(() => opt.loadStateDict(o3.stateDict()), /Adam.loadStateDict: state 'exp_avg' of parameter 0 has shape \[4\], the parameter has shape \[3, ?4\]/);
  });
});
