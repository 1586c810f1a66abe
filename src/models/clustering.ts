// Pieces of the clustering auto-encoder (deck 002): k-means for the codes, DEC's Student-t soft
// assignment and sharpened target (Xie, Girshick & Farhadi, ICML 2016), and cluster purity.

import { defaultGenerator, Generator } from "../random.js";
import { tensor, zeros } from "../ops/creation.js";
import { noGrad } from "../autograd/grad-mode.js";
import type { Args } from "../options.js";
import type { Tensor } from "../tensor.js";
import { Module, type AnyModule } from "../nn/module.js";
import { Parameter } from "../nn/parameter.js";
import { klDiv } from "../nn/functional/loss.js";

export interface KMeansOptions {
  /** Lloyd iterations at most (default 50). */
  iters?: number;
  /** Runs from different k-means++ seeds; the one with the lowest inertia wins (default 1; scikit-learn's n_init). */
  nInit?: number;
  generator?: Generator;
}

/**
 * k-means (Lloyd's algorithm) on the rows of x [N, D], seeded by k-means++ (Arthur & Vassilvitskii,
 * SODA 2007): returns the centroids [k, D], each row's cluster and the inertia Σᵢ ‖xᵢ − μ_c(i)‖².
 * With nInit > 1 it keeps the run of lowest inertia. Runs in plain JS on the values.
 */
export function kmeans(x: Tensor, k: number, { iters = 50, nInit = 1, generator = defaultGenerator }: KMeansOptions = {}): { centroids: Tensor; labels: number[]; inertia: number } {
  if (!Number.isInteger(nInit) || nInit < 1) throw new Error(`models.kmeans: nInit must be a positive integer, got ${nInit}`);
  let best = kmeansOnce(x, k, iters, generator);
  for (let r = 1; r < nInit; r++) {
    const run = kmeansOnce(x, k, iters, generator);
    if (run.inertia < best.inertia) best = run;
  }
  return best;
}

function kmeansOnce(x: Tensor, k: number, iters: number, generator: Generator): { centroids: Tensor; labels: number[]; inertia: number } {
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
      let near = dist(i, c, 0);
      for (let j = 1; j < k; j++) {
        const dj = dist(i, c, j);
        if (dj < near) [arg, near] = [j, dj];
      }
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
  const inertia = labels.reduce((sum, j, i) => sum + dist(i, c, j), 0);
  return { centroids: tensor(Array.from(c)).reshape([k, d]), labels, inertia };
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

/**
 * DEC's target p_ij = (q_ij²/f_j) / Σ_j' (q_ij'²/f_j'), f_j = Σ_i q_ij (Xie et al. 2016, eq. 3): sharpened,
 * balanced by cluster size. The soft frequencies f [k] default to q's own column sums; pass those of
 * the whole data set (DEC computes P over all of it) when q is a mini-batch, whose sums are noisy.
 */
export function targetDistribution(q: Tensor, frequencies?: Tensor): Tensor {
  const f = frequencies ?? q.sum(0, true);
  const w = q.square().div(f.reshape([1, -1]));
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

export interface DECOptions {
  /** Degrees of freedom α of the Student-t kernel (default 1, as in the paper). */
  alpha?: number;
}

/**
 * Deep Embedded Clustering (Xie, Girshick & Farhadi, "Unsupervised Deep Embedding for Clustering
 * Analysis", ICML 2016): an encoder z = f(x) (a pre-trained auto-encoder's) and k learnable
 * centroids μⱼ. forward gives the soft assignment q [N, k] (softAssign, eq. 1); training minimises
 * KL(P ‖ Q) to the sharpened target P = targetDistribution(q) (eqs. 2-3) through decLoss, moving both
 * the centroids and the encoder. Initialise the centroids with initCentroids (k-means on the codes,
 * §3.2) after pre-training the auto-encoder. State dict: `encoder.*`, `centroids`.
 * @example const dec = new DEC(ae.encoder, 10, 32); dec.initCentroids(x); const q = dec.forward(x);
 */
export class DEC extends Module<[Tensor], Tensor> {
  encoder: AnyModule;
  centroids: Tensor;
  alpha: number;
  constructor(encoder: AnyModule, readonly nClusters: number, readonly embeddingSize: number, ...args: Args<[], DECOptions>) {
    super();
    const { alpha } = this.configure<Required<DECOptions>>("models.DEC", { nClusters, embeddingSize }, args, [], { alpha: 1 });
    for (const [k, v] of Object.entries({ nClusters, embeddingSize }))
      if (!Number.isInteger(v) || v < 1) throw new Error(`models.DEC: ${k} must be a positive integer, got ${v}`);
    if (!(alpha > 0)) throw new Error(`models.DEC: alpha must be > 0, got ${alpha}`);
    this.encoder = encoder;
    this.alpha = alpha;
    this.centroids = Parameter(zeros([nClusters, embeddingSize]));
  }
  /** The codes z = f(x). */
  embed(x: Tensor): Tensor {
    const z = (this.encoder as Module<[Tensor], Tensor>).forward(x);
    if (z.ndim !== 2 || z.shape[1] !== this.embeddingSize) throw new Error(`models.DEC: the encoder gave codes [${z.shape.join(", ")}], expected [N, ${this.embeddingSize}]`);
    return z;
  }
  /** The soft assignment q [N, k] of each row of x to each centroid. */
  forward(x: Tensor): Tensor {
    return softAssign(this.embed(x), this.centroids, this.alpha);
  }
  /** Sets the centroids to k-means' on the codes of x (no gradients); returns k-means' labels and inertia. */
  initCentroids(x: Tensor, opts: KMeansOptions = {}): { labels: number[]; inertia: number } {
    const z = noGrad(() => this.embed(x));
    const { centroids, labels, inertia } = kmeans(z, this.nClusters, { nInit: 10, generator: new Generator(0), ...opts });
    noGrad(() => this.centroids.assign(centroids));
    return { labels, inertia };
  }
  /** Each row's cluster: argmaxⱼ qᵢⱼ. */
  predict(x: Tensor): number[] {
    return Array.from(noGrad(() => this.forward(x).argmax(1)).dataSync(), Number);
  }
}

/**
 * DEC's loss L = KL(P ‖ Q) = Σᵢ Σⱼ pᵢⱼ log(pᵢⱼ / qᵢⱼ), averaged over the batch (Xie et al. 2016,
 * eq. 2), with the target P (default: targetDistribution of q itself) held constant (no gradient
 * through P): the self-training step that sharpens confident assignments.
 */
export function decLoss(q: Tensor, target?: Tensor): Tensor {
  if (target && target.shape.join() !== q.shape.join()) throw new Error(`models.decLoss: target [${target.shape.join(", ")}] and q [${q.shape.join(", ")}] differ in shape`);
  const p = target ?? noGrad(() => targetDistribution(q.detach()));
  return klDiv(q.clamp(1e-12, 1).log(), p, { reduction: "batchmean" });
}
