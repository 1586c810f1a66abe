// Losses: parity with torch (outputs and input/target gradients, tools/fixtures/loss.py), float64
// gradchecks, the module forms and their state dicts, deck 002's hinge loss, and error messages.

import { test } from "node:test";
import assert from "node:assert/strict";
import { grad, tensor, type Tensor } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import * as F from "../src/nn/functional/loss.js";
import * as L from "../src/nn/loss.js";
import type { Module } from "../src/nn/module.js";
import { decode, fixture, type FixtureTensor } from "./helpers.js";

interface Case {
  name: string;
  fn: keyof typeof FNS;
  opts: Record<string, string | number | boolean>;
  tensors: Record<string, FixtureTensor>;
  input: FixtureTensor;
  target: FixtureTensor;
  gradOutput: FixtureTensor | null;
  out: FixtureTensor;
  gradInput: FixtureTensor;
  gradTarget: FixtureTensor | null;
}

type LossFn = (input: Tensor, target: Tensor, opts: never) => Tensor;
const FNS = {
  mseLoss: F.mseLoss, l1Loss: F.l1Loss, huberLoss: F.huberLoss, smoothL1Loss: F.smoothL1Loss,
  binaryCrossEntropy: F.binaryCrossEntropy, binaryCrossEntropyWithLogits: F.binaryCrossEntropyWithLogits,
  crossEntropy: F.crossEntropy, nllLoss: F.nllLoss, hingeEmbeddingLoss: F.hingeEmbeddingLoss,
  multiMarginLoss: F.multiMarginLoss, hingeLoss: F.hingeLoss, klDiv: F.klDiv,
} satisfies Record<string, LossFn>;
const MODULES: Record<keyof typeof FNS, new (opts: never) => Module<[Tensor, Tensor], Tensor>> = {
  mseLoss: L.MSELoss, l1Loss: L.L1Loss, huberLoss: L.HuberLoss, smoothL1Loss: L.SmoothL1Loss,
  binaryCrossEntropy: L.BCELoss, binaryCrossEntropyWithLogits: L.BCEWithLogitsLoss,
  crossEntropy: L.CrossEntropyLoss, nllLoss: L.NLLLoss, hingeEmbeddingLoss: L.HingeEmbeddingLoss,
  multiMarginLoss: L.MultiMarginLoss, hingeLoss: L.HingeLoss, klDiv: L.KLDivLoss,
};

interface PairwiseCase {
  name: string;
  fn: "marginRankingLoss" | "cosineEmbeddingLoss";
  opts: { reduction: F.Reduction; margin?: number };
  input1: FixtureTensor;
  input2: FixtureTensor;
  target: FixtureTensor;
  gradOutput: FixtureTensor | null;
  out: FixtureTensor;
  gradInput1: FixtureTensor;
  gradInput2: FixtureTensor;
}

const doc = fixture<{ cases: Case[]; pairwise: PairwiseCase[]; stateKeys: Record<string, string[]> }>("loss/losses.json");
const call = (fn: keyof typeof FNS, x: Tensor, t: Tensor, opts: object): Tensor => (FNS[fn] as LossFn)(x, t, opts as never);

/** The case's options with weight/posWeight decoded (in `dtype` when given). */
function options(c: Case, dtype?: "float64"): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c.opts };
  for (const [k, v] of Object.entries(c.tensors)) out[k] = decode(v, { dtype });
  return out;
}

const FWD = { rtol: 1e-5, atol: 1e-6 };
const GRAD = { rtol: 1e-4, atol: 1e-4 };

test("losses match torch: outputs and gradients for every loss × reduction × option", () => {
  assert.ok(doc.cases.length >= 100);
  for (const c of doc.cases) {
    const x = decode(c.input, { requiresGrad: true });
    const t = decode(c.target, { requiresGrad: c.gradTarget !== null });
    const out = call(c.fn, x, t, options(c));
    assertClose(out, decode(c.out), FWD, `${c.name}: output`);
    out.backward(c.gradOutput ? decode(c.gradOutput) : undefined);
    assertClose(x.grad!, decode(c.gradInput), GRAD, `${c.name}: input gradient`);
    if (c.gradTarget) assertClose(t.grad!, decode(c.gradTarget), GRAD, `${c.name}: target gradient`);
  }
});

test("loss modules give the functional results (options passed through the constructor)", () => {
  for (const c of doc.cases) {
    const m = new MODULES[c.fn](options(c) as never);
    assertClose(m.forward(decode(c.input), decode(c.target)), decode(c.out), FWD, `${c.name}: module output`);
  }
});

test("losses pass float64 gradchecks w.r.t. input (and target where differentiable)", () => {
  for (const c of doc.cases) {
    const x = decode(c.input, { dtype: "float64", requiresGrad: true });
    const floatTarget = c.target.dtype !== "int32";
    const t = decode(c.target, { dtype: floatTarget ? "float64" : "int32", requiresGrad: c.gradTarget !== null });
    const opts = options(c, "float64");
    assert.ok(gradcheck((a, b) => call(c.fn, a, b, opts), [x, t]), c.name);
  }
});

test("marginRankingLoss and cosineEmbeddingLoss match torch and pass gradchecks", () => {
  assert.ok(doc.pairwise.length >= 15);
  for (const c of doc.pairwise) {
    const fn = F[c.fn];
    const Mod = c.fn === "marginRankingLoss" ? L.MarginRankingLoss : L.CosineEmbeddingLoss;
    const a = decode(c.input1, { requiresGrad: true });
    const b = decode(c.input2, { requiresGrad: true });
    const y = decode(c.target);
    const out = fn(a, b, y, c.opts);
    assertClose(out, decode(c.out), FWD, `${c.name}: output`);
    assertClose(new Mod(c.opts).forward(a, b, y), decode(c.out), FWD, `${c.name}: module output`);
    out.backward(c.gradOutput ? decode(c.gradOutput) : undefined);
    assertClose(a.grad!, decode(c.gradInput1), GRAD, `${c.name}: input1 gradient`);
    assertClose(b.grad!, decode(c.gradInput2), GRAD, `${c.name}: input2 gradient`);
    const a64 = decode(c.input1, { dtype: "float64", requiresGrad: true });
    const b64 = decode(c.input2, { dtype: "float64", requiresGrad: true });
    assert.ok(gradcheck((u, v) => fn(u, v, y, c.opts), [a64, b64]), c.name);
  }
});

test("state dicts hold weight / pos_weight buffers under torch's keys", () => {
  const w = tensor([0.3, 1.5, 0.8, 2.0]);
  const keys = (m: Module<[Tensor, Tensor], Tensor>): string[] => Object.keys(m.stateDict());
  const ours: Record<string, string[]> = {
    "CrossEntropyLoss(weight)": keys(new L.CrossEntropyLoss({ weight: w })),
    "CrossEntropyLoss()": keys(new L.CrossEntropyLoss()),
    "NLLLoss(weight)": keys(new L.NLLLoss({ weight: w })),
    "BCELoss(weight)": keys(new L.BCELoss({ weight: w })),
    "BCEWithLogitsLoss(weight, posWeight)": keys(new L.BCEWithLogitsLoss({ weight: w, posWeight: w })),
    "BCEWithLogitsLoss(posWeight)": keys(new L.BCEWithLogitsLoss({ posWeight: w })),
    "MultiMarginLoss(weight)": keys(new L.MultiMarginLoss({ weight: w })),
  };
  assert.deepEqual(ours, doc.stateKeys);
  const ce = new L.CrossEntropyLoss({ weight: w });
  assert.equal(ce.parameters().length, 0);
  assert.deepEqual(ce.stateDict().weight!.toArray(), w.toArray());
});

test("a loss module converted with double() computes in float64 with its weight buffer", () => {
  const ce = new L.CrossEntropyLoss({ weight: tensor([1, 2, 3]) }).double();
  assert.equal(ce.weight!.dtype, "float64");
  const x = tensor([[1, 2, 3], [0, 0, 1]], { dtype: "float64" });
  const y = tensor([2, 0], { dtype: "int32" });
  const out = ce.forward(x, y);
  assert.equal(out.dtype, "float64");
  // Σ w[y]·(−log softmax) / Σ w[y], written out by hand.
  const ls = (row: number[], k: number): number => Math.log(row.reduce((a, v) => a + Math.exp(v), 0)) - row[k]!;
  assert.ok(Math.abs(out.item() - (3 * ls([1, 2, 3], 2) + 1 * ls([0, 0, 1], 0)) / 4) < 1e-12);
});

test("hingeLoss is deck 002's max(0, 1 − y·ŷ) with ∂J/∂ŷ = 0 if y·ŷ ≥ 1 else −y", () => {
  // ŷ·y = 0.3, 2, −1.5, 0.5, 1 → losses 0.7, 0, 2.5, 0.5, 0 (mean 0.74).
  const yhat = tensor([0.3, -2, 1.5, 0.5, 1], { dtype: "float64", requiresGrad: true });
  const y = tensor([1, -1, -1, 1, 1], { dtype: "int32" });
  assertClose(F.hingeLoss(yhat, y, { reduction: "none" }), [0.7, 0, 2.5, 0.5, 0], { rtol: 0, atol: 1e-15 });
  const loss = F.hingeLoss(yhat, y);
  assert.ok(Math.abs(loss.item() - 0.74) < 1e-12);
  loss.backward();
  // −y/5 where y·ŷ < 1, and 0 at the boundary y·ŷ = 1 (the deck's "≥ 1" case).
  assert.deepEqual([...yhat.grad!.dataSync()].map((v) => v + 0), [-0.2, 0, 0.2, -0.2, 0]); // + 0 turns −0 into 0
  assert.equal(new L.HingeLoss({ reduction: "sum" }).forward(yhat, y).item(), 3.7);
});

test("klDiv: 'batchmean' is the KL divergence, 'mean' divides by every element", () => {
  const p = tensor([[0.5, 0.5], [0.9, 0.1]], { dtype: "float64" });
  const q = tensor([[0.25, 0.75], [0.5, 0.5]], { dtype: "float64" });
  const kl = (a: number[], b: number[]): number => a.reduce((s, ai, i) => s + ai * Math.log(ai / b[i]!), 0);
  const want = kl([0.5, 0.5], [0.25, 0.75]) + kl([0.9, 0.1], [0.5, 0.5]);
  assert.ok(Math.abs(F.klDiv(q.log(), p, { reduction: "batchmean" }).item() - want / 2) < 1e-12);
  assert.ok(Math.abs(F.klDiv(q.log(), p).item() - want / 4) < 1e-12);
  assert.ok(Math.abs(F.klDiv(q.log(), p.log(), { reduction: "sum", logTarget: true }).item() - want) < 1e-12);
});

test("bad inputs and targets give errors naming the loss, the shapes and what was expected", () => {
  const x43 = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 2, 3]]);
  const logits = tensor([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
  const i32 = (v: number[]): Tensor => tensor(v, { dtype: "int32" });
  assert.throws(() => F.mseLoss(x43, tensor([1, 2, 3, 4])), { message: "mseLoss: input [4,3] and target [4] must have the same shape" });
  assert.throws(() => F.l1Loss(x43, x43.int()), { message: "l1Loss: target must be a floating-point tensor, got int32" });
  assert.throws(() => F.mseLoss(x43.int(), x43), { message: "mseLoss: input must be a floating-point tensor, got int32" });
  assert.throws(() => F.mseLoss(x43, x43, { reduction: "avg" as never }), { message: "mseLoss: reduction must be 'mean', 'sum', 'none', got 'avg'" });
  assert.throws(() => F.klDiv(x43, x43, { reduction: "avg" as never }), { message: "klDiv: reduction must be 'mean', 'batchmean', 'sum', 'none', got 'avg'" });
  assert.throws(() => F.crossEntropy(logits, i32([12])), { message: "crossEntropy: target class 12 is out of range for 10 classes" });
  assert.throws(() => F.crossEntropy(logits, i32([-1])), { message: "crossEntropy: target class -1 is out of range for 10 classes" });
  assert.throws(() => F.crossEntropy(logits, tensor([3], { dtype: "bool" })), {
    message: "crossEntropy: target must be int32 class indices or floating-point class probabilities, got bool",
  });
  assert.throws(() => F.crossEntropy(logits, tensor([3])), /crossEntropy: probability target \[1\] must have the input's shape \[1,10\]; for class-index labels use an int32 tensor, e\.g\. tensor\(labels, \{ dtype: "int32" \}\)/);
  assert.throws(() => F.crossEntropy(logits, i32([1, 2])), { message: "crossEntropy: target [2] must have shape [1] for input [1,10] (class dim 1 removed)" });
  assert.throws(() => F.crossEntropy(logits, logits.softmax(1), { ignoreIndex: 0 }), {
    message: "crossEntropy: ignoreIndex is not supported for class-probability (floating-point) targets",
  });
  assert.throws(() => F.crossEntropy(logits, i32([1]), { weight: tensor([1, 2]) }), { message: "crossEntropy: weight must be a 1-D tensor of 10 class weights, got [2]" });
  assert.throws(() => F.crossEntropy(tensor(1), i32([1])), { message: "crossEntropy: input must have a class dimension ([C], [N, C] or [N, C, d1, ...]), got a 0-d tensor" });
  assert.throws(() => F.crossEntropy(logits, i32([1]), { labelSmoothing: 1.5 }), { message: "crossEntropy: labelSmoothing must be in [0, 1], got 1.5" });
  assert.throws(() => F.nllLoss(logits, tensor([1])), /nllLoss: target must be an int32 tensor of class indices, got float32; create it with \{ dtype: "int32" \}/);
  assert.throws(() => F.nllLoss(logits, i32([10])), { message: "nllLoss: target class 10 is out of range for 10 classes" });
  assert.throws(() => F.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([0, 1])), {
    message: "binaryCrossEntropy: input values must be probabilities in [0, 1], got 1.5; apply sigmoid first or use binaryCrossEntropyWithLogits",
  });
  assert.throws(() => F.binaryCrossEntropy(tensor([0.5, 0.2]), tensor([0, 1], { dtype: "int32" })), {
    message: "binaryCrossEntropy: target must be a floating-point tensor, got int32",
  });
  assert.throws(() => F.binaryCrossEntropyWithLogits(x43, x43, { posWeight: tensor([1, 2]) }), {
    message: "binaryCrossEntropyWithLogits: posWeight [2] must broadcast to the input's shape [4,3]",
  });
  assert.throws(() => F.hingeLoss(tensor([0.5, 0.2]), tensor([0, 1])), { message: "hingeLoss: target values must be -1 or 1, got 0" });
  assert.throws(() => F.hingeEmbeddingLoss(tensor([0.5]), tensor([true])), {
    message: "hingeEmbeddingLoss: target must hold -1 or 1 (float32 or int32), got a bool tensor",
  });
  assert.throws(() => F.multiMarginLoss(logits, i32([1]), { p: 3 as never }), { message: "multiMarginLoss: p must be 1 or 2, got 3" });
  assert.throws(() => F.multiMarginLoss(logits.reshape(1, 10, 1), i32([1])), { message: "multiMarginLoss: input must be [C] or [N, C], got [1,10,1]" });
  assert.throws(() => F.marginRankingLoss(tensor([1, 2]), tensor([1]), tensor([1, 1])), {
    message: "marginRankingLoss: input1 [2] and input2 [1] must have the same shape",
  });
  assert.throws(() => F.cosineEmbeddingLoss(x43, x43, tensor([1, 1, 1])), {
    message: "cosineEmbeddingLoss: target [3] must have shape [4] for inputs [4,3]",
  });
  assert.throws(() => F.cosineEmbeddingLoss(x43, x43, tensor([1, 1, 0, 1])), { message: "cosineEmbeddingLoss: target values must be -1 or 1, got 0" });
  assert.throws(() => F.huberLoss(x43, x43, { delta: 0 }), { message: "huberLoss: delta must be positive, got 0" });
  assert.throws(() => F.smoothL1Loss(x43, x43, { beta: -1 }), { message: "smoothL1Loss: beta must be non-negative, got -1" });
});

test("ignored targets: all-ignored mean is NaN (0/0) like torch, sum is 0", () => {
  const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const y = tensor([-100, -100], { dtype: "int32" });
  assert.ok(Number.isNaN(F.crossEntropy(x, y).item()));
  const s = F.crossEntropy(x, y, { reduction: "sum" });
  assert.equal(s.item(), 0);
  s.backward();
  assert.deepEqual(x.grad!.toArray(), [[0, 0], [0, 0]]);
});

test("binaryCrossEntropy clamps log at −100 so saturated probabilities stay finite", () => {
  const x = tensor([0, 1, 1], { requiresGrad: true });
  const out = F.binaryCrossEntropy(x, tensor([1, 0, 1]), { reduction: "none" });
  assert.deepEqual([...out.dataSync()].map((v) => v + 0), [100, 100, 0]);
  out.sum().backward();
  assert.ok(x.grad!.dataSync().every(Number.isFinite));
});

test("binaryCrossEntropy's gradient (torch's formula, also at 0 and 1) differentiates again with createGraph", () => {
  // inside (0, 1): ∂²ℓ/∂x² = y/x² + (1 − y)/(1 − x)²; at x = 0 with y = 1 the gradient is
  // (0 − 1)/1e−12 and its derivative 1/1e−12 (that of (x²/2 − y·x)/ε)
  const xs = [0.3, 0.6, 0.45, 0, 0.5];
  const ys = [1, 0, 0.3, 1, 1];
  const x = tensor(xs, { dtype: "float64", requiresGrad: true });
  const g = grad(F.binaryCrossEntropy(x, tensor(ys, { dtype: "float64" }), { reduction: "sum" }), x, { createGraph: true })[0]!;
  assertClose(g, xs.map((v, i) => (v - ys[i]!) / Math.max(v * (1 - v), 1e-12)), { rtol: 1e-12 });
  assertClose(grad(g.sum(), x)[0]!, xs.map((v, i) => (v === 0 ? 1e12 : ys[i]! / v ** 2 + (1 - ys[i]!) / (1 - v) ** 2)), { rtol: 1e-9 });
});

test("binaryCrossEntropyWithLogits is stable for large logits", () => {
  const out = F.binaryCrossEntropyWithLogits(tensor([100, -100, 0]), tensor([0, 1, 1]), { reduction: "none" });
  assertClose(out, [100, 100, Math.log(2)], FWD);
});
