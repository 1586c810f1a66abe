// NovoGrad: SGD momentum on gradients normalized by a per-layer (per-tensor) second moment.

import type { Tensor } from "../tensor.js";
import type { Args } from "../options.js";
import { zerosLike } from "../ops/creation.js";
import { checkBetas, checkNonNegative, Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface NovoGradOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  /** d: added to the normalized gradient, g/√(v + ε) + d·θ. */
  weightDecay?: number;
}
type Opts = Required<NovoGradOptions>;
/** `exp_avg_sq` is one number per tensor, kept as a 0-d tensor. */
type NovoGradState = { step: number; exp_avg: Tensor; exp_avg_sq: Tensor };

/**
 * NovoGrad, from Ginsburg et al. 2019, "Stochastic Gradient Methods with Layer-wise Adaptive
 * Moments for Training of Deep Networks" (arXiv:1905.11286), Algorithm 1; each parameter tensor is a
 * layer l, and the first step initializes the moments from the first gradient:
 * ```
 * t = 1:  vˡ = ‖gˡ‖²;  mˡ = gˡ/√(vˡ + ε) + d·θˡ
 * t > 1:  vˡ ← β₂vˡ + (1 − β₂)‖gˡ‖²;  mˡ ← β₁mˡ + (gˡ/√(vˡ + ε) + d·θˡ)
 * θˡ ← θˡ − lr·mˡ
 * ```
 * Not in PyTorch; parity is with a float64 transcription of Algorithm 1 (tools/fixtures/optim.py).
 * @example
 * const opt = new optim.NovoGrad(params, { lr: 0.01, weightDecay: 1e-3 });
 */
export class NovoGrad extends Optimizer<Opts, NovoGradState> {
  constructor(params: Params<Opts>, ...args: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number], NovoGradOptions>) {
    super(params, "NovoGrad", args, ["lr", "betas", "eps", "weightDecay"], { lr: 1e-3, betas: [0.95, 0.98] as [number, number], eps: 1e-8, weightDecay: 0 });
  }

  protected validate(g: Opts): void {
    checkNonNegative("NovoGrad", "lr", g.lr);
    checkNonNegative("NovoGrad", "eps", g.eps);
    checkBetas("NovoGrad", g.betas);
    checkNonNegative("NovoGrad", "weightDecay", g.weightDecay);
  }

  protected initState(p: Tensor): NovoGradState {
    return { step: 0, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p.sum()) };
  }

  protected update(p: Tensor, g: Tensor, s: NovoGradState, { lr, betas: [b1, b2], eps, weightDecay }: ParamGroup<Opts>, step: number): Tensor {
    const norm2 = g.mul(g).sum();
    s.exp_avg_sq = step === 1 ? norm2 : s.exp_avg_sq.mul(b2).add(norm2.mul(1 - b2));
    let dir = g.div(s.exp_avg_sq.add(eps).sqrt());
    if (weightDecay !== 0) dir = dir.add(p.mul(weightDecay));
    s.exp_avg = step === 1 ? dir : s.exp_avg.mul(b1).add(dir);
    return p.sub(s.exp_avg.mul(lr));
  }
}
