// AdaBelief: Adam whose second moment tracks (g − m)², the "belief" in the current gradient.

import type { Tensor } from "../tensor.js";
import type { Args } from "../options.js";
import { zerosLike } from "../ops/creation.js";
import { checkBetas, checkNonNegative, Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface AdaBeliefOptions {
  lr?: number;
  betas?: [number, number];
  /** Added inside sₜ and to its root; 1e-16 here plays the part of Adam's 1e-8 (the authors' default). */
  eps?: number;
}
type Opts = Required<AdaBeliefOptions>;
type AdaBeliefState = { step: number; exp_avg: Tensor; exp_avg_var: Tensor };

/**
 * AdaBelief, from Zhuang et al. 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief in
 * Observed Gradients" (NeurIPS), Algorithm 2, ε inside sₜ as in the paper:
 * ```
 * m ← β₁m + (1 − β₁)g
 * s ← β₂s + (1 − β₂)(g − m)² + ε
 * θ ← θ − lr · (m/(1 − β₁ᵗ)) / (√(s/(1 − β₂ᵗ)) + ε)
 * ```
 * Not in PyTorch; parity is with a float64 transcription of Algorithm 2 (tools/fixtures/optim.py).
 * @example
 * const opt = new optim.AdaBelief(params, { lr: 1e-3 });
 */
export class AdaBelief extends Optimizer<Opts, AdaBeliefState> {
  constructor(params: Params<Opts>, ...args: Args<[lr: number, betas: [number, number], eps: number], AdaBeliefOptions>) {
    super(params, "AdaBelief", args, ["lr", "betas", "eps"], { lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-16 });
  }

  protected validate(g: Opts): void {
    checkNonNegative("AdaBelief", "lr", g.lr);
    checkNonNegative("AdaBelief", "eps", g.eps);
    checkBetas("AdaBelief", g.betas);
  }

  protected initState(p: Tensor): AdaBeliefState {
    return { step: 0, exp_avg: zerosLike(p), exp_avg_var: zerosLike(p) };
  }

  protected update(p: Tensor, g: Tensor, s: AdaBeliefState, { lr, betas: [b1, b2], eps }: ParamGroup<Opts>, step: number): Tensor {
    s.exp_avg = s.exp_avg.mul(b1).add(g.mul(1 - b1));
    const residual = g.sub(s.exp_avg);
    s.exp_avg_var = s.exp_avg_var.mul(b2).add(residual.mul(residual).mul(1 - b2)).add(eps);
    const mHat = s.exp_avg.div(1 - b1 ** step);
    const sHat = s.exp_avg_var.div(1 - b2 ** step);
    return p.sub(mHat.div(sHat.sqrt().add(eps)).mul(lr));
  }
}
