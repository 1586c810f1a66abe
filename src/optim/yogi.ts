// Yogi: Adam whose second moment moves additively, v ← v − (1 − β₂)·sign(v − g²)·g².

import type { Tensor } from "../tensor.js";
import type { Args } from "../options.js";
import { fullLike, zerosLike } from "../ops/creation.js";
import { checkBetas, checkNonNegative, Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface YogiOptions {
  lr?: number;
  betas?: [number, number];
  /** The paper recommends 1e-3 (larger than Adam's). */
  eps?: number;
  /** v₀ (0 in Algorithm 2). */
  initialAccumulatorValue?: number;
}
type Opts = Required<YogiOptions>;
type YogiState = { step: number; exp_avg: Tensor; exp_avg_sq: Tensor };

/**
 * Yogi, from Zaheer et al. 2018, "Adaptive Methods for Nonconvex Optimization" (NeurIPS),
 * Algorithm 2 (no bias correction, m₀ = v₀ = 0), with the paper's defaults lr 1e-2, ε 1e-3:
 * ```
 * m ← β₁m + (1 − β₁)g
 * v ← v − (1 − β₂)·sign(v − g²)·g²
 * θ ← θ − lr · m/(√v + ε)
 * ```
 * Not in PyTorch; parity is with a float64 transcription of Algorithm 2 (tools/fixtures/optim.py).
 * @example
 * const opt = new optim.Yogi(params, { lr: 1e-2 });
 */
export class Yogi extends Optimizer<Opts, YogiState> {
  constructor(params: Params<Opts>, ...args: Args<[lr: number, betas: [number, number], eps: number, initialAccumulatorValue: number], YogiOptions>) {
    super(params, "Yogi", args, ["lr", "betas", "eps", "initialAccumulatorValue"], { lr: 1e-2, betas: [0.9, 0.999] as [number, number], eps: 1e-3, initialAccumulatorValue: 0 });
  }

  protected validate(g: Opts): void {
    checkNonNegative("Yogi", "lr", g.lr);
    checkNonNegative("Yogi", "eps", g.eps);
    checkBetas("Yogi", g.betas);
    checkNonNegative("Yogi", "initialAccumulatorValue", g.initialAccumulatorValue);
  }

  protected initState(p: Tensor, group: ParamGroup<Opts>): YogiState {
    return { step: 0, exp_avg: zerosLike(p), exp_avg_sq: fullLike(p, group.initialAccumulatorValue) };
  }

  protected update(p: Tensor, g: Tensor, s: YogiState, { lr, betas: [b1, b2], eps }: ParamGroup<Opts>): Tensor {
    const g2 = g.mul(g);
    s.exp_avg = s.exp_avg.mul(b1).add(g.mul(1 - b1));
    s.exp_avg_sq = s.exp_avg_sq.sub(s.exp_avg_sq.sub(g2).sign().mul(g2).mul(1 - b2));
    return p.sub(s.exp_avg.div(s.exp_avg_sq.sqrt().add(eps)).mul(lr));
  }
}
