// Glue for the engine kernels of wasm/engine.ts (job ids 9-19): the tanh/sigmoid backward maps and
// the benchmark's FMA roofline loop. Called by WasmBackend.

import type { Storage, View } from "../backend.js";
import { numel } from "../../shape.js";
import type { WasmCtx } from "./context.js";
import { flatStep } from "./maps.js";

/**
 * g·(1 − y²) (tanh) or g·y·(1 − y) (sigmoid) for contiguous float32 g and y of one shape, in f64
 * and rounded once like the host kernel it replaces; null (decline) for anything else.
 */
export function activationGrad(c: WasmCtx, op: "tanh" | "sigmoid", g: View, y: View): Storage | null {
  const n = numel(g.shape);
  if (g.storage.dtype !== "float32" || y.storage.dtype !== "float32" || numel(y.shape) !== n) return null;
  if (flatStep(g.shape, g.strides) !== 1 || flatStep(y.shape, y.strides) !== 1) return null;
  const out = c.alloc("float32", n);
  if (n === 0) return out;
  c.args([9, op === "tanh" ? 0 : 1, n, c.ws(g.storage).ptr + g.offset * 4, c.ws(y.storage).ptr + y.offset * 4, out.ptr]);
  c.run(n);
  return out;
}

/**
 * Runs `iterations` of the FMA roofline loop (96 flops each, registers only) on `threads` threads
 * at once (default 1); the caller times it. Relaxed-SIMD builds use fused multiply-add.
 */
export function fmaRoofline(c: WasmCtx, iterations: number, threads = 1): void {
  const nth = Math.max(1, Math.min(threads, c.pool.threads));
  const out = c.heap.allocBytes(16 * nth);
  try {
    c.args([10, iterations, out]);
    c.pool.dispatch(nth, nth);
  } finally {
    c.heap.freeBytes(out, 16 * nth);
  }
}
