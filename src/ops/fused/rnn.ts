// One recurrent layer in one direction as one fused op (Elman tanh/relu, LSTM, GRU with PyTorch's
// gate orders): the input projection of the whole sequence in one GEMM, one GEMM per step for the
// recurrence, the gates in one host pass per step, and one tape node whose rule is rnn-backward.ts.

import { enableGrad, isGradEnabled } from "../../autograd/grad-mode.js";
import { grad } from "../../autograd/grad.js";
import type { Backend, Storage, View } from "../../backend/backend.js";
import type { DType, TypedArray } from "../../dtype.js";
import { Tensor } from "../../tensor.js";
import { linear } from "./linear.js";
import { cat, contiguous, stack } from "../movement.js";
import type { FusedDef } from "./def.js";
import { bptt } from "./rnn-backward.js";
import { packPanel, seqForward, seqKernels } from "../../backend/wasm/wasm-rnn.js";

export type RnnMode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";
/**
 * reverse: the sequence runs from t = T − 1 down to 0; bias: b_ih and b_hh are inputs; batchSizes
 * (a packed batch, non-increasing): step t updates rows [0, batchSizes[t]), the others carry their state.
 */
export type RnnAttrs = { mode: RnnMode; reverse: boolean; bias: boolean; batchSizes?: readonly number[] };

/** Gates per mode: rows of W_ih and W_hh are gates·H. */
export const RNN_GATES: Record<RnnMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** The inputs by name: [x [T, B, in], h0 [B, H], c0 [B, H] (LSTM only), W_ih, W_hh, b_ih, b_hh (with bias)]. */
export interface RnnParts {
  x: Tensor;
  h0: Tensor;
  c0: Tensor | null;
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
}
export function rnnParts(xs: readonly Tensor[], { mode, bias }: RnnAttrs): RnnParts {
  let k = 0;
  const next = (): Tensor => xs[k++]!;
  return { x: next(), h0: next(), c0: mode === "LSTM" ? next() : null, wIh: next(), wHh: next(), bIh: bias ? next() : null, bHh: bias ? next() : null };
}

/** What the forward kernel keeps for the backward (see savedWidth), by the layer's output. */
export const saved = new WeakMap<Tensor, Tensor>();

// The composite: the cells of nn/functional/rnn.ts written out in primitives, one step at a time.
function reference(xs: readonly Tensor[], a: RnnAttrs): Tensor[] {
  const { x, h0, c0, wIh, wHh, bIh, bHh } = rnnParts(xs, a);
  const [T, B] = x.shape as [number, number];
  let h = h0, c = c0;
  const ys = new Array<Tensor>(T);
  for (let k = 0; k < T; k++) {
    const t = a.reverse ? T - 1 - k : k, [hp, cp] = [h, c], n = a.batchSizes?.[t] ?? B;
    const gx = linear.reference([x.select(0, t), wIh, ...(bIh ? [bIh] : [])], { activation: "none" })[0]!;
    const gh = linear.reference([h, wHh, ...(bHh ? [bHh] : [])], { activation: "none" })[0]!;
    if (a.mode === "LSTM") {
      const [i, f, g, o] = gx.add(gh).chunk(4, 1) as [Tensor, Tensor, Tensor, Tensor];
      c = f.sigmoid().mul(c!).add(i.sigmoid().mul(g.tanh()));
      h = o.sigmoid().mul(c.tanh());
    } else if (a.mode === "GRU") {
      const [xr, xz, xn] = gx.chunk(3, 1) as [Tensor, Tensor, Tensor];
      const [hr, hz, hn] = gh.chunk(3, 1) as [Tensor, Tensor, Tensor];
      const r = xr.add(hr).sigmoid(), z = xz.add(hz).sigmoid();
      const n = xn.add(r.mul(hn)).tanh();
      h = n.add(z.mul(h.sub(n)));
    } else h = a.mode === "RNN_TANH" ? gx.add(gh).tanh() : gx.add(gh).relu();
    const keep = (s: Tensor, was: Tensor): Tensor => cat([s.narrow(0, 0, n), was.narrow(0, n, B - n)], 0);
    if (n < B) [h, c] = [keep(h, hp), c && keep(c, cp!)];
    ys[t] = h;
  }
  return [stack(ys, 0), h, ...(c ? [c] : [])];
}

/** A row-major [rows, cols] window of a storage, or its transpose. */
export const mat = (storage: Storage, rows: number, cols: number, offset = 0): View => ({ storage, shape: [rows, cols], strides: [cols, 1], offset });
export const matT = (storage: Storage, rows: number, cols: number, offset = 0): View => ({ storage, shape: [cols, rows], strides: [1, cols], offset });

/** Contiguous inputs with their storage and offset (wasm's LSTM job reads a strided x in place), in one dtype; null when the kernel declines. */
export function hostParts(xs: readonly Tensor[], a: RnnAttrs): { p: RnnParts; be: Backend; dt: DType; T: number; B: number; I: number; H: number } | null {
  const raw = rnnParts(xs, a);
  const be = raw.x.backend, dt = raw.x.dtype;
  if (!be.hostView || (dt !== "float32" && dt !== "float64") || xs.some((t) => t.dtype !== dt) || raw.x.ndim !== 3) return null;
  const [T, B, I] = raw.x.shape as [number, number, number];
  const H = raw.wHh.shape[1]!, GH = RNN_GATES[a.mode] * H;
  const ok = (t: Tensor | null, shape: number[]): boolean => !t || (t.ndim === shape.length && t.shape.every((s, d) => s === shape[d]));
  if (T === 0 || !ok(raw.wIh, [GH, I]) || !ok(raw.wHh, [GH, H]) || !ok(raw.h0, [B, H]) || !ok(raw.c0, [B, H]) || !ok(raw.bIh, [GH]) || !ok(raw.bHh, [GH])) return null;
  const c = (t: Tensor | null): Tensor | null => (t ? contiguous(t) : null);
  const p = { x: a.mode === "LSTM" && seqKernels(be, dt, H) && raw.x.strides[2] === 1 ? raw.x : c(raw.x)!, h0: c(raw.h0)!, c0: c(raw.c0), wIh: c(raw.wIh)!, wHh: c(raw.wHh)!, bIh: c(raw.bIh), bHh: c(raw.bHh) };
  return { p, be, dt, T, B, I, H };
}

/** Workspace per (t, b) row: LSTM i, f, g, o, c, tanh c (6H); GRU r, z, n, W_hn h + b_hn (4H); Elman none. */
export const savedWidth = (mode: RnnMode): number => (mode === "LSTM" ? 6 : mode === "GRU" ? 4 : 0);

// The transcendentals run as the backend's unary kernels (SIMD on wasm) over a whole step's gates;
// the host loops only add, multiply and copy.
function forward(xs: readonly Tensor[], a: RnnAttrs): Tensor[] | null {
  const hp = hostParts(xs, a);
  if (!hp) return null;
  const { p, be, dt, T, B, I, H } = hp;
  const GH = RNN_GATES[a.mode] * H, lstm = a.mode === "LSTM", gru = a.mode === "GRU", SW = savedWidth(a.mode) * H;
  if (a.batchSizes && (!seqKernels(be, dt, H) || a.batchSizes.length !== T)) return null; // masked steps: wasm's sequence jobs only
  const view = (s: Storage): TypedArray => be.hostView!(s);
  const alloc = (n: number): Storage => (be.empty ? be.empty(n, dt) : be.full(n, dt, 0));
  const unary = (op: "sigmoid" | "tanh", s: Storage, cols: number, stride: number, offset: number): Storage =>
    be.unary(op, { storage: s, shape: [B, cols], strides: [stride, 1], offset }, dt);
  // both biases added once; a GRU keeps b_hn apart (r multiplies W_hn h + b_hn)
  const bias = new Float64Array(GH), bhn = new Float64Array(H);
  for (const [t, into] of [[p.bIh, 0], [p.bHh, 1]] as const) {
    if (!t) continue;
    const d = view(t.storage);
    for (let j = 0; j < GH; j++) {
      if (gru && into === 1 && j >= 2 * H) bhn[j - 2 * H] = d[t.offset + j]!;
      else bias[j] = bias[j]! + d[t.offset + j]!;
    }
  }
  // float32 on wasm: the time loop is one job (wasm/rnn-seq.ts) on W_hhᵀ packed once, an LSTM's input projection in its recurrence
  // GEMM ([W_ih | W_hh]ᵀ; save then ends with the [x_t | h_{t−1}] rows); else the projection is one GEMM [T·B, in]·W_ihᵀ
  const simd = seqKernels(be, dt, H), cat = simd && lstm ? I + H : 0;
  const xp = cat ? null : be.matmul(mat(p.x.storage, T * B, I, p.x.offset), matT(p.wIh.storage, GH, I, p.wIh.offset), dt);
  const ys = alloc(T * B * H);
  const save = SW ? alloc(T * B * (SW + cat)) : null;
  if (simd) {
    const wHh = [p.wHh.storage, p.wHh.offset] as const, wT = cat ? packPanel(simd, [p.wIh.storage, p.wIh.offset], I, GH, 1, I, { w: wHh, k: H, rsb: 1, csb: H }) : packPanel(simd, wHh, H, GH, 1, H);
    const biasAt = be.upload(Float32Array.from(gru ? [...bias, ...bhn] : bias), dt), c0 = p.c0 ? ([p.c0.storage, p.c0.offset] as const) : null;
    seqForward(simd, a.mode, B, T, H, a.reverse, xp, wT, biasAt, [p.h0.storage, p.h0.offset], c0, save, ys, a.batchSizes ?? null, [p.x.storage, p.x.offset, I, p.x.strides[0]!, p.x.strides[1]!]);
    for (const s of [biasAt, wT]) be.free?.(s);
  }
  for (let k = 0; !simd && k < T; k++) {
    const t = a.reverse ? T - 1 - k : k;
    const tp = a.reverse ? t + 1 : t - 1;
    const hPrev = k === 0 ? mat(p.h0.storage, B, H, p.h0.offset) : mat(ys, B, H, tp * B * H);
    const rec = be.matmul(hPrev, matT(p.wHh.storage, GH, H, p.wHh.offset), dt); // [B, G·H], ours to overwrite
    const x0 = t * B * GH, s0 = t * B * SW, y0 = t * B * H;
    let X = view(xp!), R = view(rec);
    // pre-activations into rec (a GRU's n block keeps W_hn h + b_hn, saved for the backward)
    const S0 = save ? view(save) : R;
    for (let b = 0; b < B; b++)
      for (let j = 0; j < GH; j++) {
        const at = b * GH + j;
        if (gru && j >= 2 * H) S0[s0 + b * SW + H + j] = R[at]! + bhn[j - 2 * H]!;
        else R[at] = X[x0 + at]! + R[at]! + bias[j]!;
      }
    if (lstm) {
      const sg = unary("sigmoid", rec, GH, GH, 0), tg = unary("tanh", rec, H, GH, 2 * H);
      let S = view(save!), Tg = view(tg);
      const Sg = view(sg);
      const cp = k === 0 ? view(p.c0!.storage) : S, cpo = k === 0 ? p.c0!.offset : tp * B * SW + 4 * H, cps = k === 0 ? H : SW;
      for (let b = 0; b < B; b++)
        for (let j = 0; j < H; j++) {
          const r = s0 + b * SW, g = b * GH + j;
          const i = Sg[g]!, f = Sg[g + H]!, gg = Tg[b * H + j]!, o = Sg[g + 3 * H]!;
          S[r + j] = i;
          S[r + H + j] = f;
          S[r + 2 * H + j] = gg;
          S[r + 3 * H + j] = o;
          S[r + 4 * H + j] = f * cp[cpo + b * cps + j]! + i * gg;
        }
      be.free?.(sg);
      be.free?.(tg);
      const tc = unary("tanh", save!, H, SW, s0 + 4 * H);
      S = view(save!);
      Tg = view(tc);
      const Y = view(ys);
      for (let b = 0; b < B; b++)
        for (let j = 0; j < H; j++) {
          const r = s0 + b * SW, v = Tg[b * H + j]!;
          S[r + 5 * H + j] = v;
          Y[y0 + b * H + j] = S[r + 3 * H + j]! * v;
        }
      be.free?.(tc);
    } else if (gru) {
      const sg = unary("sigmoid", rec, 2 * H, GH, 0);
      let S = view(save!);
      const Sg = view(sg);
      X = view(xp!);
      R = view(rec);
      for (let b = 0; b < B; b++)
        for (let j = 0; j < H; j++) {
          const r = Sg[b * 2 * H + j]!, row = s0 + b * SW;
          S[row + j] = r;
          S[row + H + j] = Sg[b * 2 * H + H + j]!;
          R[b * GH + 2 * H + j] = X[x0 + b * GH + 2 * H + j]! + bias[2 * H + j]! + r * S[row + 3 * H + j]!;
        }
      be.free?.(sg);
      const tn = unary("tanh", rec, H, GH, 2 * H);
      S = view(save!);
      const Tn = view(tn), Y = view(ys), Hp = k === 0 ? view(p.h0.storage) : Y, hpo = k === 0 ? p.h0.offset : tp * B * H;
      for (let b = 0; b < B; b++)
        for (let j = 0; j < H; j++) {
          const n = Tn[b * H + j]!, z = S[s0 + b * SW + H + j]!;
          S[s0 + b * SW + 2 * H + j] = n;
          Y[y0 + b * H + j] = n + z * (Hp[hpo + b * H + j]! - n);
        }
      be.free?.(tn);
    } else if (a.mode === "RNN_TANH") {
      const th = unary("tanh", rec, H, H, 0);
      view(ys).set(view(th).subarray(0, B * H), y0);
      be.free?.(th);
    } else {
      const Y = view(ys);
      for (let i = 0; i < B * H; i++) Y[y0 + i] = R[i]! > 0 || R[i] !== R[i] ? R[i]! : 0;
    }
    be.free?.(rec);
  }
  if (xp) be.free?.(xp);
  // the final states are copies of the last step's rows (outputs own their storage)
  const last = a.reverse ? 0 : T - 1;
  const hN = alloc(B * H), cN = lstm ? alloc(B * H) : null;
  view(hN).set(view(ys).subarray(last * B * H, (last + 1) * B * H));
  if (cN) {
    const C = view(cN), S = view(save!);
    for (let b = 0; b < B; b++) C.set(S.subarray(last * B * SW + b * SW + 4 * H, last * B * SW + b * SW + 5 * H), b * H);
  }
  const out = Tensor.fromStorage(be, ys, [T, B, H], dt);
  if (save) saved.set(out, Tensor.fromStorage(be, save, [T * B * (SW + cat)], dt));
  return [out, Tensor.fromStorage(be, hN, [B, H], dt), ...(cN ? [Tensor.fromStorage(be, cN, [B, H], dt)] : [])];
}

// Gradients through the composite: for gradients of gradients (createGraph), and where the kernel declined.
function compositeBackward(gs: readonly (Tensor | null)[], xs: readonly Tensor[], a: RnnAttrs, needs: readonly boolean[]): (Tensor | null)[] {
  const wanted = xs.filter((_, i) => needs[i]);
  const create = isGradEnabled();
  return enableGrad(() => {
    const outs = reference(xs, a);
    const used = outs.map((_, i) => i).filter((i) => gs[i] && outs[i]!.requiresGrad);
    if (!used.length) return xs.map(() => null);
    // retainGraph: the walk reaches the nodes above the inputs, which the outer backward still runs
    const got = grad(used.map((i) => outs[i]!), wanted, { gradOutputs: used.map((i) => gs[i]!), createGraph: create, retainGraph: true, allowUnused: true });
    let k = 0;
    return xs.map((x, i) => (needs[i] ? (got[k++] ?? null) : null));
  });
}

/**
 * nn.RNN/LSTM/GRU's layer loop for one layer and direction, as one op: x [T, B, in] → [ys [T, B, H],
 * h_T [B, H], c_T [B, H] (LSTM)], each step the cell of nn/functional/rnn.ts. The backward is BPTT
 * written by hand (rnn-backward.ts): per step one host pass over the gates and one GEMM with W_hh,
 * then one GEMM each for dW_ih, dW_hh and dx over the whole sequence.
 */
export const rnn: FusedDef<RnnAttrs> = {
  reference,
  backward: (gs, xs, outs, a, needs) => {
    if (isGradEnabled()) return compositeBackward(gs, xs, a, needs);
    if (!saved.has(outs[0]!) && a.mode !== "RNN_TANH" && a.mode !== "RNN_RELU") {
      // the reference ran (or the stash is gone): recompute the gates with the kernel
      const again = forward(xs, a);
      if (!again) return compositeBackward(gs, xs, a, needs);
      saved.set(outs[0]!, saved.get(again[0]!)!);
    }
    return bptt(gs, xs, outs, a, needs) ?? compositeBackward(gs, xs, a, needs);
  },
  kernels: { cpu: forward, wasm: forward },
};
