// Scaled dot-product attention as one fused op: the scores and the read-out are two batched GEMMs
// of the backend, scale + mask + causal + softmax one host pass in between, and a closed-form backward.

import type { Tensor } from "../../tensor.js";
import { full } from "../creation.js";
import { matmul } from "../linalg.js";
import { sumTo } from "../movement.js";
import type { FusedDef, FusedKernel } from "./def.js";
import { softmaxRef } from "./softmax.js";

/** mask: how inputs[3] reads: absent, bool (true = attend) or float (added to the scores). */
export type SdpaAttrs = { scale: number; causal: boolean; mask: "none" | "bool" | "float" };

/**
 * Outputs [O, P] for q [...B, L, E], k [...B, S, E], v [...B, S, Ev] and a mask broadcastable to
 * [...B, L, S]: P = softmax(q·kᵀ·scale + mask) over the keys, O = P·v (Vaswani et al., 2017, eq. 1).
 * Causal hides keys j > i (torch's top-left alignment). A row with every key hidden is NaN, as in torch.
 */
function reference([q, k, v, m]: readonly Tensor[], { scale, causal, mask }: SdpaAttrs): Tensor[] {
  let s = q!.matmul(k!.mT).mul(scale);
  const L = s.shape[s.ndim - 2]!, S = s.shape[s.ndim - 1]!;
  if (causal) s = s.maskedFill(full([L, S], 1, { dtype: "bool", device: s.backend.name }).tril(0).logicalNot(), -Infinity);
  if (mask === "bool") s = s.maskedFill(m!.logicalNot(), -Infinity);
  else if (mask === "float") s = s.add(m!);
  const p = softmaxRef(s, s.ndim - 1);
  return [p.matmul(v!), p];
}

/** Element strides of a contiguous mask of shape `ms` broadcast to `shape` (0 along broadcast dims). */
function broadcastStrides(ms: readonly number[], shape: readonly number[]): number[] {
  const lead = shape.length - ms.length;
  const out = new Array<number>(shape.length).fill(0);
  let st = 1;
  for (let d = ms.length - 1; d >= 0; d--) {
    if (ms[d] !== 1) out[d + lead] = st;
    st *= ms[d]!;
  }
  return out;
}

const kernel: FusedKernel<SdpaAttrs> = ([q, k, v, m], { scale, causal, mask }) => {
  const be = q!.backend;
  if (!be.hostView || k!.dtype !== q!.dtype || v!.dtype !== q!.dtype || (mask === "float" && m!.dtype !== q!.dtype)) return null;
  // matmul broadcasts the batch dims of q, k and v; s is fresh [...B, L, S] and becomes P in place
  const s = matmul(q!, k!.mT).contiguous();
  const shape = s.shape, L = shape[shape.length - 2]!, S = shape[shape.length - 1]!;
  if (m && m.ndim > shape.length) return null;
  const mc = m ? m.contiguous() : null;
  const ms = mc ? broadcastStrides(mc.shape, shape) : [];
  const rows = s.numel / S;
  // views after every allocation: a growing wasm memory replaces its buffer
  const sd = be.hostView(s.storage), so = s.offset;
  const md = mc ? be.hostView(mc.storage) : null, mo = mc?.offset ?? 0;
  const sj = ms[shape.length - 1] ?? 0;
  for (let r = 0; r < rows; r++) {
    const i = r % L;
    const base = so + r * S;
    let mrow = mo;
    if (md) for (let d = shape.length - 2, rest = r; d >= 0; d--) {
      mrow += (rest % shape[d]!) * ms[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    let mx = -Infinity;
    for (let j = 0; j < S; j++) {
      let x = sd[base + j]! * scale;
      if (causal && j > i) x = -Infinity;
      if (md) {
        const mv = md[mrow + j * sj]!;
        if (mask === "bool") x = mv ? x : -Infinity;
        else x += mv;
      }
      sd[base + j] = x;
      if (x > mx || x !== x) mx = x;
    }
    let sum = 0;
    for (let j = 0; j < S; j++) sum += sd[base + j] = Math.exp(sd[base + j]! - mx);
    const inv = 1 / sum;
    for (let j = 0; j < S; j++) sd[base + j] = sd[base + j]! * inv;
  }
  return [matmul(s, v!), s];
};

export const scaledDotProductAttention: FusedDef<SdpaAttrs> = {
  reference,
  // With dP = dO·vᵀ (+ the gradient of P itself), dS = P ⊙ (dP − rowsum(P ⊙ dP)), where
  // rowsum(P ⊙ dO·vᵀ) = rowsum(dO ⊙ O); dq = dS·k·scale, dk = dSᵀ·q·scale, dv = Pᵀ·dO, dmask = dS.
  backward: ([gO, gP], [q, k, v, m], [o, p], { scale, mask }, needs) => {
    let dP = gO ? gO.matmul(v!.mT) : null;
    let delta = gO ? gO.mul(o!).sum(-1, true) : null;
    if (gP) {
      dP = dP ? dP.add(gP) : gP;
      const extra = gP.mul(p!).sum(-1, true);
      delta = delta ? delta.add(extra) : extra;
    }
    const dS = p!.mul(dP!.sub(delta!));
    const dSs = needs[0] || needs[1] ? dS.mul(scale) : dS;
    return [
      // sumTo: batch dims of q, k and v may broadcast against one another
      needs[0] ? sumTo(dSs.matmul(k!), q!.shape) : null,
      needs[1] ? sumTo(dSs.mT.matmul(q!), k!.shape) : null,
      needs[2] && gO ? sumTo(p!.mT.matmul(gO), v!.shape) : null,
      mask === "float" && needs[3] ? sumTo(dS, m!.shape) : null,
    ];
  },
  kernels: { cpu: kernel, wasm: kernel },
};
