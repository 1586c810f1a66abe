// Pieces of the clustering auto-encoder (deck 002): k-means for the codes, DEC's Student-t soft
// assignment and sharpened target (Xie, Girshick & Farhadi, ICML 2016), and cluster purity.

import { defaultGenerator, type Generator } from "../random.js";
import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";

/**
 * k-means (Lloyd's algorithm) on the rows of x [N, D], seeded by k-means++ (Arthur & Vassilvitskii,
 * SODA 2007): returns the centroids [k, D] and each row's cluster. Runs in plain JS on the values.
 */
export function kmeans(x: Tensor, k: number, { iters = 50, generator = defaultGenerator }: { iters?: number; generator?: Generator } = {}): { centroids: Tensor; labels: number[] } {
  if (x.ndim !== 2) throw new Error(`models.kmeans: expected x [N, D], got [${x.shape.join(", ")}]`);
  const [n, d] = x.shape as [number, number];
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`models.kmeans: k must be an integer in [1, ${n}], got ${k}`);
  const v = Float64Array.from(x.dataSync());
  const dist = (i: number, c: Float64Array, j: number): number => {
    let s = 0;
    for (let t = 0; t < d; t++) s += (v[i * d + t]! - c[j * d + t]!) ** 2;
    return s;
  };
  const c = new Float64Array(k * d);
  const pick = (j: number, i: number): void => c.set(v.subarray(i * d, i * d + d), j * d);
  pick(0, generator.integer(0, n));
  const best = new Float64Array(n).fill(Infinity);
  for (let j = 1; j < k; j++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += best[i] = Math.min(best[i]!, dist(i, c, j - 1));
    let r = generator.random() * total;
    let i = 0;
    while (i < n - 1 && (r -= best[i]!) > 0) i++;
    pick(j, i);
  }
  const labels = new Array<number>(n).fill(0);
  for (let it = 0; it < iters; it++) {
    let moved = false;
    for (let i = 0; i < n; i++) {
      let arg = 0;
      for (let j = 1; j < k; j++) if (dist(i, c, j) < dist(i, c, arg)) arg = j;
      if (arg !== labels[i]) {
        labels[i] = arg;
        moved = true;
      }
    }
    const sums = new Float64Array(k * d);
    const counts = new Array<number>(k).fill(0);
    labels.forEach((j, i) => {
      counts[j]!++;
      for (let t = 0; t < d; t++) sums[j * d + t]! += v[i * d + t]!;
    });
    for (let j = 0; j < k; j++) if (counts[j]) for (let t = 0; t < d; t++) c[j * d + t] = sums[j * d + t]! / counts[j]!;
    if (!moved && it > 0) break;
  }
  return { centroids: tensor(Array.from(c)).reshape([k, d]), labels };
}

/**
 * DEC's soft assignment q_ij = (1 + ‖z_i − μ_j‖²/α)^(−(α+1)/2) / Σ_j' (…), a Student-t kernel
 * (Xie et al. 2016, eq. 1). z [N, D], centroids [K, D] → q [N, K].
 */
export function softAssign(z: Tensor, centroids: Tensor, alpha = 1): Tensor {
  const d2 = z.unsqueeze(1).sub(centroids.unsqueeze(0)).square().sum(-1);
  const q = d2.div(alpha).add(1).pow(-(alpha + 1) / 2);
  return q.div(q.sum(1, true));
}

/** DEC's target p_ij = (q_ij²/f_j) / Σ_j' (q_ij'²/f_j'), f_j = Σ_i q_ij (Xie et al. 2016, eq. 3): sharpened, balanced by cluster size. */
export function targetDistribution(q: Tensor): Tensor {
  const w = q.square().div(q.sum(0, true));
  return w.div(w.sum(1, true));
}

/** Purity: the share of samples whose cluster's majority label is their own label. */
export function clusterPurity(clusters: readonly number[], labels: readonly number[]): number {
  const counts = new Map<number, Map<number, number>>();
  clusters.forEach((c, i) => {
    const m = counts.get(c) ?? new Map<number, number>();
    m.set(labels[i]!, (m.get(labels[i]!) ?? 0) + 1);
    counts.set(c, m);
  });
  let hit = 0;
  for (const m of counts.values()) hit += Math.max(...m.values());
  return hit / Math.max(1, clusters.length);
}
