// Adam and AdamW: bias-corrected first and second moment estimates, with coupled (L2) or decoupled
// weight decay and the AMSGrad variant.

import type { Storage } from "../backend/backend.js";
import type { Tensor } from "../tensor.js";
import { applyFused } from "../ops/fused/table.js";
import { zerosLike } from "../ops/creation.js";
import type { Args } from "../options.js";
import { checkBetas, checkNonNegative, Optimizer, type OptimizerStateDict, type ParamGroup, type Params } from "./optimizer.js";

export interface AdamOptions {
  lr?: number;
  /** Decay rates of the first and second moment averages. */
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  /** Keep the running maximum of the second moment (Reddi et al., 2018). */
  amsgrad?: boolean;
  /** θ ← θ·(1 − lr·λ) instead of adding λθ to the gradient (Loshchilov & Hutter, 2019); AdamW sets it. */
  decoupledWeightDecay?: boolean;
  maximize?: boolean;
}
type Opts = Required<AdamOptions>;
type AdamState = { step: number; exp_avg: Tensor; exp_avg_sq: Tensor; max_exp_avg_sq?: Tensor };

/**
 * Adam (Kingma & Ba, 2015). Matches torch.optim.Adam (and torch.optim.AdamW when
 * `decoupledWeightDecay`):
 * ```
 * g ← ∇θ (+ λθ unless decoupled; decoupled: θ ← θ·(1 − lr·λ))
 * m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  (amsgrad: v̂max ← max(v̂max, v), used for v)
 * θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
 * ```
 * State: `step`, `exp_avg` (m), `exp_avg_sq` (v), `max_exp_avg_sq` (amsgrad).
 * @example
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer<Opts, AdamState> {
  constructor(params: Params<Opts>, ...args: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number, amsgrad: boolean], AdamOptions>) {
    // AdamW is Adam with decoupled decay on by default and a larger default weightDecay, as in torch
    const w = new.target === AdamW || new.target.prototype instanceof AdamW;
    super(params, w ? "AdamW" : "Adam", args, ["lr", "betas", "eps", "weightDecay", "amsgrad"], {
      lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: w ? 1e-2 : 0, amsgrad: false, decoupledWeightDecay: w, maximize: false,
    });
  }

  protected validate(g: Opts): void {
    checkNonNegative(this.name, "lr", g.lr);
    checkNonNegative(this.name, "eps", g.eps);
    checkBetas(this.name, g.betas);
    checkNonNegative(this.name, "weightDecay", g.weightDecay);
  }

  /**
   * The fused step writes over buffers that nothing else can read: moment buffers made here (not
   * handed out by stateDict() nor loaded) that no view was taken of, and a parameter whose storage
   * is still the one the last step gave it with no other holder (Storage.holders: a view, a
   * detach(), a stateDict() or an assign() of it adds one). Anything shared gets fresh buffers, so
   * assign()'s value semantics hold: a snapshot never changes under it.
   */
  #own = new WeakSet<Tensor>();
  #param = new WeakMap<Tensor, readonly [Storage, number]>();
  #mine = (t: Tensor): boolean => this.#own.has(t) && t.storage.holders === 1;

  override stateDict(): OptimizerStateDict {
    this.#own = new WeakSet(); // the dict shares the buffers: the next step writes fresh ones
    return super.stateDict();
  }

  protected initState(p: Tensor, group: ParamGroup<Opts>): AdamState {
    const s: AdamState = { step: 0, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p) };
    this.#own.add(s.exp_avg).add(s.exp_avg_sq);
    if (group.amsgrad) s.max_exp_avg_sq = zerosLike(p);
    return s;
  }

  protected update(p: Tensor, g: Tensor, s: AdamState, group: ParamGroup<Opts>, step: number): Tensor {
    const { lr, betas: [b1, b2], eps, weightDecay, amsgrad, decoupledWeightDecay } = group;
    if (!amsgrad) {
      // one fused op (ops/fused/adam.ts): a single pass where the backend has a kernel (a measured ~5x on large parameters)
      const h = {
        beta1: b1, beta2: b2, eps, stepSize: lr / (1 - b1 ** step), bc2Sqrt: Math.sqrt(1 - b2 ** step),
        weightDecay: decoupledWeightDecay ? 0 : weightDecay, decay: decoupledWeightDecay ? 1 - lr * weightDecay : 1,
        inPlace: this.#mine(s.exp_avg) && this.#mine(s.exp_avg_sq),
        inPlaceParam: this.#param.get(p)?.[0] === p.storage && this.#param.get(p)?.[1] === p.storage.holders,
      };
      const [np, m, v] = applyFused("adamStep", [p, g, s.exp_avg, s.exp_avg_sq], h);
      this.#own.add((s.exp_avg = m!)).add((s.exp_avg_sq = v!));
      // a fresh θ′ is adopted by Optimizer.step's assign(), one more holder (its temporary tensor is the other)
      if (np !== p) this.#param.set(p, [np!.storage, (np!.storage.holders ?? 0) + 1]);
      return np!;
    }
    if (weightDecay !== 0) {
      if (decoupledWeightDecay) p = p.mul(1 - lr * weightDecay);
      else g = g.add(p.mul(weightDecay));
    }
    s.exp_avg = s.exp_avg.mul(b1).add(g.mul(1 - b1));
    s.exp_avg_sq = s.exp_avg_sq.mul(b2).add(g.mul(g).mul(1 - b2));
    const stepSize = lr / (1 - b1 ** step);
    const bc2Sqrt = Math.sqrt(1 - b2 ** step);
    // AMSGrad: the running maximum of v enters the denominator
    const v = (s.max_exp_avg_sq = (s.max_exp_avg_sq ?? zerosLike(p)).maximum(s.exp_avg_sq));
    const denom = v.sqrt().div(bc2Sqrt).add(eps);
    return p.sub(s.exp_avg.div(denom).mul(stepSize));
  }
}

/**
 * AdamW (Loshchilov & Hutter, 2019, "Decoupled Weight Decay Regularization"): Adam whose weight
 * decay shrinks the weights directly, θ ← θ·(1 − lr·λ), instead of entering the gradient. Default
 * weightDecay 1e-2. Matches torch.optim.AdamW.
 * @example
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW extends Adam {
  constructor(params: Params<Opts>, ...args: Args<[lr: number, betas: [number, number], eps: number, weightDecay: number, amsgrad: boolean], Omit<AdamOptions, "decoupledWeightDecay">>) {
    super(params, ...(args as Args<[], AdamOptions>));
  }
}
