// Glue for the fused recurrent layer's wasm kernels (wasm/rnn-seq.ts, jobs 32-38): argument layouts,
// the row chunking of a whole sequence and its GEMM scratch. Used by src/ops/fused/rnn.ts and
// rnn-backward.ts on float32 storages.

import type { Backend, Storage } from "../backend.js";
import { WasmBackend } from "./wasm-backend.js";

/** A float32 window: a storage and the element offset where it starts. */
export type At = readonly [Storage, number];
type Mode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";

/** The wasm backend when its sequence kernels apply (float32, H a multiple of 4), else null. */
export function seqKernels(be: Backend, dt: string, H: number): WasmBackend | null {
  return be instanceof WasmBackend && dt === "float32" && H % 4 === 0 ? be : null;
}

// Chunks of the whole-sequence jobs: blocks of 4 rows, one per thread when each gets real work.
const seqChunks = (be: WasmBackend, B: number, H: number): number => Math.max(1, Math.min(Math.ceil(B / 4), be.getNumThreads(), Math.floor((B * H) / 1024)));
const addr = (be: WasmBackend, w: At | null): number => (w ? be.ptr(w[0]) + w[1] * 4 : 0);

/**
 * B [k, n] (element strides rsb, csb, from w) packed into the 8-column slivers of wasm/rnn-seq.ts; the
 * caller frees it. below: a second matrix [k2, n] and its strides, stacked under B ([B; B2], depth k + k2).
 */
export function packPanel(be: WasmBackend, w: At, k: number, n: number, rsb: number, csb: number, below?: { w: At; k: number; rsb: number; csb: number }): Storage {
  const k2 = below?.k ?? 0, dst = be.empty(Math.ceil(n / 8) * 8 * (k + k2), "float32");
  be.job([32, k, n, be.ptr(dst), addr(be, w), rsb, csb, below ? addr(be, below.w) : 0, k2, below?.rsb ?? 0, below?.csb ?? 0], 1);
  return dst;
}

// Runs a whole-sequence job with per-chunk GEMM scratch (packed rows of depth k and a 5x8 edge tile, as wasm/rnn-seq.ts gemmRowsScratch).
function seqJob(be: WasmBackend, args: number[], B: number, H: number, k: number, extra: number[] = []): void {
  const nch = seqChunks(be, B, H), rows = Math.ceil(Math.ceil(B / nch) / 4) * 4, per = rows * k + 40;
  const scratch = be.empty(nch * per, "float32");
  be.job([...args, be.ptr(scratch), per * 4, ...extra], nch);
  be.free(scratch);
}

// The sequence jobs take a packed batch's rows per step (int32 [T], arg 17; 0 when every row runs every step).
function withSizes(be: WasmBackend, sizes: readonly number[] | null, run: (at: number) => void): void {
  const s = sizes ? be.upload(Int32Array.from(sizes), "int32") : null;
  run(s ? be.ptr(s) : 0);
  if (s) be.free(s);
}

/**
 * All T steps forward (wasm/rnn-seq.ts): GRU, Elman: gates [T, B, G·H] (x·W_ihᵀ, overwritten), wT: W_hhᵀ
 * packed by packPanel; LSTM: x [T, B, I] (with I), wT: [W_ih | W_hh]ᵀ packed (depth I + H), and save
 * [T, B, 6H] followed by [T, B, I + H] (the GEMM's [x_t | h_{t−1}] rows, for the backward). bias: LSTM
 * b_ih + b_hh [4H], GRU [4H] (r, z sums, b_in, b_hn), Elman [H]; c0 (LSTM) and save (LSTM, GRU) as in
 * rnn.ts; ys [T, B, H] written. sizes: a packed batch's rows per step, non-increasing; the
 * other rows carry h (and c) (wasm/rnn-seq.ts).
 */
export function seqForward(be: WasmBackend, mode: Mode, B: number, T: number, H: number, reverse: boolean, gates: Storage | null, wT: Storage, bias: Storage, h0: At, c0: At | null, save: Storage | null, ys: Storage, sizes: readonly number[] | null = null, x: readonly [...At, number, number, number] | null = null): void {
  const lstm = mode === "LSTM", step = lstm ? be.empty(B * 4 * H, "float32") : null; // an LSTM's per-step pre-activations
  const head = [B, T, H, reverse ? 1 : 0, be.ptr(gates ?? step!), be.ptr(wT), be.ptr(bias), addr(be, h0)];
  const tail = [save ? be.ptr(save) : 0, be.ptr(ys)];
  if (lstm) {
    const I = x![2], cat = be.ptr(save!) + T * B * 6 * H * 4;
    withSizes(be, sizes, (at) => seqJob(be, [33, ...head, addr(be, c0), ...tail], B, H, I + H, [0, 0, 0, at, addr(be, [x![0], x![1]]), cat, I, x![3], x![4]]));
    be.free(step!);
  } else if (mode === "GRU") {
    const rec = be.empty(B * 3 * H, "float32");
    withSizes(be, sizes, (at) => seqJob(be, [35, ...head, be.ptr(rec), ...tail], B, H, H, [0, 0, 0, at]));
    be.free(rec);
  } else withSizes(be, sizes, (at) => seqJob(be, [37, ...head, mode === "RNN_RELU" ? 1 : 0, ...tail], B, H, H, [0, 0, 0, at]));
}

/**
 * All T steps backward, last first, into dgx [T, B, G·H] (and dgh, the GRU's recurrent part); dh (and
 * dc) [B, H] start as the final states' gradients and end as the initial states'. w: W_hh packed.
 * gyStrides (LSTM): gy's element strides for t and b (unread without gy). needH0 (LSTM) false: dh ends
 * without the first step's GEMM (dh·W_hh into h0's gradient, which nobody wants).
 * Returns the column sums of dgx then dgh (the bias gradients; G·H each, the dgh half zero but for a GRU).
 */
export function seqBackward(be: WasmBackend, mode: Mode, B: number, T: number, H: number, reverse: boolean, save: At | null, h0: At, c0: At | null, ys: At, gy: At | null, dh: Storage, dc: Storage | null, dgx: Storage, dgh: Storage, w: Storage, sizes: readonly number[] | null = null, gyStrides: readonly number[] = [0, 0], needH0 = true): Float32Array {
  const rev = reverse ? 1 : 0, GH = (mode === "LSTM" ? 4 : mode === "GRU" ? 3 : 1) * H;
  const [pdh, pdgx, pw] = [be.ptr(dh), be.ptr(dgx), be.ptr(w)];
  const nch = seqChunks(be, B, H), acc = be.full(nch * 2 * GH, "float32", 0);
  const extra = [mode === "GRU" ? be.ptr(dgh) : 0, be.ptr(acc), 2 * GH * 4];
  if (mode === "LSTM") withSizes(be, sizes, (at) => seqJob(be, [34, B, T, H, rev, addr(be, save), addr(be, c0), addr(be, gy), pdh, be.ptr(dc!), pdgx, pw], B, H, GH, [...extra, at, ...gyStrides, needH0 ? 1 : 0]));
  else if (mode === "GRU") withSizes(be, sizes, (at) => seqJob(be, [36, B, T, H, rev, addr(be, save), addr(be, h0), addr(be, gy), pdh, addr(be, ys), pdgx, pw], B, H, GH, [...extra, at]));
  else withSizes(be, sizes, (at) => seqJob(be, [38, B, T, H, rev, addr(be, ys), mode === "RNN_RELU" ? 1 : 0, addr(be, gy), pdh, 0, pdgx, pw], B, H, H, [...extra, at]));
  const parts = be.hostView(acc) as Float32Array, sums = new Float32Array(2 * GH);
  for (let c = 0; c < nch; c++) for (let j = 0; j < 2 * GH; j++) sums[j] = sums[j]! + parts[c * 2 * GH + j]!;
  be.free(acc);
  return sums;
}

/**
 * An LSTM's dW [m, n] = dGᵀ·cat (job 39, wasm/rnn-dw.ts): dg [depth, m] and cat [depth, n] rows (cat
 * from its element offset: the [x | h] rows kept after the forward's saved gates). The caller frees it.
 */
export function gradW(be: WasmBackend, dg: Storage, cat: At, depth: number, m: number, n: number): Storage {
  const out = be.empty(m * n, "float32"), nch = Math.max(1, Math.min(be.getNumThreads(), Math.floor(m / 64)));
  const rows = Math.ceil(Math.ceil(m / nch) / 4) * 4, per = ((rows + Math.ceil(n / 8) * 8) * 256 + 40) * 4; // rnn-dw.ts rnnGradScratch
  const scratch = be.empty((nch * per) / 4, "float32");
  be.job([39, m, n, depth, be.ptr(dg), m, addr(be, cat), n, be.ptr(out), be.ptr(scratch), per], nch);
  be.free(scratch);
  return out;
}
