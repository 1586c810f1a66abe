// NAdam: Adam with Nesterov momentum and Dozat's momentum-decay schedule.

import type { Tensor } from "../tensor.js";
import type { Args } from "../options.js";
import { zerosLike } from "../ops/creation.js";
import { checkBetas, checkNonNegative, Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface NAdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  /** ψ in μₜ = β₁(1 − ½·0.96^(tψ)). */
  momentumDecay?: number;
  /** θ ← θ·(1 − lr·λ) instead of adding λθ to the gradient (NAdamW). */
  decoupledWeightDecay?: boolean;
  maximize?: boolean;
}
type Opts = Required<NAdamOptions>;
type NAdamState = { step: number; mu_product: number; exp_avg: Tensor; exp_avg_sq: Tensor };

/**
 * NAdam (Dozat, 2016, "Incorporating Nesterov Momentum into Adam"). Matches torch.optim.NAdam as of
 * torch 2.x (torch 1.13 multiplied μₜ into the next product twice; 2.x fixed it and added
 * `decoupledWeightDecay` and `maximize`):
 * ```
 * μₜ = β₁(1 − ½·0.96^(tψ));  Πₜ = Πₜ₋₁·μₜ
 * m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  d ← √(v/(1 − β₂ᵗ)) + ε
 * θ ← θ − lr(1 − μₜ)/(1 − Πₜ) · g/d − lr·μₜ₊₁/(1 − Πₜμₜ₊₁) · m/d
 * ```
 * State: `step`, `mu_product` (Πₜ, kept in the parameter's precision as torch keeps it in a tensor),
 * `exp_avg`, `exp_avg_sq`.
 * @example
 * const opt = new optim.NAdam(params, { lr: 2e-3 });
 */
export class NAdam extends Optimizer<Opts, NAdamState> {
  constructor(params: Params<Opts>, ...args: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number, momentumDecay: number], NAdamOptions>) {
    super(params, "NAdam", args, ["lr", "betas", "eps", "weightDecay", "momentumDecay"], { lr: 2e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false });
  }

  protected validate(g: Opts): void {
    checkNonNegative("NAdam", "lr", g.lr);
    checkNonNegative("NAdam", "eps", g.eps);
    checkBetas("NAdam", g.betas);
    checkNonNegative("NAdam", "weightDecay", g.weightDecay);
    checkNonNegative("NAdam", "momentumDecay", g.momentumDecay);
  }

  protected initState(p: Tensor): NAdamState {
    return { step: 0, mu_product: 1, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p) };
  }

  protected update(p: Tensor, g: Tensor, s: NAdamState, group: ParamGroup<Opts>, step: number): Tensor {
    const { lr, betas: [b1, b2], eps, weightDecay, momentumDecay, decoupledWeightDecay } = group;
    // torch holds mu_product in a float32 tensor for float32 parameters; round the same way.
    const round = p.dtype === "float32" ? Math.fround : (x: number) => x;
    if (weightDecay !== 0) {
      if (decoupledWeightDecay) p = p.mul(1 - lr * weightDecay);
      else g = g.add(p.mul(weightDecay));
    }
    const mu = b1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
    const muNext = b1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
    s.mu_product = round(s.mu_product * mu);
    const muProductNext = s.mu_product * muNext;
    s.exp_avg = s.exp_avg.mul(b1).add(g.mul(1 - b1));
    s.exp_avg_sq = s.exp_avg_sq.mul(b2).add(g.mul(g).mul(1 - b2));
    const denom = s.exp_avg_sq.div(1 - b2 ** step).sqrt().add(eps);
    return p
      .sub(g.div(denom).mul((lr * (1 - mu)) / (1 - s.mu_product)))
      .sub(s.exp_avg.div(denom).mul((lr * muNext) / (1 - muProductNext)));
  }
}
