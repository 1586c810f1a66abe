// Argument packing for cross-entropy's wasm job (wasm/loss.ts, job 53): the per-row max and sum of
// exponentials that the fused cross-entropy's host loops otherwise compute with Math.exp.

import type { Storage } from "../backend.js";
import type { WasmBackend } from "./wasm-backend.js";

/**
 * For contiguous float32 logits [n, c] (storage x from element xOff): stats, a float64 storage
 * [n, 2] of each row's max m and z = Σ_j exp(x_j − m) (only m where m is not finite), and with
 * `exps` a float32 storage [n, c] of exp(x_j − m). The caller frees both.
 */
export function crossEntropyRowsJob(be: WasmBackend, n: number, c: number, x: Storage, xOff: number, exps: boolean): { stats: Storage; e: Storage | null } {
  const stats = be.empty(2 * n, "float64");
  const e = exps ? be.empty(n * c, "float32") : null;
  const chunks = n * c >= 1 << 15 ? Math.max(1, Math.min(be.getNumThreads(), n)) : 1;
  if (n > 0) be.job([53, n, c, be.ptr(x) + 4 * xOff, be.ptr(stats), e ? be.ptr(e) : 0], chunks);
  return { stats, e };
}
