// More of torch.nn.functional's losses: soft-margin and multi-label margins, triplet losses, and the
// Gaussian and Poisson negative log-likelihoods. Composites of Tensor ops (autograd needs no new
// rules); targets and shapes are checked on the host so that a wrong call names the loss.

import { tensor } from "../../ops/creation.js";
import { stack } from "../../ops/movement.js";
import type { Args } from "../../options.js";
import { fmtShape, shapesEqual } from "../../shape.js";
import type { Tensor } from "../../tensor.js";
import { logsigmoid } from "./activation.js";
import { pairwiseDistance } from "./distance.js";
import { checkBroadcastsTo, checkFloat, checkPair, checkReduction, lossArgs, R, reduce, type RArgs, type Reduction, type ReductionOptions } from "./loss-checks.js";

/** log(1 + eˣ) for any x, as logsumexp([0, x]) so neither value nor gradient overflows. */
const softplus = (x: Tensor): Tensor => stack([x.mul(0), x], -1).logsumexp(-1);

/** Per-sample losses of [N, C] (or [C]) inputs: the class dim must exist and be the last. */
function checkClassLast(op: string, input: Tensor): void {
  if (input.ndim < 1 || input.ndim > 2) throw new Error(`${op}: input must be [C] or [N, C], got ${fmtShape(input.shape)}`);
}

/**
 * Two-class logistic loss: ℓ = log(1 + exp(−y·x)), y ∈ {−1, 1} (any float target is used as
 * given, as in torch). Matches torch.nn.functional.soft_margin_loss.
 */
export function softMarginLoss(input: Tensor, target: Tensor, ...args: RArgs): Tensor {
  const { reduction } = lossArgs("softMarginLoss", args, [], R);
  checkPair("softMarginLoss", input, target, reduction);
  return reduce(softplus(input.mul(target).neg()), reduction);
}

/**
 * Multi-label one-versus-all logistic loss on logits x [N, C] (or [C]) and 0/1 (or soft) targets of
 * the same shape: ℓₙ = −(1/C)·Σ_c w_c·(y_c·log σ(x_c) + (1 − y_c)·log σ(−x_c)). `weight` broadcasts
 * to the input. Matches torch.nn.functional.multilabel_soft_margin_loss.
 */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, ...args: Args<[weight: Tensor | null], ReductionOptions & { weight?: Tensor | null }>): Tensor {
  const op = "multilabelSoftMarginLoss";
  const { reduction, weight } = lossArgs(op, args, ["weight"], { ...R, weight: null as Tensor | null });
  checkPair(op, input, target, reduction);
  checkClassLast(op, input);
  if (weight) checkBroadcastsTo(op, "weight", weight, input.shape);
  let loss = target.mul(logsigmoid(input)).add(target.neg().add(1).mul(logsigmoid(input.neg()))).neg();
  if (weight) loss = loss.mul(weight);
  return reduce(loss.sum(-1).div(input.shape[input.ndim - 1]!), reduction);
}

/**
 * Multi-label hinge loss on x [N, C] (or [C]) with int32 targets of the same shape listing each
 * sample's classes, ended by the first −1 (later entries are ignored; a class listed twice counts
 * twice, as in torch): ℓₙ = Σ_{j listed} Σ_{i not listed} max(0, 1 − (x[yⱼ] − x[i])) / C.
 * Matches torch.nn.functional.multilabel_margin_loss.
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, ...args: RArgs): Tensor {
  const op = "multilabelMarginLoss";
  const { reduction } = lossArgs(op, args, [], R);
  checkReduction(op, reduction);
  checkFloat(op, "input", input);
  checkClassLast(op, input);
  if (target.dtype !== "int32") throw new TypeError(`${op}: target must be an int32 tensor of class indices ended by -1, got ${target.dtype}`);
  if (!shapesEqual(target.shape, input.shape)) throw new Error(`${op}: target ${fmtShape(target.shape)} must have the input's shape ${fmtShape(input.shape)}`);
  const C = input.shape[input.ndim - 1]!;
  const rows = input.numel / C;
  const t = target.dataSync();
  // count[n, c]: how often c is listed before the first −1; other[n, i]: 1 where i is not listed
  const count = new Float64Array(rows * C), other = new Float64Array(rows * C).fill(1);
  for (let n = 0; n < rows; n++)
    for (let k = 0; k < C; k++) {
      const c = t[n * C + k]!;
      if (c === -1) break;
      if (!(c >= 0 && c < C)) throw new RangeError(`${op}: target class ${c} is out of range for ${C} classes (use -1 to end a sample's list)`);
      count[n * C + c]!++;
      other[n * C + c] = 0;
    }
  const { dtype, device } = input;
  const x = input.reshape(rows, C);
  const pairs = tensor(count, { shape: [rows, C, 1], dtype, device }).mul(tensor(other, { shape: [rows, 1, C], dtype, device }));
  const hinge = x.unsqueeze(1).sub(x.unsqueeze(2)).add(1).relu(); // [n, j, i] = 1 − x[j] + x[i]
  const loss = hinge.mul(pairs).sum([1, 2]).div(C);
  return reduce(input.ndim === 1 ? loss.reshape([]) : loss, reduction);
}

/** anchor, positive and negative: one shape, [N, D] or [D]. */
function checkTriplet(op: string, anchor: Tensor, positive: Tensor, negative: Tensor, reduction: string): void {
  checkReduction(op, reduction);
  for (const [what, t] of [["anchor", anchor], ["positive", positive], ["negative", negative]] as const) checkFloat(op, what, t);
  if (!shapesEqual(anchor.shape, positive.shape) || !shapesEqual(anchor.shape, negative.shape))
    throw new Error(`${op}: anchor ${fmtShape(anchor.shape)}, positive ${fmtShape(positive.shape)} and negative ${fmtShape(negative.shape)} must have the same shape`);
  if (anchor.ndim < 1 || anchor.ndim > 2) throw new Error(`${op}: inputs must be [D] or [N, D], got ${fmtShape(anchor.shape)}`);
}

/** max(0, margin + d(a, p) − d(a, n)), with d(a, n) replaced by min(d(a, n), d(p, n)) under swap. */
function triplet(distance: (a: Tensor, b: Tensor) => Tensor, a: Tensor, p: Tensor, n: Tensor, margin: number, swap: boolean): Tensor {
  const dPos = distance(a, p);
  let dNeg = distance(a, n);
  if (swap) dNeg = dNeg.minimum(distance(p, n));
  return dPos.sub(dNeg).add(margin).clamp(0);
}

export interface TripletMarginOptions extends ReductionOptions {
  margin?: number;
  p?: number;
  eps?: number;
  swap?: boolean;
}

/**
 * Triplet margin loss (Schroff et al. 2015; swap: Balntas et al. 2016): ℓ = max(0, margin +
 * d(a, p) − d(a, n)) with d = pairwiseDistance(·, ·, p, eps); with swap, d(a, n) becomes
 * min(d(a, n), d(p, n)). Matches torch.nn.functional.triplet_margin_loss (margin 1, p 2, eps 1e−6).
 */
export function tripletMarginLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  ...args: Args<[margin: number, p: number, eps: number, swap: boolean], TripletMarginOptions>
): Tensor {
  const op = "tripletMarginLoss";
  const { reduction, margin, p, eps, swap } = lossArgs<Required<TripletMarginOptions>>(op, args, ["margin", "p", "eps", "swap"], { ...R, margin: 1, p: 2, eps: 1e-6, swap: false });
  checkTriplet(op, anchor, positive, negative, reduction);
  if (!(p > 0)) throw new RangeError(`${op}: p must be positive, got ${p}`);
  return reduce(triplet((x, y) => pairwiseDistance(x, y, p, eps), anchor, positive, negative, margin, swap), reduction);
}

export interface TripletDistanceOptions extends ReductionOptions {
  /** d(x, y) → one distance per row (default pairwiseDistance, the L2 distance). */
  distanceFunction?: ((x: Tensor, y: Tensor) => Tensor) | null;
  margin?: number;
  swap?: boolean;
}

/**
 * Triplet loss with any distance: ℓ = max(0, margin + d(a, p) − d(a, n)), swap as in
 * tripletMarginLoss. All options are keyword-only in torch, so here options only. Matches
 * torch.nn.functional.triplet_margin_with_distance_loss.
 */
export function tripletMarginWithDistanceLoss(anchor: Tensor, positive: Tensor, negative: Tensor, ...args: Args<[], TripletDistanceOptions>): Tensor {
  const op = "tripletMarginWithDistanceLoss";
  const o = lossArgs<Required<TripletDistanceOptions>>(op, args, [], { ...R, distanceFunction: null, margin: 1, swap: false });
  checkTriplet(op, anchor, positive, negative, o.reduction);
  if (o.distanceFunction !== null && typeof o.distanceFunction !== "function") throw new TypeError(`${op}: distanceFunction must be a function (x, y) => distances or null, got ${typeof o.distanceFunction}`);
  const distance = o.distanceFunction ?? ((x: Tensor, y: Tensor) => pairwiseDistance(x, y));
  return reduce(triplet(distance, anchor, positive, negative, o.margin, o.swap), o.reduction);
}

export interface GaussianNllOptions extends ReductionOptions {
  full?: boolean;
  eps?: number;
}

/**
 * Gaussian negative log-likelihood with predicted variance: ℓ = ½(log max(var, ε) + (x − y)² /
 * max(var, ε)) (+ ½ log 2π when full). var has the input's shape, or lacks its last dim, or has 1
 * there (one variance per row); target broadcasts to the input. The clamp passes the gradient
 * through unchanged, as torch clamps under no_grad. Matches torch.nn.functional.gaussian_nll_loss.
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, ...args: Args<[full: boolean, eps: number, reduction: Reduction], GaussianNllOptions>): Tensor {
  const op = "gaussianNllLoss";
  const { reduction, full, eps } = lossArgs<Required<GaussianNllOptions>>(op, args, ["full", "eps", "reduction"], { ...R, full: false, eps: 1e-6 });
  checkReduction(op, reduction);
  checkFloat(op, "input", input);
  checkBroadcastsTo(op, "target", target, input.shape);
  checkFloat(op, "var", variance);
  let v = variance;
  if (!shapesEqual(v.shape, input.shape)) {
    const lead = input.shape.slice(0, -1);
    if (input.ndim > 0 && shapesEqual(v.shape, lead)) v = v.unsqueeze(-1);
    else if (!(input.ndim > 0 && v.ndim === input.ndim && shapesEqual(v.shape.slice(0, -1), lead) && v.shape[v.ndim - 1] === 1))
      throw new Error(`${op}: var ${fmtShape(variance.shape)} must have the input's shape ${fmtShape(input.shape)}, or that shape without its last dim, or with 1 there`);
  }
  if (!(eps > 0)) throw new RangeError(`${op}: eps must be positive, got ${eps}`);
  for (const x of variance.dataSync()) if (!(x >= 0)) throw new RangeError(`${op}: var must be non-negative, got ${x}`);
  const vd = v.detach();
  const vc = v.add(vd.clamp(eps).sub(vd)); // value max(var, eps), gradient as if unclamped
  const loss = vc.log().add(input.sub(target).square().div(vc)).mul(0.5);
  return reduce(full ? loss.add(0.5 * Math.log(2 * Math.PI)) : loss, reduction);
}

export interface PoissonNllOptions extends ReductionOptions {
  logInput?: boolean;
  full?: boolean;
  eps?: number;
}

/**
 * Poisson negative log-likelihood: ℓ = eˣ − y·x when logInput (x is log λ), else x − y·log(x + ε);
 * full adds Stirling's approximation of log y!, y·log y − y + ½ log(2πy), where y > 1 (0 elsewhere).
 * Matches torch.nn.functional.poisson_nll_loss (logInput true, full false, eps 1e−8).
 */
export function poissonNllLoss(input: Tensor, target: Tensor, ...args: Args<[logInput: boolean, full: boolean], PoissonNllOptions>): Tensor {
  const op = "poissonNllLoss";
  const { reduction, logInput, full, eps } = lossArgs<Required<PoissonNllOptions>>(op, args, ["logInput", "full"], { ...R, logInput: true, full: false, eps: 1e-8 });
  checkPair(op, input, target, reduction);
  let loss = logInput ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(eps).log()));
  if (full) {
    const big = target.gt(1);
    const y = target.where(big, 2); // the masked entries are computed on 2 so no NaN reaches the gradient
    const stirling = y.mul(y.log()).sub(y).add(y.mul(2 * Math.PI).log().mul(0.5));
    loss = loss.add(stirling.where(big, 0));
  }
  return reduce(loss, reduction);
}
