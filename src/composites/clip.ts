// Gradient clipping over a set of parameters: by their total norm, or elementwise by value (below
// nn and optim, which both export it: torch has it as torch.nn.utils.clip_grad_norm_).

import type { Tensor } from "../tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { zeros } from "../ops/creation.js";
import { stack } from "../ops/movement.js";
import { div } from "../ops/elementwise.js";
import { resolveArgs, type Args } from "../options.js";

/**
 * Rescales the gradients of `params` so that their total `normType`-norm (the norm of the
 * per-tensor norms) is at most `maxNorm`: every grad is multiplied by min(1, maxNorm/(total + 1e-6)).
 * Returns the total norm before clipping, as a 0-d tensor. Parameters without grad are ignored.
 * With `errorIfNonfinite`, a NaN or infinite total norm throws instead.
 * Matches torch.nn.utils.clip_grad_norm_ (the gradients are changed in place, with assign).
 * @example
 * loss.backward();
 * const total = optim.clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm(params: Iterable<Tensor> | Tensor, maxNorm: number, ...args: Args<[normType: number, errorIfNonfinite: boolean], { normType?: number; errorIfNonfinite?: boolean }>): Tensor {
  const { normType, errorIfNonfinite } = resolveArgs("clipGradNorm", args, ["normType", "errorIfNonfinite"], { normType: 2, errorIfNonfinite: false });
  const grads = [...(isIterable(params) ? params : [params])].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (!(normType > 0)) throw new RangeError(`clipGradNorm: invalid normType ${normType}; expected a positive number or Infinity`);
  return noGrad(() => {
    if (grads.length === 0) return zeros([]);
    const norms = grads.map((g) => g.norm(normType));
    const total = norms.length === 1 ? norms[0]! : stack(norms).norm(normType);
    if (errorIfNonfinite && !Number.isFinite(total.item()))
      throw new Error(`clipGradNorm: the total norm of order ${normType} of the gradients is ${total.item()}, so they cannot be clipped; pass errorIfNonfinite: false to clip anyway`);
    const coef = div(maxNorm, total.add(1e-6)).clamp(null, 1);
    for (const g of grads) g.assign(g.mul(coef));
    return total;
  });
}

/**
 * Clamps every gradient element of `params` into [−clipValue, clipValue], in place.
 * Matches torch.nn.utils.clip_grad_value_.
 * @example
 * optim.clipGradValue(model.parameters(), 0.5);
 */
export function clipGradValue(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (!(clipValue >= 0)) throw new RangeError(`clipGradValue: invalid clipValue ${clipValue}; expected clipValue >= 0`);
  noGrad(() => {
    for (const p of isIterable(params) ? params : [params]) if (p.grad) p.grad.assign(p.grad.clamp(-clipValue, clipValue));
  });
}

function isIterable(x: Iterable<Tensor> | Tensor): x is Iterable<Tensor> {
  return typeof (x as Partial<Iterable<Tensor>>)[Symbol.iterator] === "function";
}
