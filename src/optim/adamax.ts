// Adamax: Adam with the infinity norm in place of the second moment.

import type { Tensor } from "../tensor.js";
import type { Args } from "../options.js";
import { zerosLike } from "../ops/creation.js";
import { checkBetas, checkNonNegative, Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface AdamaxOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
}
type Opts = Required<AdamaxOptions>;
type AdamaxState = { step: number; exp_avg: Tensor; exp_inf: Tensor };

/**
 * Adamax (Kingma & Ba, 2015, §7.1). Matches torch.optim.Adamax:
 * ```
 * g ← ∇θ + λθ;  m ← β₁m + (1 − β₁)g;  u ← max(β₂u, |g| + ε)
 * θ ← θ − lr/(1 − β₁ᵗ) · m / u
 * ```
 * State: `step`, `exp_avg` (m), `exp_inf` (u).
 * @example
 * const opt = new optim.Adamax(params, { lr: 2e-3 });
 */
export class Adamax extends Optimizer<Opts, AdamaxState> {
  constructor(params: Params<Opts>, ...args: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number], AdamaxOptions>) {
    super(params, "Adamax", args, ["lr", "betas", "eps", "weightDecay"], { lr: 2e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, maximize: false });
  }

  protected validate(g: Opts): void {
    checkNonNegative("Adamax", "lr", g.lr);
    checkNonNegative("Adamax", "eps", g.eps);
    checkBetas("Adamax", g.betas);
    checkNonNegative("Adamax", "weightDecay", g.weightDecay);
  }

  protected initState(p: Tensor): AdamaxState {
    return { step: 0, exp_avg: zerosLike(p), exp_inf: zerosLike(p) };
  }

  protected update(p: Tensor, g: Tensor, s: AdamaxState, { lr, betas: [b1, b2], eps, weightDecay }: ParamGroup<Opts>, step: number): Tensor {
    if (weightDecay !== 0) g = g.add(p.mul(weightDecay));
    s.exp_avg = s.exp_avg.mul(b1).add(g.mul(1 - b1));
    s.exp_inf = s.exp_inf.mul(b2).maximum(g.abs().add(eps));
    const clr = lr / (1 - b1 ** step);
    return p.sub(s.exp_avg.div(s.exp_inf).mul(clr));
  }
}
