// RMSprop: steps scaled by a running average of squared gradients, optionally centered and with momentum.

import type { Tensor } from "../tensor.js";
import type { Args } from "../options.js";
import { zerosLike } from "../ops/creation.js";
import { checkNonNegative, Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface RMSpropOptions {
  lr?: number;
  /** Smoothing constant of the squared-gradient average. */
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  /** Normalize by the estimated variance (v − ḡ²) instead of the raw second moment. */
  centered?: boolean;
  maximize?: boolean;
}
type Opts = Required<RMSpropOptions>;
type RMSpropState = { step: number; square_avg: Tensor; momentum_buffer?: Tensor; grad_avg?: Tensor };

/**
 * RMSprop (Hinton, Lecture 6e of "Neural Networks for Machine Learning"). Matches torch.optim.RMSprop:
 * ```
 * g ← ∇θ + λθ;  v ← αv + (1 − α)g²
 * if centered: ḡ ← αḡ + (1 − α)g;  d ← √(v − ḡ²) + ε   else d ← √v + ε
 * if momentum μ > 0: b ← μb + g/d;  θ ← θ − lr·b      else θ ← θ − lr·g/d
 * ```
 * State: `square_avg`, `momentum_buffer` (momentum > 0), `grad_avg` (centered).
 * @example
 * const opt = new optim.RMSprop(params, { lr: 0.01, centered: true });
 */
export class RMSprop extends Optimizer<Opts, RMSpropState> {
  constructor(params: Params<Opts>, ...args: Args<[lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, centered: boolean], RMSpropOptions>) {
    super(params, "RMSprop", args, ["lr", "alpha", "eps", "weightDecay", "momentum", "centered"], { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false });
  }

  protected validate(g: Opts): void {
    for (const k of ["lr", "eps", "momentum", "weightDecay", "alpha"] as const) checkNonNegative("RMSprop", k, g[k]);
  }

  protected initState(p: Tensor, group: ParamGroup<Opts>): RMSpropState {
    const s: RMSpropState = { step: 0, square_avg: zerosLike(p) };
    if (group.momentum > 0) s.momentum_buffer = zerosLike(p);
    if (group.centered) s.grad_avg = zerosLike(p);
    return s;
  }

  protected update(p: Tensor, g: Tensor, s: RMSpropState, { lr, alpha, eps, weightDecay, momentum, centered }: ParamGroup<Opts>): Tensor {
    if (weightDecay !== 0) g = g.add(p.mul(weightDecay));
    s.square_avg = s.square_avg.mul(alpha).add(g.mul(g).mul(1 - alpha));
    let avg: Tensor;
    if (centered) {
      s.grad_avg = (s.grad_avg ?? zerosLike(p)).mul(alpha).add(g.mul(1 - alpha));
      avg = s.square_avg.sub(s.grad_avg.mul(s.grad_avg)).sqrt();
    } else avg = s.square_avg.sqrt();
    avg = avg.add(eps);
    if (momentum > 0) {
      s.momentum_buffer = (s.momentum_buffer ?? zerosLike(p)).mul(momentum).add(g.div(avg));
      return p.sub(s.momentum_buffer.mul(lr));
    }
    return p.sub(g.div(avg).mul(lr));
  }
}
