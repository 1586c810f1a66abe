// Distance and similarity layers: CosineSimilarity and PairwiseDistance (F.cosineSimilarity,
// F.pairwiseDistance as modules with two inputs).

import type { Args } from "../options.js";
import type { Tensor } from "../tensor.js";
import { cosineSimilarity, pairwiseDistance, type CosineSimilarityOptions, type PairwiseDistanceOptions } from "./functional/distance.js";
import { Module } from "./module.js";

/** cos θ between x₁ and x₂ along `dim` (default 1, eps 1e-8). Matches torch.nn.CosineSimilarity (dim=1, eps=1e-8). */
export class CosineSimilarity extends Module<[Tensor, Tensor], Tensor> {
  readonly dim: number;
  readonly eps: number;
  constructor(...args: Args<[dim: number, eps: number], CosineSimilarityOptions>) {
    super();
    ({ dim: this.dim, eps: this.eps } = this.configure<Required<CosineSimilarityOptions>>("nn.CosineSimilarity", {}, args, ["dim", "eps"], { dim: 1, eps: 1e-8 }));
  }
  forward(x1: Tensor, x2: Tensor): Tensor { return cosineSimilarity(x1, x2, this.dim, this.eps); }
}

/**
 * ‖x₁ − x₂ + ε‖ₚ along the last dim: [N, D] → [N] (or [N, 1] with keepdim), [D] → [].
 * Matches torch.nn.PairwiseDistance (p=2.0, eps=1e-6, keepdim=False).
 */
export class PairwiseDistance extends Module<[Tensor, Tensor], Tensor> {
  readonly norm: number;
  readonly eps: number;
  readonly keepdim: boolean;
  constructor(...args: Args<[p: number, eps: number, keepdim: boolean], PairwiseDistanceOptions>) {
    super();
    const o = this.configure<Required<PairwiseDistanceOptions>>("nn.PairwiseDistance", {}, args, ["p", "eps", "keepdim"], { p: 2, eps: 1e-6, keepdim: false });
    [this.norm, this.eps, this.keepdim] = [o.p, o.eps, o.keepdim];
  }
  forward(x1: Tensor, x2: Tensor): Tensor { return pairwiseDistance(x1, x2, this.norm, this.eps, this.keepdim); }
}
