// The fused scaled-dot-product attention behind F.scaledDotProductAttention and nn.MultiheadAttention
// (not part of F: callers check shapes and masks first).

import { applyFused } from "../../ops/fused/table.js";
import type { Tensor } from "../../tensor.js";

/**
 * [output, weights] = [P·v, P] with P = softmax(q·kᵀ·scale + mask), through the fused op (one
 * kernel and one tape node). mask: null, bool (true = attend) or float (added), broadcastable to
 * the scores [..., L, S]; causal hides keys j > i.
 */
export function fusedAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, causal: boolean, scale: number): [Tensor, Tensor] {
  const kind = !mask ? "none" : mask.dtype === "bool" ? "bool" : "float";
  const [o, p] = applyFused("scaledDotProductAttention", mask ? [q, k, v, mask] : [q, k, v], { scale, causal, mask: kind });
  return [o!, p!];
}
