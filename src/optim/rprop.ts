// Rprop: resilient backpropagation, a per-element step size grown or shrunk by the gradient's sign.

import type { Tensor } from "../tensor.js";
import type { Args } from "../options.js";
import { fullLike, zerosLike } from "../ops/creation.js";
import { where } from "../ops/elementwise.js";
import { checkNonNegative, Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface RpropOptions {
  lr?: number;
  /** [η−, η+]: the step size's factors when the gradient's sign flips or stays (0 < η− < 1 < η+). */
  etas?: [number, number];
  /** [Γmin, Γmax]: the step size's bounds. */
  stepSizes?: [number, number];
  maximize?: boolean;
}
type Opts = Required<RpropOptions>;
type RpropState = { step: number; prev: Tensor; step_size: Tensor };

/**
 * Rprop (Riedmiller & Braun, 1993, "A Direct Adaptive Method for Faster Backpropagation
 * Learning: The RPROP Algorithm"), as torch 1.13's _single_tensor_rprop, per element:
 * ```
 * s ← sign(g·g_prev);  η ← min(η·η+, Γmax) if s > 0,  max(η·η−, Γmin) and g ← 0 if s < 0,  η if s = 0
 * θ ← θ − η·sign(g);  g_prev ← g
 * ```
 * (η starts at lr.) State: `step`, `prev` (g_prev), `step_size` (η), torch's names.
 * @example
 * const opt = new optim.Rprop(model.parameters(), 0.01, [0.5, 1.2], [1e-6, 50]);
 */
export class Rprop extends Optimizer<Opts, RpropState> {
  constructor(params: Params<Opts>, ...args: Args<[lr: number, etas: [number, number], stepSizes: [number, number]], RpropOptions>) {
    super(params, "Rprop", args, ["lr", "etas", "stepSizes"], { lr: 1e-2, etas: [0.5, 1.2] as [number, number], stepSizes: [1e-6, 50] as [number, number], maximize: false });
  }

  protected validate(g: Opts): void {
    checkNonNegative("Rprop", "lr", g.lr);
    const [minus, plus] = Array.isArray(g.etas) ? g.etas : [NaN, NaN];
    if (!(g.etas.length === 2 && 0 < minus && minus < 1 && 1 < plus)) throw new RangeError(`Rprop: invalid etas ${String(g.etas)}; expected [etaminus, etaplus] with 0 < etaminus < 1 < etaplus`);
    const [lo, hi] = Array.isArray(g.stepSizes) ? g.stepSizes : [NaN, NaN];
    if (!(g.stepSizes.length === 2 && 0 <= lo && lo <= hi)) throw new RangeError(`Rprop: invalid stepSizes ${String(g.stepSizes)}; expected [min, max] with 0 <= min <= max`);
  }

  protected initState(p: Tensor, group: ParamGroup<Opts>): RpropState {
    return { step: 0, prev: zerosLike(p), step_size: fullLike(p, group.lr) };
  }

  protected update(p: Tensor, g: Tensor, s: RpropState, { etas: [minus, plus], stepSizes: [lo, hi] }: ParamGroup<Opts>): Tensor {
    const product = g.mul(s.prev);
    const grew = product.gt(0), flipped = product.lt(0);
    s.step_size = where(grew, s.step_size.mul(plus), where(flipped, s.step_size.mul(minus), s.step_size)).clamp(lo, hi);
    // after a sign flip the step is skipped and the gradient forgotten, so the next step only grows or keeps η
    s.prev = where(flipped, 0, g);
    return p.sub(s.prev.sign().mul(s.step_size));
  }
}
