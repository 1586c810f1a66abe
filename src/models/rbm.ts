// Restricted Boltzmann machines with binary units, trained by contrastive divergence (CD-k) or
// persistent contrastive divergence (PCD): the building block of deep belief networks.

import { noGrad } from "../autograd/grad-mode.js";
import { rand, randn, zeros } from "../ops/creation.js";
import { softplus } from "../nn/functional/activation.js";
import { Module } from "../nn/module.js";
import { Parameter } from "../nn/parameter.js";
import { checkOptionNames } from "../options.js";
import type { Generator } from "../random.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";

export interface ContrastiveDivergenceOptions {
  /** Gibbs steps of the negative phase (CD-k). */
  k?: number;
  /** Continue the negative chains from the previous call's samples (PCD, Tieleman 2008). */
  persistent?: boolean;
  generator?: Generator;
}

/** Samples Bernoulli(p) elementwise. */
export const bernoulli = (p: Tensor, generator?: Generator): Tensor => rand(p.shape, generator ? { generator } : {}).lt(p).float();

/**
 * A restricted Boltzmann machine: binary visible units v [nVisible] and hidden units h [nHidden]
 * with energy E(v, h) = −bᵀv − cᵀh − hᵀWv and p(v, h) ∝ e^{−E} (Smolensky 1986; Hinton, "A practical
 * guide to training restricted Boltzmann machines", UTML TR 2010-003). The layers are conditionally
 * independent: p(hⱼ = 1 | v) = σ(cⱼ + Wⱼ·v), p(vᵢ = 1 | h) = σ(bᵢ + W·ᵢᵀh).
 *
 * Training minimises the free energy F(v) = −bᵀv − Σⱼ softplus(cⱼ + Wⱼ·v) of the data against that of
 * samples from the model: `contrastiveDivergence` returns mean F(v_data) − mean F(v_model), whose
 * gradient is CD-k's update ΔW ∝ ⟨h vᵀ⟩_data − ⟨h vᵀ⟩_model (Hinton, "Training products of experts by
 * minimizing contrastive divergence", Neural Computation 14, 2002); with `persistent` the negative
 * chains carry over between calls (PCD: Tieleman, ICML 2008). Step any optimizer on it.
 * Parameters: `weight` [nHidden, nVisible] (N(0, 0.01²)), `vBias` [nVisible], `hBias` [nHidden].
 */
export class RBM extends Module {
  weight: Tensor;
  vBias: Tensor;
  hBias: Tensor;
  #chains: Tensor | null = null;

  constructor(readonly nVisible: number, readonly nHidden: number, { generator }: { generator?: Generator } = {}) {
    super();
    this.weight = Parameter(randn([nHidden, nVisible], generator ? { generator } : {}).mul(0.01));
    this.vBias = Parameter(zeros([nVisible]));
    this.hBias = Parameter(zeros([nHidden]));
  }

  #check(what: string, v: Tensor): void {
    if (v.ndim !== 2 || v.shape[1] !== this.nVisible) throw new Error(`RBM.${what}: expected visible units [batch, ${this.nVisible}], got ${fmtShape(v.shape)}`);
  }

  /** p(h = 1 | v) = σ(c + v Wᵀ): [B, nVisible] → [B, nHidden]. The feature map used by a DBN. */
  forward(v: Tensor): Tensor {
    this.#check("forward", v);
    return v.matmul(this.weight.t()).add(this.hBias).sigmoid();
  }

  /** p(v = 1 | h) = σ(b + h W): [B, nHidden] → [B, nVisible]. */
  visibleProbs(h: Tensor): Tensor {
    return h.matmul(this.weight).add(this.vBias).sigmoid();
  }

  /** Free energy F(v) = −bᵀv − Σⱼ softplus(cⱼ + Wⱼ·v) per row: [B, nVisible] → [B]. */
  freeEnergy(v: Tensor): Tensor {
    this.#check("freeEnergy", v);
    return v.matmul(this.vBias).neg().sub(softplus(v.matmul(this.weight.t()).add(this.hBias)).sum(-1));
  }

  /** k steps of block Gibbs sampling v → h → v, starting from v; returns the last visible sample. */
  gibbs(v: Tensor, k = 1, generator?: Generator): Tensor {
    return noGrad(() => {
      let cur = v;
      for (let i = 0; i < k; i++) cur = bernoulli(this.visibleProbs(bernoulli(this.forward(cur), generator)), generator);
      return cur;
    });
  }

  /**
   * The CD-k (or PCD-k) surrogate loss mean F(v) − mean F(ṽ), ṽ from k Gibbs steps started at the data
   * (or at the persistent chains). Its gradient is the CD update; its value is not a likelihood.
   */
  contrastiveDivergence(v: Tensor, opts: ContrastiveDivergenceOptions = {}): Tensor {
    checkOptionNames("RBM.contrastiveDivergence", opts, ["k", "persistent", "generator"]);
    const { k = 1, persistent = false, generator } = opts;
    this.#check("contrastiveDivergence", v);
    const start = persistent && this.#chains && this.#chains.shape[0] === v.shape[0] ? this.#chains : v;
    const neg = this.gibbs(start, k, generator);
    if (persistent) this.#chains = neg;
    return this.freeEnergy(v).mean().sub(this.freeEnergy(neg).mean());
  }

  /** Mean squared error of the mean-field reconstruction p(v | p(h | v)) against v. */
  reconstructionError(v: Tensor): number {
    return noGrad(() => this.visibleProbs(this.forward(v)).sub(v).square().mean().item());
  }

  override toString(): string {
    return `RBM(${this.nVisible}↔${this.nHidden})`;
  }
}
