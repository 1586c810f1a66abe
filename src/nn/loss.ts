// Loss modules (torch.nn.MSELoss, CrossEntropyLoss, …): options in the constructor, forward(input,
// target) calls the functional form. Class weights and posWeight are buffers, so they appear in
// stateDict() under torch's keys ('weight', 'pos_weight') and follow Module.to().

import type { Tensor } from "../tensor.js";
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, cosineEmbeddingLoss, crossEntropy, hingeEmbeddingLoss, hingeLoss, huberLoss, klDiv,
  l1Loss, marginRankingLoss, mseLoss, multiMarginLoss, nllLoss, smoothL1Loss, type Reduction,
} from "./functional/loss.js";
import { Module } from "./module.js";
import { Buffer } from "./parameter.js";

/** Shared base: a two-argument module that holds `reduction`. */
abstract class Loss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;
  constructor(reduction: Reduction) {
    super();
    this.reduction = reduction;
  }
}

/** Mean squared error module (see F.mseLoss). Matches torch.nn.MSELoss. */
export class MSELoss extends Loss {
  constructor({ reduction = "mean" }: { reduction?: Reduction } = {}) {
    super(reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error module (see F.l1Loss). Matches torch.nn.L1Loss. */
export class L1Loss extends Loss {
  constructor({ reduction = "mean" }: { reduction?: Reduction } = {}) {
    super(reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Huber loss module with threshold `delta` (see F.huberLoss). Matches torch.nn.HuberLoss. */
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor({ reduction = "mean", delta = 1 }: { reduction?: Reduction; delta?: number } = {}) {
    super(reduction);
    this.delta = delta;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** Smooth L1 loss module with threshold `beta` (see F.smoothL1Loss). Matches torch.nn.SmoothL1Loss. */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor({ reduction = "mean", beta = 1 }: { reduction?: Reduction; beta?: number } = {}) {
    super(reduction);
    this.beta = beta;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** Binary cross-entropy on probabilities (see F.binaryCrossEntropy); `weight` is a buffer. Matches torch.nn.BCELoss. */
export class BCELoss extends Loss {
  weight: Tensor | null;
  constructor({ reduction = "mean", weight = null }: { reduction?: Reduction; weight?: Tensor | null } = {}) {
    super(reduction);
    this.weight = weight ? Buffer(weight) : null;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { reduction: this.reduction, weight: this.weight });
  }
}

/**
 * Binary cross-entropy on logits (see F.binaryCrossEntropyWithLogits); `weight` and `posWeight`
 * are buffers saved as 'weight' and 'pos_weight'. Matches torch.nn.BCEWithLogitsLoss.
 */
export class BCEWithLogitsLoss extends Loss {
  weight: Tensor | null;
  posWeight: Tensor | null;
  constructor({ reduction = "mean", weight = null, posWeight = null }: { reduction?: Reduction; weight?: Tensor | null; posWeight?: Tensor | null } = {}) {
    super(reduction);
    this.weight = weight ? Buffer(weight) : null;
    this.posWeight = posWeight ? Buffer(posWeight) : null;
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

/** Cross-entropy of logits (see F.crossEntropy); class `weight` is a buffer. Matches torch.nn.CrossEntropyLoss. */
export class CrossEntropyLoss extends Loss {
  weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor({ reduction = "mean", weight = null, ignoreIndex = -100, labelSmoothing = 0 }: CrossEntropyLossOptions = {}) {
    super(reduction);
    this.weight = weight ? Buffer(weight) : null;
    this.ignoreIndex = ignoreIndex;
    this.labelSmoothing = labelSmoothing;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    const { reduction, weight, ignoreIndex, labelSmoothing } = this;
    return crossEntropy(input, target, { reduction, weight, ignoreIndex, labelSmoothing });
  }
}

/** Negative log-likelihood on log-probabilities (see F.nllLoss); class `weight` is a buffer. Matches torch.nn.NLLLoss. */
export class NLLLoss extends Loss {
  weight: Tensor | null;
  readonly ignoreIndex: number;
  constructor({ reduction = "mean", weight = null, ignoreIndex = -100 }: Omit<CrossEntropyLossOptions, "labelSmoothing"> = {}) {
    super(reduction);
    this.weight = weight ? Buffer(weight) : null;
    this.ignoreIndex = ignoreIndex;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}

/** Hinge embedding loss module (see F.hingeEmbeddingLoss). Matches torch.nn.HingeEmbeddingLoss. */
export class HingeEmbeddingLoss extends Loss {
  readonly margin: number;
  constructor({ reduction = "mean", margin = 1 }: { reduction?: Reduction; margin?: number } = {}) {
    super(reduction);
    this.margin = margin;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return hingeEmbeddingLoss(input, target, { reduction: this.reduction, margin: this.margin });
  }
}

/** Multi-class margin loss module (see F.multiMarginLoss); class `weight` is a buffer. Matches torch.nn.MultiMarginLoss. */
export class MultiMarginLoss extends Loss {
  readonly p: 1 | 2;
  readonly margin: number;
  weight: Tensor | null;
  constructor({ reduction = "mean", p = 1, margin = 1, weight = null }: { reduction?: Reduction; p?: 1 | 2; margin?: number; weight?: Tensor | null } = {}) {
    super(reduction);
    this.p = p;
    this.margin = margin;
    this.weight = weight ? Buffer(weight) : null;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return multiMarginLoss(input, target, { reduction: this.reduction, p: this.p, margin: this.margin, weight: this.weight });
  }
}

/** Deck 002's binary hinge (SVM) loss max(0, 1 − y·ŷ), y ∈ {−1, 1} (see F.hingeLoss); no torch equivalent. */
export class HingeLoss extends Loss {
  constructor({ reduction = "mean" }: { reduction?: Reduction } = {}) {
    super(reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return hingeLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * KL divergence module (see F.klDiv): input log-probabilities; 'batchmean' is the true KL
 * divergence, 'mean' (the default, as in torch) averages over every element. Matches torch.nn.KLDivLoss.
 */
export class KLDivLoss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction | "batchmean";
  readonly logTarget: boolean;
  constructor({ reduction = "mean", logTarget = false }: { reduction?: Reduction | "batchmean"; logTarget?: boolean } = {}) {
    super();
    this.reduction = reduction;
    this.logTarget = logTarget;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

/** Margin ranking loss module; forward(x1, x2, y) (see F.marginRankingLoss). Matches torch.nn.MarginRankingLoss. */
export class MarginRankingLoss extends Module<[Tensor, Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;
  readonly margin: number;
  constructor({ reduction = "mean", margin = 0 }: { reduction?: Reduction; margin?: number } = {}) {
    super();
    this.reduction = reduction;
    this.margin = margin;
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return marginRankingLoss(input1, input2, target, { reduction: this.reduction, margin: this.margin });
  }
}

/** Cosine embedding loss module; forward(x1, x2, y) (see F.cosineEmbeddingLoss). Matches torch.nn.CosineEmbeddingLoss. */
export class CosineEmbeddingLoss extends Module<[Tensor, Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;
  readonly margin: number;
  constructor({ reduction = "mean", margin = 0 }: { reduction?: Reduction; margin?: number } = {}) {
    super();
    this.reduction = reduction;
    this.margin = margin;
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, { reduction: this.reduction, margin: this.margin });
  }
}
