// Attention as functions (torch.nn.functional style): score functions (dot product, scaled dot
// product, cosine, additive), the read-out, scaled_dot_product_attention and linear attention.

import { full } from "../../ops/creation.js";
import { promoteTypes } from "../../dtype.js";
import { resolveArgs, type Args } from "../../options.js";
import type { Generator } from "../../random.js";
import { broadcastShapes, fmtShape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";
import { elu } from "./activation.js";
import { dropout } from "./layers.js";
import { fusedAttention } from "./sdpa.js";

function need(where: string, cond: boolean, msg: string): void {
  if (!cond) throw new Error(`${where}: ${msg}`);
}

function checkQK(where: string, q: Tensor, k: Tensor): void {
  need(where, q.ndim >= 2 && k.ndim >= 2, `query and key need at least 2 dims [..., L, E], got ${fmtShape(q.shape)} and ${fmtShape(k.shape)}`);
  need(where, q.shape[q.ndim - 1] === k.shape[k.ndim - 1], `query ${fmtShape(q.shape)} and key ${fmtShape(k.shape)} differ in the last (feature) dim`);
}

/** Dot-product (Luong) scores q·kᵀ: query [..., L, E], key [..., S, E] → [..., L, S] (Luong et al., 2015). */
export function dotProductScores(query: Tensor, key: Tensor, ...args: Args<[], Record<never, never>>): Tensor {
  resolveArgs("F.dotProductScores", args, [], {});
  checkQK("dotProductScores", query, key);
  return query.matmul(key.mT);
}

/**
 * Scaled dot-product scores q·kᵀ·scale with scale = 1/√E by default (Vaswani et al., 2017): the
 * scaling keeps the variance of the scores near 1 for unit-variance q and k, so softmax does not saturate.
 */
export function scaledDotProductScores(query: Tensor, key: Tensor, ...args: Args<[], { scale?: number | null }>): Tensor {
  const { scale } = resolveArgs("F.scaledDotProductScores", args, [], { scale: null as number | null });
  checkQK("scaledDotProductScores", query, key);
  return query.matmul(key.mT).mul(scale ?? 1 / Math.sqrt(query.shape[query.ndim - 1]!));
}

/** Cosine scores qᵢ·kⱼ / (max(‖qᵢ‖, ε)·max(‖kⱼ‖, ε)) in [−1, 1] (Graves et al., 2014, content addressing). */
export function cosineScores(query: Tensor, key: Tensor, ...args: Args<[], { eps?: number }>): Tensor {
  const { eps } = resolveArgs("F.cosineScores", args, [], { eps: 1e-8 });
  checkQK("cosineScores", query, key);
  const qn = query.div(query.norm(2, -1, true).clamp(eps));
  const kn = key.div(key.norm(2, -1, true).clamp(eps));
  return qn.matmul(kn.mT);
}

/**
 * Additive (Bahdanau) scores vᵀ·tanh(W_q·qᵢ + W_k·kⱼ) (Bahdanau et al., 2015, eq. 6 of their
 * appendix): query [..., L, Eq], key [..., S, Ek], wQuery [A, Eq], wKey [A, Ek], v [A] → [..., L, S].
 */
export function additiveScores(query: Tensor, key: Tensor, wQuery: Tensor, wKey: Tensor, v: Tensor, ...args: Args<[], Record<never, never>>): Tensor {
  resolveArgs("F.additiveScores", args, [], {});
  const where = "additiveScores";
  need(where, query.ndim >= 2 && key.ndim >= 2, `query and key need at least 2 dims, got ${fmtShape(query.shape)} and ${fmtShape(key.shape)}`);
  need(where, wQuery.ndim === 2 && wQuery.shape[1] === query.shape[query.ndim - 1], `wQuery must be [A, ${query.shape[query.ndim - 1]}], got ${fmtShape(wQuery.shape)}`);
  need(where, wKey.ndim === 2 && wKey.shape[1] === key.shape[key.ndim - 1] && wKey.shape[0] === wQuery.shape[0], `wKey must be [${wQuery.shape[0]}, ${key.shape[key.ndim - 1]}], got ${fmtShape(wKey.shape)}`);
  need(where, v.ndim === 1 && v.shape[0] === wQuery.shape[0], `v must be [${wQuery.shape[0]}], got ${fmtShape(v.shape)}`);
  const pq = query.matmul(wQuery.mT).unsqueeze(-2); // [..., L, 1, A]
  const pk = key.matmul(wKey.mT).unsqueeze(-3); // [..., 1, S, A]
  return pq.add(pk).tanh().matmul(v.unsqueeze(-1)).squeeze(-1);
}

/** A causal mask [L, S] (true = may attend): position i sees keys j ≤ i (torch's tril alignment). */
export function causalMask(L: number, S: number = L, device?: string, ...args: Args<[], Record<never, never>>): Tensor {
  resolveArgs("F.causalMask", args, [], {});
  return full([L, S], 1, { dtype: "bool", device }).tril(0);
}

/**
 * Turns an attention mask into an additive bias for scores of shape `scoresShape`: a bool mask
 * (true = attend) becomes 0 / −∞, a float mask is added as is. Throws, naming `where`, when the mask
 * has another dtype or does not broadcast to the scores.
 */
export function maskToBias(where: string, mask: Tensor, scoresShape: readonly number[], dtype: Tensor["dtype"], ...args: Args<[], Record<never, never>>): Tensor {
  resolveArgs("F.maskToBias", args, [], {});
  checkMask(where, mask, scoresShape, dtype);
  if (mask.dtype !== "bool") return mask;
  return full(mask.shape, 0, { dtype, device: mask.backend.name }).maskedFill(mask.logicalNot(), -Infinity);
}

function checkMask(where: string, mask: Tensor, scoresShape: readonly number[], dtype: Tensor["dtype"]): void {
  need(where, mask.dtype === "bool" || mask.dtype === dtype, `attention mask must be bool (true = attend) or ${dtype} (added to the scores), got ${mask.dtype} with shape ${fmtShape(mask.shape)}`);
  let ok = mask.ndim <= scoresShape.length;
  if (ok) {
    try {
      ok = broadcastShapes(where, mask.shape, scoresShape).every((d, i) => d === scoresShape[i]);
    } catch {
      ok = false;
    }
  }
  need(where, ok, `attention mask ${fmtShape(mask.shape)} does not broadcast to the attention scores ${fmtShape(scoresShape)} ([..., L, S])`);
}

export interface AttendOptions {
  /** bool (true = attend) or float (added) mask broadcastable to the scores [..., L, S]. */
  mask?: Tensor | null;
  /** Hide keys after each query (key j > query i). */
  causal?: boolean;
  dropoutP?: number;
  generator?: Generator;
}

/**
 * The read-out: weights = softmax(scores + mask bias) over the keys, output = weights·value.
 * scores [..., L, S], value [..., S, Ev] → [output [..., L, Ev], weights [..., L, S]]. Dropout (if
 * dropoutP > 0) is applied to the weights, as in torch. A row whose keys are all masked gives NaN, as in torch.
 */
export function attend(scores: Tensor, value: Tensor, ...args: Args<[], AttendOptions>): [Tensor, Tensor] {
  const { mask, causal, dropoutP = 0, generator } = resolveArgs<AttendOptions>("F.attend", args, [], { mask: null, causal: false, dropoutP: 0, generator: undefined });
  const where = "attend";
  need(where, value.ndim >= 2 && value.shape[value.ndim - 2] === scores.shape[scores.ndim - 1], `value ${fmtShape(value.shape)} must have as many rows as there are keys in the scores ${fmtShape(scores.shape)}`);
  let s = scores;
  const L = scores.shape[scores.ndim - 2]!, S = scores.shape[scores.ndim - 1]!;
  if (causal) s = s.maskedFill(causalMask(L, S, scores.backend.name).logicalNot(), -Infinity);
  if (mask) s = s.add(maskToBias(where, mask, scores.shape, scores.dtype));
  let w = s.softmax(-1);
  const weights = w;
  if (dropoutP > 0) w = dropout(w, { p: dropoutP, training: true, generator });
  return [w.matmul(value), weights];
}

export interface SdpaOptions {
  attnMask?: Tensor | null;
  dropoutP?: number;
  isCausal?: boolean;
  /** Score scale; 1/√E (E = query's last dim) when null. */
  scale?: number | null;
  /** Random source for the dropout mask. */
  generator?: Generator;
}

/**
 * softmax(q·kᵀ·scale + bias)·v with torch 2.x semantics (torch.nn.functional.scaled_dot_product_attention):
 * query [..., L, E], key [..., S, E], value [..., S, Ev] → [..., L, Ev]; attnMask bool (true = take
 * part in attention) or float (added to the scores), broadcastable to [..., L, S]; isCausal masks
 * keys j > i (it cannot be combined with attnMask, as in torch); dropoutP is applied to the weights
 * whenever it is > 0 (pass 0 in eval mode, as torch expects). Runs as one fused op (src/ops/fused/attention.ts:
 * one wasm kernel each way, or two batched GEMMs around one host pass; dropout inside it, drawn as F.dropout draws).
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, ...args: Args<[attnMask: Tensor | null, dropoutP: number, isCausal: boolean], SdpaOptions>): Tensor {
  const where = "scaledDotProductAttention";
  const o = resolveArgs<SdpaOptions>(`F.${where}`, args, ["attnMask", "dropoutP", "isCausal"], { attnMask: null, dropoutP: 0, isCausal: false, scale: null, generator: undefined });
  checkQK(where, query, key);
  need(where, value.ndim >= 2 && value.shape[value.ndim - 2] === key.shape[key.ndim - 2], `key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must have the same number of keys S (dim −2)`);
  need(where, !(o.isCausal && o.attnMask), "attnMask and isCausal cannot both be set (as in torch)");
  need(where, o.dropoutP! >= 0 && o.dropoutP! < 1, `dropoutP must be in [0, 1), got ${o.dropoutP}`);
  const L = query.shape[query.ndim - 2]!, S = key.shape[key.ndim - 2]!;
  const batch = broadcastShapes(where, broadcastShapes(where, query.shape.slice(0, -2), key.shape.slice(0, -2)), value.shape.slice(0, -2));
  if (o.attnMask) checkMask(where, o.attnMask, [...batch, L, S], promoteTypes(query.dtype, key.dtype));
  const scale = o.scale ?? 1 / Math.sqrt(query.shape[query.ndim - 1]!);
  return fusedAttention(query, key, value, o.attnMask ?? null, o.isCausal!, scale, o.dropoutP, o.generator)[0];
}

/** The positive feature map of linear attention: φ(x) = elu(x) + 1 (Katharopoulos et al., 2020, eq. 7). */
export function eluFeatureMap(x: Tensor, ...args: Args<[], Record<never, never>>): Tensor {
  resolveArgs("F.eluFeatureMap", args, [], {});
  return elu(x).add(1);
}

/**
 * Linear attention ("Transformers are RNNs", Katharopoulos et al., 2020, eq. 5-6): with φ = elu + 1,
 * outᵢ = φ(qᵢ)ᵀ·Σⱼ φ(kⱼ)vⱼᵀ / (φ(qᵢ)ᵀ·Σⱼ φ(kⱼ) + ε): O(N) in the sequence length instead of
 * softmax's O(N²). Causal: the sums run over j ≤ i (eq. 8-9, the RNN form), computed with cumsum.
 * query [..., L, E], key [..., S, E], value [..., S, M] → [..., L, M].
 */
export function linearAttention(query: Tensor, key: Tensor, value: Tensor, ...args: Args<[], { causal?: boolean; eps?: number }>): Tensor {
  const { causal, eps } = resolveArgs("F.linearAttention", args, [], { causal: false, eps: 1e-6 });
  const where = "linearAttention";
  checkQK(where, query, key);
  need(where, value.ndim >= 2 && value.shape[value.ndim - 2] === key.shape[key.ndim - 2], `key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must have the same number of keys`);
  const q = eluFeatureMap(query), k = eluFeatureMap(key);
  if (!causal) {
    const kv = k.mT.matmul(value); // [..., E, M] = Σⱼ φ(kⱼ)vⱼᵀ
    const z = k.sum(-2, true); // [..., 1, E] = Σⱼ φ(kⱼ)
    const den = q.mul(z).sum(-1, true).add(eps); // [..., L, 1]
    return q.matmul(kv).div(den);
  }
  need(where, query.shape[query.ndim - 2] === key.shape[key.ndim - 2], `causal linear attention needs L = S, got query ${fmtShape(query.shape)} and key ${fmtShape(key.shape)}`);
  const s = k.unsqueeze(-1).mul(value.unsqueeze(-2)).cumsum(-3); // [..., L, E, M]: Sᵢ = Σ_{j≤i} φ(kⱼ)vⱼᵀ
  const z = k.cumsum(-2); // [..., L, E]: Zᵢ = Σ_{j≤i} φ(kⱼ)
  const num = q.unsqueeze(-2).matmul(s).squeeze(-2); // [..., L, M]
  const den = q.mul(z).sum(-1, true).add(eps);
  return num.div(den);
}
