// Adagrad and Adadelta: per-coordinate step sizes from accumulated squared gradients.

import type { Tensor } from "../tensor.js";
import type { Args } from "../options.js";
import { fullLike, zerosLike } from "../ops/creation.js";
import { checkNonNegative, checkRange, Optimizer, type ParamGroup, type ParamGroupSpec, type Params } from "./optimizer.js";

export interface AdagradOptions {
  lr?: number;
  /** The learning rate at step t is lr / (1 + (t − 1)·lrDecay). */
  lrDecay?: number;
  weightDecay?: number;
  /** Starting value of the accumulated squared gradients. */
  initialAccumulatorValue?: number;
  eps?: number;
  maximize?: boolean;
}
type AdagradOpts = Required<AdagradOptions>;
type AdagradState = { step: number; sum: Tensor };

/**
 * Adagrad (Duchi et al., 2011). Matches torch.optim.Adagrad, including its eager state: every
 * parameter gets `{ step: 0, sum: initialAccumulatorValue }` at construction.
 * ```
 * g ← ∇θ + λθ;  clr ← lr / (1 + (t − 1)·lrDecay)
 * sum ← sum + g²;  θ ← θ − clr·g / (√sum + ε)
 * ```
 * @example
 * const opt = new optim.Adagrad(params, { lr: 0.01 });
 */
export class Adagrad extends Optimizer<AdagradOpts, AdagradState> {
  constructor(params: Params<AdagradOpts>, ...args: Args<[lr: number, lrDecay: number, weightDecay: number, initialAccumulatorValue: number, eps: number], AdagradOptions>) {
    super(params, "Adagrad", args, ["lr", "lrDecay", "weightDecay", "initialAccumulatorValue", "eps"], { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false });
  }

  override addParamGroup(spec: ParamGroupSpec<AdagradOpts>): void {
    super.addParamGroup(spec);
    const group = this.paramGroups[this.paramGroups.length - 1]!;
    for (const p of group.params) this.state.set(p, this.initState(p, group));
  }

  protected validate(g: AdagradOpts): void {
    for (const k of ["lr", "lrDecay", "weightDecay", "initialAccumulatorValue", "eps"] as const) checkNonNegative("Adagrad", k, g[k]);
  }

  protected initState(p: Tensor, group: ParamGroup<AdagradOpts>): AdagradState {
    return { step: 0, sum: fullLike(p, group.initialAccumulatorValue) };
  }

  protected update(p: Tensor, g: Tensor, s: AdagradState, { lr, lrDecay, weightDecay, eps }: ParamGroup<AdagradOpts>, step: number): Tensor {
    if (weightDecay !== 0) g = g.add(p.mul(weightDecay));
    const clr = lr / (1 + (step - 1) * lrDecay);
    s.sum = s.sum.add(g.mul(g));
    return p.sub(g.div(s.sum.sqrt().add(eps)).mul(clr));
  }
}

export interface AdadeltaOptions {
  lr?: number;
  /** Decay rate of both running averages. */
  rho?: number;
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
}
type AdadeltaOpts = Required<AdadeltaOptions>;
type AdadeltaState = { step: number; square_avg: Tensor; acc_delta: Tensor };

/**
 * Adadelta (Zeiler, 2012). Matches torch.optim.Adadelta:
 * ```
 * g ← ∇θ + λθ;  v ← ρv + (1 − ρ)g²
 * Δ ← √(u + ε) / √(v + ε) · g;  u ← ρu + (1 − ρ)Δ²;  θ ← θ − lr·Δ
 * ```
 * State: `square_avg` (v), `acc_delta` (u).
 * @example
 * const opt = new optim.Adadelta(params); // lr 1.0, rho 0.9
 */
export class Adadelta extends Optimizer<AdadeltaOpts, AdadeltaState> {
  constructor(params: Params<AdadeltaOpts>, ...args: Args<[lr: number, rho: number, eps: number, weightDecay: number], AdadeltaOptions>) {
    super(params, "Adadelta", args, ["lr", "rho", "eps", "weightDecay"], { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false });
  }

  protected validate(g: AdadeltaOpts): void {
    checkNonNegative("Adadelta", "lr", g.lr);
    checkRange("Adadelta", "rho", g.rho, 0, 1);
    checkNonNegative("Adadelta", "eps", g.eps);
    checkNonNegative("Adadelta", "weightDecay", g.weightDecay);
  }

  protected initState(p: Tensor): AdadeltaState {
    return { step: 0, square_avg: zerosLike(p), acc_delta: zerosLike(p) };
  }

  protected update(p: Tensor, g: Tensor, s: AdadeltaState, { lr, rho, eps, weightDecay }: ParamGroup<AdadeltaOpts>): Tensor {
    if (weightDecay !== 0) g = g.add(p.mul(weightDecay));
    s.square_avg = s.square_avg.mul(rho).add(g.mul(g).mul(1 - rho));
    const std = s.square_avg.add(eps).sqrt();
    const delta = s.acc_delta.add(eps).sqrt().div(std).mul(g);
    s.acc_delta = s.acc_delta.mul(rho).add(delta.mul(delta).mul(1 - rho));
    return p.sub(delta.mul(lr));
  }
}
