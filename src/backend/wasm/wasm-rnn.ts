// Glue for the fused LSTM layer's wasm kernels (wasm/rnn.ts, jobs 30 and 31): argument layouts and
// the row chunking of one time step. Used by src/ops/fused/rnn.ts on float32 storages.

import type { Backend, Storage } from "../backend.js";
import { WasmBackend } from "./wasm-backend.js";

/** A float32 window: a storage and the element offset where it starts. */
export type At = readonly [Storage, number];

/** The wasm backend when its LSTM kernels apply (float32, H a multiple of 4), else null. */
export function lstmKernels(be: Backend, H: number): WasmBackend | null {
  return be instanceof WasmBackend && H % 4 === 0 ? be : null;
}

// Rows per chunk: a step's rows split across threads only when each gets real work.
const chunks = (be: WasmBackend, B: number, H: number): number => Math.max(1, Math.min(B, be.getNumThreads(), Math.floor((B * H) / 4096)));

/** One forward step: gates and cell from x + rec + bias, into save (6H per row) and y (c_{t−1} rows of stride cps). */
export function lstmForwardStep(be: WasmBackend, B: number, H: number, x: At, rec: At, bias: At, cp: At, cps: number, save: At, y: At): void {
  const a = (w: At): number => be.ptr(w[0]) + w[1] * 4;
  be.job([30, B, H, a(x), a(rec), a(bias), a(cp), cps, a(save), a(y)], chunks(be, B, H));
}

/** One backward step: dg [B, 4H] from dh (+ gy), dc updated in place to the previous step's. */
export function lstmBackwardStep(be: WasmBackend, B: number, H: number, save: At, cp: At, cps: number, dh: At, gy: At | null, dc: At, dg: At): void {
  const a = (w: At): number => be.ptr(w[0]) + w[1] * 4;
  be.job([31, B, H, a(save), a(cp), cps, a(dh), gy ? a(gy) : 0, a(dc), a(dg)], chunks(be, B, H));
}
