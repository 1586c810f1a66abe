// Measures of a generative model's samples against real data: improved precision and recall
// (Kynkäänniemi et al., NeurIPS 2019), k-nearest-neighbour manifolds in any feature space.

import { noGrad } from "../autograd/grad-mode.js";
import { checkOptionNames } from "../options.js";
import type { Tensor } from "../tensor.js";

export interface PrecisionRecallOptions {
  /** The k of the k-th nearest neighbour that sets each point's ball radius (default 3, the paper's choice). */
  k?: number;
}

/** Squared Euclidean distances between the rows of a [N, D] and b [M, D]: ‖a‖² + ‖b‖² − 2·a·bᵀ, as a row-major N·M array. */
function squaredDistances(a: Tensor, b: Tensor): Float64Array {
  const ab = noGrad(() => a.matmul(b.t())).dataSync();
  const na = noGrad(() => a.square().sum(1)).dataSync();
  const nb = noGrad(() => b.square().sum(1)).dataSync();
  const [n, m] = [a.shape[0]!, b.shape[0]!];
  const d = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) d[i * m + j] = Math.max(0, na[i]! + nb[j]! - 2 * ab[i * m + j]!);
  return d;
}

/** Each point's squared distance to its k-th nearest neighbour among the others of the same set. */
function kthRadii(x: Tensor, k: number): Float64Array {
  const n = x.shape[0]!;
  const d = squaredDistances(x, x);
  const r = new Float64Array(n);
  const row = new Float64Array(n - 1);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let j = 0; j < n; j++) if (j !== i) row[c++] = d[i * n + j]!;
    r[i] = row.sort()[k - 1]!;
  }
  return r;
}

/** Share of the rows of `query` inside the union of balls B(s, r_s) around the rows s of `support`. */
function coverage(query: Tensor, support: Tensor, radii: Float64Array): number {
  const [q, s] = [query.shape[0]!, support.shape[0]!];
  const d = squaredDistances(query, support);
  let inside = 0;
  for (let i = 0; i < q; i++)
    for (let j = 0; j < s; j++)
      if (d[i * s + j]! <= radii[j]!) {
        inside++;
        break;
      }
  return inside / q;
}

/**
 * Improved precision and recall of generated samples (Kynkäänniemi, Karras, Laine, Lehtinen and
 * Aila, "Improved Precision and Recall Metric for Assessing Generative Models", NeurIPS 2019): the
 * real manifold is the union of balls around each real point with the radius of its k-th nearest
 * real neighbour; precision is the share of `fake` rows inside it (sample quality), recall the
 * share of `real` rows inside the fakes' manifold built the same way (coverage, falls under mode
 * collapse). Rows are feature vectors ([N, D], pixels or a classifier's features). Held-out real
 * data scores high on both; noise scores 0 on precision. Computed in float64 on the host.
 */
export function precisionRecall(real: Tensor, fake: Tensor, opts: PrecisionRecallOptions = {}): { precision: number; recall: number } {
  checkOptionNames("models.precisionRecall", opts, ["k"]);
  const { k = 3 } = opts;
  if (real.ndim !== 2 || fake.ndim !== 2 || real.shape[1] !== fake.shape[1])
    throw new Error(`models.precisionRecall: expected real [N, D] and fake [M, D] with the same D, got [${real.shape.join(", ")}] and [${fake.shape.join(", ")}]`);
  if (!Number.isInteger(k) || k < 1 || k >= Math.min(real.shape[0]!, fake.shape[0]!))
    throw new Error(`models.precisionRecall: k must be an integer in [1, ${Math.min(real.shape[0]!, fake.shape[0]!) - 1}], got ${k}`);
  return { precision: coverage(fake, real, kthRadii(real, k)), recall: coverage(real, fake, kthRadii(fake, k)) };
}
