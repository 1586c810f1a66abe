// ASGD: averaged stochastic gradient descent, SGD with a decaying rate and a running average of the
// iterates (the state's `ax`).

import type { Tensor } from "../tensor.js";
import type { Args } from "../options.js";
import { zerosLike } from "../ops/creation.js";
import { checkNonNegative, Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface ASGDOptions {
  lr?: number;
  /** The decay term λ. */
  lambd?: number;
  /** The power α of the rate's decay. */
  alpha?: number;
  /** The step after which averaging starts. */
  t0?: number;
  weightDecay?: number;
  maximize?: boolean;
}
type Opts = Required<ASGDOptions>;
type ASGDState = { step: number; eta: number; mu: number; ax: Tensor };

/**
 * ASGD (Polyak & Juditsky, 1992, "Acceleration of stochastic approximation by averaging"), as
 * torch 1.13's _single_tensor_asgd, at step t:
 * ```
 * g ← ∇θ + wd·θ;  θ ← θ·(1 − λη) − η·g
 * ax ← θ if μ = 1, else ax + μ·(θ − ax)
 * η ← lr / (1 + λ·lr·t)^α;  μ ← 1 / max(1, t − t0)
 * ```
 * η starts at lr and μ at 1; both are kept rounded to float32, as torch holds them in float32
 * tensors. State: `step`, `eta`, `mu`, `ax` (the averaged parameters), torch's names.
 * @example
 * const opt = new optim.ASGD(model.parameters(), 0.01, 1e-4, 0.75, 1e6);
 */
export class ASGD extends Optimizer<Opts, ASGDState> {
  constructor(params: Params<Opts>, ...args: Args<[lr: number, lambd: number, alpha: number, t0: number, weightDecay: number], ASGDOptions>) {
    super(params, "ASGD", args, ["lr", "lambd", "alpha", "t0", "weightDecay"], { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false });
  }

  protected validate(g: Opts): void {
    checkNonNegative("ASGD", "lr", g.lr);
    checkNonNegative("ASGD", "weightDecay", g.weightDecay);
    for (const k of ["lambd", "alpha", "t0"] as const)
      if (typeof g[k] !== "number" || Number.isNaN(g[k])) throw new TypeError(`ASGD: ${k} must be a number, got ${String(g[k])}`);
  }

  protected initState(p: Tensor, group: ParamGroup<Opts>): ASGDState {
    return { step: 0, eta: Math.fround(group.lr), mu: 1, ax: zerosLike(p) };
  }

  protected update(p: Tensor, g: Tensor, s: ASGDState, { lr, lambd, alpha, t0, weightDecay }: ParamGroup<Opts>, step: number): Tensor {
    if (weightDecay !== 0) g = g.add(p.mul(weightDecay));
    const next = p.mul(1 - lambd * s.eta).sub(g.mul(s.eta));
    s.ax = s.mu === 1 ? next.clone() : s.ax.add(next.sub(s.ax).mul(s.mu));
    s.eta = Math.fround(lr / (1 + lambd * lr * step) ** alpha);
    s.mu = Math.fround(1 / Math.max(1, step - t0));
    return next;
  }
}
