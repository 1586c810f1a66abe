// Glue for the fused LSTM layer's wasm kernels (wasm/rnn-seq.ts, jobs 32-34): argument layouts, the
// row chunking of a whole sequence and its GEMM scratch. Used by src/ops/fused/rnn.ts on float32 storages.

import type { Backend, Storage } from "../backend.js";
import { WasmBackend } from "./wasm-backend.js";

/** A float32 window: a storage and the element offset where it starts. */
export type At = readonly [Storage, number];

/** The wasm backend when its LSTM kernels apply (float32, H a multiple of 4), else null. */
export function lstmKernels(be: Backend, H: number): WasmBackend | null {
  return be instanceof WasmBackend && H % 4 === 0 ? be : null;
}

// Chunks of the whole-sequence jobs: blocks of 4 rows, one per thread when each gets real work.
const seqChunks = (be: WasmBackend, B: number, H: number): number => Math.max(1, Math.min(Math.ceil(B / 4), be.getNumThreads(), Math.floor((B * H) / 1024)));

/** B [k, n] (element strides rsb, csb, from w) packed into the 8-column slivers of wasm/rnn-seq.ts; the caller frees it. */
export function packPanel(be: WasmBackend, w: At, k: number, n: number, rsb: number, csb: number): Storage {
  const dst = be.empty(Math.ceil(n / 8) * 8 * k, "float32");
  be.job([32, k, n, be.ptr(dst), be.ptr(w[0]) + w[1] * 4, rsb, csb], 1);
  return dst;
}

// Runs a whole-sequence job with per-chunk GEMM scratch (packed rows of depth k and a 4x8 edge tile, as wasm/rnn-seq.ts gemmRowsScratch).
function seqJob(be: WasmBackend, args: number[], B: number, H: number, k: number): void {
  const nch = seqChunks(be, B, H), rows = Math.ceil(Math.ceil(B / nch) / 4) * 4, per = rows * k + 32;
  const scratch = be.empty(nch * per, "float32");
  be.job([...args, be.ptr(scratch), per * 4], nch);
  be.free(scratch);
}

/** The LSTM forward of all T steps (wasm/rnn-seq.ts): gates [T, B, 4H] (x·W_ihᵀ, overwritten), wT: W_hhᵀ packed by packPanel. */
export function lstmSeqForward(be: WasmBackend, B: number, T: number, H: number, reverse: boolean, gates: Storage, wT: Storage, bias: Storage, h0: At, c0: At, save: Storage, ys: Storage): void {
  const a = (w: At): number => be.ptr(w[0]) + w[1] * 4;
  seqJob(be, [33, B, T, H, reverse ? 1 : 0, be.ptr(gates), be.ptr(wT), be.ptr(bias), a(h0), a(c0), be.ptr(save), be.ptr(ys)], B, H, H);
}

/** The LSTM backward of all T steps into dg [T, B, 4H]; dh, dc [B, H] start as the final states' gradients and end as h0's and c0's. w: W_hh packed. */
export function lstmSeqBackward(be: WasmBackend, B: number, T: number, H: number, reverse: boolean, save: At, c0: At, gy: At | null, dh: Storage, dc: Storage, dg: Storage, w: Storage): void {
  const a = (x: At): number => be.ptr(x[0]) + x[1] * 4;
  seqJob(be, [34, B, T, H, reverse ? 1 : 0, a(save), a(c0), gy ? a(gy) : 0, be.ptr(dh), be.ptr(dc), be.ptr(dg), be.ptr(w)], B, H, 4 * H);
}
