// Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (torch.optim.SGD).

import type { Tensor } from "../tensor.js";
import type { Args } from "../options.js";
import { checkNonNegative, Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface SGDOptions {
  /** Learning rate (required, as in torch). */
  lr: number;
  momentum?: number;
  dampening?: number;
  /** L2 penalty added to the gradient. */
  weightDecay?: number;
  nesterov?: boolean;
  /** Ascend the objective instead of descending. */
  maximize?: boolean;
}
type Opts = Required<SGDOptions>;
type SGDState = { momentum_buffer?: Tensor };

/**
 * Stochastic gradient descent, optionally with (Nesterov) momentum. Matches torch.optim.SGD:
 * ```
 * g ← ∇θ (−∇θ if maximize);  g ← g + λθ                       (weightDecay λ)
 * b ← g on the first step, else μb + (1 − τ)g                 (momentum μ, dampening τ)
 * g ← g + μb if nesterov else b                                (when μ ≠ 0)
 * θ ← θ − lr·g
 * ```
 * State per parameter: `momentum_buffer` (when momentum ≠ 0).
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer<Opts, SGDState> {
  constructor(params: Params<Opts>, ...args: Args<[lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean], Partial<SGDOptions>>) {
    // lr has no default (torch 1.13); validate() names it when missing
    super(params, "SGD", args, ["lr", "momentum", "dampening", "weightDecay", "nesterov"], {
      lr: undefined as unknown as number, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false,
    });
  }

  protected validate(g: Opts): void {
    if (g.lr === undefined) throw new Error("SGD: lr is required (torch.optim.SGD has no default learning rate)");
    checkNonNegative("SGD", "lr", g.lr);
    checkNonNegative("SGD", "momentum", g.momentum);
    checkNonNegative("SGD", "weightDecay", g.weightDecay);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0))
      throw new Error(`SGD: Nesterov momentum requires a momentum and zero dampening, got momentum ${g.momentum} and dampening ${g.dampening}`);
  }

  protected initState(): SGDState {
    return {};
  }

  protected update(p: Tensor, g: Tensor, s: SGDState, { lr, momentum, dampening, weightDecay, nesterov }: ParamGroup<Opts>): Tensor {
    if (weightDecay !== 0) g = g.add(p.mul(weightDecay));
    if (momentum !== 0) {
      // the first buffer is a copy of g, as in torch: g may be p.grad itself, which zeroGrad and clipping change
      s.momentum_buffer = s.momentum_buffer ? s.momentum_buffer.mul(momentum).add(g.mul(1 - dampening)) : g.clone();
      g = nesterov ? g.add(s.momentum_buffer.mul(momentum)) : s.momentum_buffer;
    }
    return p.sub(g.mul(lr));
  }
}
