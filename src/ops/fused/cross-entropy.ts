// crossEntropy of logits x [N, C] and int32 class targets [N], with class weights, label smoothing
// and ignoreIndex (torch.nn.functional.cross_entropy). The kernel is one pass per row; the rule is
// the closed form dx = s·(p·A − a), where the loss of row i is −Σ_c a_ic·log p_ic.
// nn/functional/loss.ts validates the targets and handles the other layouts.

import type { Tensor } from "../../tensor.js";
import { where } from "../elementwise.js";
import { oneHot } from "../indexing.js";
import { unsqueeze } from "../movement.js";
import { softmax as softmaxOf } from "../reduce.js";
import { isGradEnabled } from "../../autograd/grad-mode.js";
import { crossEntropyGradJob, crossEntropyRowsJob } from "../../backend/wasm/xent-jobs.js";
import { fresh, wasmOf } from "./conv-host.js";
import { onHost, type FusedDef, type FusedKernel } from "./def.js";
import { logSoftmaxRef } from "./softmax.js";
import { applyFused } from "./table.js";

export type CrossEntropyReduction = "mean" | "sum" | "none";
/** Inputs: x, target, then the class weights when `weighted`. */
type Attrs = { ignoreIndex: number; labelSmoothing: number; reduction: CrossEntropyReduction; weighted: boolean };

/** keep: 1 where the target is not ignored; safe: targets with ignored ones set to class 0; wy = w[y]·keep. */
function targets(x: Tensor, t: Tensor, wc: Tensor | null, ignoreIndex: number): { keep: Tensor; safe: Tensor; wy: Tensor } {
  const kept = t.ne(ignoreIndex);
  const keep = kept.to(x.dtype);
  const safe = where(kept, t, 0);
  return { keep, safe, wy: wc ? wc.gather(0, safe).mul(keep) : keep };
}

export const crossEntropy: FusedDef<Attrs> = {
  // ℓᵢ = (1 − ε)·w[yᵢ]·(−log p[i, yᵢ]) + ε/C·Σ_c w_c·(−log p[i, c]), 0 where ignored; 'mean' divides by Σ w[yᵢ]
  reference: ([x, t, wc = null], { ignoreIndex, labelSmoothing: e, reduction }) => {
    const logp = logSoftmaxRef(x!, 1);
    const { keep, safe, wy } = targets(x!, t!, wc, ignoreIndex);
    let loss = logp.gather(1, unsqueeze(safe, 1)).squeeze(1).neg().mul(wy);
    if (e > 0) {
      const all = (wc ? logp.mul(wc) : logp).sum(1).neg().mul(keep);
      loss = loss.mul(1 - e).add(all.mul(e / x!.shape[1]!));
    }
    return [reduction === "none" ? loss : reduction === "sum" ? loss.sum() : loss.sum().div(wy.sum())];
  },
  // one host pass (crossEntropyBackward) unless the gradient must be differentiable again
  backward: ([g], [x, t, wc = null], _, attrs, needs) => {
    if (!needs[0]) return [null, null, null];
    const ins = [g!, x!, t!, ...(wc ? [wc] : [])];
    return [isGradEnabled() ? gradRef(ins, attrs) : applyFused("crossEntropyBackward", ins, attrs)[0]!, null, null];
  },
  kernels: { cpu: (xs, a) => hostForward(xs, a), wasm: (xs, a) => simdForward(xs, a) ?? hostForward(xs, a) },
};

/** wasm: unweighted float32 logits (xs[xi]) with int32 targets run as SIMD rows (wasm/xent.ts). */
const simd = (xs: readonly Tensor[], a: Attrs, xi: number) => (!a.weighted && xs[xi + 1]!.dtype === "int32" && xs.every((t, i) => i === xi + 1 || t.dtype === "float32") ? wasmOf(xs[xi]!) : null);
const at = (t: Tensor): readonly [Tensor["storage"], number] => [t.storage, t.offset];

const simdForward: FusedKernel<Attrs> = (xs, a) => {
  const be = simd(xs, a, 0), x = xs[0]!.contiguous(), out = be && fresh(x, a.reduction === "none" ? [x.shape[0]!] : []);
  if (be) crossEntropyRowsJob(be, x.shape[0]!, x.shape[1]!, at(x), at(xs[1]!.contiguous()), a, out!.storage);
  return out && [out];
};

const simdBackward: FusedKernel<Attrs> = (xs, a) => {
  const be = simd(xs, a, 1), x = xs[1]!.contiguous(), dx = be && fresh(x, x.shape);
  if (be) crossEntropyGradJob(be, x.shape[0]!, x.shape[1]!, at(x), at(xs[2]!.contiguous()), a, at(xs[0]!.contiguous()), dx!.storage);
  return dx && [dx];
};

const hostForward: FusedKernel<Attrs> = (xs, { ignoreIndex, labelSmoothing: e, reduction }) => {
  const [x, , wc] = xs;
  if (wc && wc.dtype !== x!.dtype) return null;
  const [n, c] = x!.shape as [number, number];
  return onHost(xs, [[reduction === "none" ? [n] : [], x!.dtype]], ([xi, ti, wi], [out]) => {
    let total = 0, wsum = 0, cw = 0;
    for (let j = 0; j < c; j++) cw += wi ? wi.data[wi.off + j]! : 1;
    for (let i = 0; i < n; i++) {
      const y = ti!.data[ti!.off + i]!;
      if (y === ignoreIndex) continue;
      const at = xi!.off + i * c;
      let m = -Infinity;
      for (let j = 0; j < c; j++) m = Math.max(m, xi!.data[at + j]!);
      if (!Number.isFinite(m)) m = 0;
      let s = 0;
      for (let j = 0; j < c; j++) s += Math.exp(xi!.data[at + j]! - m);
      const lse = m + Math.log(s);
      const wy = wi ? wi.data[wi.off + y]! : 1;
      let loss = -(xi!.data[at + y]! - lse) * wy;
      if (e > 0) {
        let all = 0; // Σ_c w_c·(x_c − lse) = Σ w_c x_c − lse·Σ w_c
        for (let j = 0; j < c; j++) all += (wi ? wi.data[wi.off + j]! : 1) * xi!.data[at + j]!;
        loss = loss * (1 - e) - (all - lse * cw) * (e / c);
      }
      if (reduction === "none") out![i] = loss;
      total += loss;
      wsum += wy;
    }
    if (reduction !== "none") out![0] = reduction === "sum" ? total : total / wsum;
  });
};

/** dx = s·(p·A − a) in primitives (A = Σ_c a_c; s = g, or g / Σ w[yᵢ] for 'mean'): the backward's oracle. */
function gradRef([g, x, t, wc = null]: readonly (Tensor | null)[], { ignoreIndex, labelSmoothing: e, reduction }: Attrs): Tensor {
  const c = x!.shape[1]!;
  const { keep, safe, wy } = targets(x!, t!, wc, ignoreIndex);
  const hot = oneHot(safe, c).to(x!.dtype).mul(unsqueeze(wy.mul(1 - e), 1));
  const a = e > 0 ? hot.add(unsqueeze(keep, 1).mul(wc ? wc.mul(e / c) : e / c)) : hot;
  const total = e > 0 ? wy.mul(1 - e).add(keep.mul(wc ? wc.sum().mul(e / c) : e)) : wy;
  const s = reduction === "none" ? unsqueeze(g!, 1) : reduction === "sum" ? g! : g!.div(wy.sum());
  return softmaxOf(x!, 1).mul(unsqueeze(total, 1)).sub(a).mul(s);
}

/** crossEntropy's input gradient from g, x, t (and the class weights): one host pass over the rows. */
export const crossEntropyBackward: FusedDef<Attrs> = {
  reference: (xs, attrs) => [gradRef(xs, attrs)],
  backward: null, // crossEntropy's rule runs gradRef instead when the gradient needs a graph
  kernels: { cpu: (xs, a) => hostBackward(xs, a), wasm: (xs, a) => simdBackward(xs, a) ?? hostBackward(xs, a) },
};

const hostBackward: FusedKernel<Attrs> = (xs, { ignoreIndex, labelSmoothing: e, reduction }) => {
  const [g, x, , wc] = xs;
  if ((wc && wc.dtype !== x!.dtype) || g!.dtype !== x!.dtype) return null;
  const [n, c] = x!.shape as [number, number];
  return onHost(xs, [[x!.shape, x!.dtype]], ([gi, xi, ti, wi], [out]) => {
    const w = (j: number): number => (wi ? wi.data[wi.off + j]! : 1);
    let cw = 0, wsum = 0; // Σ_c w_c and Σ_i w[yᵢ] over kept rows
    for (let j = 0; j < c; j++) cw += w(j);
    for (let i = 0; i < n; i++) if (ti!.data[ti!.off + i] !== ignoreIndex) wsum += w(ti!.data[ti!.off + i]!);
    const gs = gi!.data[gi!.off]!;
    for (let i = 0; i < n; i++) {
      const y = ti!.data[ti!.off + i]!, at = xi!.off + i * c, o = i * c;
      if (y === ignoreIndex) continue; // a zero row (outputs start zeroed)
      const s = reduction === "none" ? gi!.data[gi!.off + i]! : reduction === "sum" ? gs : gs / wsum;
      const wy = w(y), total = e > 0 ? wy * (1 - e) + cw * (e / c) : wy;
      let m = -Infinity, z = 0;
      for (let j = 0; j < c; j++) m = Math.max(m, xi!.data[at + j]!);
      if (!Number.isFinite(m)) m = 0;
      for (let j = 0; j < c; j++) z += (out![o + j] = Math.exp(xi!.data[at + j]! - m));
      for (let j = 0; j < c; j++) {
        const a = (j === y ? wy * (1 - e) : 0) + (e > 0 ? (w(j) * e) / c : 0);
        out![o + j] = ((out![o + j]! / z) * total - a) * s;
      }
    }
  });
};
