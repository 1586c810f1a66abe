// Lookahead: wraps any optimizer; every k of its steps, pulls slow weights toward the fast ones.

import type { Tensor } from "../tensor.js";
import { resolveArgs, type Args } from "../options.js";
import { noGrad } from "../autograd/grad-mode.js";
import { checkRange, Optimizer, type BaseOptions, type OptimizerStateDict, type ParamGroupSpec, type ParamState } from "./optimizer.js";

export interface LookaheadOptions {
  /** Synchronization period: fast steps per slow step. */
  k?: number;
  /** Slow-weight step size. */
  alpha?: number;
}
type LookaheadState = { slow_param: Tensor };

/**
 * Lookahead, from Zhang, Lucas, Hinton & Ba 2019, "Lookahead Optimizer: k steps forward, 1 step
 * back" (NeurIPS), Algorithm 1. The wrapped optimizer moves the fast weights θ; after every k of
 * its steps the slow weights φ (starting at the initial parameters) follow and θ restarts there:
 * ```
 * φ ← φ + α(θ − φ);  θ ← φ          (every k steps; the inner optimizer's state is kept)
 * ```
 * `paramGroups` are the inner optimizer's, so LR schedulers work on either. The state dict adds
 * `slow_param` to each parameter's state and `k`, `alpha`, `lookaheadStep` to each group.
 * Not in PyTorch; parity is with the paper's algorithm around torch's SGD/Adam in float64.
 * @example
 * const opt = new optim.Lookahead(new optim.Adam(params, { lr: 1e-3 }), { k: 5, alpha: 0.5 });
 */
export class Lookahead<O extends BaseOptions = BaseOptions> extends Optimizer<O, LookaheadState> {
  readonly optimizer: Optimizer<O>;
  k: number;
  alpha: number;
  #step = 0;

  constructor(optimizer: Optimizer<O>, ...args: Args<[k: number, alpha: number], LookaheadOptions>) {
    if (!(optimizer instanceof Optimizer)) throw new TypeError("Lookahead: expected an optimizer to wrap, e.g. new Lookahead(new Adam(params))");
    super(optimizer.paramGroups.map((g) => ({ params: g.params }) as unknown as ParamGroupSpec<O>), "Lookahead", [], [], optimizer.defaults);
    const { k, alpha } = resolveArgs("optim.Lookahead", args, ["k", "alpha"], { k: 5, alpha: 0.5 });
    if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`Lookahead: invalid k ${k}; expected an integer >= 1`);
    checkRange("Lookahead", "alpha", alpha, 0, 1);
    this.optimizer = optimizer;
    this.k = k;
    this.alpha = alpha;
    this.paramGroups = optimizer.paramGroups; // one set of groups: schedulers see the inner lr
    for (const g of this.paramGroups) for (const p of g.params) this.state.set(p, this.initState(p));
  }

  protected validate(): void {}

  protected initState(p: Tensor): LookaheadState {
    return { slow_param: noGrad(() => p.clone()) };
  }

  protected update(): Tensor {
    throw new Error("Lookahead: update() is not used; step() runs the inner optimizer");
  }

  /** Adds a group to the inner optimizer and starts its slow weights. */
  override addParamGroup(spec: ParamGroupSpec<O>): void {
    if (!this.optimizer) return super.addParamGroup(spec); // during construction
    this.optimizer.addParamGroup(spec);
    for (const p of this.paramGroups[this.paramGroups.length - 1]!.params) this.state.set(p, this.initState(p));
  }

  /** One inner step; every k-th also moves the slow weights and resets the fast ones to them. */
  override step(closure?: () => Tensor): Tensor | undefined {
    const loss = this.optimizer.step(closure);
    this.#step++;
    if (this.#step % this.k !== 0) return loss;
    noGrad(() => {
      for (const g of this.paramGroups)
        for (const p of g.params) {
          const s = this.state.get(p) ?? this.initState(p);
          s.slow_param = s.slow_param.add(p.sub(s.slow_param).mul(this.alpha));
          p.assign(s.slow_param);
          this.state.set(p, s);
        }
    });
    return loss;
  }

  override stateDict(): OptimizerStateDict {
    const inner = this.optimizer.stateDict();
    const index = new Map<Tensor, number>();
    this.paramGroups.forEach((g, gi) => g.params.forEach((p, j) => index.set(p, inner.paramGroups[gi]!.params[j]!)));
    const state: Record<number, ParamState> = { ...inner.state };
    for (const [p, s] of this.state) {
      const i = index.get(p)!;
      state[i] = { ...(state[i] ?? {}), slow_param: s.slow_param };
    }
    const paramGroups = inner.paramGroups.map((g) => ({ ...g, k: this.k, alpha: this.alpha, lookaheadStep: this.#step }));
    return { state, paramGroups };
  }

  override loadStateDict(sd: OptimizerStateDict): void {
    const g0 = sd.paramGroups?.[0];
    if (!g0 || typeof g0.lookaheadStep !== "number")
      throw new Error("Lookahead.loadStateDict: expected a state dict from Lookahead.stateDict() (groups with k, alpha, lookaheadStep)");
    const paramGroups = sd.paramGroups.map(({ k: _k, alpha: _a, lookaheadStep: _s, ...rest }) => rest as OptimizerStateDict["paramGroups"][number]);
    const slow = new Map<number, Tensor>();
    const state: Record<number, ParamState> = {};
    for (const [i, s] of Object.entries(sd.state)) {
      const { slow_param, ...rest } = s;
      if (slow_param !== undefined) slow.set(Number(i), slow_param as Tensor);
      if (Object.keys(rest).length > 0) state[Number(i)] = rest;
    }
    this.optimizer.loadStateDict({ state, paramGroups });
    this.paramGroups = this.optimizer.paramGroups;
    this.k = g0.k as number;
    this.alpha = g0.alpha as number;
    this.#step = g0.lookaheadStep;
    sd.paramGroups.forEach((g, gi) =>
      g.params.forEach((idx, j) => {
        const p = this.paramGroups[gi]!.params[j]!;
        const t = slow.get(idx);
        if (t) this.state.set(p, { slow_param: t.dtype === p.dtype ? t : noGrad(() => t.to(p.dtype)) });
      }),
    );
  }
}
