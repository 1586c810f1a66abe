// The losses of src/nn/functional/loss-more.ts against torch 1.13 (tools/fixtures/loss_more.py):
// outputs and argument gradients for every reduction and option on both backends, the module
// forms, float64 gradchecks, and the error messages.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { F, listBackends, nn, randn, rand, tensor, zeros, type Tensor } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { decode, fixture, on, type FixtureTensor } from "./helpers.js";

type Fn = "softMarginLoss" | "multilabelSoftMarginLoss" | "multilabelMarginLoss" | "tripletMarginLoss" | "tripletMarginWithDistanceLoss" | "gaussianNllLoss" | "poissonNllLoss";
interface Case {
  name: string; fn: Fn; opts: Record<string, unknown>; tensors: Record<string, FixtureTensor>; args: FixtureTensor[];
  gradOutput: FixtureTensor | null; out: FixtureTensor; grads: (FixtureTensor | null)[];
}
const fx = fixture<{ cases: Case[] }>("loss/more.json");

const DISTANCES: Record<string, (a: Tensor, b: Tensor) => Tensor> = {
  cosine: (a, b) => F.cosineSimilarity(a, b, -1).neg().add(1),
  l1: (a, b) => F.pairwiseDistance(a, b, 1),
};

/** The case's options in myelin's form: tensors decoded, the named distance as a function. */
function options(c: Case, dtype?: "float64"): Record<string, unknown> {
  const o: Record<string, unknown> = { ...c.opts };
  for (const [k, v] of Object.entries(c.tensors)) o[k] = decode(v, { dtype });
  if ("distance" in o) {
    o.distanceFunction = o.distance === null ? null : DISTANCES[o.distance as string];
    delete o.distance;
  }
  return o;
}

const MODULES: Record<Fn, new (opts: never) => nn.Module<Tensor[], Tensor>> = {
  softMarginLoss: nn.SoftMarginLoss, multilabelSoftMarginLoss: nn.MultiLabelSoftMarginLoss, multilabelMarginLoss: nn.MultiLabelMarginLoss,
  tripletMarginLoss: nn.TripletMarginLoss, tripletMarginWithDistanceLoss: nn.TripletMarginWithDistanceLoss,
  gaussianNllLoss: nn.GaussianNLLLoss, poissonNllLoss: nn.PoissonNLLLoss,
};

const FWD = { rtol: 1e-5, atol: 1e-6 };
const GRAD = { rtol: 1e-4, atol: 1e-5 };

describe("losses (loss-more) match torch 1.13: outputs and gradients", () => {
  it("the fixture covers every loss and reduction", () => {
    assert.equal(new Set(fx.cases.map((c) => c.fn)).size, 7);
    assert.ok(fx.cases.length >= 90, `${fx.cases.length} cases`);
  });
  for (const device of listBackends())
    for (const form of ["F", "module"] as const)
      it(`${device}, ${form}`, () => on(device, () => {
        for (const c of fx.cases) {
          const args = c.args.map((a, i) => decode(a, { requiresGrad: c.grads[i] !== null }));
          const out = form === "F"
            ? (F[c.fn] as (...a: unknown[]) => Tensor)(...args, options(c))
            : new MODULES[c.fn](options(c) as never).forward(...args);
          assert.deepEqual(out.shape, c.out.shape, `${c.name}: shape`);
          assertClose(out, decode(c.out), FWD, `${c.name}: output`);
          out.backward(c.gradOutput ? decode(c.gradOutput) : undefined);
          c.grads.forEach((g, i) => { if (g) assertClose(args[i]!.grad!, decode(g), GRAD, `${c.name}: gradient of argument ${i}`); });
        }
      }));
});

describe("losses (loss-more): float64 gradchecks", () => {
  const r64 = (...s: number[]): Tensor => randn(s, { dtype: "float64", requiresGrad: true });
  const leaf = (t: Tensor): Tensor => { t.requiresGrad = true; return t; };
  it("softMargin, multilabelSoftMargin, multilabelMargin", () => on("cpu", () => {
    const signs = tensor([1, -1, -1, 1, 1, -1], { shape: [2, 3], dtype: "float64" });
    assert.ok(gradcheck((x) => F.softMarginLoss(x, signs), [r64(2, 3)]));
    const w = rand([3], { dtype: "float64" }).add(0.5);
    assert.ok(gradcheck((x, y) => F.multilabelSoftMarginLoss(x, y, w), [r64(2, 3), rand([2, 3], { dtype: "float64", requiresGrad: true })]));
    const t = tensor([[2, 0, -1, 1], [3, -1, 0, 0]], { dtype: "int32" });
    assert.ok(gradcheck((x) => F.multilabelMarginLoss(x, t, { reduction: "none" }), [leaf(randn([2, 4], { dtype: "float64" }).mul(3))]));
  }));
  it("triplet losses", () => on("cpu", () => {
    assert.ok(gradcheck((a, p, n) => F.tripletMarginLoss(a, p, n, 3, 2, 1e-6, true, { reduction: "sum" }), [r64(3, 4), r64(3, 4), r64(3, 4)]));
    assert.ok(gradcheck((a, p, n) => F.tripletMarginLoss(a, p, n, 3, 1.5), [r64(3, 4), r64(3, 4), r64(3, 4)]));
    assert.ok(gradcheck((a, p, n) => F.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: DISTANCES.cosine!, margin: 1.5 }), [r64(3, 4), r64(3, 4), r64(3, 4)]));
  }));
  it("gaussianNll, poissonNll", () => on("cpu", () => {
    const v = leaf(rand([3, 2], { dtype: "float64" }).add(0.2));
    assert.ok(gradcheck((x, y, s) => F.gaussianNllLoss(x, y, s, true), [r64(3, 2), r64(3, 2), v]));
    assert.ok(gradcheck((x, y, s) => F.gaussianNllLoss(x, y, s, { reduction: "none" }), [r64(3, 2), r64(3, 1), leaf(rand([3], { dtype: "float64" }).add(0.2))]));
    const counts = tensor([[0, 1, 2], [3, 0.5, 7]], { dtype: "float64" });
    assert.ok(gradcheck((x) => F.poissonNllLoss(x, counts, true, true), [r64(2, 3)]));
    assert.ok(gradcheck((x, y) => F.poissonNllLoss(x, y, false, true, { eps: 0.01 }), [leaf(rand([2, 3], { dtype: "float64" }).add(0.5)), leaf(counts.add(2))]));
  }));
});

describe("losses (loss-more): torch's positionals and errors", () => {
  it("positionals in torch's order, torch's defaults", () => {
    const m = new nn.TripletMarginLoss(2, 1, 1e-3, true, { reduction: "sum" });
    assert.deepEqual([m.margin, m.p, m.eps, m.swap, m.reduction], [2, 1, 1e-3, true, "sum"]);
    const d = new nn.TripletMarginLoss();
    assert.deepEqual([d.margin, d.p, d.eps, d.swap, d.reduction], [1, 2, 1e-6, false, "mean"]);
    const p = new nn.PoissonNLLLoss(false, true);
    assert.deepEqual([p.logInput, p.full, p.eps], [false, true, 1e-8]);
    const g = new nn.GaussianNLLLoss();
    assert.deepEqual([g.full, g.eps, g.reduction], [false, 1e-6, "mean"]);
    assert.equal(new nn.MultiLabelSoftMarginLoss(tensor([1, 2])).weight!.shape[0], 2);
    assert.deepEqual(Object.keys(new nn.MultiLabelSoftMarginLoss(tensor([1, 2])).stateDict()), ["weight"]);
    const x = randn(3, 2), y = randn(3, 2), v = rand(3, 2);
    assertClose(F.gaussianNllLoss(x, y, v, true, 1e-6, "sum"), F.gaussianNllLoss(x, y, v, { full: true, reduction: "sum" }), FWD);
  });
  it("errors name the loss, the shapes and what was expected", () => {
    assert.throws(() => F.softMarginLoss(zeros(2, 3), zeros(3, 2)), /softMarginLoss: input \[2, ?3\] and target \[3, ?2\] must have the same shape/);
    assert.throws(() => F.multilabelSoftMarginLoss(zeros(2, 3, 4), zeros(2, 3, 4)), /multilabelSoftMarginLoss: input must be \[C\] or \[N, C\], got \[2, ?3, ?4\]/);
    assert.throws(() => F.multilabelSoftMarginLoss(zeros(2, 3), zeros(2, 3), "sum" as never), /weight must be a Tensor or null/);
    assert.throws(() => F.multilabelMarginLoss(zeros(2, 3), zeros(2, 3)), /multilabelMarginLoss: target must be an int32 tensor/);
    assert.throws(() => F.multilabelMarginLoss(zeros(2, 3), tensor([[0, 3, -1], [0, -1, 0]], { dtype: "int32" })), /multilabelMarginLoss: target class 3 is out of range for 3 classes/);
    assert.throws(() => F.tripletMarginLoss(zeros(2, 3), zeros(2, 3), zeros(2, 4)), /tripletMarginLoss: anchor \[2, ?3\], positive \[2, ?3\] and negative \[2, ?4\] must have the same shape/);
    assert.throws(() => F.tripletMarginWithDistanceLoss(zeros(2, 3), zeros(2, 3), zeros(2, 3), { distanceFunction: 3 as never }), /distanceFunction must be a function/);
    assert.throws(() => F.tripletMarginWithDistanceLoss(zeros(2, 3), zeros(2, 3), zeros(2, 3), { distance_function: null } as never), /unknown option 'distance_function' \(did you mean 'distanceFunction'\?\)/);
    assert.throws(() => F.gaussianNllLoss(zeros(4, 3), zeros(4, 3), rand(3)), /gaussianNllLoss: var \[3\] must have the input's shape \[4, ?3\]/);
    assert.throws(() => F.gaussianNllLoss(zeros(4, 3), zeros(4, 3), rand(4).sub(2)), /gaussianNllLoss: var must be non-negative/);
    assert.throws(() => F.gaussianNllLoss(zeros(4, 3), zeros(2, 3), rand(4)), /gaussianNllLoss: target \[2, ?3\] must broadcast to the input's shape \[4, ?3\]/);
    assert.throws(() => F.poissonNllLoss(zeros(4), zeros(4), { reduction: "avg" as never }), /poissonNllLoss: reduction must be 'mean', 'sum', 'none', got 'avg'/);
    assert.throws(() => new nn.SoftMarginLoss({ reduction: "batchmean" as never }), /nn.SoftMarginLoss: reduction must be/);
    assert.throws(() => new nn.PoissonNLLLoss({ log_input: false } as never), /nn.PoissonNLLLoss: unknown option 'log_input' \(did you mean 'logInput'\?\)/);
  });
});
