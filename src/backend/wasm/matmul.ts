// The wasm backend's matmul: batched float32 GEMM on the packed microkernel (wasm/gemm.ts), split
// over threads past GEMM_THREAD_MIN; other dtypes take the exact host path. Called by WasmBackend.

import type { DType } from "../../dtype.js";
import type { Storage, View } from "../backend.js";
import { numel } from "../../shape.js";
import { offsets } from "../strided.js";
import type { WasmCtx } from "./context.js";
import type { WasmStorage } from "./memory.js";
import { TABLE_BYTE, TABLE_BYTES } from "./worker-loop.js";

/** Per-thread packing scratch of the GEMM kernel, grown when the pool grows. */
export class GemmScratch {
  ptr = 0;
  threads = 0;
}

export function matmul(c: WasmCtx, scratch: GemmScratch, a: View, b: View, dtype: DType): Storage {
  const r = a.shape.length;
  const m = a.shape[r - 2]!;
  const k = a.shape[r - 1]!;
  const n = b.shape[b.shape.length - 1]!;
  const batch = a.shape.slice(0, r - 2);
  const nb = numel(batch);
  const out = c.alloc(dtype, nb * m * n);
  if (out.length === 0) return out;
  if (dtype !== "float32" || a.storage.dtype !== "float32" || b.storage.dtype !== "float32") {
    return c.exact(out, c.host.matmul(c.onHost(a), c.onHost(b), dtype));
  }
  const f = foldBatch(a, b, m);
  if (f) gemm(c, scratch, f[0], f[1], out, [], nb * m, k, n);
  else gemm(c, scratch, a, b, out, batch, m, k, n);
  return out;
}

/**
 * A batch of A's against one broadcast B (a linear layer's x [N, L, in] · Wᵀ, its dx) as one tall
 * GEMM [N·L, k] · [k, n] when A's batch and row dims walk memory as one: B is packed once instead
 * of once per matrix, and the kernel runs on full MC blocks of rows. Same products, same order.
 */
function foldBatch(a: View, b: View, m: number): [View, View] | null {
  const ra = a.shape.length, rb = b.shape.length;
  if (ra < 3 || b.strides.slice(0, rb - 2).some((s, i) => s !== 0 && b.shape[i] !== 1)) return null;
  let expect = m * a.strides[ra - 2]!;
  for (let d = ra - 3; d >= 0; d--) {
    if (a.shape[d] !== 1 && a.strides[d] !== expect) return null;
    expect *= a.shape[d]!;
  }
  return [
    { ...a, shape: [numel(a.shape.slice(0, ra - 1)), a.shape[ra - 1]!], strides: [a.strides[ra - 2]!, a.strides[ra - 1]!] },
    { ...b, shape: b.shape.slice(rb - 2), strides: b.strides.slice(rb - 2) },
  ];
}

/** Grows the scratch to one slice per pool thread; returns the bytes of a slice. */
export function ensureScratch(c: WasmCtx, scratch: GemmScratch): number {
  const per = c.k.gemmScratchBytes();
  const pool = c.pool.threads;
  if (scratch.threads < pool) {
    if (scratch.threads > 0) c.heap.freeBytes(scratch.ptr, per * scratch.threads);
    scratch.ptr = c.heap.allocBytes(per * pool);
    scratch.threads = pool;
  }
  return per;
}

function gemm(c: WasmCtx, scratch: GemmScratch, a: View, b: View, out: WasmStorage, batch: number[], m: number, k: number, n: number): void {
  const threads = m * n * k >= c.tuning.gemmThreadMin ? c.pool.threads : 1;
  const per = ensureScratch(c, scratch);
  const ra = a.shape.length;
  const rb = b.shape.length;
  const aOffs = offsets(batch, a.strides.slice(0, ra - 2), a.offset);
  const bOffs = offsets(batch, b.strides.slice(0, rb - 2), b.offset);
  const ap = c.ws(a.storage).ptr;
  const bp = c.ws(b.storage).ptr;
  const nb = aOffs.length;
  // One matrix per chunk when there are enough matrices; else each matrix splits into one panel
  // per thread (along n, or m when taller): every chunk packs its own A and B panels, so more
  // chunks than threads would repeat packing for little balance gain.
  const splits = nb >= threads ? 1 : threads;
  const maxRows = Math.min(Math.floor(TABLE_BYTES / 12), Math.floor(65535 / splits));
  for (let b0 = 0; b0 < nb; b0 += maxRows) {
    const cnt = Math.min(maxRows, nb - b0);
    const i32 = c.heap.i32;
    for (let i = 0; i < cnt; i++) {
      const t = TABLE_BYTE / 4 + i * 3;
      i32[t] = ap + aOffs[b0 + i]! * 4;
      i32[t + 1] = bp + bOffs[b0 + i]! * 4;
      i32[t + 2] = out.ptr + (b0 + i) * m * n * 4;
    }
    c.args([
      1, m, n, k, a.strides[ra - 2]!, a.strides[ra - 1]!, b.strides[rb - 2]!, b.strides[rb - 1]!, n,
      cnt, TABLE_BYTE, scratch.ptr, per, splits, n < m ? 1 : 0,
    ]);
    c.pool.dispatch(cnt * splits, threads);
  }
}
