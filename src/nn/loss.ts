// Loss modules (torch.nn.MSELoss, CrossEntropyLoss, …): options in the constructor, forward(input,
// target) calls the functional form. Class weights and posWeight are buffers, so they appear in
// stateDict() under torch's keys ('weight', 'pos_weight') and follow Module.to().

import { Tensor } from "../tensor.js";
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, cosineEmbeddingLoss, crossEntropy, hingeEmbeddingLoss, hingeLoss, huberLoss, klDiv,
  l1Loss, marginRankingLoss, mseLoss, multiMarginLoss, nllLoss, smoothL1Loss, type Reduction,
} from "./functional/loss.js";
import type { Args } from "../options.js";
import { Module } from "./module.js";
import { Buffer } from "./parameter.js";

/**
 * Shared base: resolves the constructor's arguments (torch's positionals, then options) into
 * `this.opts` and records them; torch prints losses bare, so only options that differ are printed.
 */
abstract class Loss<O extends { reduction: string }, In extends unknown[] = [Tensor, Tensor]> extends Module<In, Tensor> {
  readonly reduction: O["reduction"];
  protected readonly opts: O;
  constructor(args: readonly unknown[], positional: readonly (keyof O & string)[], defaults: O) {
    super();
    this.opts = this.configure(`nn.${new.target.name}`, {}, args, positional, defaults, { printAll: false });
    this.reduction = this.opts.reduction;
    const allowed = new.target.name === "KLDivLoss" ? ["mean", "batchmean", "sum", "none"] : ["mean", "sum", "none"];
    if (!allowed.includes(this.reduction)) throw new Error(`nn.${new.target.name}: reduction must be ${allowed.map((r) => `'${r}'`).join(", ")}, got ${String(this.reduction)}`);
    for (const k of ["weight", "posWeight"] as const) {
      const w = (this.opts as Record<string, unknown>)[k];
      if (w !== null && w !== undefined && !(w instanceof Tensor))
        throw new TypeError(`nn.${new.target.name}: ${k} must be a Tensor or null${k === "weight" && positional[0] === "weight" ? " (as in torch, the first argument is the class weight; pass the reduction as { reduction: ... })" : ""}, got ${typeof w === "string" ? `'${w}'` : typeof w}`);
    }
  }
}

type R = { reduction: Reduction };
const mean: R = { reduction: "mean" };

/** Mean squared error module (see F.mseLoss). Matches torch.nn.MSELoss. */
export class MSELoss extends Loss<R> {
  constructor(...args: Args<[], { reduction?: Reduction }>) { super(args, [], mean); }
  forward(input: Tensor, target: Tensor): Tensor { return mseLoss(input, target, { reduction: this.reduction }); }
}

/** Mean absolute error module (see F.l1Loss). Matches torch.nn.L1Loss. */
export class L1Loss extends Loss<R> {
  constructor(...args: Args<[], { reduction?: Reduction }>) { super(args, [], mean); }
  forward(input: Tensor, target: Tensor): Tensor { return l1Loss(input, target, { reduction: this.reduction }); }
}

/** Huber loss module with threshold `delta` (see F.huberLoss); torch's positionals (reduction, delta). Matches torch.nn.HuberLoss. */
export class HuberLoss extends Loss<R & { delta: number }> {
  readonly delta: number;
  constructor(...args: Args<[reduction: Reduction, delta: number], { reduction?: Reduction; delta?: number }>) {
    super(args, ["reduction", "delta"], { reduction: "mean", delta: 1 });
    this.delta = this.opts.delta;
  }
  forward(input: Tensor, target: Tensor): Tensor { return huberLoss(input, target, { reduction: this.reduction, delta: this.delta }); }
}

/** Smooth L1 loss module with threshold `beta` (see F.smoothL1Loss). Matches torch.nn.SmoothL1Loss. */
export class SmoothL1Loss extends Loss<R & { beta: number }> {
  readonly beta: number;
  constructor(...args: Args<[], { reduction?: Reduction; beta?: number }>) {
    super(args, [], { reduction: "mean", beta: 1 });
    this.beta = this.opts.beta;
  }
  forward(input: Tensor, target: Tensor): Tensor { return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta }); }
}

type W = R & { weight: Tensor | null };

/** Binary cross-entropy on probabilities (see F.binaryCrossEntropy); `weight` (torch's first positional) is a buffer. Matches torch.nn.BCELoss. */
export class BCELoss extends Loss<W> {
  weight: Tensor | null;
  constructor(...args: Args<[weight: Tensor | null], { reduction?: Reduction; weight?: Tensor | null }>) {
    super(args, ["weight"], { reduction: "mean", weight: null });
    this.weight = this.opts.weight ? Buffer(this.opts.weight) : null;
  }
  forward(input: Tensor, target: Tensor): Tensor { return binaryCrossEntropy(input, target, { reduction: this.reduction, weight: this.weight }); }
}

/**
 * Binary cross-entropy on logits (see F.binaryCrossEntropyWithLogits); `weight` (torch's first
 * positional) and `posWeight` are buffers saved as 'weight' and 'pos_weight'. Matches torch.nn.BCEWithLogitsLoss.
 */
export class BCEWithLogitsLoss extends Loss<W & { posWeight: Tensor | null }> {
  weight: Tensor | null;
  posWeight: Tensor | null;
  constructor(...args: Args<[weight: Tensor | null], { reduction?: Reduction; weight?: Tensor | null; posWeight?: Tensor | null }>) {
    super(args, ["weight"], { reduction: "mean", weight: null, posWeight: null });
    this.weight = this.opts.weight ? Buffer(this.opts.weight) : null;
    this.posWeight = this.opts.posWeight ? Buffer(this.opts.posWeight) : null;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { reduction: this.reduction, weight: this.weight, posWeight: this.posWeight });
  }
}

export interface CrossEntropyLossOptions {
  reduction?: Reduction;
  weight?: Tensor | null;
  ignoreIndex?: number;
  labelSmoothing?: number;
}

/**
 * Cross-entropy of logits (see F.crossEntropy); class `weight` (torch's first positional) is a
 * buffer. `new nn.CrossEntropyLoss(weight?, { reduction, ignoreIndex, labelSmoothing })`.
 * Matches torch.nn.CrossEntropyLoss.
 */
export class CrossEntropyLoss extends Loss<Required<CrossEntropyLossOptions>> {
  weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(...args: Args<[weight: Tensor | null], CrossEntropyLossOptions>) {
    super(args, ["weight"], { reduction: "mean", weight: null, ignoreIndex: -100, labelSmoothing: 0 });
    this.weight = this.opts.weight ? Buffer(this.opts.weight) : null;
    this.ignoreIndex = this.opts.ignoreIndex;
    this.labelSmoothing = this.opts.labelSmoothing;
    if (!(this.labelSmoothing >= 0 && this.labelSmoothing <= 1)) throw new RangeError(`nn.CrossEntropyLoss: labelSmoothing must be in [0, 1], got ${this.labelSmoothing}`);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    const { reduction, weight, ignoreIndex, labelSmoothing } = this;
    return crossEntropy(input, target, { reduction, weight, ignoreIndex, labelSmoothing });
  }
}

/** Negative log-likelihood on log-probabilities (see F.nllLoss); class `weight` (first positional) is a buffer. Matches torch.nn.NLLLoss. */
export class NLLLoss extends Loss<W & { ignoreIndex: number }> {
  weight: Tensor | null;
  readonly ignoreIndex: number;
  constructor(...args: Args<[weight: Tensor | null], Omit<CrossEntropyLossOptions, "labelSmoothing">>) {
    super(args, ["weight"], { reduction: "mean", weight: null, ignoreIndex: -100 });
    this.weight = this.opts.weight ? Buffer(this.opts.weight) : null;
    this.ignoreIndex = this.opts.ignoreIndex;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}

/** Hinge embedding loss module (see F.hingeEmbeddingLoss); torch's positional margin. Matches torch.nn.HingeEmbeddingLoss. */
export class HingeEmbeddingLoss extends Loss<R & { margin: number }> {
  readonly margin: number;
  constructor(...args: Args<[margin: number], { reduction?: Reduction; margin?: number }>) {
    super(args, ["margin"], { reduction: "mean", margin: 1 });
    this.margin = this.opts.margin;
  }
  forward(input: Tensor, target: Tensor): Tensor { return hingeEmbeddingLoss(input, target, { reduction: this.reduction, margin: this.margin }); }
}

/** Multi-class margin loss module (see F.multiMarginLoss); torch's positionals (p, margin, weight); `weight` is a buffer. Matches torch.nn.MultiMarginLoss. */
export class MultiMarginLoss extends Loss<W & { p: 1 | 2; margin: number }> {
  readonly p: 1 | 2;
  readonly margin: number;
  weight: Tensor | null;
  constructor(...args: Args<[p: 1 | 2, margin: number, weight: Tensor | null], { reduction?: Reduction; p?: 1 | 2; margin?: number; weight?: Tensor | null }>) {
    super(args, ["p", "margin", "weight"], { reduction: "mean", p: 1, margin: 1, weight: null });
    this.p = this.opts.p;
    this.margin = this.opts.margin;
    this.weight = this.opts.weight ? Buffer(this.opts.weight) : null;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return multiMarginLoss(input, target, { reduction: this.reduction, p: this.p, margin: this.margin, weight: this.weight });
  }
}

/** Deck 002's binary hinge (SVM) loss max(0, 1 − y·ŷ), y ∈ {−1, 1} (see F.hingeLoss); no torch equivalent. */
export class HingeLoss extends Loss<R> {
  constructor(...args: Args<[], { reduction?: Reduction }>) { super(args, [], mean); }
  forward(input: Tensor, target: Tensor): Tensor { return hingeLoss(input, target, { reduction: this.reduction }); }
}

type KLOptions = { reduction?: Reduction | "batchmean"; logTarget?: boolean };

/**
 * KL divergence module (see F.klDiv): input log-probabilities; 'batchmean' is the true KL
 * divergence, 'mean' (the default, as in torch) averages over every element. Matches torch.nn.KLDivLoss.
 */
export class KLDivLoss extends Loss<Required<KLOptions>> {
  readonly logTarget: boolean;
  constructor(...args: Args<[], KLOptions>) {
    super(args, [], { reduction: "mean", logTarget: false });
    this.logTarget = this.opts.logTarget;
  }
  forward(input: Tensor, target: Tensor): Tensor { return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget }); }
}

type Margin = { reduction: Reduction; margin: number };

/** Margin ranking loss module; forward(x1, x2, y) (see F.marginRankingLoss); torch's positional margin. Matches torch.nn.MarginRankingLoss. */
export class MarginRankingLoss extends Loss<Margin, [Tensor, Tensor, Tensor]> {
  readonly margin: number;
  constructor(...args: Args<[margin: number], Partial<Margin>>) {
    super(args, ["margin"], { reduction: "mean", margin: 0 });
    this.margin = this.opts.margin;
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return marginRankingLoss(input1, input2, target, { reduction: this.reduction, margin: this.margin });
  }
}

/** Cosine embedding loss module; forward(x1, x2, y) (see F.cosineEmbeddingLoss); torch's positional margin. Matches torch.nn.CosineEmbeddingLoss. */
export class CosineEmbeddingLoss extends Loss<Margin, [Tensor, Tensor, Tensor]> {
  readonly margin: number;
  constructor(...args: Args<[margin: number], Partial<Margin>>) {
    super(args, ["margin"], { reduction: "mean", margin: 0 });
    this.margin = this.opts.margin;
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, { reduction: this.reduction, margin: this.margin });
  }
}
