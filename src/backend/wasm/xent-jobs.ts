// Glue for the cross-entropy row kernels of wasm/xent.ts (jobs 44 forward, 45 backward): unweighted
// logits [n, c] float32 and int32 targets, contiguous; rows split over threads once worth it.

import type { Storage } from "../backend.js";
import type { WasmBackend } from "./wasm-backend.js";

/** A float32 or int32 window: a storage and the element offset where it starts. */
export type At = readonly [Storage, number];

const f32bits = (x: number): number => new Int32Array(Float32Array.of(x).buffer)[0]!;
const addr = (be: WasmBackend, a: At): number => be.ptr(a[0]) + 4 * a[1];
const chunks = (be: WasmBackend, n: number, c: number): number => (n * c >= 1 << 16 ? Math.max(1, Math.min(n, be.getNumThreads())) : 1);

/** Per-row losses out [n] (0 where the target is ignoreIndex), label smoothing ε (job 44). */
export function crossEntropyRowsJob(be: WasmBackend, n: number, c: number, x: At, t: At, ignoreIndex: number, eps: number, out: Storage): void {
  if (n > 0) be.job([44, n, c, addr(be, x), addr(be, t), ignoreIndex, f32bits(eps), be.ptr(out)], chunks(be, n, c));
}

/** dx [n, c] from g (one value per row, or one for all when gStride is 0) times factor (job 45). */
export function crossEntropyGradJob(be: WasmBackend, n: number, c: number, x: At, t: At, ignoreIndex: number, eps: number, g: At, gStride: number, factor: number, dx: Storage): void {
  if (n > 0) be.job([45, n, c, addr(be, x), addr(be, t), ignoreIndex, f32bits(eps), addr(be, g), gStride, f32bits(factor), be.ptr(dx)], chunks(be, n, c));
}
