// COCOB-Backprop: learning-rate-free training by coin betting on each coordinate.

import type { Tensor } from "../tensor.js";
import type { Args } from "../options.js";
import { fullLike, zerosLike } from "../ops/creation.js";
import { checkNonNegative, Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface COCOBOptions {
  /** α: caps the bet early on, when few gradients have been seen (paper default 100). */
  alpha?: number;
  /** L₀: starting value of the per-coordinate gradient bound, so the first ratio is defined. */
  eps?: number;
}
type Opts = Required<COCOBOptions>;
type COCOBState = { step: number; initial_weight: Tensor; max_grad: Tensor; sum_abs_grad: Tensor; reward: Tensor; sum_grad: Tensor };

/**
 * COCOB-Backprop, from Orabona & Tommasi 2017, "Training Deep Networks without Learning Rates
 * Through Coin Betting" (NeurIPS), Algorithm 2. With g̃ = −∇θ the betting gradient, per coordinate:
 * ```
 * L ← max(L, |g̃|);  G ← G + |g̃|;  R ← max(R + (θ − θ₁)·g̃, 0);  Θ ← Θ + g̃
 * θ ← θ₁ + Θ / (L·max(G + L, αL)) · (L + R)
 * ```
 * There is no learning rate. Algorithm 2 starts from L₀ = 0; we start from L₀ = ε (1e-8) so that
 * a coordinate whose gradients are all 0 stays put instead of dividing 0 by 0.
 * Not in PyTorch; parity is with a float64 transcription of Algorithm 2 (tools/fixtures/optim.py).
 * @example
 * const opt = new optim.COCOB(model.parameters());
 */
export class COCOB extends Optimizer<Opts, COCOBState> {
  constructor(params: Params<Opts>, ...args: Args<[alpha: number, eps: number], COCOBOptions>) {
    super(params, "COCOB", args, ["alpha", "eps"], { alpha: 100, eps: 1e-8 });
  }

  protected validate(g: Opts): void {
    if (!(g.alpha > 0)) throw new RangeError(`COCOB: invalid alpha ${g.alpha}; expected alpha > 0`);
    checkNonNegative("COCOB", "eps", g.eps);
  }

  protected initState(p: Tensor, group: ParamGroup<Opts>): COCOBState {
    return {
      step: 0, initial_weight: p.clone(), max_grad: fullLike(p, group.eps),
      sum_abs_grad: zerosLike(p), reward: zerosLike(p), sum_grad: zerosLike(p),
    };
  }

  protected update(p: Tensor, grad: Tensor, s: COCOBState, { alpha }: ParamGroup<Opts>): Tensor {
    const g = grad.neg();
    const absG = g.abs();
    s.max_grad = s.max_grad.maximum(absG);
    s.sum_abs_grad = s.sum_abs_grad.add(absG);
    s.reward = s.reward.add(p.sub(s.initial_weight).mul(g)).relu();
    s.sum_grad = s.sum_grad.add(g);
    const L = s.max_grad;
    const scale = L.mul(s.sum_abs_grad.add(L).maximum(L.mul(alpha)));
    return s.initial_weight.add(s.sum_grad.div(scale).mul(L.add(s.reward)));
  }
}
