// RAdam: Adam with the variance of its adaptive learning rate rectified (a warm-up by formula).

import type { Tensor } from "../tensor.js";
import type { Args } from "../options.js";
import { zerosLike } from "../ops/creation.js";
import { checkBetas, checkNonNegative, Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface RAdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
}
type Opts = Required<RAdamOptions>;
type RAdamState = { step: number; exp_avg: Tensor; exp_avg_sq: Tensor };

/**
 * RAdam (Liu et al., 2020, "On the Variance of the Adaptive Learning Rate and Beyond", Algorithm 2).
 * Matches torch.optim.RAdam (maximize as in torch 2.x):
 * ```
 * g ← ∇θ + λθ;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  m̂ = m/(1 − β₁ᵗ)
 * ρ∞ = 2/(1 − β₂) − 1;  ρₜ = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ)
 * ρₜ > 5: r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ)),  θ ← θ − lr · m̂ · √(1 − β₂ᵗ)/(√v + ε) · r
 * else:   θ ← θ − lr · m̂
 * ```
 * State: `step`, `exp_avg` (m), `exp_avg_sq` (v).
 * @example
 * const opt = new optim.RAdam(params, { lr: 1e-3 });
 */
export class RAdam extends Optimizer<Opts, RAdamState> {
  constructor(params: Params<Opts>, ...args: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number], RAdamOptions>) {
    super(params, "RAdam", args, ["lr", "betas", "eps", "weightDecay"], { lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, maximize: false });
  }

  protected validate(g: Opts): void {
    checkNonNegative("RAdam", "lr", g.lr);
    checkNonNegative("RAdam", "eps", g.eps);
    checkBetas("RAdam", g.betas);
    checkNonNegative("RAdam", "weightDecay", g.weightDecay);
  }

  protected initState(p: Tensor): RAdamState {
    return { step: 0, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p) };
  }

  protected update(p: Tensor, g: Tensor, s: RAdamState, { lr, betas: [b1, b2], eps, weightDecay }: ParamGroup<Opts>, step: number): Tensor {
    const bc1 = 1 - b1 ** step, bc2 = 1 - b2 ** step;
    if (weightDecay !== 0) g = g.add(p.mul(weightDecay));
    s.exp_avg = s.exp_avg.mul(b1).add(g.mul(1 - b1));
    s.exp_avg_sq = s.exp_avg_sq.mul(b2).add(g.mul(g).mul(1 - b2));
    const mHat = s.exp_avg.div(bc1);
    const rhoInf = 2 / (1 - b2) - 1;
    const rhoT = rhoInf - (2 * step * b2 ** step) / bc2;
    if (rhoT <= 5) return p.sub(mHat.mul(lr));
    const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
    const adaptive = s.exp_avg_sq.sqrt().add(eps).reciprocal().mul(Math.sqrt(bc2));
    return p.sub(mHat.mul(lr).mul(adaptive).mul(rect));
  }
}
