// The fused scaled-dot-product attention behind F.scaledDotProductAttention and nn.MultiheadAttention
// (not part of F: callers check shapes and masks first).

import { rand } from "../../ops/creation.js";
import { applyFused } from "../../ops/fused/table.js";
import type { Generator } from "../../random.js";
import { broadcastShapes } from "../../shape.js";
import type { Tensor } from "../../tensor.js";

/**
 * [output, weights] = [(P ⊙ keep/(1 − p))·v, P] with P = softmax(q·kᵀ·scale + mask), through the
 * fused op (one kernel and one tape node). mask: null, bool (true = attend) or float (added),
 * broadcastable to the scores [..., L, S]; causal hides keys j > i. With dropoutP > 0 the keep-mask
 * is drawn as F.dropout draws it on the weights (rand(scores' shape) ≥ p, same generator), so a
 * seeded run equals the composite softmax → dropout → matmul.
 */
export function fusedAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, causal: boolean, scale: number, dropoutP = 0, generator?: Generator): [Tensor, Tensor] {
  const kind = !mask ? "none" : mask.dtype === "bool" ? "bool" : "float";
  const xs = mask ? [q, k, v, mask] : [q, k, v];
  if (dropoutP > 0) {
    const L = q.shape[q.ndim - 2]!, S = k.shape[k.ndim - 2]!;
    const qk = broadcastShapes("scaledDotProductAttention", q.shape.slice(0, -2), k.shape.slice(0, -2));
    const all = broadcastShapes("scaledDotProductAttention", qk, v.shape.slice(0, -2));
    const keep = rand([...qk, L, S], { dtype: q.dtype, device: q.device, generator }).ge(dropoutP).to(q.dtype);
    xs.push(all.length === qk.length && all.every((d, i) => d === qk[i]) ? keep : keep.expand([...all, L, S]).contiguous());
  }
  const [o, p] = applyFused("scaledDotProductAttention", xs, { scale, causal, mask: kind, dropout: dropoutP });
  return [o!, p!];
}
