// Backpropagation through time for the fused recurrent layer (rnn.ts), by hand: walking the steps
// backwards, one host pass turns dh (and dc) into the gates' pre-activation gradients and one GEMM
// with W_hh carries dh to the previous step; dW_ih, dW_hh and dx are then one GEMM each.

import type { Storage } from "../../backend/backend.js";
import type { TypedArray } from "../../dtype.js";
import { Tensor } from "../../tensor.js";
import { contiguous } from "../movement.js";
import { gradW, packPanel, seqBackward, seqKernels } from "../../backend/wasm/wasm-rnn.js";
import { hostParts, mat, matT, RNN_GATES, saved, savedWidth, type RnnAttrs } from "./rnn.js";

/**
 * The gradients of [x, h0, c0?, W_ih, W_hh, b_ih?, b_hh?] given those of [ys, h_T, c_T?] (null where
 * none), or null when the host path cannot run. Formulas, per step with dh = g_y[t] + dh_{t+1}:
 * LSTM  do = dh·tanh c, dc = dc_{t+1} + dh·o·(1 − tanh² c), di = dc·g, dg = dc·i, df = dc·c_{t−1},
 *       dc_t−1 = dc·f, each times its activation's derivative;
 * GRU   dn = dh·(1 − z), dz = dh·(h_{t−1} − n), dr = dn·(1 − n²)·(W_hn h + b_hn), and h_{t−1} gets dh·z
 *       besides the GEMM (the W_hn part of the recurrent gradient is multiplied by r);
 * Elman d(pre) = dh·(1 − h²) (tanh) or dh·[h > 0] (relu).
 */
export function bptt(gs: readonly (Tensor | null)[], xs: readonly Tensor[], outs: readonly Tensor[], a: RnnAttrs, needs: readonly boolean[]): (Tensor | null)[] | null {
  const hp = hostParts(xs, a);
  if (!hp) return null;
  const { p, be, dt, T, B, I, H } = hp;
  const lstm = a.mode === "LSTM", gru = a.mode === "GRU";
  if (a.batchSizes && !seqKernels(be, dt, H)) return null;
  const GH = RNN_GATES[a.mode] * H, TB = T * B, SW = savedWidth(a.mode) * H;
  const S = saved.get(outs[0]!) ?? null;
  if ((lstm || gru) && !S) return null;
  const view = (s: Storage): TypedArray => be.hostView!(s);
  const ys = contiguous(outs[0]!);
  const c = (t: Tensor | null | undefined): Tensor | null => (t ? contiguous(t) : null);
  // wasm's LSTM job reads a strided output gradient (batchFirst's transpose) in place
  const inPlace = lstm && !!seqKernels(be, dt, H) && gs[0]?.strides[2] === 1;
  const [gY, ghN, gcN] = [inPlace ? gs[0]! : c(gs[0]), c(gs[1]), c(lstm ? gs[2] : null)];
  const Arr = dt === "float64" ? Float64Array : Float32Array;
  // dh and dc flowing back into the step being processed; they start as the final states' gradients
  const dh = new Arr(B * H), dc = new Arr(B * H), direct = new Arr(B * H);
  if (ghN) dh.set(view(ghN.storage).subarray(ghN.offset, ghN.offset + B * H));
  if (gcN) dc.set(view(gcN.storage).subarray(gcN.offset, gcN.offset + B * H));
  const dGx = be.empty ? be.empty(TB * GH, dt) : be.full(TB * GH, dt, 0);
  const dGh = gru ? (be.empty ? be.empty(TB * GH, dt) : be.full(TB * GH, dt, 0)) : dGx;
  // float32 on wasm: the whole backward time loop is one job (wasm/rnn-seq.ts), dh and dc live in wasm memory
  const simd = seqKernels(be, dt, H);
  const [dhS, dcS] = simd ? ([be.upload(dh, dt), lstm ? be.upload(dc, dt) : null] as const) : ([null, null] as const);
  let biasSums: Float32Array | null = null;
  if (simd) {
    const w = packPanel(simd, [p.wHh.storage, p.wHh.offset], GH, H, H, 1);
    const at = (t: Tensor | null): readonly [Storage, number] | null => (t ? [t.storage, t.offset] : null);
    biasSums = seqBackward(simd, a.mode, B, T, H, a.reverse, at(S), at(p.h0)!, at(p.c0), at(ys)!, at(gY), dhS!, dcS, dGx, dGh, w, a.batchSizes ?? null, gY ? gY.strides.slice(0, 2) : [0, 0], !!needs[1]);
    be.free?.(w);
  }
  for (let k = T - 1; !simd && k >= 0; k--) {
    const t = a.reverse ? T - 1 - k : k, tp = a.reverse ? t + 1 : t - 1;
    const Gx = view(dGx), Gh = view(dGh), Y = view(ys.storage), yo = ys.offset;
    const W = S ? view(S.storage) : Y, so = S?.offset ?? 0;
    const gy = gY ? view(gY.storage) : null, gyo = gY?.offset ?? 0;
    const Hp = k === 0 ? view(p.h0.storage) : Y, hpo = k === 0 ? p.h0.offset : yo + tp * B * H;
    const Cp = lstm ? (k === 0 ? view(p.c0!.storage) : W) : null;
    const cpo = k === 0 ? (p.c0?.offset ?? 0) : so + tp * B * SW + 4 * H, cps = k === 0 ? H : SW;
    for (let b = 0; b < B; b++) {
      const gr = (t * B + b) * GH, yr = (t * B + b) * H, sr = so + (t * B + b) * SW;
      for (let j = 0; j < H; j++) {
        const bj = b * H + j;
        const d = dh[bj]! + (gy ? gy[gyo + yr + j]! : 0);
        if (lstm) {
          const i = W[sr + j]!, f = W[sr + H + j]!, g = W[sr + 2 * H + j]!, o = W[sr + 3 * H + j]!;
          const tc = W[sr + 5 * H + j]!;
          const dcv = dc[bj]! + d * o * (1 - tc * tc);
          Gx[gr + j] = dcv * g * i * (1 - i);
          Gx[gr + H + j] = dcv * Cp![cpo + b * cps + j]! * f * (1 - f);
          Gx[gr + 2 * H + j] = dcv * i * (1 - g * g);
          Gx[gr + 3 * H + j] = d * tc * o * (1 - o);
          dc[bj] = dcv * f;
        } else if (gru) {
          const r = W[sr + j]!, z = W[sr + H + j]!, n = W[sr + 2 * H + j]!, hn = W[sr + 3 * H + j]!;
          const dn = d * (1 - z) * (1 - n * n);
          const dr = dn * hn * r * (1 - r), dz = d * (Hp[hpo + bj]! - n) * z * (1 - z);
          Gx[gr + j] = Gh[gr + j] = dr;
          Gx[gr + H + j] = Gh[gr + H + j] = dz;
          Gx[gr + 2 * H + j] = dn;
          Gh[gr + 2 * H + j] = dn * r;
          direct[bj] = d * z;
        } else {
          const y = Y[yo + yr + j]!;
          Gx[gr + j] = a.mode === "RNN_TANH" ? d * (1 - y * y) : y > 0 ? d : 0;
        }
      }
    }
    // dh_{t−1} = dG_t·W_hh (+ the direct path of a GRU)
    const back = be.matmul(mat(dGh, B, GH, t * B * GH), mat(p.wHh.storage, GH, H, p.wHh.offset), dt);
    const Bk = view(back);
    for (let i = 0; i < B * H; i++) dh[i] = Bk[i]! + (gru ? direct[i]! : 0);
    be.free?.(back);
  }
  const wrap = (s: Storage, shape: number[]): Tensor => Tensor.fromStorage(be, s, shape, dt);
  // bias gradients: column sums of the gate gradients (summed inside the wasm job, else the backend's reduction)
  const colSums = (s: Storage, half: number): Tensor =>
    biasSums ? wrap(be.upload(biasSums.subarray(half * GH, (half + 1) * GH), dt), [GH]) : wrap(be.reduce("sum", mat(s, TB, GH), [0]), [GH]);
  const nIh = a.mode === "LSTM" ? 3 : 2;
  const wants = (name: "x" | "h0" | "c0" | "wIh" | "wHh" | "bIh" | "bHh"): boolean => {
    const at = { x: 0, h0: 1, c0: 2, wIh: nIh, wHh: nIh + 1, bIh: nIh + 2, bHh: nIh + 3 }[name];
    return !!needs[at];
  };
  let dWhh: Tensor | null = null, dWih: Tensor | null = null;
  // the previous states in step order (h0, then ys shifted by one step), beside x when both weights want gradients
  // and share the gate gradients: one GEMM [GH, I + H] packs dGᵀ once (wasm's LSTM forward kept those rows after the gates)
  const kept = lstm && simd && S!.shape[0]! > TB * SW;
  if (wants("wHh") || (kept && wants("wIh"))) {
    const both = kept || (wants("wIh") && dGh === dGx), K = both ? I + H : H;
    const prev = kept ? S!.storage : be.empty ? be.empty(TB * K, dt) : be.full(TB * K, dt, 0);
    const P = view(prev), Y = view(ys.storage), h0 = view(p.h0.storage), X = view(p.x.storage);
    const first = a.reverse ? T - 1 : 0;
    for (let t = 0; !kept && t < T; t++) {
      const from = t === first ? h0.subarray(p.h0.offset, p.h0.offset + B * H) : Y.subarray(ys.offset + (a.reverse ? t + 1 : t - 1) * B * H, ys.offset + (a.reverse ? t + 2 : t) * B * H);
      if (!both) P.set(from, t * B * H);
      for (let b = 0, r = t * B; both && b < B; b++, r++) {
        P.set(X.subarray(p.x.offset + r * I, p.x.offset + (r + 1) * I), r * K);
        P.set(from.subarray(b * H, (b + 1) * H), r * K + I);
      }
    }
    const dW = kept ? gradW(simd, dGh, [prev, S!.offset + TB * SW], TB, GH, K) : be.matmul(matT(dGh, TB, GH), mat(prev, TB, K), dt);
    if (!kept) be.free?.(prev);
    if (both) {
      const cols = (c0: number, n: number): Tensor => wrap(be.contiguous({ storage: dW, shape: [GH, n], strides: [K, 1], offset: c0 }), [GH, n]);
      [dWih, dWhh] = [wants("wIh") ? cols(0, I) : null, wants("wHh") ? cols(I, H) : null];
      be.free?.(dW);
    } else dWhh = wrap(dW, [GH, H]);
  }
  const grads: (Tensor | null)[] = [
    wants("x") ? wrap(be.matmul(mat(dGx, TB, GH), mat(p.wIh.storage, GH, I, p.wIh.offset), dt), [T, B, I]) : null,
    wants("h0") ? wrap(dhS ?? be.upload(dh, dt), [B, H]) : null,
    ...(lstm ? [wants("c0") ? wrap(dcS ?? be.upload(dc, dt), [B, H]) : null] : []),
    dWih ?? (wants("wIh") ? wrap(be.matmul(matT(dGx, TB, GH), mat(p.x.storage, TB, I, p.x.offset), dt), [GH, I]) : null),
    dWhh,
    ...(a.bias ? [wants("bIh") ? colSums(dGx, 0) : null, wants("bHh") ? colSums(dGh, gru ? 1 : 0) : null] : []),
  ];
  if (S && saved.delete(outs[0]!)) be.free?.(S.storage); // freed now, not at the next GC (6 MB a step in the bench); a retained graph recomputes it (rnn.ts)
  return grads;
}
