// Glue for the fused attention kernels of wasm/attention.ts (jobs 40 forward, 41 backward): tensor
// descriptors (batch strides, address, row stride) and chunking over the batch matrices.

import type { Backend, Storage, View } from "../backend.js";
import { isContiguous, numel } from "../../shape.js";
import { WasmBackend } from "./wasm-backend.js";

/** Batch dims the kernels index directly (more are declined: the host path runs). */
const MAX_BATCH = 4;

/** The wasm backend when the attention kernels apply: float32 views whose last dim is unit-stride, ≤ 4 batch dims. */
export function attentionKernels(be: Backend, batch: readonly number[], ...xs: (View | null)[]): WasmBackend | null {
  if (!(be instanceof WasmBackend) || batch.length > MAX_BATCH) return null;
  for (const x of xs) if (x && (x.storage.dtype !== "float32" || (x.strides.at(-1) !== 1 && x.shape.at(-1) !== 1))) return null;
  return be;
}

const bitsF = new Float32Array(1), bitsI = new Int32Array(bitsF.buffer);
const f32bits = (x: number): number => ((bitsF[0] = x), bitsI[0]!);

/** [4 batch strides (0 where broadcast), byte address, row stride (0 where broadcast)] of x broadcast to batch; elemBytes 1 for bool. */
function desc(be: WasmBackend, x: View, batch: readonly number[], elemBytes = 4): number[] {
  const nb = x.shape.length - 2, lead = batch.length - nb;
  const st = [0, 0, 0, 0];
  for (let d = 0; d < batch.length; d++) {
    const xd = d - lead;
    if (xd >= 0 && x.shape[xd] !== 1) st[MAX_BATCH - batch.length + d] = x.strides[xd]!;
  }
  return [...st, be.ptr(x.storage) + x.offset * elemBytes, x.shape[nb] === 1 ? 0 : x.strides[nb]!];
}

const pad4 = (batch: readonly number[]): number[] => [...new Array<number>(MAX_BATCH - batch.length).fill(1), ...batch];
const chunks = (be: WasmBackend, nb: number, work: number): number => (work >= 1 << 16 ? Math.max(1, Math.min(nb, be.getNumThreads() * 4)) : 1);
/** Per-thread scratch of jobs 40/41: kᵀ or vᵀ and two [max(L, 8), S8] blocks, S8 = S rounded up to 8 (wasm/attention.ts scratchFloats). */
const scratch = (be: WasmBackend, g: AttentionGeometry): Storage => be.empty(Math.max(1, (g.E + g.Ev + 2 * Math.max(g.L, 8)) * (Math.ceil(g.S / 8) * 8) * be.getNumThreads()), "float32");

export interface AttentionGeometry {
  batch: readonly number[];
  L: number;
  S: number;
  E: number;
  Ev: number;
  causal: boolean;
  scale: number;
  /** The dropout keep-mask (float32 0/1, contiguous [...batch, L, S]) and 1/(1 − p), or null. */
  keep: View | null;
  keepScale: number;
}

/**
 * P (contiguous [...batch, L, S]) = softmax(q·kᵀ·scale + mask) and o = (P ⊙ keep/(1 − p))·v, written
 * through o's view (any row and batch strides). mask: bool (u8, true = attend) or float32 (added).
 */
export function attentionForwardJob(be: WasmBackend, g: AttentionGeometry, q: View, k: View, v: View, mask: View | null, p: Storage, o: View): void {
  const nb = g.batch.reduce((a, b) => a * b, 1);
  if (nb === 0 || g.L === 0) return;
  if (mask && g.causal && zeroFromDiagonalDown(be, mask, g.L, g.S)) mask = null; // adds nothing to the scores computed
  const kind = !mask ? 0 : mask.storage.dtype === "bool" ? 1 : 2;
  const md = mask ? desc(be, mask, g.batch, kind === 1 ? 1 : 4) : [0, 0, 0, 0, 0, 0];
  const w = scratch(be, g);
  be.job([
    40, nb, ...pad4(g.batch), g.L, g.S, g.E, g.Ev, g.causal ? 1 : 0, kind, f32bits(g.scale), be.ptr(p), mask && mask.shape.at(-1) !== 1 ? mask.strides.at(-1)! : 0,
    ...desc(be, q, g.batch), ...desc(be, k, g.batch), ...desc(be, v, g.batch), ...md, ...desc(be, o, g.batch),
    g.keep ? be.ptr(g.keep.storage) + 4 * g.keep.offset : 0, f32bits(g.keepScale), be.ptr(w),
  ], chunks(be, nb, nb * g.L * g.S * (g.E + g.Ev)));
  be.free(w);
}

/**
 * dq [...batch, L, E], dk [...batch, S, E], dv [...batch, S, Ev] (views the caller allocated, written
 * through their strides) and dS (the scores' gradient [...batch, L, S], when wanted) from P, gP (or null) and gO.
 */
export function attentionBackwardJob(be: WasmBackend, g: AttentionGeometry, q: View, k: View, v: View, gO: View, p: Storage, gP: View | null, dq: View, dk: View, dv: View, dS: Storage | null): void {
  const nb = g.batch.reduce((a, b) => a * b, 1);
  if (nb === 0 || g.L === 0) return;
  const s = scratch(be, g);
  be.job([
    41, nb, ...pad4(g.batch), g.L, g.S, g.E, g.Ev, g.causal ? 1 : 0, f32bits(g.scale), be.ptr(p), gP ? be.ptr(gP.storage) + 4 * gP.offset : 0,
    dS ? be.ptr(dS) : 0, be.ptr(s), g.keep ? be.ptr(g.keep.storage) + 4 * g.keep.offset : 0, f32bits(g.keepScale),
    ...desc(be, q, g.batch), ...desc(be, k, g.batch), ...desc(be, v, g.batch), ...desc(be, gO, g.batch),
    ...desc(be, dq, g.batch), ...desc(be, dk, g.batch), ...desc(be, dv, g.batch),
  ], chunks(be, nb, nb * g.L * g.S * (g.E + g.Ev)));
  be.free(s);
}

/**
 * Whether a contiguous float32 mask [..., L, S] is −∞ at every j > i (as generateSquareSubsequentMask):
 * then the kernels skip those scores as for isCausal, and still add the mask below the diagonal.
 */
export function causalBelow(be: WasmBackend, m: View, L: number, S: number): boolean {
  const r = m.shape.length;
  if (r < 2 || m.shape[r - 2] !== L || m.shape[r - 1] !== S || m.storage.dtype !== "float32" || !isContiguous(m.shape, m.strides)) return false;
  const d = be.hostView(m.storage), n = numel(m.shape);
  for (let at = m.offset; at < m.offset + n; at += L * S)
    for (let i = 0; i < L; i++) for (let j = i + 1; j < S; j++) if (d[at + i * S + j] !== -Infinity) return false;
  return true;
}

/** Whether a contiguous float32 mask [..., L, S] is 0 at every j ≤ i (generateSquareSubsequentMask is). */
function zeroFromDiagonalDown(be: WasmBackend, m: View, L: number, S: number): boolean {
  const r = m.shape.length;
  if (r < 2 || m.shape[r - 2] !== L || m.shape[r - 1] !== S || m.storage.dtype !== "float32" || !isContiguous(m.shape, m.strides)) return false;
  const d = be.hostView(m.storage), n = numel(m.shape);
  for (let at = m.offset; at < m.offset + n; at += L * S)
    for (let i = 0; i < L; i++) for (let j = 0; j <= i && j < S; j++) if (d[at + i * S + j] !== 0) return false;
  return true;
}

/**
 * The span (elements from the lowest offset) of views with one storage, shape and strides that lie
 * side by side without overlap, as self-attention's q, k, v heads split from one [N, L, 3E]
 * projection; null otherwise. Their gradients can then take the same places in one fresh storage,
 * so that the split's backward finds them whole (no cat). Disjoint: the strides that step past
 * every offset are multiples of a period M, and the rest (inner extent R) fit between the offsets.
 */
export function sideBySide(xs: readonly View[]): number | null {
  const x = xs[0]!, offs = xs.map((v) => v.offset).sort((a, b) => a - b), d = offs.at(-1)! - offs[0]!;
  if (d === 0 || xs.some((v) => v.storage !== x.storage || v.shape.some((n, i) => n !== x.shape[i] || (n > 1 && v.strides[i]! <= 0) || v.strides[i] !== x.strides[i]))) return null;
  const dims = x.shape.map((_, i) => i).filter((i) => x.shape[i]! > 1).sort((a, b) => x.strides[a]! - x.strides[b]!);
  const ext = (ds: number[]): number => ds.reduce((a, i) => a + (x.shape[i]! - 1) * x.strides[i]!, 1);
  if (dims.some((i, p) => x.strides[i]! < ext(dims.slice(0, p)))) return null; // each view itself one-to-one
  const outer = dims.filter((i) => x.strides[i]! > d), M = Math.min(...outer.map((i) => x.strides[i]!)), R = ext(dims.filter((i) => x.strides[i]! <= d));
  const ok = outer.every((i) => x.strides[i]! % M === 0) && offs.every((o, i) => i === 0 || o - offs[i - 1]! >= R) && d + R <= M;
  const span = d + ext(dims);
  return ok && span <= xs.length * numel(x.shape) ? span : null;
}

/** A float32 window: a storage and the element offset where it starts. */
export type At = readonly [Storage, number];
const addr = (be: WasmBackend, a: At | null): number => (a ? be.ptr(a[0]) + 4 * a[1] : 0);
/** Row chunks of a LayerNorm job: one per thread once the rows are worth splitting. */
export const normChunks = (be: WasmBackend, rows: number, n: number): number => (rows * n >= 1 << 16 ? Math.max(1, Math.min(rows, be.getNumThreads())) : 1);

/** y = (x − μ)·rstd·w + b over `rows` contiguous rows of n (job 42); w, b optional. */
export function layerNormForwardJob(be: WasmBackend, rows: number, n: number, x: At, w: At | null, b: At | null, y: Storage, eps: number): void {
  be.job([42, rows, n, addr(be, x), addr(be, w), addr(be, b), be.ptr(y), f32bits(eps)], normChunks(be, rows, n));
}

/** dx of LayerNorm (job 43), and per-chunk partial sums [normChunks, n] of g·x̂ (dw) and g (db) when wanted. */
export function layerNormBackwardJob(be: WasmBackend, rows: number, n: number, g: At, x: At, w: At | null, dx: Storage, eps: number, dw: Storage | null, db: Storage | null): void {
  be.job([43, rows, n, addr(be, g), addr(be, x), addr(be, w), be.ptr(dx), f32bits(eps), dw ? be.ptr(dw) : 0, db ? be.ptr(db) : 0], normChunks(be, rows, n));
}

/**
 * Embedding rows (wasm/embedding.ts; indices checked by the caller): fn 46, out [k, d] = the table's
 * rows at index; fn 47, out [n, d] (zeroed) += g's k rows at their indices in order, the padding row skipped.
 */
export function embeddingJob(be: WasmBackend, fn: 46 | 47, k: number, d: number, src: At, index: At, out: Storage, pad = -1): void {
  be.job([fn, k, d, addr(be, src), addr(be, index), be.ptr(out), pad], fn === 46 ? normChunks(be, k, d) : 1);
}
