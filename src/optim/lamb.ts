// LAMB: Adam's direction rescaled per layer by a trust ratio ‖θ‖/‖r‖ (large-batch training).

import type { Tensor } from "../tensor.js";
import type { Args } from "../options.js";
import { zerosLike } from "../ops/creation.js";
import { checkBetas, checkNonNegative, Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface LAMBOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  /** λ: added to the Adam ratio before the trust ratio, r + λθ. */
  weightDecay?: number;
}
type Opts = Required<LAMBOptions>;
type LAMBState = { step: number; exp_avg: Tensor; exp_avg_sq: Tensor };

/**
 * LAMB, from You et al. 2020, "Large Batch Optimization for Deep Learning: Training BERT in 76
 * minutes" (ICLR), Algorithm 2, with φ the identity and each parameter tensor a layer:
 * ```
 * m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  m̂ = m/(1 − β₁ᵗ);  v̂ = v/(1 − β₂ᵗ)
 * r = m̂/(√v̂ + ε) + λθ
 * θ ← θ − lr · ‖θ‖/‖r‖ · r          (the trust ratio is 1 when ‖θ‖ or ‖r‖ is 0)
 * ```
 * Not in PyTorch; parity is with a float64 transcription of Algorithm 2 (tools/fixtures/optim.py).
 * @example
 * const opt = new optim.LAMB(params, { lr: 1e-3, weightDecay: 0.01 });
 */
export class LAMB extends Optimizer<Opts, LAMBState> {
  constructor(params: Params<Opts>, ...args: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number], LAMBOptions>) {
    super(params, "LAMB", args, ["lr", "betas", "eps", "weightDecay"], { lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-6, weightDecay: 0 });
  }

  protected validate(g: Opts): void {
    checkNonNegative("LAMB", "lr", g.lr);
    checkNonNegative("LAMB", "eps", g.eps);
    checkBetas("LAMB", g.betas);
    checkNonNegative("LAMB", "weightDecay", g.weightDecay);
  }

  protected initState(p: Tensor): LAMBState {
    return { step: 0, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p) };
  }

  protected update(p: Tensor, g: Tensor, s: LAMBState, { lr, betas: [b1, b2], eps, weightDecay }: ParamGroup<Opts>, step: number): Tensor {
    s.exp_avg = s.exp_avg.mul(b1).add(g.mul(1 - b1));
    s.exp_avg_sq = s.exp_avg_sq.mul(b2).add(g.mul(g).mul(1 - b2));
    const mHat = s.exp_avg.div(1 - b1 ** step);
    const vHat = s.exp_avg_sq.div(1 - b2 ** step);
    let r = mHat.div(vHat.sqrt().add(eps));
    if (weightDecay !== 0) r = r.add(p.mul(weightDecay));
    const wNorm = p.norm(), rNorm = r.norm();
    // Stays a 0-d tensor (no host read); where() picks 1 where a norm is 0 and the ratio is 0/0 or x/0.
    const trust = wNorm.div(rNorm).where(wNorm.gt(0).logicalAnd(rNorm.gt(0)), 1);
    return p.sub(r.mul(trust).mul(lr));
  }
}
