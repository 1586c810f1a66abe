// Scaled dot-product attention as one fused op: on wasm one SIMD kernel per (batch, head) matrix
// for scores, mask, softmax, dropout and read-out, and one for the backward (wasm/attention.ts);
// elsewhere two batched GEMMs around one host pass. The rule's formula is the oracle of both.

import { isGradEnabled } from "../../autograd/grad-mode.js";
import { attentionBackwardJob, attentionForwardJob, attentionKernels, causalBelow, sideBySide, type AttentionGeometry } from "../../backend/wasm/attention-jobs.js";
import { broadcastShapes } from "../../shape.js";
import { Tensor } from "../../tensor.js";
import { full } from "../creation.js";
import { matmul } from "../linalg.js";
import { sumTo } from "../movement.js";
import type { FusedDef, FusedKernel } from "./def.js";
import { fresh } from "./conv-host.js";
import { softmaxRef } from "./softmax.js";

/**
 * mask: how inputs[3] reads: absent, bool (true = attend) or float (added to the scores); dropout:
 * p of the weights' dropout, whose keep-mask (0/1 in q's dtype, [...B, L, S]) is the last input.
 */
export type SdpaAttrs = { scale: number; causal: boolean; mask: "none" | "bool" | "float"; dropout: number };

/**
 * Outputs [O, P] for q [...B, L, E], k [...B, S, E], v [...B, S, Ev] and a mask broadcastable to
 * [...B, L, S]: P = softmax(q·kᵀ·scale + mask) over the keys, O = (P ⊙ keep/(1 − p))·v (Vaswani et
 * al., 2017, eq. 1; torch's dropout on the weights). Causal hides keys j > i (torch's top-left
 * alignment). A row with every key hidden is NaN, as in torch.
 */
function reference([q, k, v, ...rest]: readonly Tensor[], { scale, causal, mask, dropout }: SdpaAttrs): Tensor[] {
  const m = mask === "none" ? null : rest[0]!, keep = dropout > 0 ? rest.at(-1)! : null;
  let s = q!.matmul(k!.mT).mul(scale);
  const L = s.shape[s.ndim - 2]!, S = s.shape[s.ndim - 1]!;
  if (causal) s = s.maskedFill(full([L, S], 1, { dtype: "bool", device: s.backend.name }).tril(0).logicalNot(), -Infinity);
  if (mask === "bool") s = s.maskedFill(m!.logicalNot(), -Infinity);
  else if (mask === "float") s = s.add(m!);
  const p = softmaxRef(s, s.ndim - 1);
  return [(keep ? p.mul(keep).div(1 - dropout) : p).matmul(v!), p];
}

/** q, k, v, mask and keep of a call, its geometry, and the wasm backend when its kernels apply. */
function plan(xs: readonly Tensor[], a: SdpaAttrs, more: (Tensor | null)[] = []) {
  const [q, k, v] = xs as [Tensor, Tensor, Tensor];
  const m = a.mask === "none" ? null : xs[3]!, keep = a.dropout > 0 ? xs.at(-1)! : null;
  const batch = broadcastShapes("scaledDotProductAttention", q.shape.slice(0, -2), k.shape.slice(0, -2), v.shape.slice(0, -2));
  const L = q.shape.at(-2)!, S = k.shape.at(-2)!;
  const ok = (!m || m.ndim - 2 <= batch.length) && (!keep || (keep.isContiguous() && keep.numel === L * S * batch.reduce((p, d) => p * d, 1))) && xs.every((x) => x.dtype === "float32" || x === m);
  const be = ok ? attentionKernels(q.backend, batch, q, k, v, keep, ...more) : null;
  // a float mask that is −∞ above the diagonal is causal: those scores are never computed
  const causal = a.causal || (!!be && a.mask === "float" && causalBelow(be, m!, L, S));
  const g: AttentionGeometry = { batch, L, S, E: q.shape.at(-1)!, Ev: v.shape.at(-1)!, causal, scale: a.scale, keep, keepScale: 1 / (1 - a.dropout) };
  return { q, k, v, m: m && m.ndim < 2 ? m.expand([L, S]) : m, be, g };
}

/**
 * A fresh tensor of `shape` laid out in `like`'s dimension order (by stride, the last dim last): for
 * MHA's head views [N, H, L, E] of [N, L, H·E], o and dq, dk, dv land in [N, L, H, E] memory, so
 * merging the heads (forward) and splitting them (backward) are views, not copies.
 */
function freshAs(like: Tensor, shape: readonly number[]): Tensor {
  const n = shape.length, order = like.ndim === n ? [...shape.keys()].slice(0, -1).sort((a, b) => like.strides[b]! - like.strides[a]! || a - b) : [];
  if (order.every((d, i) => d === i)) return fresh(like, shape);
  order.push(n - 1);
  return fresh(like, order.map((d) => shape[d]!)).permute(order.map((_, i) => order.indexOf(i)));
}

const wasmKernel: FusedKernel<SdpaAttrs> = (xs, a) => {
  const { q, k, v, m, be, g } = plan(xs, a);
  if (!be) return kernel(xs, a);
  const p = fresh(q, [...g.batch, g.L, g.S]), o = freshAs(q, [...g.batch, g.L, g.Ev]);
  attentionForwardJob(be, g, q, k, v, m, p.storage, o);
  return [o, p];
};

/** The backward on wasm (null: the kernels do not apply and the formula runs). */
function wasmBackward([gO, gP]: readonly (Tensor | null)[], xs: readonly Tensor[], p: Tensor, a: SdpaAttrs, needs: readonly boolean[]): (Tensor | null)[] | null {
  const { q, k, v, be, g } = plan(xs, a, [gO ?? null]);
  if (!be || !gO || !p.isContiguous() || (gP && !gP.isContiguous())) return null;
  // q, k, v side by side in one storage (a split projection): dq, dk, dv at the same places in one
  const at = q.ndim === g.batch.length + 2 && q.numel === p.numel / g.S * g.E ? sideBySide([q, k, v]) : null, lo = Math.min(q.offset, k.offset, v.offset);
  const buf = at ? fresh(q, [at]) : null;
  const [dq, dk, dv] = ([[q, g.L, g.E], [k, g.S, g.E], [v, g.S, g.Ev]] as const).map(([x, r, c]) => (buf ? Tensor.fromView(buf, x.shape, x.strides, x.offset - lo) : freshAs(x, [...g.batch, r, c])));
  const dS = a.mask === "float" && needs[3] ? fresh(q, p.shape) : null;
  attentionBackwardJob(be, g, q, k, v, gO, p.storage, gP ?? null, dq!, dk!, dv!, dS?.storage ?? null);
  return [needs[0] ? sumTo(dq!, q.shape) : null, needs[1] ? sumTo(dk!, k.shape) : null, needs[2] ? sumTo(dv!, v.shape) : null, ...(a.mask === "none" ? [] : [dS ? sumTo(dS, xs[3]!.shape) : null]), ...(a.dropout > 0 ? [null] : [])];
}

const kernel: FusedKernel<SdpaAttrs> = ([q, k, v, ...rest], { scale, causal, mask, dropout }) => {
  const be = q!.backend, m = mask === "none" ? null : rest[0]!, keep = dropout > 0 ? rest.at(-1)! : null;
  if (!be.hostView || k!.dtype !== q!.dtype || v!.dtype !== q!.dtype || (mask === "float" && m!.dtype !== q!.dtype)) return null;
  // matmul broadcasts the batch dims of q, k and v; s is fresh [...B, L, S] and becomes P in place
  const s = matmul(q!, k!.mT).contiguous();
  const shape = s.shape, L = shape[shape.length - 2]!, S = shape[shape.length - 1]!;
  if (m && m.ndim > shape.length) return null;
  const mc = m ? m.expand(shape).contiguous() : null; // the mask row by row beside the scores
  // views after every allocation: a growing wasm memory replaces its buffer
  const sd = be.hostView(s.storage), so = s.offset, md = mc ? be.hostView(mc.storage) : null, mo = mc?.offset ?? 0;
  for (let r = 0; r < s.numel / S; r++) {
    const i = r % L, base = so + r * S, mrow = mo + r * S;
    let mx = -Infinity;
    for (let j = 0; j < S; j++) {
      let x = sd[base + j]! * scale;
      if (causal && j > i) x = -Infinity;
      if (md) x = mask === "bool" ? (md[mrow + j] ? x : -Infinity) : x + md[mrow + j]!;
      sd[base + j] = x;
      if (x > mx || x !== x) mx = x;
    }
    let sum = 0;
    for (let j = 0; j < S; j++) sum += sd[base + j] = Math.exp(sd[base + j]! - mx);
    const inv = 1 / sum;
    for (let j = 0; j < S; j++) sd[base + j] = sd[base + j]! * inv;
  }
  return [matmul(keep ? s.mul(keep).div(1 - dropout) : s, v!), s];
};

export const scaledDotProductAttention: FusedDef<SdpaAttrs> = {
  reference,
  // With dP = dO·vᵀ ⊙ keep/(1 − p) + (the gradient of P itself), dS = P ⊙ (dP − rowsum(P ⊙ dP)),
  // dq = dS·k·scale, dk = dSᵀ·q·scale, dv = (P ⊙ keep/(1 − p))ᵀ·dO, dmask = dS.
  backward: (gs, xs, [, p], a, needs) => {
    if (!isGradEnabled()) {
      const got = wasmBackward(gs, xs, p!, a, needs);
      if (got) return got;
    }
    const [gO, gP] = gs, [q, k, v, m] = xs;
    const keep = a.dropout > 0 ? xs.at(-1)! : null;
    const w = keep ? p!.mul(keep).div(1 - a.dropout) : p!;
    let dP = gO ? gO.matmul(v!.mT) : null;
    if (dP && keep) dP = dP.mul(keep).div(1 - a.dropout);
    if (gP) dP = dP ? dP.add(gP) : gP;
    const dS = p!.mul(dP!.sub(p!.mul(dP!).sum(-1, true)));
    const dSs = needs[0] || needs[1] ? dS.mul(a.scale) : dS;
    return [
      // sumTo: batch dims of q, k and v may broadcast against one another
      needs[0] ? sumTo(dSs.matmul(k!), q!.shape) : null,
      needs[1] ? sumTo(dSs.mT.matmul(q!), k!.shape) : null,
      needs[2] && gO ? sumTo(w.mT.matmul(gO), v!.shape) : null,
      ...(a.mask === "none" ? [] : [a.mask === "float" && needs[3] ? sumTo(dS, m!.shape) : null]),
      ...(keep ? [null] : []),
    ];
  },
  kernels: { cpu: kernel, wasm: wasmKernel },
};
