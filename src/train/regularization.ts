// Parameter penalties added to the objective (deck 004, "Parameter Penalty"):
//   L1: J̃(w) = J(w) + α‖w‖₁          (gradient α·sign(w) + ∇J)
//   L2: J̃(w) = J(w) + ½α‖w‖₂²        (update w ← (1 − εα)w − ε∇J)

import type { Tensor } from "../tensor.js";

export interface Regularization {
  /** α of the L1 penalty α‖w‖₁. */
  l1?: number;
  /** α of the L2 penalty ½α‖w‖₂². */
  l2?: number;
}

/**
 * The penalty for `params` (a 0-d tensor), or null when both coefficients are 0. Unlike optimizer
 * weight decay, it is part of the loss, so it shows in the logged loss and in gradients of any
 * optimizer the same way.
 */
export function penalty(params: readonly Tensor[], { l1 = 0, l2 = 0 }: Regularization): Tensor | null {
  if (!(l1 >= 0 && l2 >= 0 && Number.isFinite(l1) && Number.isFinite(l2))) throw new Error(`regularization: coefficients must be finite and non-negative, got l1=${l1}, l2=${l2}`);
  let total: Tensor | null = null;
  for (const w of params) {
    if (l1) total = total ? total.add(w.abs().sum().mul(l1)) : w.abs().sum().mul(l1);
    if (l2) total = total ? total.add(w.square().sum().mul(l2 / 2)) : w.square().sum().mul(l2 / 2);
  }
  return total;
}
