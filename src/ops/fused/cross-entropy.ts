// crossEntropy of logits x [N, C] and int32 class targets [N], with class weights, label smoothing
// and ignoreIndex (torch.nn.functional.cross_entropy). The kernel is one pass per row; the rule is
// the closed form dx = s·(p·A − a), where the loss of row i is −Σ_c a_ic·log p_ic.
// nn/functional/loss.ts validates the targets and handles the other layouts.

import type { Tensor } from "../../tensor.js";
import { where } from "../elementwise.js";
import { oneHot } from "../indexing.js";
import { unsqueeze } from "../movement.js";
import { softmax as softmaxOf } from "../reduce.js";
import { hostKernels, onHost, type FusedDef } from "./def.js";
import { logSoftmaxRef } from "./softmax.js";

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
  backward: ([g], [x, t, wc = null], _, { ignoreIndex, labelSmoothing: e, reduction }, needs) => {
    if (!needs[0]) return [null, null, null];
    const c = x!.shape[1]!;
    const { keep, safe, wy } = targets(x!, t!, wc, ignoreIndex);
    const hot = oneHot(safe, c).to(x!.dtype).mul(unsqueeze(wy.mul(1 - e), 1));
    const a = e > 0 ? hot.add(unsqueeze(keep, 1).mul(wc ? wc.mul(e / c) : e / c)) : hot;
    const total = e > 0 ? wy.mul(1 - e).add(keep.mul(wc ? wc.sum().mul(e / c) : e)) : wy;
    const s = reduction === "none" ? unsqueeze(g!, 1) : reduction === "sum" ? g! : g!.div(wy.sum());
    return [softmaxOf(x!, 1).mul(unsqueeze(total, 1)).sub(a).mul(s), null, null];
  },
  kernels: hostKernels((xs, { ignoreIndex, labelSmoothing: e, reduction }) => {
    const [x, , wc] = xs;
    if (wc && wc.dtype !== x!.dtype) return null;
    const [n, c] = x!.shape as [number, number];
    const shape = reduction === "none" ? [n] : [];
    return onHost(xs, [[shape, x!.dtype]], ([xi, ti, wi], [out]) => {
      let total = 0, wsum = 0, cw = 0;
      if (wi) for (let j = 0; j < c; j++) cw += wi.data[wi.off + j]!;
      else cw = c;
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
  }),
};
