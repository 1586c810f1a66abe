// Similarities and distances between vectors along a dim (F.cosineSimilarity, F.pairwiseDistance),
// composites of core ops.

import { broadcastAll, maximum } from "../../ops/elementwise.js";
import { resolveArgs, type Args } from "../../options.js";
import { normDim } from "../../shape.js";
import type { Tensor } from "../../tensor.js";

export interface CosineSimilarityOptions {
  dim?: number;
  eps?: number;
}

/**
 * ‖x‖ along `dim` (kept), clamped below at eps as torch 1.13 does it: the value is max(‖x‖, eps)
 * and the gradient is x / max(‖x‖, eps) (torch clamps the saved norm in place, so its backward sees
 * the clamped value). t − t.detach() adds that gradient with an exact zero value.
 */
function clampedNorm(x: Tensor, dim: number, eps: number): Tensor {
  const sq = x.mul(x).sum(dim, true);
  const n = maximum(sq.detach().sqrt(), eps);
  const t = sq.div(n.mul(2));
  return n.add(t.sub(t.detach()));
}

/**
 * cos θ = Σ (x₁/max(‖x₁‖, ε))·(x₂/max(‖x₂‖, ε)) along `dim` (default 1, eps 1e-8); x₁ and x₂
 * broadcast. Matches torch.nn.functional.cosine_similarity (1.13's normalize-first formula).
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, ...args: Args<[dim: number, eps: number], CosineSimilarityOptions>): Tensor {
  const { dim, eps } = resolveArgs<Required<CosineSimilarityOptions>>("F.cosineSimilarity", args, ["dim", "eps"], { dim: 1, eps: 1e-8 });
  const [a, b] = broadcastAll("F.cosineSimilarity", x1, x2);
  const d = normDim("F.cosineSimilarity", dim, a!.ndim);
  return a!.div(clampedNorm(a!, d, eps)).mul(b!.div(clampedNorm(b!, d, eps))).sum(d);
}

export interface PairwiseDistanceOptions {
  p?: number;
  eps?: number;
  keepdim?: boolean;
}

/**
 * ‖x₁ − x₂ + ε‖ₚ along the last dim of the broadcast inputs (p 2, ε 1e-6 by default; ε keeps the
 * norm's gradient finite for equal vectors). [N, D] → [N] and [D] → [], as torch.
 * Matches torch.nn.functional.pairwise_distance (x1, x2, p=2.0, eps=1e-6, keepdim=False).
 */
export function pairwiseDistance(x1: Tensor, x2: Tensor, ...args: Args<[p: number, eps: number, keepdim: boolean], PairwiseDistanceOptions>): Tensor {
  const { p, eps, keepdim } = resolveArgs<Required<PairwiseDistanceOptions>>("F.pairwiseDistance", args, ["p", "eps", "keepdim"], { p: 2, eps: 1e-6, keepdim: false });
  if (typeof p !== "number" || Number.isNaN(p)) throw new TypeError(`F.pairwiseDistance: p must be a number, got ${String(p)}`);
  const [a, b] = broadcastAll("F.pairwiseDistance", x1, x2);
  if (a!.ndim === 0) throw new Error("F.pairwiseDistance: expected inputs with at least 1 dim, got two scalars");
  return a!.sub(b!).add(eps).norm(p, -1, keepdim);
}
