// Loss functions (torch.nn.functional's losses, camelCase): each is a composite of Tensor ops, so
// autograd needs no new rules. Targets are validated on the host (dtype, shape, class range, ±1
// labels) so that a wrong target gives an error naming the loss instead of a silent wrong number.

import { isFloating } from "../../dtype.js";
import { arange, tensor } from "../../ops/creation.js";
import { stack } from "../../ops/movement.js";
import type { Args } from "../../options.js";
import { applyFused } from "../../ops/fused/table.js";
import { fmtShape, shapesEqual } from "../../shape.js";
import type { Tensor } from "../../tensor.js";
import {
  checkBroadcastsTo, checkFloat, checkPair, checkReduction, checkSameShape, checkSigns, lossArgs, R, reduce, type RArgs, type Reduction, type ReductionOptions,
} from "./loss-checks.js";

export type { Reduction, ReductionOptions } from "./loss-checks.js";

// ---- regression ------------------------------------------------------------------------------

/**
 * Mean squared error: ℓ = (x − y)², reduced. input and target share one shape (no broadcasting,
 * unlike torch, which only warns). Matches torch.nn.functional.mse_loss.
 */
export function mseLoss(input: Tensor, target: Tensor, ...args: RArgs): Tensor {
  const { reduction } = lossArgs("mseLoss", args, [], R);
  checkPair("mseLoss", input, target, reduction);
  return reduce(input.sub(target).square(), reduction);
}

/** Mean absolute error: ℓ = |x − y|, reduced (gradient 0 where x = y). Matches torch.nn.functional.l1_loss. */
export function l1Loss(input: Tensor, target: Tensor, ...args: RArgs): Tensor {
  const { reduction } = lossArgs("l1Loss", args, [], R);
  checkPair("l1Loss", input, target, reduction);
  return reduce(input.sub(target).abs(), reduction);
}

/**
 * Huber loss: ℓ = ½d² if |d| < δ else δ(|d| − ½δ), d = x − y (δ = 1 by default; deck 002's Huber).
 * Matches torch.nn.functional.huber_loss.
 */
export function huberLoss(input: Tensor, target: Tensor, ...args: Args<[reduction: Reduction, delta: number], ReductionOptions & { delta?: number }>): Tensor {
  const { reduction, delta } = lossArgs("huberLoss", args, ["reduction", "delta"], { ...R, delta: 1 });
  checkPair("huberLoss", input, target, reduction);
  if (!(delta > 0)) throw new RangeError(`huberLoss: delta must be positive, got ${delta}`);
  const d = input.sub(target);
  const a = d.abs();
  return reduce(d.square().mul(0.5).where(a.lt(delta), a.sub(0.5 * delta).mul(delta)), reduction);
}

/**
 * Smooth L1: ℓ = ½d²/β if |d| < β else |d| − ½β (β = 0 is the L1 loss); equals huberLoss / β.
 * Matches torch.nn.functional.smooth_l1_loss.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, ...args: Args<[], ReductionOptions & { beta?: number }>): Tensor {
  const { reduction, beta } = lossArgs("smoothL1Loss", args, [], { ...R, beta: 1 });
  checkPair("smoothL1Loss", input, target, reduction);
  if (!(beta >= 0)) throw new RangeError(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  const d = input.sub(target);
  const a = d.abs();
  // |d| with torch's gradient at d = 0 (−1: its backward tests d ≤ −β first), not abs's 0
  if (beta === 0) return reduce(d.neg().where(d.le(0), d), reduction);
  return reduce(d.square().mul(0.5 / beta).where(a.lt(beta), a.sub(0.5 * beta)), reduction);
}

// ---- binary classification -------------------------------------------------------------------

export interface WeightOptions extends ReductionOptions {
  /** Rescales each element's loss; broadcast to the input's shape. */
  weight?: Tensor | null;
}

/**
 * Binary cross-entropy on probabilities: ℓ = −w·(y·log x + (1 − y)·log(1 − x)), each log clamped
 * to ≥ −100 as torch does so x ∈ {0, 1} gives a finite loss. input must lie in [0, 1]; targets are
 * floats (usually 0/1, soft labels allowed). The gradient is torch's ∂ℓ/∂x = w·(x − y)/max(x(1 − x), 1e−12),
 * also where x is 0 or 1 (±1e12 at a wrong 0/1, 0 at a right one). Matches torch.nn.functional.binary_cross_entropy.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, ...args: Args<[weight: Tensor | null], WeightOptions>): Tensor {
  const op = "binaryCrossEntropy";
  const { reduction, weight } = lossArgs(op, args, ["weight"], { ...R, weight: null as Tensor | null });
  checkPair(op, input, target, reduction);
  for (const v of input.dataSync())
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${op}: input values must be probabilities in [0, 1], got ${v}; apply sigmoid first or use binaryCrossEntropyWithLogits`);
  if (weight) checkBroadcastsTo(op, "weight", weight, input.shape);
  // log(0) = −inf would leave NaN gradients through the clamp, so 0 is replaced before the log.
  const clampedLog = (p: Tensor): Tensor => p.where(p.gt(0), 1).log().where(p.gt(0), -100).clamp(-100);
  const bce = (x: Tensor): Tensor => target.mul(clampedLog(x)).add(target.neg().add(1).mul(clampedLog(x.neg().add(1)))).neg();
  // torch's backward is (x − y)/max(x(1 − x), ε), ε = 1e−12. Where x(1 − x) < ε that is (x − y)/ε,
  // the derivative of F(x) = (x²/2 − y·x)/ε; adding F(x) − F(x̄) (exactly 0, x̄ = x detached) to the
  // loss of x̄ keeps the value and gives that gradient, to any order (createGraph). Elsewhere the
  // clamped log's own derivative is the same formula.
  const x0 = input.detach();
  const eps = 1e-12;
  const edge = x0.mul(x0.neg().add(1)).lt(eps);
  const F = (x: Tensor): Tensor => x.mul(x).mul(0.5).sub(x.mul(target)).div(eps);
  let loss = bce(input).where(edge.logicalNot(), bce(x0).add(F(input).sub(F(x0))));
  if (weight) loss = loss.mul(weight);
  return reduce(loss, reduction);
}

/**
 * Binary cross-entropy on logits, stable for any x: ℓ = −w·(p·y·log σ(x) + (1 − y)·log(1 − σ(x)))
 * = w·((1 − y)·x + (1 + (p − 1)·y)·softplus(−x)), p = posWeight (broadcast along the last dim,
 * one per class, as torch). softplus(−x) = log(e⁰ + e⁻ˣ) via logsumexp, so the gradient is exact
 * everywhere. Matches torch.nn.functional.binary_cross_entropy_with_logits.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  ...args: Args<[weight: Tensor | null], WeightOptions & { posWeight?: Tensor | null }>
): Tensor {
  const op = "binaryCrossEntropyWithLogits";
  const { reduction, weight, posWeight } = lossArgs(op, args, ["weight"], { ...R, weight: null as Tensor | null, posWeight: null as Tensor | null });
  checkPair(op, input, target, reduction);
  if (weight) checkBroadcastsTo(op, "weight", weight, input.shape);
  if (posWeight) checkBroadcastsTo(op, "posWeight", posWeight, input.shape);
  const x = input;
  const softplusNeg = stack([x.mul(0), x.neg()], -1).logsumexp(-1);
  const logWeight = posWeight ? posWeight.sub(1).mul(target).add(1) : null;
  let loss = target.neg().add(1).mul(x).add(logWeight ? softplusNeg.mul(logWeight) : softplusNeg);
  if (weight) loss = loss.mul(weight);
  return reduce(loss, reduction);
}

/**
 * Binary hinge (SVM) loss from deck 002 (seeds/002_1c3a0081a345674c.txt, slide "Cost functions:
 * Binary classification (Hinge)"):
 * J = max(0, 1 − y·ŷ), y ∈ {−1, 1}, with ∂J/∂ŷ = 0 if y·ŷ ≥ 1 and −y otherwise. input (scores ŷ)
 * and target (labels y, float32 or int32) share one shape. torch has no direct equivalent;
 * hingeEmbeddingLoss is a different loss.
 */
export function hingeLoss(input: Tensor, target: Tensor, ...args: RArgs): Tensor {
  const { reduction } = lossArgs("hingeLoss", args, [], R);
  checkSigns("hingeLoss", input, target, reduction);
  return reduce(input.mul(target).neg().add(1).relu(), reduction);
}

/**
 * Hinge embedding loss: ℓ = x where y = 1 and max(0, margin − x) where y = −1 (x is usually a
 * distance). Matches torch.nn.functional.hinge_embedding_loss (margin 1).
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, ...args: Args<[margin: number], ReductionOptions & { margin?: number }>): Tensor {
  const { reduction, margin } = lossArgs("hingeEmbeddingLoss", args, ["margin"], { ...R, margin: 1 });
  checkSigns("hingeEmbeddingLoss", input, target, reduction);
  const loss = input.neg().add(margin).clamp(0).where(target.eq(-1), input);
  return reduce(loss, reduction);
}

/** Shapes and ±1 labels of the pairwise losses: x1 and x2 alike, target one per pair. */
function checkPairwise(op: string, x1: Tensor, x2: Tensor, target: Tensor, reduction: string, targetShape: readonly number[]): void {
  checkReduction(op, reduction);
  checkFloat(op, "input1", x1);
  checkFloat(op, "input2", x2);
  if (!shapesEqual(x1.shape, x2.shape))
    throw new Error(`${op}: input1 ${fmtShape(x1.shape)} and input2 ${fmtShape(x2.shape)} must have the same shape`);
  if (!shapesEqual(target.shape, targetShape))
    throw new Error(`${op}: target ${fmtShape(target.shape)} must have shape ${fmtShape(targetShape)} for inputs ${fmtShape(x1.shape)}`);
  if (target.dtype === "bool") throw new TypeError(`${op}: target must hold -1 or 1 (float32 or int32), got a bool tensor`);
  for (const v of target.dataSync())
    if (v !== 1 && v !== -1) throw new RangeError(`${op}: target values must be -1 or 1, got ${v}`);
}

/**
 * Margin ranking loss: ℓ = max(0, −y·(x1 − x2) + margin), y = 1 when x1 should rank higher and
 * −1 when x2 should; x1, x2 and y share one shape. Matches torch.nn.functional.margin_ranking_loss.
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, ...args: Args<[margin: number], ReductionOptions & { margin?: number }>): Tensor {
  const { reduction, margin } = lossArgs("marginRankingLoss", args, ["margin"], { ...R, margin: 0 });
  checkPairwise("marginRankingLoss", input1, input2, target, reduction, input1.shape);
  return reduce(input1.sub(input2).mul(target).neg().add(margin).clamp(0), reduction);
}

/**
 * Cosine embedding loss on vectors along the last dim (x1, x2 [N, D] or [D], target [N] or []):
 * ℓ = 1 − cos(x1, x2) where y = 1 and max(0, cos − margin) where y = −1, with
 * cos = x1·x2 / √((‖x1‖² + 1e−12)(‖x2‖² + 1e−12)). Matches torch.nn.functional.cosine_embedding_loss.
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, ...args: Args<[margin: number], ReductionOptions & { margin?: number }>): Tensor {
  const op = "cosineEmbeddingLoss";
  const { reduction, margin } = lossArgs(op, args, ["margin"], { ...R, margin: 0 });
  if (input1.ndim < 1 || input1.ndim > 2) throw new Error(`${op}: inputs must be [D] or [N, D], got ${fmtShape(input1.shape)}`);
  checkPairwise(op, input1, input2, target, reduction, input1.shape.slice(0, -1));
  const eps = 1e-12;
  const cos = input1.mul(input2).sum(-1).div(input1.square().sum(-1).add(eps).mul(input2.square().sum(-1).add(eps)).sqrt());
  return reduce(cos.neg().add(1).where(target.eq(1), cos.sub(margin).clamp(0)), reduction);
}

// ---- multi-class classification --------------------------------------------------------------

export interface ClassOptions extends WeightOptions {
  /** Target value whose elements contribute nothing (not even to the mean's denominator). */
  ignoreIndex?: number;
}

/** Class dim and count of an input [C] or [N, C, d1, …]. */
function classDims(op: string, input: Tensor): { cd: number; numClasses: number } {
  if (input.ndim === 0) throw new Error(`${op}: input must have a class dimension ([C], [N, C] or [N, C, d1, ...]), got a 0-d tensor`);
  const cd = input.ndim === 1 ? 0 : 1;
  return { cd, numClasses: input.shape[cd]! };
}

function checkClassWeight(op: string, weight: Tensor, numClasses: number): void {
  checkFloat(op, "weight", weight);
  if (weight.ndim !== 1 || weight.shape[0] !== numClasses)
    throw new Error(`${op}: weight must be a 1-D tensor of ${numClasses} class weights, got ${fmtShape(weight.shape)}`);
}

/** Weight of class c at the input's class dim: [C] viewed as [1, C, 1, …]. */
const classView = (w: Tensor, input: Tensor, cd: number): Tensor => w.reshape(input.shape.map((s, d) => (d === cd ? s : 1)));

interface ClassTargets {
  /** The targets with ignored entries replaced by class 0 (safe to gather with). */
  index: Tensor;
  /** 0 where the target is ignoreIndex, else 1 (in the input's dtype). */
  keep: Tensor;
  /** w[target] (1 without weights), 0 where ignored: the weighted mean's denominator sums it. */
  w: Tensor;
}

/** Checks int32 class-index targets (dtype, shape, range) against an input [C] or [N, C, d1, …]; returns their values. */
function checkClassTargets(op: string, input: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number): ArrayLike<number> {
  const { cd, numClasses } = classDims(op, input);
  if (target.dtype !== "int32")
    throw new TypeError(`${op}: target must be an int32 tensor of class indices, got ${target.dtype}; create it with { dtype: "int32" } or convert it with .to("int32") (JS numbers become float32 by default)`);
  const expected = input.shape.filter((_, d) => d !== cd);
  if (!shapesEqual(target.shape, expected))
    throw new Error(`${op}: target ${fmtShape(target.shape)} must have shape ${fmtShape(expected)} for input ${fmtShape(input.shape)} (class dim ${cd} removed)`);
  if (weight) checkClassWeight(op, weight, numClasses);
  const t = target.dataSync();
  for (const c of t)
    if (c !== ignoreIndex && (c < 0 || c >= numClasses)) throw new RangeError(`${op}: target class ${c} is out of range for ${numClasses} classes`);
  return t;
}

/** Validated targets as tensors (see ClassTargets). */
function classTargets(op: string, input: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number): ClassTargets {
  const t = checkClassTargets(op, input, target, weight, ignoreIndex);
  const safe = new Int32Array(t.length);
  const keep = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === ignoreIndex) continue;
    safe[i] = c;
    keep[i] = 1;
  }
  const device = input.device;
  const index = tensor(safe, { shape: target.shape, dtype: "int32", device });
  const keepT = tensor(keep, { shape: target.shape, dtype: input.dtype, device });
  const w = weight ? weight.indexSelect(0, index.reshape(-1)).reshape(target.shape).mul(keepT) : keepT;
  return { index, keep: keepT, w };
}

/** −x[i, yᵢ]·w[yᵢ] for each element (0 where ignored): the unreduced NLL. */
function pickedNll(logp: Tensor, { index, w }: ClassTargets): Tensor {
  const cd = logp.ndim === 1 ? 0 : 1;
  return logp.gather(cd, index.unsqueeze(cd)).squeeze(cd).neg().mul(w);
}

/** Reduces per-element NLL-style losses with torch's weighted mean: Σ loss / Σ w[target]. */
const weightedReduce = (loss: Tensor, w: Tensor, reduction: Reduction): Tensor =>
  reduction === "none" ? loss : reduction === "sum" ? loss.sum() : loss.sum().div(w.sum());

/**
 * Negative log-likelihood: ℓᵢ = −w[yᵢ]·x[i, yᵢ] on log-probabilities x [N, C] (or [C], or
 * [N, C, d1, …] with targets [N, d1, …]); targets equal to ignoreIndex (−100) are skipped. 'mean'
 * divides by Σ w[yᵢ] over the kept elements. Matches torch.nn.functional.nll_loss.
 */
export function nllLoss(input: Tensor, target: Tensor, ...args: Args<[weight: Tensor | null], ClassOptions>): Tensor {
  const { reduction, weight, ignoreIndex } = lossArgs("nllLoss", args, ["weight"], { ...R, weight: null as Tensor | null, ignoreIndex: -100 });
  checkReduction("nllLoss", reduction);
  checkFloat("nllLoss", "input", input);
  const targets = classTargets("nllLoss", input, target, weight, ignoreIndex);
  return weightedReduce(pickedNll(input, targets), targets.w, reduction);
}

export interface CrossEntropyOptions extends ClassOptions {
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C. */
  labelSmoothing?: number;
}

/**
 * Cross-entropy of logits: logSoftmax over the class dim, then nllLoss for int32 class-index
 * targets, or ℓ = −Σ_c w_c·y_c·log p_c for floating class-probability targets of the input's shape.
 * Input [C], [N, C] or [N, C, d1, …]. With labelSmoothing ε, ℓ = (1 − ε)·nll + ε/C·(−Σ_c w_c log p_c),
 * and 'mean' divides both terms by Σ w[yᵢ] (index targets) or by N·d1·… (probability targets),
 * exactly as torch 1.13. Matches torch.nn.functional.cross_entropy.
 */
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  ...args: Args<[weight: Tensor | null], CrossEntropyOptions>
): Tensor {
  const op = "crossEntropy";
  const { reduction, weight, ignoreIndex, labelSmoothing } = lossArgs(op, args, ["weight"], { ...R, weight: null as Tensor | null, ignoreIndex: -100, labelSmoothing: 0 });
  checkReduction(op, reduction);
  checkFloat(op, "input", input);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new RangeError(`${op}: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  const { cd, numClasses } = classDims(op, input);
  const weighted = (t: Tensor): Tensor => (weight ? t.mul(classView(weight, input, cd)) : t);
  if (isFloating(target.dtype)) {
    if (!shapesEqual(target.shape, input.shape))
      throw new Error(
        `${op}: probability target ${fmtShape(target.shape)} must have the input's shape ${fmtShape(input.shape)}` +
          (target.ndim === input.ndim - 1 ? `; for class-index labels use an int32 tensor, e.g. tensor(labels, { dtype: "int32" }) (JS numbers become float32 by default)` : ""),
      );
    if (ignoreIndex >= 0) throw new Error(`${op}: ignoreIndex is not supported for class-probability (floating-point) targets`);
    if (weight) checkClassWeight(op, weight, numClasses);
    const logp = input.logSoftmax(cd);
    const y = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / numClasses) : target;
    const loss = weighted(logp.mul(y)).sum(cd).neg();
    return reduction === "mean" ? loss.sum().div(input.numel / numClasses) : reduce(loss, reduction);
  }
  if (target.dtype !== "int32")
    throw new TypeError(`${op}: target must be int32 class indices or floating-point class probabilities, got ${target.dtype}`);
  if (input.ndim === 2 && (!weight || weight.dtype === input.dtype)) {
    // the common layout as one fused op (ops/fused/cross-entropy.ts): one pass, one tape node
    checkClassTargets(op, input, target, weight, ignoreIndex);
    const inputs = weight ? [input, target, weight] : [input, target];
    return applyFused("crossEntropy", inputs, { ignoreIndex, labelSmoothing, reduction, weighted: !!weight })[0]!;
  }
  const logp = input.logSoftmax(cd);
  const targets = classTargets(op, input, target, weight, ignoreIndex);
  const nll = weightedReduce(pickedNll(logp, targets), targets.w, reduction);
  if (labelSmoothing === 0) return nll;
  const smooth = weightedReduce(weighted(logp).sum(cd).neg().mul(targets.keep), targets.w, reduction);
  return nll.mul(1 - labelSmoothing).add(smooth.mul(labelSmoothing / numClasses));
}

/**
 * Multi-class margin loss: ℓᵢ = Σ_{j≠yᵢ} w[yᵢ]·max(0, margin − x[i, yᵢ] + x[i, j])ᵖ / C for
 * input [N, C] (or [C]) and int32 targets [N] (or []), p ∈ {1, 2}. Matches torch.nn.functional.multi_margin_loss.
 */
export function multiMarginLoss(
  input: Tensor,
  target: Tensor,
  ...args: Args<[p: 1 | 2, margin: number, weight: Tensor | null], WeightOptions & { p?: 1 | 2; margin?: number }>
): Tensor {
  const op = "multiMarginLoss";
  const { reduction, p, margin, weight } = lossArgs<{ reduction: Reduction; p: 1 | 2; margin: number; weight: Tensor | null }>(op, args, ["p", "margin", "weight"], { ...R, p: 1, margin: 1, weight: null });
  checkReduction(op, reduction);
  checkFloat(op, "input", input);
  if (p !== 1 && p !== 2) throw new RangeError(`${op}: p must be 1 or 2, got ${String(p)}`);
  if (input.ndim > 2) throw new Error(`${op}: input must be [C] or [N, C], got ${fmtShape(input.shape)}`);
  const { cd, numClasses } = classDims(op, input);
  const { w } = classTargets(op, input, target, weight, Number.NaN); // nothing is ignored
  const y = target.unsqueeze(cd);
  const z = input.sub(input.gather(cd, y)).add(margin).relu();
  const isOther = arange(numClasses, undefined, 1, { dtype: "int32", device: input.device }).ne(y);
  const h = (p === 2 ? z.square() : z).where(isOther, 0);
  return reduce(h.sum(cd).mul(w).div(numClasses), reduction);
}

// ---- distributions ---------------------------------------------------------------------------

/**
 * Kullback–Leibler divergence KL(target ‖ input) with input as log-probabilities:
 * ℓ = y·(log y − x) (0 where y = 0), or e^y·(y − x) with logTarget. reduction 'batchmean' divides
 * the sum by the batch size (the true KL divergence); 'mean' averages over all elements, as torch
 * does (which is not the KL divergence: it is smaller by the number of classes). Matches torch.nn.functional.kl_div.
 */
export function klDiv(
  input: Tensor,
  target: Tensor,
  ...args: Args<[], { reduction?: Reduction | "batchmean"; logTarget?: boolean }>
): Tensor {
  const op = "klDiv";
  const { reduction, logTarget } = lossArgs<{ reduction: Reduction | "batchmean"; logTarget: boolean }>(op, args, [], { reduction: "mean", logTarget: false });
  checkReduction(op, reduction, ["mean", "batchmean", "sum", "none"]);
  checkFloat(op, "input", input);
  checkFloat(op, "target", target);
  checkSameShape(op, input, target);
  let loss: Tensor;
  if (logTarget) loss = target.exp().mul(target.sub(input));
  else {
    // xlogy(y, y): y = 0 contributes 0; log(1) there keeps the gradient finite.
    const zero = target.eq(0);
    loss = target.mul(target.where(zero.logicalNot(), 1).log()).sub(target.mul(input));
  }
  if (reduction === "batchmean") return input.ndim === 0 ? loss.sum() : loss.sum().div(input.shape[0]!);
  return reduce(loss, reduction);
}
