// Glue for the cross-entropy row kernels of wasm/xent.ts (jobs 44 forward, 45 backward): unweighted
// logits [n, c] float32 and int32 targets, contiguous; rows split over threads once worth it.

import type { Storage } from "../backend.js";
import type { WasmBackend } from "./wasm-backend.js";

/** A float32 or int32 window: a storage and the element offset where it starts. */
export type At = readonly [Storage, number];
/** The op's settings (ops/fused/cross-entropy.ts). */
export interface XentAttrs {
  ignoreIndex: number;
  labelSmoothing: number;
  reduction: "mean" | "sum" | "none";
}

const f32 = new Float32Array(1), bits = new Int32Array(f32.buffer);
const f32bits = (x: number): number => ((f32[0] = x), bits[0]!);
const addr = (be: WasmBackend, a: At): number => be.ptr(a[0]) + 4 * a[1];
const chunks = (be: WasmBackend, n: number, c: number): number => (n * c >= 1 << 16 ? Math.max(1, Math.min(n, be.getNumThreads())) : 1);
/** Rows whose target is not ignoreIndex. */
function kept(be: WasmBackend, t: At, n: number, ignoreIndex: number): number {
  const d = be.hostView(t[0]);
  let k = 0;
  for (let i = t[1]; i < t[1] + n; i++) if (d[i] !== ignoreIndex) k++;
  return k;
}

/**
 * The loss into out: per row ([n], 0 where the target is ignoreIndex) for 'none', else its sum, or
 * its mean over the kept rows (job 44 fills the rows, summed here in float64 as the host kernel).
 */
export function crossEntropyRowsJob(be: WasmBackend, n: number, c: number, x: At, t: At, a: XentAttrs, out: Storage): void {
  const rows = a.reduction === "none" ? out : be.empty(Math.max(1, n), "float32");
  if (n > 0) be.job([44, n, c, addr(be, x), addr(be, t), a.ignoreIndex, f32bits(a.labelSmoothing), be.ptr(rows)], chunks(be, n, c));
  if (rows === out) return;
  const r = be.hostView(rows);
  let total = 0;
  for (let i = 0; i < n; i++) total += r[i]!;
  be.hostView(out)[0] = a.reduction === "sum" ? total : total / kept(be, t, n, a.ignoreIndex);
  be.free(rows);
}

/** dx [n, c] of the loss given its gradient g (one value per row for 'none', else a scalar) (job 45). */
export function crossEntropyGradJob(be: WasmBackend, n: number, c: number, x: At, t: At, a: XentAttrs, g: At, dx: Storage): void {
  const factor = a.reduction === "mean" ? 1 / kept(be, t, n, a.ignoreIndex) : 1;
  if (n > 0) be.job([45, n, c, addr(be, x), addr(be, t), a.ignoreIndex, f32bits(a.labelSmoothing), addr(be, g), a.reduction === "none" ? 1 : 0, f32bits(factor), be.ptr(dx)], chunks(be, n, c));
}
