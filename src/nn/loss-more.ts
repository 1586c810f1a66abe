// Loss modules for the losses in functional/loss-more.ts and ctc.ts (torch.nn.SoftMarginLoss, TripletMarginLoss,
// GaussianNLLLoss, CTCLoss, …): options in the constructor, forward calls the functional form.

import { Tensor } from "../tensor.js";
import type { Args } from "../options.js";
import {
  gaussianNllLoss, multilabelMarginLoss, multilabelSoftMarginLoss, poissonNllLoss, softMarginLoss, tripletMarginLoss, tripletMarginWithDistanceLoss,
  type TripletDistanceOptions,
} from "./functional/loss-more.js";
import type { Reduction } from "./functional/loss-checks.js";
import { ctcLoss, type Lengths } from "./functional/ctc.js";
import { Module } from "./module.js";
import { Buffer } from "./parameter.js";

/** Resolves torch's positionals and options into `opts` (printed only where they differ), checks the reduction. */
abstract class MoreLoss<O extends { reduction: Reduction }, In extends unknown[] = [Tensor, Tensor]> extends Module<In, Tensor> {
  readonly reduction: Reduction;
  protected readonly opts: O;
  constructor(args: readonly unknown[], positional: readonly (keyof O & string)[], defaults: O) {
    super();
    const name = `nn.${new.target.name}`;
    this.opts = this.configure(name, {}, args, positional, defaults, { printAll: false });
    this.reduction = this.opts.reduction;
    if (!["mean", "sum", "none"].includes(this.reduction)) throw new Error(`${name}: reduction must be 'mean', 'sum', 'none', got ${String(this.reduction)}`);
  }
}

type R = { reduction: Reduction };
const mean: R = { reduction: "mean" };

/** Two-class logistic loss log(1 + e^{−y·x}) (see F.softMarginLoss). Matches torch.nn.SoftMarginLoss. */
export class SoftMarginLoss extends MoreLoss<R> {
  constructor(...args: Args<[], Partial<R>>) { super(args, [], mean); }
  forward(input: Tensor, target: Tensor): Tensor { return softMarginLoss(input, target, { reduction: this.reduction }); }
}

/** Multi-label one-versus-all logistic loss (see F.multilabelSoftMarginLoss); `weight` (torch's first positional) is a buffer. Matches torch.nn.MultiLabelSoftMarginLoss. */
export class MultiLabelSoftMarginLoss extends MoreLoss<R & { weight: Tensor | null }> {
  weight: Tensor | null;
  constructor(...args: Args<[weight: Tensor | null], Partial<R> & { weight?: Tensor | null }>) {
    super(args, ["weight"], { reduction: "mean", weight: null });
    const w = this.opts.weight;
    if (w !== null && !(w instanceof Tensor)) throw new TypeError(`nn.MultiLabelSoftMarginLoss: weight must be a Tensor or null (as in torch, the first argument is the weight; pass the reduction as { reduction: ... }), got ${typeof w}`);
    this.weight = w ? Buffer(w) : null;
  }
  forward(input: Tensor, target: Tensor): Tensor { return multilabelSoftMarginLoss(input, target, { reduction: this.reduction, weight: this.weight }); }
}

/** Multi-label hinge loss with −1-terminated int32 class lists (see F.multilabelMarginLoss). Matches torch.nn.MultiLabelMarginLoss. */
export class MultiLabelMarginLoss extends MoreLoss<R> {
  constructor(...args: Args<[], Partial<R>>) { super(args, [], mean); }
  forward(input: Tensor, target: Tensor): Tensor { return multilabelMarginLoss(input, target, { reduction: this.reduction }); }
}

type Triplet = R & { margin: number; p: number; eps: number; swap: boolean };

/** Triplet margin loss; forward(anchor, positive, negative) (see F.tripletMarginLoss); torch's positionals (margin, p, eps, swap). Matches torch.nn.TripletMarginLoss. */
export class TripletMarginLoss extends MoreLoss<Triplet, [Tensor, Tensor, Tensor]> {
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;
  constructor(...args: Args<[margin: number, p: number, eps: number, swap: boolean], Partial<Triplet>>) {
    super(args, ["margin", "p", "eps", "swap"], { reduction: "mean", margin: 1, p: 2, eps: 1e-6, swap: false });
    ({ margin: this.margin, p: this.p, eps: this.eps, swap: this.swap } = this.opts);
  }
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    const { reduction, margin, p, eps, swap } = this;
    return tripletMarginLoss(anchor, positive, negative, { reduction, margin, p, eps, swap });
  }
}

/** Triplet loss with any distance (see F.tripletMarginWithDistanceLoss); options only, as torch's are keyword-only. Matches torch.nn.TripletMarginWithDistanceLoss. */
export class TripletMarginWithDistanceLoss extends MoreLoss<Required<TripletDistanceOptions>, [Tensor, Tensor, Tensor]> {
  readonly distanceFunction: ((x: Tensor, y: Tensor) => Tensor) | null;
  readonly margin: number;
  readonly swap: boolean;
  constructor(...args: Args<[], TripletDistanceOptions>) {
    super(args, [], { reduction: "mean", distanceFunction: null, margin: 1, swap: false });
    ({ distanceFunction: this.distanceFunction, margin: this.margin, swap: this.swap } = this.opts);
  }
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    const { reduction, distanceFunction, margin, swap } = this;
    return tripletMarginWithDistanceLoss(anchor, positive, negative, { reduction, distanceFunction, margin, swap });
  }
}

type Gaussian = R & { full: boolean; eps: number };

/** Gaussian NLL with predicted variance; forward(input, target, var) (see F.gaussianNllLoss); options only, as in torch. Matches torch.nn.GaussianNLLLoss. */
export class GaussianNLLLoss extends MoreLoss<Gaussian, [Tensor, Tensor, Tensor]> {
  readonly full: boolean;
  readonly eps: number;
  constructor(...args: Args<[], Partial<Gaussian>>) {
    super(args, [], { reduction: "mean", full: false, eps: 1e-6 });
    ({ full: this.full, eps: this.eps } = this.opts);
  }
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return gaussianNllLoss(input, target, variance, { reduction: this.reduction, full: this.full, eps: this.eps });
  }
}

type Poisson = R & { logInput: boolean; full: boolean; eps: number };

/** Poisson NLL (see F.poissonNllLoss); torch's positionals (logInput, full). Matches torch.nn.PoissonNLLLoss. */
export class PoissonNLLLoss extends MoreLoss<Poisson> {
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;
  constructor(...args: Args<[logInput: boolean, full: boolean], Partial<Poisson>>) {
    super(args, ["logInput", "full"], { reduction: "mean", logInput: true, full: false, eps: 1e-8 });
    ({ logInput: this.logInput, full: this.full, eps: this.eps } = this.opts);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    const { reduction, logInput, full, eps } = this;
    return poissonNllLoss(input, target, { reduction, logInput, full, eps });
  }
}

type CTC = R & { blank: number; zeroInfinity: boolean };

/**
 * CTC loss module; forward(logProbs, targets, inputLengths, targetLengths) (see F.ctcLoss); torch's
 * positionals (blank, reduction, zeroInfinity). Matches torch.nn.CTCLoss.
 */
export class CTCLoss extends MoreLoss<CTC, [Tensor, Tensor, Lengths, Lengths]> {
  readonly blank: number;
  readonly zeroInfinity: boolean;
  constructor(...args: Args<[blank: number, reduction: Reduction, zeroInfinity: boolean], Partial<CTC>>) {
    super(args, ["blank", "reduction", "zeroInfinity"], { reduction: "mean", blank: 0, zeroInfinity: false });
    ({ blank: this.blank, zeroInfinity: this.zeroInfinity } = this.opts);
  }
  forward(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, { blank: this.blank, reduction: this.reduction, zeroInfinity: this.zeroInfinity });
  }
}
