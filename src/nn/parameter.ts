// Marks which tensors are a module's learnable parameters and which are buffers (state that is
// saved but not trained, like BatchNorm's running statistics). A tensor keeps its mark when
// optimizers assign() new values to it.

import type { Tensor } from "../tensor.js";
import { resolveArgs, type Args } from "../options.js";

const parameters = new WeakSet<Tensor>();
const buffers = new WeakMap<Tensor, { persistent: boolean }>();

/** Marks `t` as a learnable parameter (and makes it require grad), like torch.nn.Parameter. */
export function Parameter(t: Tensor, ...args: Args<[requiresGrad: boolean], { requiresGrad?: boolean }>): Tensor {
  const { requiresGrad } = resolveArgs("nn.Parameter", args, ["requiresGrad"], { requiresGrad: true });
  if (t.gradFn) t = t.detach();
  t.requiresGrad = requiresGrad;
  parameters.add(t);
  return t;
}

/** Marks `t` as a buffer; persistent buffers appear in stateDict() (torch's register_buffer). */
export function Buffer(t: Tensor, ...args: Args<[persistent: boolean], { persistent?: boolean }>): Tensor {
  const { persistent } = resolveArgs("nn.Buffer", args, ["persistent"], { persistent: true });
  if (t.gradFn) t = t.detach();
  buffers.set(t, { persistent });
  return t;
}

export const isParameter = (t: Tensor): boolean => parameters.has(t);
export const bufferInfo = (t: Tensor): { persistent: boolean } | undefined => buffers.get(t);
